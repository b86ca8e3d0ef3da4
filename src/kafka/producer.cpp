#include "kafka/producer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <mutex>

#include "kafka/kafka_error.hpp"

namespace etl::kafka {

namespace {
using Clock = std::chrono::steady_clock;

Persistence to_persistence(rd_kafka_msg_status_t s) noexcept {
  switch (s) {
    case RD_KAFKA_MSG_STATUS_PERSISTED:
      return Persistence::persisted;
    case RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED:
      return Persistence::possibly_persisted;
    default:
      return Persistence::not_persisted;
  }
}

// Never let an exception cross librdkafka's C frames.
void invoke_safely(const DeliveryCallback& cb, const DeliveryReport& report,
                   const std::string& who) {
  try {
    cb(report);
  } catch (const std::exception& e) {
    spdlog::error("kafka [{}] delivery callback threw: {}", who, e.what());
  }
}
}  // namespace

class Producer::Core : public detail::ClientCore {
 public:
  using ClientCore::ClientCore;

  DeliveryCallback on_delivery;
  std::atomic<uint64_t> enqueued{0};
  std::atomic<uint64_t> acknowledged{0};
  std::atomic<uint64_t> failed{0};

  mutable std::mutex failures_mutex;
  std::map<int, FailureSummary> failures;

  void record_failure(const Error& e) {
    const std::lock_guard lock(failures_mutex);
    auto& f = failures[e.code];
    ++f.count;
    f.example = e;
  }

  // dr_msg_cb: runs on the thread serving the producer's queue (produce/poll/flush).
  static void delivery_report(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
    auto* core = static_cast<Core*>(static_cast<detail::ClientCore*>(opaque));
    // The per-message callback, if any, was handed to librdkafka as the message opaque.
    std::unique_ptr<DeliveryCallback> per_message(static_cast<DeliveryCallback*>(msg->_private));

    DeliveryReport report;
    const char* topic = msg->rkt != nullptr ? rd_kafka_topic_name(msg->rkt) : "";
    report.topic = topic;
    if (msg->key != nullptr) report.key = {static_cast<const char*>(msg->key), msg->key_len};
    report.partition = msg->partition;
    report.offset = msg->offset;
    report.persistence = to_persistence(rd_kafka_message_status(msg));
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      report.error =
          kafka_error(msg->err, fmt::format("delivery to {} [{}] failed", topic, msg->partition));
      core->failed.fetch_add(1);
      core->record_failure(*report.error);
      spdlog::debug("kafka [{}] {}", core->name(), report.error->message);
    } else {
      core->acknowledged.fetch_add(1);
      core->status.note_broker_reachable();
    }
    if (core->on_delivery) invoke_safely(core->on_delivery, report, core->name());
    if (per_message && *per_message) invoke_safely(*per_message, report, core->name());
  }
};

std::string FlushResult::describe() const {
  const uint64_t total = counters.enqueued;
  if (complete()) return fmt::format("all {} messages acknowledged", total);
  std::string out = fmt::format("{} of {} messages not acknowledged: {} undelivered, {} failed",
                                undelivered + counters.failed, total, undelivered, counters.failed);
  for (const auto& [code, f] : failures) {
    out += fmt::format("; {} x {}", f.count, f.example.message);
  }
  if (undelivered > 0 && last_client_error) {
    out += fmt::format("; last client error: {}", last_client_error->message);
  }
  return out;
}

Producer::Producer(const config::KafkaConfig& cfg, ProducerOptions options)
    : queue_full_timeout_(options.queue_full_timeout) {
  ConfPtr conf = kafka_conf_from(cfg, ClientRole::producer, options.client);
  std::array<char, 256> client_id{};
  size_t size = client_id.size();
  rd_kafka_conf_get(conf.get(), "client.id", client_id.data(), &size);
  core_ = std::make_unique<Core>(client_id.data());
  core_->on_delivery = std::move(options.on_delivery);
  core_->on_error = std::move(options.on_client_error);
  detail::attach_core(conf.get(), core_.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Core::delivery_report);
  rk_ = detail::create_handle(std::move(conf), RD_KAFKA_PRODUCER);
  spdlog::debug("kafka [{}] producer created (idempotent, acks=all)", rd_kafka_name(rk_.get()));
}

Producer::~Producer() { destroy(); }

Producer::Producer(Producer&& other) noexcept = default;

Producer& Producer::operator=(Producer&& other) noexcept {
  if (this != &other) {
    destroy();
    core_ = std::move(other.core_);
    rk_ = std::move(other.rk_);
    queue_full_timeout_ = other.queue_full_timeout_;
  }
  return *this;
}

void Producer::destroy() noexcept {
  if (!rk_) return;
  const uint64_t pending =
      core_->enqueued.load() - core_->acknowledged.load() - core_->failed.load();
  if (pending > 0) {
    spdlog::warn(
        "kafka [{}] closing with {} messages not acknowledged; purging them (they are "
        "reported as failed)",
        core_->name(), pending);
    purge_undelivered(std::chrono::seconds(5));
  }
  rk_.reset();
  core_.reset();
}

std::optional<Error> Producer::produce(const OutgoingMessage& message,
                                       DeliveryCallback on_delivered) {
  HeadersPtr headers;
  if (!message.headers.empty()) {
    headers.reset(rd_kafka_headers_new(message.headers.size()));
    for (const auto& h : message.headers) {
      const rd_kafka_resp_err_t herr =
          rd_kafka_header_add(headers.get(), h.name.data(), static_cast<ssize_t>(h.name.size()),
                              h.value.data(), static_cast<ssize_t>(h.value.size()));
      if (herr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return kafka_error(herr, fmt::format("cannot add header {}", h.name));
      }
    }
  }
  std::unique_ptr<DeliveryCallback> callback;
  if (on_delivered) callback = std::make_unique<DeliveryCallback>(std::move(on_delivered));

  const std::string topic(message.topic);
  const auto deadline = Clock::now() + queue_full_timeout_;
  core_->enqueued.fetch_add(1);
  for (;;) {
    // Headers are duplicated per attempt only in the sense that ownership passes on success.
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(message.partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(message.key.empty() ? nullptr : message.key.data(), message.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(message.value.data()), message.value.size()),
        RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_OPAQUE(callback.get()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)headers.release();      // librdkafka owns the headers now
      (void)callback.release();     // freed in delivery_report
      rd_kafka_poll(rk_.get(), 0);  // serve reports that are ready, cheaply
      return std::nullopt;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && Clock::now() < deadline) {
      rd_kafka_poll(rk_.get(), 100);  // backpressure: wait for reports to free room
      continue;
    }
    core_->enqueued.fetch_sub(1);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      std::array<char, 512> buf{};
      const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk_.get(), buf.data(), buf.size());
      throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka, static_cast<int>(orig),
                     fmt::format("kafka producer {} is in a fatal state: {} ({})", core_->name(),
                                 buf.data(), rd_kafka_err2name(orig)));
    }
    Error e = kafka_error(err, fmt::format("cannot produce to {} (key {}, {} bytes)", topic,
                                           message.key, message.value.size()));
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      e.cls = ErrorClass::retriable;
      e.message += fmt::format(
          ": the local queue stayed full for {} ms (broker unreachable or "
          "too slow)",
          queue_full_timeout_.count());
    } else if (err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
               err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
      e.cls = ErrorClass::fatal;
    }
    return e;
  }
}

int Producer::poll(std::chrono::milliseconds timeout) {
  return rd_kafka_poll(rk_.get(), static_cast<int>(timeout.count()));
}

FlushResult Producer::flush(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // rd_kafka_flush serves the reports; loop in short slices so pending() (our own count of
  // messages without a report) decides, not librdkafka's queue length, which also counts
  // internal requests.
  while (counters().pending() > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    rd_kafka_flush(rk_.get(), static_cast<int>(std::min<int64_t>(left.count(), 100)));
  }
  rd_kafka_poll(rk_.get(), 0);
  FlushResult r;
  r.counters = counters();
  r.undelivered = r.counters.pending();
  r.failures = failures();
  r.last_client_error = core_->status.last_error();
  if (!r.complete()) {
    spdlog::warn("kafka [{}] flush: {}", core_->name(), r.describe());
  }
  return r;
}

uint64_t Producer::purge_undelivered(std::chrono::milliseconds wait_for_reports) {
  const uint64_t before = counters().pending();
  if (before == 0) return 0;
  const rd_kafka_resp_err_t err =
      rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::error("kafka [{}] purge failed: {}", core_->name(), rd_kafka_err2str(err));
  }
  const auto deadline = Clock::now() + wait_for_reports;
  while (counters().pending() > 0 && Clock::now() < deadline) rd_kafka_poll(rk_.get(), 50);
  return before - counters().pending();
}

DeliveryCounters Producer::counters() const {
  DeliveryCounters c;
  // Read completions first so pending() never underflows against a concurrent report.
  c.acknowledged = core_->acknowledged.load();
  c.failed = core_->failed.load();
  c.enqueued = core_->enqueued.load();
  return c;
}

std::map<int, FailureSummary> Producer::failures() const {
  const std::lock_guard lock(core_->failures_mutex);
  return core_->failures;
}

const ClientStatus& Producer::status() const { return core_->status; }
const std::string& Producer::name() const { return core_->name(); }

}  // namespace etl::kafka

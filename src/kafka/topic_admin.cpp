#include "kafka/topic_admin.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <thread>

#include "kafka/kafka_error.hpp"

namespace etl::kafka {

namespace {
using Clock = std::chrono::steady_clock;

int timeout_ms(std::chrono::milliseconds t) {
  return static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(t.count(), INT32_MAX)));
}

MetadataPtr fetch_metadata(rd_kafka_t* rk, rd_kafka_topic_t* only_topic,
                           std::chrono::milliseconds timeout, std::string_view what) {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, only_topic == nullptr ? 1 : 0, only_topic, &md, timeout_ms(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw EtlError(kafka_error(err, fmt::format("kafka metadata request for {} failed", what)));
  }
  return MetadataPtr(md);
}

// Does an error from CreateTopics mean "this cluster has no usable admin API"?
bool admin_api_unavailable(int code) noexcept {
  switch (static_cast<rd_kafka_resp_err_t>(code)) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
      return true;
    default:
      return false;
  }
}
}  // namespace

TopicSpec topic_spec_from(const config::KafkaConfig& cfg) {
  TopicSpec spec;
  spec.name = cfg.topic;
  spec.partitions = cfg.topic_partitions;
  spec.replication_factor = cfg.replication_factor;
  return spec;
}

std::string_view to_string(TopicOutcome o) noexcept {
  switch (o) {
    case TopicOutcome::existed:
      return "existed";
    case TopicOutcome::created:
      return "created";
    case TopicOutcome::auto_created:
      return "auto_created";
  }
  return "unknown";
}

std::optional<int> topic_partition_count(rd_kafka_t* rk, const std::string& topic,
                                         std::chrono::milliseconds timeout) {
  // All-topics metadata: unlike a request naming the topic, it never triggers auto-creation.
  const MetadataPtr md = fetch_metadata(rk, nullptr, timeout, "all topics");
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return std::nullopt;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt == 0) {
      throw EtlError(kafka_error(t.err, fmt::format("kafka metadata for topic {}", topic)));
    }
    return t.partition_cnt;
  }
  return std::nullopt;
}

Watermarks query_watermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                            std::chrono::milliseconds timeout) {
  Watermarks w;
  w.partition = partition;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk, topic.c_str(), partition, &w.low, &w.high, timeout_ms(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw EtlError(kafka_error(err, fmt::format("watermark query for {} [{}]", topic, partition)));
  }
  return w;
}

std::vector<Watermarks> query_all_watermarks(rd_kafka_t* rk, const std::string& topic,
                                             std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const std::optional<int> count = topic_partition_count(rk, topic, timeout);
  if (!count) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka,
                   static_cast<int>(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART),
                   fmt::format("kafka topic {} does not exist", topic));
  }
  std::vector<Watermarks> out;
  out.reserve(static_cast<size_t>(*count));
  for (int32_t p = 0; p < *count; ++p) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    out.push_back(query_watermarks(rk, topic, p, std::max(left, std::chrono::milliseconds(1))));
  }
  return out;
}

AdminClient::AdminClient(const config::KafkaConfig& cfg, ClientOptions options) {
  if (options.client_id.empty()) options.client_id = "walmart-etl-admin";
  ConfPtr conf = kafka_conf_from(cfg, ClientRole::admin, options);
  core_ = std::make_unique<detail::ClientCore>(options.client_id);
  detail::attach_core(conf.get(), core_.get());
  rk_ = detail::create_handle(std::move(conf), RD_KAFKA_PRODUCER);
}

AdminClient::~AdminClient() {
  rk_.reset();
  core_.reset();
}

std::optional<Error> AdminClient::create_topic(const TopicSpec& spec,
                                               std::chrono::milliseconds timeout) {
  std::array<char, 512> errstr{};
  NewTopicPtr topic(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                          spec.replication_factor, errstr.data(), errstr.size()));
  if (!topic) {
    throw ConfigError(fmt::format("kafka topic {} (partitions {}, replication factor {}): {}",
                                  spec.name, spec.partitions, spec.replication_factor,
                                  errstr.data()));
  }
  for (const auto& [name, value] : spec.configs) {
    const rd_kafka_resp_err_t err =
        rd_kafka_NewTopic_set_config(topic.get(), name.c_str(), value.c_str());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw ConfigError(fmt::format("kafka topic {} config {}={}: {}", spec.name, name, value,
                                    rd_kafka_err2str(err)));
    }
  }
  AdminOptionsPtr opts(rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  if (rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms(timeout), errstr.data(),
                                                errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout_ms(timeout), errstr.data(),
                                                  errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw ConfigError(fmt::format("kafka admin timeout {} ms: {}", timeout.count(), errstr.data()));
  }
  QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(rk_.get(), topics, 1, opts.get(), queue.get());

  // librdkafka enforces the request timeout itself; the margin only guards against a hang.
  EventPtr ev(rd_kafka_queue_poll(queue.get(), timeout_ms(timeout + std::chrono::seconds(5))));
  if (!ev) {
    return kafka_error(RD_KAFKA_RESP_ERR__TIMED_OUT, fmt::format("CreateTopics {}", spec.name));
  }
  if (const rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Error e = kafka_error(err, fmt::format("CreateTopics {}", spec.name));
    e.message += fmt::format(" - {}", rd_kafka_event_error_string(ev.get()));
    return e;
  }
  const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev.get());
  size_t cnt = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
      continue;
    Error e =
        kafka_error(err, fmt::format("CreateTopics {}", rd_kafka_topic_result_name(results[i])));
    if (const char* msg = rd_kafka_topic_result_error_string(results[i]); msg != nullptr) {
      e.message += fmt::format(" - {}", msg);
    }
    return e;
  }
  return std::nullopt;
}

int AdminClient::wait_for_auto_creation(const TopicSpec& spec, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  TopicHandlePtr rkt(rd_kafka_topic_new(rk_.get(), spec.name.c_str(), nullptr));
  if (!rkt) {
    throw EtlError(kafka_error(rd_kafka_last_error(), fmt::format("topic handle {}", spec.name)));
  }
  rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  while (Clock::now() < deadline) {
    // A metadata request naming the topic asks the broker to auto-create it
    // (allow.auto.create.topics=true on this client).
    const rd_kafka_metadata_t* raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 0, rkt.get(), &raw, 2000);
    const MetadataPtr md(raw);
    last = err;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md && md->topic_cnt == 1) {
      const rd_kafka_metadata_topic_t& t = md->topics[0];
      last = t.err;
      if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt > 0) return t.partition_cnt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the broker creates it async
  }
  throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka, static_cast<int>(last),
                 fmt::format("kafka topic {} does not exist and the broker did not auto-create it "
                             "within {} ms (last: {}). Broker auto.create.topics.enable may be off "
                             "or kafka.properties.allow.auto.create.topics=false: create the topic "
                             "yourself ({} partitions, replication factor {})",
                             spec.name, timeout.count(), rd_kafka_err2name(last), spec.partitions,
                             spec.replication_factor));
}

void AdminClient::wait_for_cluster(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const rd_kafka_metadata_t* raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 0, nullptr, &raw, 1000);
    const MetadataPtr md(raw);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    // Serves error_cb, which records why the broker refused the connection, if it did.
    rd_kafka_poll(rk_.get(), 0);
    if (const auto e = core_->status.last_error(); e && e->cls == ErrorClass::fatal) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka, e->code,
                     fmt::format("cannot use the Kafka cluster: {}", e->message));
    }
    if (Clock::now() >= deadline) {
      throw EtlError(kafka_error(err, "kafka metadata request for all topics failed"));
    }
  }
}

EnsureTopicResult AdminClient::ensure_topic(const TopicSpec& spec,
                                            std::chrono::milliseconds timeout) {
  EnsureTopicResult result;
  wait_for_cluster(timeout);
  if (const auto existing = topic_partition_count(rk_.get(), spec.name, timeout)) {
    result.outcome = TopicOutcome::existed;
    result.partitions = *existing;
    if (*existing != spec.partitions) {
      result.note = fmt::format("topic {} exists with {} partitions (configured {}); left as it is",
                                spec.name, *existing, spec.partitions);
      spdlog::info("kafka: {}", result.note);
    } else {
      spdlog::debug("kafka: topic {} exists ({} partitions)", spec.name, *existing);
    }
    return result;
  }

  const std::optional<Error> failure = create_topic(spec, timeout);
  if (!failure) {
    result.outcome = TopicOutcome::created;
    result.partitions = spec.partitions;
    spdlog::info("kafka: created topic {} ({} partitions, replication factor {})", spec.name,
                 spec.partitions, spec.replication_factor);
    return result;
  }
  if (!admin_api_unavailable(failure->code)) {
    Error e = *failure;
    e.cls = ErrorClass::fatal;
    e.message = fmt::format("cannot create kafka topic {}: {}", spec.name, e.message);
    throw EtlError(std::move(e));
  }
  spdlog::warn(
      "kafka: {} - the cluster does not answer the Admin API (librdkafka's mock cluster, "
      "and so dev-broker, does not implement CreateTopics); falling back to broker "
      "auto-creation, which uses the broker's default partition count and configs",
      failure->message);
  result.partitions = wait_for_auto_creation(spec, timeout);
  result.outcome = TopicOutcome::auto_created;
  result.note = fmt::format(
      "topic {} auto-created by the broker with {} partitions (configured {}; "
      "retention and max.message.bytes are the broker's defaults) because "
      "CreateTopics failed: {}",
      spec.name, result.partitions, spec.partitions, failure->message);
  spdlog::warn("kafka: {}", result.note);
  return result;
}

}  // namespace etl::kafka

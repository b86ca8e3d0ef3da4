#include "kafka/consumer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstring>
#include <mutex>

#include "kafka/kafka_error.hpp"

namespace etl::kafka {

namespace {

void check_partition_errors(const rd_kafka_topic_partition_list_t* list, std::string_view what) {
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw EtlError(kafka_error(p.err, fmt::format("{} {} [{}]", what, p.topic, p.partition)));
    }
  }
}

int timeout_ms(std::chrono::milliseconds t) {
  return static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(t.count(), INT32_MAX)));
}

}  // namespace

class Consumer::Core : public detail::ClientCore {
 public:
  using ClientCore::ClientCore;

  RebalanceHandlers handlers;
  std::mutex failure_mutex;
  std::optional<std::string> handler_failure;  // rethrown by poll()

  void fail(std::string what) {
    spdlog::error("kafka [{}] {}", name(), what);
    const std::lock_guard lock(failure_mutex);
    if (!handler_failure) handler_failure = std::move(what);
  }

  template <typename Fn, typename Arg>
  bool call_handler(const Fn& fn, Arg& parts, std::string_view which) {
    if (!fn) return true;
    try {
      fn(parts);
      return true;
    } catch (const std::exception& e) {
      fail(fmt::format("rebalance handler {} failed for {}: {}", which, describe(parts), e.what()));
      return false;
    }
  }

  static void check_error(rd_kafka_error_t* raw, Core* core, std::string_view what) {
    const ErrorPtr error(raw);
    if (error) core->fail(kafka_error(error.get(), what).message);
  }

  // rebalance_cb: runs inside rd_kafka_consumer_poll() / rd_kafka_consumer_close().
  static void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* core = static_cast<Core*>(static_cast<detail::ClientCore*>(opaque));
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      TopicPartitions assigned = from_native(parts);
      if (!core->call_handler(core->handlers.on_assigned, assigned, "on_assigned")) return;
      // Owner-supplied start offsets: assign exactly there.
      const PartitionListPtr list = to_native(assigned);
      spdlog::info("kafka [{}] assigned: {}", core->name(), describe(assigned));
      if (cooperative) {
        check_error(rd_kafka_incremental_assign(rk, list.get()), core, "incremental_assign");
      } else {
        const rd_kafka_resp_err_t e = rd_kafka_assign(rk, list.get());
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) core->fail(kafka_error(e, "assign").message);
      }
      // librdkafka keeps the application's pause flag on the partition object, which outlives an
      // assignment (2.8's assign resets only the library's own pause flag, and no call tells
      // whether a partition is paused): a partition paused by its owner, taken away by a
      // rebalance and given back would never be fetched again, while the owner (which forgot it
      // on revocation) believes it runs. So a newly assigned partition is resumed. Since 2.4
      // resuming a partition that is not paused does nothing (before, it restarted the fetch
      // from an older position and re-delivered messages).
      if (const rd_kafka_resp_err_t e = rd_kafka_resume_partitions(rk, list.get());
          e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        core->fail(kafka_error(e, "resume newly assigned partitions").message);
      }
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      const TopicPartitions revoked = from_native(parts);
      const bool lost = rd_kafka_assignment_lost(rk) != 0;
      spdlog::info("kafka [{}] {}: {}", core->name(), lost ? "lost" : "revoked", describe(revoked));
      if (lost) {
        core->call_handler(core->handlers.on_lost, revoked, "on_lost");
      } else {
        core->call_handler(core->handlers.on_revoked, revoked, "on_revoked");
      }
      // Unassign whatever the handler did: the group has taken these partitions away.
      if (cooperative) {
        check_error(rd_kafka_incremental_unassign(rk, parts), core, "incremental_unassign");
      } else {
        const rd_kafka_resp_err_t e = rd_kafka_assign(rk, nullptr);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) core->fail(kafka_error(e, "unassign").message);
      }
    } else {
      core->fail(kafka_error(err, "rebalance failed").message);
      const rd_kafka_resp_err_t e = rd_kafka_assign(rk, nullptr);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        spdlog::error("kafka [{}] unassign: {}", core->name(), rd_kafka_err2str(e));
    }
  }
};

Consumer::Consumer(const config::KafkaConfig& cfg, ConsumerOptions options) {
  ConfPtr conf = kafka_conf_from(cfg, ClientRole::consumer, options.client);
  std::array<char, 256> buf{};
  size_t size = buf.size();
  rd_kafka_conf_get(conf.get(), "client.id", buf.data(), &size);
  core_ = std::make_unique<Core>(buf.data());
  size = buf.size();
  rd_kafka_conf_get(conf.get(), "group.id", buf.data(), &size);
  group_id_ = buf.data();
  core_->handlers = std::move(options.rebalance);
  core_->on_error = std::move(options.on_client_error);
  detail::attach_core(conf.get(), core_.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Core::rebalance);
  rk_ = detail::create_handle(std::move(conf), RD_KAFKA_CONSUMER);
  // Serve error/log events from rd_kafka_consumer_poll() too.
  const rd_kafka_resp_err_t err = rd_kafka_poll_set_consumer(rk_.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw_kafka_error(err, "rd_kafka_poll_set_consumer");
}

Consumer::~Consumer() {
  if (rk_ && !closed_) {
    if (const auto err = close()) {
      spdlog::warn("kafka [{}] close on destruction: {}", core_->name(), err->message);
    }
  }
  // A consumer closed between joining its group and its first assignment is destroyed like any
  // other: librdkafka before 2.3.0 aborted there (the cooperative-sticky assignor's state was
  // never made); the library this project builds (2.8) does not, and
  // tests/integration/kafka/consumer_close_test.cpp closes one inside that window every run.
  rk_.reset();
  core_.reset();
}

void Consumer::subscribe(const std::vector<std::string>& topics) {
  TopicPartitions tps;
  for (const auto& t : topics)
    tps.push_back(TopicPartition{t, RD_KAFKA_PARTITION_UA, RD_KAFKA_OFFSET_INVALID});
  const PartitionListPtr list = to_native(tps);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw EtlError(kafka_error(
        err, fmt::format("subscribe group {} to {}", group_id_, fmt::join(topics, ","))));
  }
  spdlog::info("kafka [{}] group {} subscribed to {}", core_->name(), group_id_,
               fmt::join(topics, ","));
}

void Consumer::assign(const TopicPartitions& partitions) {
  const PartitionListPtr list = to_native(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw EtlError(kafka_error(err, fmt::format("assign {}", describe(partitions))));
  }
}

std::optional<Message> Consumer::poll(std::chrono::milliseconds timeout) {
  if (closed_) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka, 0,
                   fmt::format("kafka consumer {} polled after close()", core_->name()));
  }
  MessagePtr msg(rd_kafka_consumer_poll(rk_.get(), timeout_ms(timeout)));
  {
    const std::lock_guard lock(core_->failure_mutex);
    if (core_->handler_failure) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka, 0, *core_->handler_failure);
    }
  }
  if (!msg) return std::nullopt;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) core_->status.note_broker_reachable();
  return Message(std::move(msg));
}

std::optional<Error> Consumer::commit(const TopicPartitions& next_offsets) {
  if (next_offsets.empty()) return std::nullopt;
  const PartitionListPtr list = to_native(next_offsets);
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), 0 /* synchronous */);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_error(err,
                       fmt::format("commit {} for group {}", describe(next_offsets), group_id_));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return kafka_error(p.err, fmt::format("commit {} [{}]@{} for group {}", p.topic, p.partition,
                                            p.offset, group_id_));
    }
  }
  return std::nullopt;
}

std::optional<Error> Consumer::commit_async(const TopicPartitions& next_offsets) {
  if (next_offsets.empty()) return std::nullopt;
  const PartitionListPtr list = to_native(next_offsets);
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), 1 /* asynchronous */);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_error(err,
                       fmt::format("commit {} for group {}", describe(next_offsets), group_id_));
  }
  return std::nullopt;
}

TopicPartitions Consumer::committed(const TopicPartitions& partitions,
                                    std::chrono::milliseconds timeout) {
  const PartitionListPtr list = to_native(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_committed(rk_.get(), list.get(), timeout_ms(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw EtlError(kafka_error(err, fmt::format("committed offsets of group {}", group_id_)));
  }
  check_partition_errors(list.get(), "committed offset of");
  return from_native(list.get());
}

TopicPartitions Consumer::assignment() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_assignment(rk_.get(), &raw);
  const PartitionListPtr list(raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw EtlError(kafka_error(err, "assignment"));
  return from_native(list.get());
}

TopicPartitions Consumer::position(const TopicPartitions& partitions) const {
  const PartitionListPtr list = to_native(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_position(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw EtlError(kafka_error(err, "position"));
  return from_native(list.get());
}

void Consumer::pause(const TopicPartitions& partitions) {
  const PartitionListPtr list = to_native(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_pause_partitions(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw EtlError(kafka_error(err, "pause"));
  check_partition_errors(list.get(), "pause");
}

void Consumer::resume(const TopicPartitions& partitions) {
  const PartitionListPtr list = to_native(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_resume_partitions(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw EtlError(kafka_error(err, "resume"));
  check_partition_errors(list.get(), "resume");
}

void Consumer::seek(const TopicPartitions& partitions, std::chrono::milliseconds timeout) {
  const PartitionListPtr list = to_native(partitions);
  const ErrorPtr error(rd_kafka_seek_partitions(rk_.get(), list.get(), timeout_ms(timeout)));
  if (error) throw EtlError(kafka_error(error.get(), fmt::format("seek {}", describe(partitions))));
  check_partition_errors(list.get(), "seek");
}

Watermarks Consumer::watermarks(const std::string& topic, int32_t partition,
                                std::chrono::milliseconds timeout) {
  Watermarks w = query_watermarks(rk_.get(), topic, partition, timeout);
  core_->status.note_broker_reachable();
  return w;
}

std::optional<int64_t> Consumer::cached_high_watermark(const std::string& topic,
                                                       int32_t partition) const {
  int64_t low = RD_KAFKA_OFFSET_INVALID;
  int64_t high = RD_KAFKA_OFFSET_INVALID;
  const rd_kafka_resp_err_t err =
      rd_kafka_get_watermark_offsets(rk_.get(), topic.c_str(), partition, &low, &high);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || high < 0) return std::nullopt;
  return high;
}

std::optional<Error> Consumer::close() {
  if (closed_) return std::nullopt;
  closed_ = true;
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_.get());
  spdlog::info("kafka [{}] left group {}", core_->name(), group_id_);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_error(err, fmt::format("closing consumer of group {}", group_id_));
  }
  return std::nullopt;
}

const ClientStatus& Consumer::status() const { return core_->status; }

}  // namespace etl::kafka

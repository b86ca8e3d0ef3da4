#pragma once
// The idempotent Kafka producer the fetch job writes orders with.
//
// Contract:
// - enable.idempotence=true and acks=all always (see kafka_config.hpp); lz4 compression, linger
//   10 ms, ~1 MB batches by default, all overridable through kafka.properties except the
//   invariants.
// - produce() copies key, value and headers: the caller may reuse its buffers on return.
// - Every message produce() accepted gets exactly one delivery report: acknowledged (with
//   partition and offset) or failed (with the error). Reports are delivered on the thread that
//   calls produce(), poll() or flush(); with several producing threads, callbacks may run on any
//   of them, concurrently. Callbacks must not call produce()/flush() re-entrantly.
// - Bounded memory: when librdkafka's local queue is full (queue.buffering.max.messages /
//   .max.kbytes), produce() keeps polling until there is room (backpressure) or
//   queue_full_timeout passes.
// - flush(timeout) says how many messages remained without a report and why; the destructor purges
//   whatever is still undelivered (logged at WARN; their reports fire as failed) and never blocks
//   for long.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "config/config.hpp"
#include "kafka/client_core.hpp"
#include "kafka/kafka_config.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace etl::kafka {

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

struct OutgoingMessage {
  OutgoingMessage(std::string_view topic_, std::string_view key_, std::string_view value_,
                  std::span<const HeaderView> headers_ = {},
                  int32_t partition_ = RD_KAFKA_PARTITION_UA) noexcept
      : topic(topic_), key(key_), value(value_), headers(headers_), partition(partition_) {}

  std::string_view topic;
  std::string_view key;  // empty: no key (null key)
  std::string_view value;
  std::span<const HeaderView> headers;  // e.g. account, ship_node_type, run_id
  // RD_KAFKA_PARTITION_UA: librdkafka's default partitioner (consistent_random: CRC32 of the
  // key, so one order id always lands in the same partition; random for an empty key).
  int32_t partition = RD_KAFKA_PARTITION_UA;
};

// librdkafka's view of whether a failed message may still have been written.
enum class Persistence { not_persisted, possibly_persisted, persisted };

// One delivery report. The views are valid only during the callback: copy what you keep.
struct DeliveryReport {
  std::string_view topic;
  std::string_view key;
  int32_t partition = -1;
  int64_t offset = -1;         // the message's offset when acknowledged
  std::optional<Error> error;  // nullopt: acknowledged by all in-sync replicas
  Persistence persistence = Persistence::not_persisted;
  [[nodiscard]] bool acknowledged() const noexcept { return !error.has_value(); }
};

using DeliveryCallback = std::function<void(const DeliveryReport&)>;

struct ProducerOptions {
  ClientOptions client;          // client_id; the consumer fields are ignored
  DeliveryCallback on_delivery;  // called for every report (before the per-message callback)
  std::chrono::milliseconds queue_full_timeout{60000};
  std::function<void(const Error&)> on_client_error;  // error_cb reports (after logging)
};

struct DeliveryCounters {
  uint64_t enqueued = 0;  // accepted by produce()
  uint64_t acknowledged = 0;
  uint64_t failed = 0;
  [[nodiscard]] uint64_t pending() const noexcept { return enqueued - acknowledged - failed; }
};

struct FailureSummary {
  uint64_t count = 0;
  Error example;  // the last failure with this code
};

struct FlushResult {
  uint64_t undelivered = 0;   // messages still without a delivery report at the timeout
  DeliveryCounters counters;  // totals since the producer was created
  std::map<int, FailureSummary> failures;  // by rd_kafka_resp_err_t, since creation
  std::optional<Error> last_client_error;  // e.g. "1/1 brokers are down"
  [[nodiscard]] bool complete() const noexcept { return undelivered == 0 && counters.failed == 0; }
  // "all 1200 messages acknowledged" or "37 of 1200 messages not acknowledged: 37 undelivered
  // after 60000 ms (last client error: ...); 0 failed".
  [[nodiscard]] std::string describe() const;
};

class Producer {
 public:
  // Throws ConfigError for bad properties.
  explicit Producer(const config::KafkaConfig& cfg, ProducerOptions options = {});
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  Producer(Producer&&) noexcept;
  Producer& operator=(Producer&&) noexcept;

  // Enqueues one message. Returns nullopt when accepted (exactly one report will follow, to
  // options.on_delivery and then to on_delivered). Returns an Error when not accepted (no report):
  //   bad_record: too large for message.max.bytes, or otherwise invalid;
  //   retriable: the local queue stayed full for queue_full_timeout;
  //   fatal: unknown topic/partition.
  // Throws EtlError(fatal) when the idempotent producer is in its fatal state (unusable).
  std::optional<Error> produce(const OutgoingMessage& message, DeliveryCallback on_delivered = {});

  // Serves delivery reports and client errors; returns the number of events served.
  int poll(std::chrono::milliseconds timeout);

  // Waits until every accepted message has its report or the timeout passes.
  FlushResult flush(std::chrono::milliseconds timeout);

  // Drops every message not yet acknowledged (queued and in flight); their reports fire as failed
  // (ERR__PURGE_QUEUE / ERR__PURGE_INFLIGHT) before this returns. Returns how many were purged.
  uint64_t purge_undelivered(std::chrono::milliseconds wait_for_reports = std::chrono::seconds(5));

  [[nodiscard]] DeliveryCounters counters() const;
  [[nodiscard]] std::map<int, FailureSummary> failures() const;
  [[nodiscard]] const ClientStatus& status() const;
  [[nodiscard]] const std::string& name() const;
  [[nodiscard]] rd_kafka_t* native() const noexcept { return rk_.get(); }

  class Core;  // callback state (defined in producer.cpp)

 private:
  std::unique_ptr<Core> core_;  // outlives rk_ (destroyed after it)
  KafkaHandlePtr rk_;
  std::chrono::milliseconds queue_full_timeout_{60000};

  void destroy() noexcept;
};

}  // namespace etl::kafka

#pragma once
// The consumer-group client the stream reads with.
//
// Contract:
// - group.id, enable.auto.commit=false, enable.auto.offset.store=false,
//   partition.assignment.strategy=cooperative-sticky are invariants (kafka_config.hpp). Nothing
//   is committed unless commit() is called; the owner decides where each partition starts.
// - Rebalances are incremental (cooperative-sticky): RebalanceHandlers see only the partitions
//   added or taken away. The handlers run on the thread inside poll() or close(); the partitions
//   are (un)assigned right after the handler returns:
//     on_assigned(parts): fill parts[i].offset with where to start (e.g. the offset stored in
//       MySQL); leave RD_KAFKA_OFFSET_INVALID to use the group's committed offset, else
//       auto.offset.reset (ClientOptions::offset_reset). The partitions are then assigned at
//       exactly those offsets (rd_kafka_incremental_assign).
//     on_revoked(parts): an orderly hand-over: finish (write + commit) or abandon the pending batch
//       of these partitions before returning.
//     on_lost(parts): ownership already lost (session timeout, fenced): abandon their pending work
//       and never commit them.
//   A handler that throws makes the next poll() throw EtlError(fatal) and the partitions are not
//   assigned; the owner should then close().
// - poll() only: no batch-consume functions (before 2.1 they could lose messages across a
//   rebalance or a pause; poll() is the path every test of the stream exercises).
// - Threading: poll() and close() from one thread (the handlers run there); commit(), pause(),
//   resume(), seek() and the queries may be called from other threads (librdkafka locks).
// - The destructor closes (leaves the group) if close() was not called, logging any failure,
//   then destroys the handle, also for a member closed before its first assignment.
// - A newly assigned partition is always fetched: librdkafka keeps the application's pause flag
//   on a partition across unassign/assign (2.8 resets only its own), so assignment resumes it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "kafka/client_core.hpp"
#include "kafka/kafka_config.hpp"
#include "kafka/message.hpp"
#include "kafka/rdkafka_handles.hpp"
#include "kafka/topic_admin.hpp"
#include "kafka/topic_partition.hpp"

namespace etl::kafka {

struct RebalanceHandlers {
  std::function<void(TopicPartitions& assigned)> on_assigned;
  std::function<void(const TopicPartitions& revoked)> on_revoked;
  std::function<void(const TopicPartitions& lost)> on_lost;
};

struct ConsumerOptions {
  ClientOptions
      client;  // client_id, group_id (default kafka.consumer_group), offset_reset, partition_eof
  RebalanceHandlers rebalance;
  std::function<void(const Error&)> on_client_error;  // error_cb reports (after logging)
};

class Consumer {
 public:
  // Throws ConfigError for bad properties.
  Consumer(const config::KafkaConfig& cfg, ConsumerOptions options);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group for these topics. Throws EtlError.
  void subscribe(const std::vector<std::string>& topics);

  // Static assignment without joining the group (no rebalance, no 3 s join wait): reads exactly
  // these partitions from tp.offset (e.g. RD_KAFKA_OFFSET_BEGINNING). For tools and tests that
  // read a topic back; do not mix with subscribe(). Throws EtlError.
  void assign(const TopicPartitions& partitions);

  // The next message or consumer event (check Message::is_error()); nullopt if none arrived
  // within the timeout. Rebalance handlers run inside. Throws EtlError(fatal) if a handler threw
  // or the consumer is closed.
  std::optional<Message> poll(std::chrono::milliseconds timeout);

  // Synchronous commit of next offsets (last processed + 1) to the group. Checks the request and
  // every partition's result. Empty list: nothing to do. Never commit lost partitions.
  std::optional<Error> commit(const TopicPartitions& next_offsets);
  // Asynchronous commit: queued, returns at once, never waits for a broker (one that is down must
  // not stall the caller). The outcome is not reported back: for advisory offsets (the stream
  // keeps the authoritative ones in MySQL and commits these for lag tools). Returns an error only
  // if the request could not be queued.
  std::optional<Error> commit_async(const TopicPartitions& next_offsets);

  // The group's committed offsets for these partitions (offset RD_KAFKA_OFFSET_INVALID if none).
  TopicPartitions committed(const TopicPartitions& partitions, std::chrono::milliseconds timeout);

  // Current assignment (offsets invalid) and the consumer's position (next offset to fetch).
  [[nodiscard]] TopicPartitions assignment() const;
  TopicPartitions position(const TopicPartitions& partitions) const;

  // Stops / restarts fetching for these partitions (backpressure). Throws EtlError.
  void pause(const TopicPartitions& partitions);
  void resume(const TopicPartitions& partitions);

  // Moves assigned partitions to tp.offset. Throws EtlError.
  void seek(const TopicPartitions& partitions, std::chrono::milliseconds timeout);

  // Exact watermarks from the leader (one round trip): lag and retention-loss detection.
  // A successful query also clears status().all_brokers_down() (health).
  Watermarks watermarks(const std::string& topic, int32_t partition,
                        std::chrono::milliseconds timeout);
  // The high watermark from the last fetch response, no round trip; nullopt before any fetch.
  [[nodiscard]] std::optional<int64_t> cached_high_watermark(const std::string& topic,
                                                             int32_t partition) const;

  // Leaves the group (on_revoked runs for the remaining partitions). Idempotent.
  std::optional<Error> close();
  [[nodiscard]] bool closed() const noexcept { return closed_; }

  [[nodiscard]] const ClientStatus& status() const;
  [[nodiscard]] const std::string& group_id() const noexcept { return group_id_; }
  [[nodiscard]] rd_kafka_t* native() const noexcept { return rk_.get(); }

  class Core;  // rebalance state (defined in consumer.cpp)

 private:
  std::unique_ptr<Core> core_;  // outlives rk_
  KafkaHandlePtr rk_;
  std::string group_id_;
  bool closed_ = false;
};

}  // namespace etl::kafka

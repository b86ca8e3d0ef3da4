#pragma once
// Where fetch puts the orders it read: Kafka (kafka.topic, key purchaseOrderId, value the order as
// received + request_time, headers account / ship_node_type / run_id), or, for an order Kafka
// refuses as too large - the producer's message.max.bytes at produce(), or the topic's
// max.message.bytes in the delivery report - one row of walmart_order_dead_letter instead.
//
// It owns the producer, its delivery reports and the dead-letter writer; what happens to each
// order is told back through OrderSink::Listener, in the sink's own terms (a lane: the index of
// the ship-node type the order was produced for). What that means for the run (counts, aborting)
// is the listener's business. Thread-safe: the fetch workers produce concurrently; reports arrive
// on any of their threads.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"

namespace etl::kafka {
class Producer;
}
namespace etl::privacy {
class RedactorPool;
}
namespace etl::mysql {
class BatchWriter;
struct DeadLetter;
}  // namespace etl::mysql

namespace etl::pipeline {

class OrderSink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // Kafka acknowledged one order of `lane`.
    virtual void acknowledged(size_t lane) = 0;
    // Kafka failed to deliver one order of `lane` (not a size refusal).
    virtual void not_acknowledged(size_t lane, const Error& why) = 0;
    // One order of `lane` is kept in walmart_order_dead_letter.
    virtual void dead_lettered(size_t lane) = 0;
    // One order of `lane` too large for Kafka could not be kept there either: `why`.
    virtual void dead_letter_lost(size_t lane, std::string_view purchase_order_id,
                                  std::string_view why) = 0;
  };

  struct Settings {
    const config::KafkaConfig* kafka = nullptr;
    const config::MysqlConfig* mysql = nullptr;  // dead letters
    std::chrono::milliseconds flush_timeout{60000};
    std::string account;
    std::string run_id;
    std::vector<std::string> lanes;  // the ship-node types, in lane order
    // With apply_before_kafka set, every order is redacted by its policies before it is produced.
    const config::PrivacyConfig* privacy = nullptr;
  };

  // Makes sure the topic exists (logged) and creates the producer. Throws EtlError.
  OrderSink(Settings settings, Listener& listener);
  ~OrderSink();
  OrderSink(const OrderSink&) = delete;
  OrderSink& operator=(const OrderSink&) = delete;

  // Produces one order. nullopt: accepted (a report follows), or kept for the dead letter (too
  // large). An Error: Kafka did not take it (queue full, unknown topic): the run cannot go on.
  // Throws EtlError when the producer is unusable.
  std::optional<Error> produce(size_t lane, std::string_view purchase_order_id,
                               std::string_view order_json, std::string_view request_time);

  // Writes the dead letters waiting since the last call (called after every page, so they are not
  // all held until the end). Returns why they could not be written, if so (each one was also
  // reported to dead_letter_lost).
  std::optional<std::string> write_dead_letters();

  struct Finish {
    std::string kafka;         // "topic T: all 1200 messages acknowledged"
    uint64_t undelivered = 0;  // without a report at the timeout, or failed
    uint64_t dead_letters = 0;
    std::vector<std::string> dead_letter_ids;  // the first few
    std::optional<std::string> lost;           // why the last dead letters could not be written
  };
  // After the last produce(): flushes (flush_timeout), drops what is still queued (its reports
  // fire now), writes the last dead letters. Call once.
  Finish finish();

 private:
  struct Pending;

  Settings settings_;
  Listener& listener_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<privacy::RedactorPool> redactors_;  // privacy.apply_before_kafka only

  std::mutex pending_mutex_;
  std::vector<Pending> pending_;  // guarded by pending_mutex_: not written yet
  std::mutex writer_mutex_;       // one write at a time; guards the three below
  std::unique_ptr<mysql::BatchWriter> writer_;
  uint64_t written_ = 0;
  std::vector<std::string> written_ids_;  // the first few

  void keep(size_t lane, std::string_view purchase_order_id, std::string payload, const Error& why);
};

}  // namespace etl::pipeline

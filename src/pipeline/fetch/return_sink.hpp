#pragma once
// Where fetch puts the returns it read: Kafka (kafka.returns_topic, key returnOrderId, value the
// return order object exactly as the API sent it, headers account / run_id / request_time - the
// names the orders' messages use, order/message_format.hpp), or, for a return Kafka refuses as
// too large (the producer's message.max.bytes at produce(), or the broker's limit in the delivery
// report), one row of walmart_return_dead_letter instead. The returns counterpart of OrderSink:
// it makes sure the topic exists, owns its producer, counts the delivery reports and writes the
// dead letters. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "mysql/return_batch.hpp"

namespace etl::kafka {
class Producer;
}
namespace etl::mysql {
class ReturnWriter;
}

namespace etl::pipeline {

class ReturnSink {
 public:
  struct Settings {
    const config::KafkaConfig* kafka = nullptr;
    const config::MysqlConfig* mysql = nullptr;  // dead letters
    std::chrono::milliseconds flush_timeout{60000};
    std::string account;
    std::string run_id;
  };

  // Makes sure kafka.returns_topic exists (logged) and creates the producer. Throws EtlError.
  explicit ReturnSink(Settings settings);
  ~ReturnSink();
  ReturnSink(const ReturnSink&) = delete;
  ReturnSink& operator=(const ReturnSink&) = delete;

  // Produces one return. nullopt: accepted (a report follows), or kept for the dead letter (too
  // large). An Error: Kafka did not take it; the data set cannot go on.
  std::optional<Error> produce(std::string_view return_order_id, std::string_view json,
                               std::string_view request_time);

  // Writes the dead letters waiting since the last call; why they could not be, if so.
  std::optional<std::string> write_dead_letters();

  struct Finish {
    std::string kafka;                         // "topic T: all 12 messages acknowledged"
    uint64_t acknowledged = 0;                 // returns Kafka acknowledged
    uint64_t undelivered = 0;                  // without a report at the timeout, or failed
    uint64_t dead_letters = 0;                 // kept in walmart_return_dead_letter
    std::vector<std::string> dead_letter_ids;  // the first few
    std::vector<std::string> errors;           // the first delivery failures, with the key
    std::optional<std::string> lost;           // why dead letters could not be written
  };
  // After the last produce(): flushes, drops what is still queued, writes the last dead letters.
  Finish finish();

 private:
  Settings settings_;
  std::unique_ptr<kafka::Producer> producer_;
  std::atomic<uint64_t> acknowledged_{0};
  std::atomic<uint64_t> failed_{0};

  std::mutex mutex_;  // guards the members below
  std::vector<mysql::ReturnDeadLetter> pending_;
  std::vector<std::string> errors_;
  std::unique_ptr<mysql::ReturnWriter> writer_;
  uint64_t written_ = 0;
  std::vector<std::string> written_ids_;

  void keep(std::string_view return_order_id, std::string payload, const Error& why);
};

}  // namespace etl::pipeline

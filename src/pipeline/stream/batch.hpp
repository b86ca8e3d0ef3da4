#pragma once
// The orders data set's pending batch (OrderStreamBatch, order_batch.hpp, holds it): the messages
// it has parsed but not yet committed to MySQL, turned into the writer's input (mysql::WriteBatch)
// together with the next offset of every partition they cover. Rows, dead letters and offsets of
// one batch commit in one transaction.
//
// Not thread-safe: owned by one worker thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/message.hpp"
#include "mysql/write_batch.hpp"
#include "order/order_mapper.hpp"
#include "pipeline/stream/stream_batch.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

class PendingBatch {
 public:
  // `default_account`: stream.default_account, the account of messages without an `account`
  // header ("" = none: such a message is a dead letter).
  PendingBatch(std::string consumer_group, std::string topic, std::string default_account = {})
      : group_(std::move(consumer_group)),
        topic_(std::move(topic)),
        default_account_(std::move(default_account)) {}

  // Parses one consumed message with `mapper` and adds its orders (or its dead letter) and its
  // offset, every row under the message's account (account_resolution.hpp). Messages of one
  // partition must be added in offset order.
  void add(const kafka::Message& message, order::OrderMapper& mapper);
  // The field policies applied to every message added from now on (record_to_write.hpp); the
  // redactor is the caller's and outlives the batch. Unset: messages are written as received.
  void set_redactor(privacy::Redactor* redactor) noexcept { redactor_ = redactor; }

  // Drops everything pending for these partitions (a revoked/lost partition being abandoned):
  // the batch then never writes them. Returns how many messages were dropped.
  size_t drop_partitions(const std::vector<int32_t>& partitions);

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] size_t messages() const noexcept { return entries_.size(); }
  // The flush threshold's measure: order-line rows, counting an order with no lines and a dead
  // letter as one row each (so batches of those stay bounded too).
  [[nodiscard]] size_t weight() const noexcept { return weight_; }
  [[nodiscard]] bool covers(int32_t partition) const { return next_offsets_.count(partition) != 0; }
  [[nodiscard]] std::chrono::steady_clock::time_point first_added() const noexcept {
    return first_added_;
  }
  [[nodiscard]] const std::map<int32_t, int64_t>& next_offsets() const noexcept {
    return next_offsets_;
  }
  [[nodiscard]] const std::vector<PendingMessage>& entries() const noexcept { return entries_; }
  // The orders and dead letters pending (offsets as of the last write_batch()).
  [[nodiscard]] const mysql::WriteBatch& contents() const noexcept { return batch_; }

  // The writer's input, offsets included, each fenced on `stored` (partition -> the next offset
  // MySQL holds as far as the worker knows; absent or nullopt: no row yet). Valid until the next
  // add/drop/clear.
  const mysql::WriteBatch& write_batch(const std::map<int32_t, std::optional<int64_t>>& stored);

  void clear();

 private:
  std::string group_;
  std::string topic_;
  std::string default_account_;
  privacy::Redactor* redactor_ = nullptr;
  mysql::WriteBatch batch_;
  std::map<int32_t, int64_t> next_offsets_;  // partition -> last added offset + 1
  std::vector<PendingMessage> entries_;
  size_t weight_ = 0;
  std::chrono::steady_clock::time_point first_added_{};
};

}  // namespace etl::pipeline

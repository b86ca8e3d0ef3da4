#pragma once
// The returns data set of `stream --data returns` (kafka.returns_topic -> walmart_return, _line,
// _charge, _tracking, _raw and walmart_return_dead_letter): a StreamBatch (stream_batch.hpp) made
// of the messages' returns (pipeline/return_record.hpp), the worker's ReturnMapper and its
// ReturnWriter (one connection). A message is one return order object as the API's page lists it
// (the mapper takes a page or an array too), key returnOrderId, the `account` header as orders';
// a message without a usable account (and no stream.default_account) is one dead letter. Every
// message added is written by the next write(): next_offsets() is the last added offset + 1 of
// every partition the batch covers. Of several versions of one return the writer keeps the newest.

#include <optional>

#include "mysql/return_batch.hpp"
#include "mysql/return_writer.hpp"
#include "pipeline/stream/stream_batch.hpp"
#include "returns/return_mapper.hpp"

namespace etl::pipeline {

class ReturnStreamBatch final : public StreamBatch {
 public:
  explicit ReturnStreamBatch(const StreamBatchSettings& settings);

  void add(const kafka::Message& message) override;
  size_t drop_partitions(const std::vector<int32_t>& partitions) override;

  [[nodiscard]] bool empty() const override { return entries_.empty(); }
  // Return lines, counting a return without lines and a dead letter as one each.
  [[nodiscard]] size_t weight() const override { return weight_; }
  [[nodiscard]] bool covers(int32_t partition) const override {
    return next_offsets_.count(partition) != 0;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point first_added() const override {
    return first_added_;
  }
  [[nodiscard]] const std::map<int32_t, int64_t>& next_offsets() const override {
    return next_offsets_;
  }
  [[nodiscard]] const std::vector<PendingMessage>& entries() const override { return entries_; }
  // The returns and dead letters pending (offsets as of the last write()).
  [[nodiscard]] const mysql::ReturnBatch& contents() const noexcept { return batch_; }

  StreamWriteResult write(const std::map<int32_t, std::optional<int64_t>>& stored) override;
  void clear() override;

  mysql::Connection& connection() override;
  void disconnect() noexcept override { writer_.reset(); }
  // ReturnWriter does not tell a lost COMMIT reply apart; the retry's offset fence does.
  [[nodiscard]] bool last_commit_in_doubt() const override { return false; }
  void count_accounts(StreamMetrics& metrics) const override;

 private:
  mysql::ReturnWriter& writer();

  StreamBatchSettings settings_;
  returns::ReturnMapper mapper_;
  std::optional<mysql::ReturnWriter> writer_;
  mysql::ReturnBatch batch_;
  std::map<int32_t, int64_t> next_offsets_;  // partition -> last added offset + 1
  std::vector<PendingMessage> entries_;
  size_t weight_ = 0;
  std::chrono::steady_clock::time_point first_added_{};
};

}  // namespace etl::pipeline

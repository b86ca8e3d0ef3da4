#pragma once
// The orders data set of `stream` (kafka.topic -> walmart_order, charges, raw, dead letters): a
// StreamBatch (stream_batch.hpp) made of the orders' PendingBatch (batch.hpp), the worker's
// OrderMapper and its BatchWriter (one connection). Every message added is written by the next
// write(): next_offsets() is the last added offset + 1 of every partition the batch covers.

#include <memory>
#include <optional>

#include "mysql/batch_writer.hpp"
#include "order/order_mapper.hpp"
#include "pipeline/stream/batch.hpp"
#include "pipeline/stream/stream_batch.hpp"

namespace etl::pipeline {

class OrderStreamBatch final : public StreamBatch {
 public:
  explicit OrderStreamBatch(const StreamBatchSettings& settings);

  void add(const kafka::Message& message) override { batch_.add(message, mapper_); }
  size_t drop_partitions(const std::vector<int32_t>& partitions) override {
    return batch_.drop_partitions(partitions);
  }

  [[nodiscard]] bool empty() const override { return batch_.empty(); }
  [[nodiscard]] size_t weight() const override { return batch_.weight(); }
  [[nodiscard]] bool covers(int32_t partition) const override { return batch_.covers(partition); }
  [[nodiscard]] std::chrono::steady_clock::time_point first_added() const override {
    return batch_.first_added();
  }
  [[nodiscard]] const std::map<int32_t, int64_t>& next_offsets() const override {
    return batch_.next_offsets();
  }
  [[nodiscard]] const std::vector<PendingMessage>& entries() const override {
    return batch_.entries();
  }

  StreamWriteResult write(const std::map<int32_t, std::optional<int64_t>>& stored) override;
  void clear() override;

  mysql::Connection& connection() override;
  void disconnect() noexcept override { writer_.reset(); }
  [[nodiscard]] bool last_commit_in_doubt() const override {
    return writer_ && writer_->last_commit_in_doubt();
  }
  void count_accounts(StreamMetrics& metrics) const override;

 private:
  mysql::BatchWriter& writer();

  config::MysqlConfig mysql_;
  config::RawArchive raw_archive_;
  order::OrderMapper mapper_;
  PendingBatch batch_;
  std::optional<mysql::BatchWriter> writer_;
  mysql::WriteResult last_;  // of the last committed write, for count_accounts()
};

}  // namespace etl::pipeline

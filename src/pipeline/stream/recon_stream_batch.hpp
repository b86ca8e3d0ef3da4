#pragma once
// The recon data set of `stream --data recon` (kafka.recon_topic -> walmart_recon_file,
// walmart_recon_row, walmart_recon_dead_letter): a StreamBatch (stream_batch.hpp) made of the
// ReconPendingBatch (recon_batch.hpp: chunks joined per partition, checked reports, the offsets to
// store) and a ReconBatchWriter (one connection).
//
// Unlike orders and returns, a message added is not necessarily covered by the next write(): the
// chunks of a report not complete yet stay held (their partition's next_offsets() stays at the
// first of them), and stay in entries() after clear() until their report is done — they are
// consumed but not written, so backpressure counts them (and only them). empty() is true when
// nothing new was added since the last commit and no report or dead letter waits.
//
// A write whose every fenced partition already holds the batch's offsets (an earlier attempt
// committed and its reply was lost) is taken as committed here, so the worker keeps the
// partitions' unfinished reports instead of dropping them (nothing would read their first chunks
// again: the partition is not re-seeked in that case).

#include <optional>

#include "mysql/recon_batch_writer.hpp"
#include "pipeline/stream/metrics.hpp"
#include "pipeline/stream/recon_batch.hpp"
#include "pipeline/stream/stream_batch.hpp"

namespace etl::pipeline {

// The metric names of the recon stream (walmart_etl_stream_reports_total, ...).
StreamMetricNames recon_stream_metric_names();

class ReconStreamBatch final : public StreamBatch {
 public:
  explicit ReconStreamBatch(const StreamBatchSettings& settings);

  void add(const kafka::Message& message) override;
  size_t drop_partitions(const std::vector<int32_t>& partitions) override;

  [[nodiscard]] bool empty() const override { return batch_.empty(); }
  // Messages added since the last commit plus the rows of the complete reports waiting: a large
  // report is written at once.
  [[nodiscard]] size_t weight() const override;
  [[nodiscard]] bool covers(int32_t partition) const override {
    return batch_.next_offsets().count(partition) != 0;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point first_added() const override {
    return batch_.first_added();
  }
  [[nodiscard]] const std::map<int32_t, int64_t>& next_offsets() const override {
    return batch_.next_offsets();
  }
  [[nodiscard]] const std::vector<PendingMessage>& entries() const override { return entries_; }
  [[nodiscard]] const ReconPendingBatch& pending() const noexcept { return batch_; }

  StreamWriteResult write(const std::map<int32_t, std::optional<int64_t>>& stored) override;
  void clear() override;

  mysql::Connection& connection() override;
  void disconnect() noexcept override { writer_.reset(); }
  // ReconBatchWriter does not tell a lost COMMIT reply apart; the retry's offset fence does.
  [[nodiscard]] bool last_commit_in_doubt() const override { return false; }
  void count_accounts(StreamMetrics& metrics) const override;

 private:
  mysql::ReconBatchWriter& writer();

  StreamBatchSettings settings_;
  ReconPendingBatch batch_;
  std::optional<mysql::ReconBatchWriter> writer_;
  std::vector<PendingMessage> entries_;
  size_t written_reports_ = 0;  // of the last committed write, for count_accounts()
};

}  // namespace etl::pipeline

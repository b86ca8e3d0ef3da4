#include "pipeline/stream/recon_stream_batch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <string>

namespace etl::pipeline {

StreamMetricNames recon_stream_metric_names() {
  StreamMetricNames n;
  n.records = "reports";
  n.records_help = "Reconciliation reports written (walmart_recon_file upserts)";
  n.rows_help = "walmart_recon_row rows written";
  n.charges_help = "Always 0: reports have no charge rows";
  n.dead_letter_table = "walmart_recon_dead_letter";
  return n;
}

ReconStreamBatch::ReconStreamBatch(const StreamBatchSettings& settings)
    : settings_(settings), batch_(settings.consumer_group, settings.topic) {}

mysql::ReconBatchWriter& ReconStreamBatch::writer() {
  if (!writer_) {
    mysql::ReconBatchWriterOptions options;
    options.max_retries = 0;  // the worker retries: interruptible, with health reporting
    writer_.emplace(settings_.mysql, options);
  }
  return *writer_;
}

mysql::Connection& ReconStreamBatch::connection() { return writer().connection(); }

void ReconStreamBatch::add(const kafka::Message& message) {
  const size_t letters = batch_.contents().dead_letters.size();
  batch_.add(message);
  PendingMessage entry{message.partition(), message.offset(), message.timestamp_ms(), 1, false, 0};
  entry.dead_letter = batch_.contents().dead_letters.size() > letters;
  entries_.push_back(entry);
}

size_t ReconStreamBatch::weight() const {
  size_t rows = batch_.messages();
  for (const auto& r : batch_.contents().reports) rows += r.report.parsed.report->rows.size();
  return rows;
}

size_t ReconStreamBatch::drop_partitions(const std::vector<int32_t>& partitions) {
  batch_.drop_partitions(partitions);
  const std::set<int32_t> drop(partitions.begin(), partitions.end());
  const size_t before = entries_.size();
  std::erase_if(entries_, [&](const PendingMessage& e) { return drop.count(e.partition) != 0; });
  return before - entries_.size();
}

StreamWriteResult ReconStreamBatch::write(const std::map<int32_t, std::optional<int64_t>>& stored) {
  const mysql::ReconBatch& b = batch_.write_batch(stored);
  const mysql::ReconBatchResult r = writer().write(b);
  StreamWriteResult out;
  out.records = r.reports;
  out.rows = r.rows_written;
  out.dead_letters = r.dead_letters;
  out.row_errors = r.refused;
  out.retries = r.retries;
  out.fenced = r.fenced;
  const bool all_written =
      !r.fenced.empty() && std::all_of(r.fenced.begin(), r.fenced.end(),
                                       [](const auto& f) { return f.already_written(); });
  if (all_written) {
    spdlog::info(
        "stream: {}: MySQL already holds this batch's offsets: an earlier attempt "
        "committed (its reply was lost); not writing it again",
        settings_.topic);
    out = StreamWriteResult{};
    out.retries = r.retries;
  }
  written_reports_ = all_written ? 0 : r.reports;
  return out;
}

void ReconStreamBatch::clear() {
  // Committed: everything but the chunks of unfinished reports. Messages between those chunks
  // (other reports, written) lie above the stored offset too and are read again after a restart,
  // but they are done: counting them as pending would let an unfinished report (whose last chunks
  // may never come) fill stream.max_pending_messages and pause its partition for good.
  std::erase_if(entries_,
                [&](const PendingMessage& e) { return !batch_.holds(e.partition, e.offset); });
  batch_.committed();
}

void ReconStreamBatch::count_accounts(StreamMetrics& metrics) const {
  // The reports offered (a stale or refused one included: the writer's counts are not per
  // account) and the dead letters.
  std::vector<std::pair<std::optional<std::string>, size_t>> records;
  if (written_reports_ > 0) {
    for (const auto& r : batch_.contents().reports) {
      records.emplace_back(r.info.account, r.report.parsed.report->rows.size());
    }
  }
  std::vector<std::optional<std::string>> letters;
  for (const auto& d : batch_.contents().dead_letters) letters.emplace_back(d.info.account);
  metrics.count_account_records(records, letters);
}

}  // namespace etl::pipeline

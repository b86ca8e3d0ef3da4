#include "pipeline/stream/return_batch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <string>

#include "common/utc_time.hpp"
#include "order/message_format.hpp"
#include "pipeline/account_resolution.hpp"
#include "pipeline/return_record.hpp"
#include "pipeline/stream/metrics.hpp"

namespace etl::pipeline {

ReturnStreamBatch::ReturnStreamBatch(const StreamBatchSettings& settings) : settings_(settings) {}

mysql::ReturnWriter& ReturnStreamBatch::writer() {
  if (!writer_) {
    mysql::ReturnWriterOptions options;
    options.max_retries = 0;  // the worker retries: interruptible, with health reporting
    options.raw_archive = settings_.raw_archive;
    writer_.emplace(settings_.mysql, options);
  }
  return *writer_;
}

mysql::Connection& ReturnStreamBatch::connection() { return writer().connection(); }

void ReturnStreamBatch::add(const kafka::Message& message) {
  if (entries_.empty()) first_added_ = std::chrono::steady_clock::now();
  PendingMessage entry{message.partition(), message.offset(), message.timestamp_ms(), 0, false, 0};
  const MessageAccount account =
      account_of_message(message.header(order::kHeaderAccount), settings_.default_account);
  ReturnRecordInput in;
  in.bytes = message.value();
  in.origin.source = record_source(message.topic(), message.partition(), message.offset());
  in.origin.topic = std::string(message.topic());
  in.origin.partition = message.partition();
  in.origin.offset = message.offset();
  if (message.has_key()) in.origin.key = std::string(message.key());
  in.origin.account = account.account;
  in.source_file = std::string(kStreamSourceFile);
  if (!account.account) in.unreadable = account.problem;
  ReturnRecordToWrite r = return_record_to_write(mapper_, std::move(in));
  entry.conversion_warnings = r.conversion_warnings;
  for (auto& d : r.dead_letters) {
    spdlog::warn("stream: {} goes to the dead letter: {}", d.origin.source, d.message);
    batch_.dead_letters.push_back(std::move(d));
    entry.dead_letter = true;
  }
  // fetch sends when it read the page as the message's request_time header (the value is the
  // return exactly as the API served it); a request_time inside the value wins.
  const std::optional<std::string_view> read_at = message.header(order::kRequestTimeField);
  const std::optional<int64_t> read_at_s =
      read_at ? parse_sql_datetime(*read_at) : std::optional<int64_t>();
  for (auto& w : r.returns) {
    if (!w.ret.header.request_time && read_at_s) w.ret.header.request_time = *read_at_s * 1000;
    entry.weight += std::max<size_t>(1, w.ret.lines.size());
    batch_.returns.push_back(std::move(w));
  }
  if (entry.weight == 0) entry.weight = 1;  // a dead letter or an empty list: still one message
  weight_ += entry.weight;
  next_offsets_[message.partition()] = message.offset() + 1;
  entries_.push_back(entry);
}

size_t ReturnStreamBatch::drop_partitions(const std::vector<int32_t>& partitions) {
  const std::set<int32_t> drop(partitions.begin(), partitions.end());
  bool any = false;
  for (int32_t p : drop) any = any || next_offsets_.count(p) != 0;
  if (!any) return 0;
  auto dropped = [&](const mysql::RecordOrigin& o) {
    return o.partition && drop.count(*o.partition) != 0;
  };
  std::erase_if(batch_.returns, [&](const mysql::ReturnToWrite& w) { return dropped(w.origin); });
  std::erase_if(batch_.dead_letters,
                [&](const mysql::ReturnDeadLetter& d) { return dropped(d.origin); });
  for (int32_t p : drop) next_offsets_.erase(p);
  const size_t before = entries_.size();
  std::erase_if(entries_, [&](const PendingMessage& e) { return drop.count(e.partition) != 0; });
  weight_ = 0;
  for (const auto& e : entries_) weight_ += e.weight;
  return before - entries_.size();
}

StreamWriteResult ReturnStreamBatch::write(
    const std::map<int32_t, std::optional<int64_t>>& stored) {
  batch_.offsets.clear();
  for (const auto& [partition, next] : next_offsets_) {
    const auto it = stored.find(partition);
    batch_.offsets.push_back(mysql::OffsetUpdate{settings_.consumer_group, settings_.topic,
                                                 partition, next,
                                                 it == stored.end() ? std::nullopt : it->second});
  }
  const mysql::ReturnWriteResult r = writer().write(batch_);
  StreamWriteResult out;
  out.records = r.returns;
  out.rows = r.lines;
  out.charges = r.charges;
  out.dead_letters = r.dead_letters;
  out.row_errors = r.conflicts + r.refused;
  out.retries = r.retries;
  out.fenced = r.fenced;
  return out;
}

void ReturnStreamBatch::clear() {
  batch_.clear();
  next_offsets_.clear();
  entries_.clear();
  weight_ = 0;
}

void ReturnStreamBatch::count_accounts(StreamMetrics& metrics) const {
  // The per-account series count what the batch offered: the newest version of each return (by
  // position; the writer decides by version, and may find it stale or claimed by another account)
  // and the mapping's dead letters.
  std::map<std::string, size_t> last;
  for (size_t i = 0; i < batch_.returns.size(); ++i) {
    last[batch_.returns[i].ret.return_order_id] = i;
  }
  std::vector<std::pair<std::optional<std::string>, size_t>> records;
  records.reserve(last.size());
  for (const auto& [id, i] : last) {
    records.emplace_back(batch_.returns[i].origin.account, batch_.returns[i].ret.lines.size());
  }
  std::vector<std::optional<std::string>> letters;
  letters.reserve(batch_.dead_letters.size());
  for (const auto& d : batch_.dead_letters) letters.push_back(d.origin.account);
  metrics.count_account_records(records, letters);
}

}  // namespace etl::pipeline

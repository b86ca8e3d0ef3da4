#include "pipeline/stream/batch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "order/message_format.hpp"
#include "pipeline/account_resolution.hpp"
#include "pipeline/record_to_write.hpp"

namespace etl::pipeline {

std::string record_source(std::string_view topic, int32_t partition, int64_t offset) {
  return fmt::format("{}/{}/{}", topic, partition, offset);
}

namespace {

mysql::RecordOrigin origin_of(const kafka::Message& m, int32_t record_index) {
  mysql::RecordOrigin o;
  o.source = record_source(m.topic(), m.partition(), m.offset());
  o.record_index = record_index;
  o.topic = std::string(m.topic());
  o.partition = m.partition();
  o.offset = m.offset();
  if (m.has_key()) o.key = std::string(m.key());
  return o;
}

}  // namespace

void PendingBatch::add(const kafka::Message& message, order::OrderMapper& mapper) {
  if (entries_.empty()) first_added_ = std::chrono::steady_clock::now();
  PendingMessage entry{message.partition(), message.offset(), message.timestamp_ms(), 0, false, 0};
  const MessageAccount account =
      account_of_message(message.header(order::kHeaderAccount), default_account_);
  RecordInput in;
  in.bytes = message.value();
  in.origin = origin_of(message, 0);
  in.origin.account = account.account;
  in.source_file = std::string(kStreamSourceFile);
  if (!account.account) in.refused = account.problem;
  in.redactor = redactor_;
  RecordToWrite r = record_to_write(mapper, std::move(in));
  entry.conversion_warnings = r.conversion_warnings;
  if (r.dead_letter) {
    spdlog::warn("stream: {} goes to the dead letter: {}", r.dead_letter->origin.source,
                 r.dead_letter->message);
    batch_.dead_letters.push_back(std::move(*r.dead_letter));
    entry.dead_letter = true;
  }
  for (auto& o : r.orders) {
    entry.weight += std::max<size_t>(1, o.order.lines.size());
    batch_.orders.push_back(std::move(o));
  }
  if (entry.weight == 0) entry.weight = 1;  // a dead letter or an empty array: still one message
  weight_ += entry.weight;
  next_offsets_[message.partition()] = message.offset() + 1;
  entries_.push_back(entry);
}

size_t PendingBatch::drop_partitions(const std::vector<int32_t>& partitions) {
  const std::set<int32_t> drop(partitions.begin(), partitions.end());
  bool any = false;
  for (int32_t p : drop) any = any || next_offsets_.count(p) != 0;
  if (!any) return 0;
  // Rebuild without those partitions. Rare (a hand-over whose batch could not be finished).
  auto is_dropped = [&](const mysql::RecordOrigin& o) {
    return o.partition && drop.count(*o.partition) != 0;
  };
  std::vector<mysql::OrderToWrite> orders;
  for (auto& o : batch_.orders) {
    if (!is_dropped(o.origin)) orders.push_back(std::move(o));
  }
  batch_.orders = std::move(orders);
  std::vector<mysql::DeadLetter> letters;
  for (auto& d : batch_.dead_letters) {
    if (!is_dropped(d.origin)) letters.push_back(std::move(d));
  }
  batch_.dead_letters = std::move(letters);
  for (int32_t p : drop) next_offsets_.erase(p);
  const size_t before = entries_.size();
  std::erase_if(entries_, [&](const PendingMessage& e) { return drop.count(e.partition) != 0; });
  weight_ = 0;
  for (const auto& e : entries_) weight_ += e.weight;
  return before - entries_.size();
}

const mysql::WriteBatch& PendingBatch::write_batch(
    const std::map<int32_t, std::optional<int64_t>>& stored) {
  batch_.offsets.clear();
  for (const auto& [partition, next] : next_offsets_) {
    const auto it = stored.find(partition);
    batch_.offsets.push_back(mysql::OffsetUpdate{group_, topic_, partition, next,
                                                 it == stored.end() ? std::nullopt : it->second});
  }
  return batch_;
}

void PendingBatch::clear() {
  batch_.clear();
  next_offsets_.clear();
  entries_.clear();
  weight_ = 0;
}

}  // namespace etl::pipeline

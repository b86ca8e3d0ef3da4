#include "pipeline/stream_batch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "common/error.hpp"
#include "order/order_warning_log.hpp"
#include "pipeline/account_resolution.hpp"

namespace etl::pipeline {

std::string record_source(std::string_view topic, int32_t partition, int64_t offset) {
  return fmt::format("{}/{}/{}", topic, partition, offset);
}

namespace {

std::optional<int64_t> parse_id(const std::string& digits) {
  if (digits.empty()) return std::nullopt;
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  return v;
}

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
  const MessageAccount account = account_of_message(message.header("account"), default_account_);
  order::MessageParseResult parsed = mapper.parse_message(message.value());
  if (parsed.bad || !account.account) {
    mysql::DeadLetter d;
    d.origin = origin_of(message, 0);
    d.origin.account = account.account;
    d.purchase_order_id =
        parsed.bad ? parse_id(parsed.bad->purchase_order_id)
                   : (parsed.orders.empty() ? std::nullopt
                                            : std::optional(parsed.orders[0].purchase_order_id));
    d.payload = std::string(message.value());
    d.error_class = std::string(to_string(ErrorClass::bad_record));
    d.message = parsed.bad ? parsed.bad->reason : account.problem;
    spdlog::warn("stream: {} goes to the dead letter: {}", d.origin.source, d.message);
    batch_.dead_letters.push_back(std::move(d));
    entry.dead_letter = true;
    entry.weight = 1;
  } else {
    int32_t index = 0;
    for (auto& order : parsed.orders) {
      if (!order.warnings.empty()) {
        order::log_conversion_warnings(
            order, record_source(message.topic(), message.partition(), message.offset()));
      }
      entry.weight += std::max<size_t>(1, order.lines.size());
      mysql::RecordOrigin origin = origin_of(message, index++);
      origin.account = account.account;
      batch_.orders.push_back(
          mysql::OrderToWrite{std::move(order), std::move(origin), std::string(kStreamSourceFile)});
    }
    entry.conversion_warnings = parsed.conversion_warnings;
    if (entry.weight == 0) entry.weight = 1;  // an empty array: still one message to account for
  }
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

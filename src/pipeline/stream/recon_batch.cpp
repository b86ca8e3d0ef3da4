#include "pipeline/stream/recon_batch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "recon/report_file.hpp"

namespace etl::pipeline {

ReconPendingBatch::ReconPendingBatch(std::string consumer_group, std::string topic,
                                     uint64_t max_report_bytes)
    : group_(std::move(consumer_group)),
      topic_(std::move(topic)),
      max_report_bytes_(max_report_bytes) {}

void ReconPendingBatch::add(const kafka::Message& message) {
  ReconChunkMessage m;
  m.partition = message.partition();
  m.offset = message.offset();
  m.key = message.key();
  m.value = message.value();
  for (const auto& [name, value] : message.headers()) {
    m.headers.emplace_back(std::string(name), std::string(value));
  }
  add(m);
}

std::string ReconPendingBatch::source_of(int32_t partition, int64_t first, int64_t last) const {
  return first == last ? fmt::format("{}/{}/{}", topic_, partition, first)
                       : fmt::format("{}/{}/{}-{}", topic_, partition, first, last);
}

void ReconPendingBatch::add(const ReconChunkMessage& m) {
  add_message(m);
  const Partition& p = partitions_.at(m.partition);
  int64_t next = p.next_offset;
  if (const auto pending = p.assembler.min_pending_offset()) next = std::min(next, *pending);
  next_offsets_[m.partition] = next;
}

void ReconPendingBatch::add_message(const ReconChunkMessage& m) {
  if (messages_ == 0) first_added_ = std::chrono::steady_clock::now();
  ++messages_;
  ++counters_.chunks;
  auto it = partitions_.find(m.partition);
  if (it == partitions_.end()) {
    it = partitions_.emplace(m.partition, Partition(max_report_bytes_)).first;
    it->second.start_offset = m.offset;
  }
  Partition& p = it->second;
  p.next_offset = m.offset + 1;
  ++p.messages;

  std::string why;
  const auto headers = recon::parse_message_headers(m.headers, &why);
  const std::string key(m.key);
  if (headers && key != recon::report_message_key(headers->account, headers->report_date)) {
    why = fmt::format("its key '{}' is not '{}|{}' of its headers", key, headers->account,
                      headers->report_date);
  }
  if (!why.empty()) {
    mysql::ReconFileInfo info;
    info.account = headers ? headers->account : "-";
    for (const auto& [name, value] : m.headers) {
      if (name == recon::kHeaderAccount && !value.empty()) info.account = value;
    }
    info.source = source_of(m.partition, m.offset, m.offset);
    spdlog::error(
        "stream: {} (key '{}') is not a report chunk ({}); kept in "
        "walmart_recon_dead_letter",
        info.source, key, why);
    add_dead_letter(
        m.partition, std::move(info), std::string(m.value),
        recon::ReconIssue{recon::ReconProblem::unreadable,
                          "the message is not a report chunk: " + why, std::nullopt, std::nullopt},
        std::nullopt);
    return;
  }

  // The rest of a report already given up or skipped (and logged once).
  if (headers->chunk == 0) {
    p.given_up.erase(key);
    p.started.insert(key);
  } else if (!p.assembler.has_pending(key)) {
    const auto g = p.given_up.find(key);
    if (g != p.given_up.end() && g->second == headers->file_sha256) {
      if (headers->chunk + 1 == headers->chunks) p.given_up.erase(g);
      return;
    }
    // No chunk 0 of this key since this run started the partition: the report began before
    // that offset. Its beginning was read by an earlier run (the report was written or given up
    // then: the stored offset never passes an unfinished report) or deleted by retention (the
    // assignment logs that loss).
    if (p.started.count(key) == 0) {
      ++counters_.orphan_chunks;
      spdlog::info(
          "stream: {}/{}/{}: report {} (chunk {} of {}) began before offset {} where "
          "this run started the partition: read by an earlier run, or deleted by "
          "retention; its remaining chunks are skipped",
          topic_, m.partition, m.offset, key, headers->chunk, headers->chunks, p.start_offset);
      if (headers->chunk + 1 < headers->chunks) p.given_up[key] = headers->file_sha256;
      return;
    }
  }

  recon::ReportAssembler::Verdict v = p.assembler.add(key, *headers, m.value, m.offset);
  if (p.assembler.has_pending(key)) {
    p.chunk_keys[m.offset] = key;
  } else {
    std::erase_if(p.chunk_keys, [&](const auto& c) { return c.second == key; });
  }
  // Chunks of keys whose assembly was replaced by another version or given up.
  std::erase_if(p.chunk_keys, [&](const auto& c) { return !p.assembler.has_pending(c.second); });
  using Kind = recon::ReportAssembler::Verdict::Kind;
  if (!v.problem.empty() && v.kind != Kind::rejected) {
    ++counters_.abandoned;
    spdlog::warn("stream: {}/{}/{}: report {} lost: {} (fetch that report date again)", topic_,
                 m.partition, m.offset, key, v.problem);
    if (!p.assembler.has_pending(key) && headers->chunk + 1 < headers->chunks) {
      p.given_up[key] = headers->file_sha256;
    }
  }
  if (v.kind == Kind::complete || v.kind == Kind::rejected) {
    add_complete(m.partition, std::move(*v.report), v.kind == Kind::complete);
  }
}

void ReconPendingBatch::add_complete(int32_t partition, recon::ReportAssembler::Complete done,
                                     bool digest_ok) {
  mysql::ReconFileInfo info;
  info.account = done.headers.account;
  info.report_date = done.headers.report_date;
  info.file_name = done.headers.file_name;
  info.source = source_of(partition, done.first_offset, done.last_offset);
  if (!done.headers.fetched_at.empty()) info.fetched_at = done.headers.fetched_at;
  const std::string key = recon::report_message_key(info.account, info.report_date);
  if (!digest_ok) {
    spdlog::error(
        "stream: report {} ({}): the joined chunks do not have the file's SHA-256; "
        "kept in walmart_recon_dead_letter",
        key, info.source);
    add_dead_letter(partition, std::move(info), std::move(done.bytes),
                    recon::ReconIssue{recon::ReconProblem::unreadable,
                                      "the joined chunks do not have the SHA-256 of the file "
                                      "fetch produced (" +
                                          done.headers.file_sha256 + ")",
                                      std::nullopt, std::nullopt},
                    std::nullopt);
    return;
  }
  recon::CheckedReport report = recon::check_report_file(done.bytes);
  if (report.parsed.issue) {
    spdlog::error(
        "stream: report {} ({}) is not written ({}): {}; kept in "
        "walmart_recon_dead_letter",
        key, info.source, recon::to_string(report.parsed.issue->problem),
        report.parsed.issue->message);
    recon::ReconIssue issue = *report.parsed.issue;
    std::optional<recon::ReconSummary> summary = report.parsed.summary;
    add_dead_letter(partition, std::move(info), std::move(done.bytes), std::move(issue),
                    std::move(summary));
    return;
  }
  ++counters_.reports;
  spdlog::info("stream: report {} complete ({}, {} rows)", key, info.source,
               report.parsed.report->rows.size());
  batch_bytes_ += done.bytes.size();
  mysql::ReconStreamPosition position{topic_, partition, done.last_offset};
  batch_.reports.push_back(mysql::ReconReportToWrite{std::move(info), std::move(report),
                                                     std::move(done.bytes), std::move(position)});
  report_partitions_.push_back(partition);
}

void ReconPendingBatch::add_dead_letter(int32_t partition, mysql::ReconFileInfo info,
                                        std::string payload, recon::ReconIssue issue,
                                        std::optional<recon::ReconSummary> summary) {
  ++counters_.dead_letters;
  batch_bytes_ += payload.size();
  batch_.dead_letters.push_back(mysql::ReconDeadLetterToWrite{
      std::move(info), std::move(payload), std::move(issue), std::move(summary)});
  letter_partitions_.push_back(partition);
}

size_t ReconPendingBatch::drop_partitions(const std::vector<int32_t>& partitions) {
  const std::set<int32_t> drop(partitions.begin(), partitions.end());
  size_t dropped = 0;
  for (int32_t id : drop) {
    const auto it = partitions_.find(id);
    if (it == partitions_.end()) continue;
    dropped += it->second.messages;
    counters_.dropped_reports += it->second.assembler.pending();
    partitions_.erase(it);
    next_offsets_.erase(id);
  }
  const auto keep = [&](auto& items, std::vector<int32_t>& from) {
    std::remove_reference_t<decltype(items)> kept;
    std::vector<int32_t> kept_from;
    for (size_t i = 0; i < items.size(); ++i) {
      if (drop.count(from[i]) != 0) continue;
      kept.push_back(std::move(items[i]));
      kept_from.push_back(from[i]);
    }
    items = std::move(kept);
    from = std::move(kept_from);
  };
  keep(batch_.reports, report_partitions_);
  keep(batch_.dead_letters, letter_partitions_);
  batch_bytes_ = 0;
  for (const auto& r : batch_.reports) batch_bytes_ += r.payload.size();
  for (const auto& d : batch_.dead_letters) batch_bytes_ += d.payload.size();
  messages_ -= std::min(messages_, dropped);
  return dropped;
}

std::map<int32_t, int64_t> ReconPendingBatch::commit_offsets() const {
  std::map<int32_t, int64_t> out;
  for (const auto& [id, p] : partitions_) {
    int64_t next = p.next_offset;
    if (const auto pending = p.assembler.min_pending_offset()) next = std::min(next, *pending);
    out[id] = next;
  }
  return out;
}

const mysql::ReconBatch& ReconPendingBatch::write_batch(
    const std::map<int32_t, std::optional<int64_t>>& stored) {
  batch_.offsets.clear();
  // Every partition read since the last commit is fenced, also when its offset stays (an
  // unfinished report holds it): the fence then checks the stored value under its lock. One not
  // read since has nothing to write.
  for (const auto& [partition, next] : next_offsets_) {
    const auto it = stored.find(partition);
    const std::optional<int64_t> expected = it == stored.end() ? std::nullopt : it->second;
    batch_.offsets.push_back(mysql::OffsetUpdate{
        group_, topic_, partition, std::max(next, expected.value_or(next)), expected});
  }
  return batch_;
}

void ReconPendingBatch::committed() {
  batch_.clear();
  next_offsets_.clear();
  report_partitions_.clear();
  letter_partitions_.clear();
  for (auto& [id, p] : partitions_) p.messages = 0;
  messages_ = 0;
  batch_bytes_ = 0;
}

uint64_t ReconPendingBatch::held_bytes() const noexcept {
  uint64_t n = batch_bytes_;
  for (const auto& [id, p] : partitions_) n += p.assembler.pending_bytes();
  return n;
}

bool ReconPendingBatch::holds(int32_t partition, int64_t offset) const {
  const auto it = partitions_.find(partition);
  if (it == partitions_.end()) return false;
  const Partition& p = it->second;
  const auto c = p.chunk_keys.find(offset);
  if (c == p.chunk_keys.end()) return false;
  const auto first = p.assembler.min_pending_offset();
  return p.assembler.has_pending(c->second) && first && offset >= *first;
}

size_t ReconPendingBatch::unfinished_reports() const noexcept {
  size_t n = 0;
  for (const auto& [id, p] : partitions_) n += p.assembler.pending();
  return n;
}

}  // namespace etl::pipeline

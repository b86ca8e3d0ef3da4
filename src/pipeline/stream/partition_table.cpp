#include "pipeline/stream/partition_table.hpp"

#include <algorithm>

namespace etl::pipeline {

StartPlan plan_start(std::optional<int64_t> stored, std::optional<int64_t> committed,
                     std::optional<OffsetRange> range) {
  StartPlan plan;
  std::optional<int64_t> from;
  if (stored) {
    from = stored;
    plan.source = StartSource::stored;
    plan.holds = stored;
  } else if (committed) {
    from = committed;
    plan.source = StartSource::committed;
  } else {
    return plan;  // stream.reset
  }
  plan.start = *from;
  if (!range) return plan;
  if (*from < range->low) {
    // Retention deleted messages before this group read them: start at the earliest one left and
    // record that as the stored offset, so the loss is reported once.
    plan.loss = RetentionLoss{*from, range->low - *from};
    plan.record = range->low;
    plan.start = range->low;
    plan.holds = range->low;
  } else if (*from > range->high) {
    plan.beyond_end = true;
    plan.start = kStartAtReset;
  }
  return plan;
}

std::optional<RetentionLoss> gap_verdict(int64_t expected, int64_t offset, int64_t low) {
  if (low <= expected) return std::nullopt;
  return RetentionLoss{expected, std::min(low, offset) - expected};
}

PartitionTable::PartitionTable(int workers) : workers_(std::max(1, workers)) {}

int PartitionTable::least_loaded_worker() const {
  std::vector<int> load(static_cast<size_t>(workers_), 0);
  for (const auto& [p, st] : parts_) ++load[static_cast<size_t>(st.worker)];
  return static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
}

std::vector<int32_t> PartitionTable::assign(const std::vector<int32_t>& ids) {
  for (int32_t p : ids) {
    parts_.erase(p);
    State st;
    st.worker = least_loaded_worker();
    parts_[p] = st;
  }
  return ids;
}

int64_t PartitionTable::start(int32_t partition, const StartPlan& plan) {
  State& st = parts_[partition];
  st.written_next = plan.holds;
  if (plan.start >= 0) {
    st.expected_next = plan.start;
    st.kafka_committed.reset();
  }
  return plan.start;
}

void PartitionTable::await_start(const std::vector<int32_t>& ids) {
  for (int32_t p : ids) {
    if (auto it = parts_.find(p); it != parts_.end()) it->second.awaiting_start = true;
  }
}

std::vector<int32_t> PartitionTable::awaiting_start() const {
  std::vector<int32_t> out;
  for (const auto& [p, st] : parts_) {
    if (st.awaiting_start) out.push_back(p);
  }
  return out;
}

std::vector<int32_t> PartitionTable::take_to_hold() {
  std::vector<int32_t> out;
  for (auto& [p, st] : parts_) {
    if (st.awaiting_start && !st.held) {
      st.held = true;
      out.push_back(p);
    }
  }
  return out;
}

void PartitionTable::started(const std::vector<int32_t>& ids) {
  for (int32_t p : ids) {
    auto it = parts_.find(p);
    if (it == parts_.end()) continue;
    it->second.awaiting_start = false;
    it->second.held = false;
    it->second.eof_at.reset();
  }
}

void PartitionTable::forget(const std::vector<int32_t>& ids) {
  for (int32_t p : ids) parts_.erase(p);
}

PartitionTable::Verdict PartitionTable::on_message(int32_t partition, int64_t offset) const {
  const auto it = parts_.find(partition);
  if (it == parts_.end()) return {Action::unassigned, 0, std::nullopt};
  const State& st = it->second;
  if (st.awaiting_start) return {Action::awaiting, st.worker, std::nullopt};
  Verdict v{Action::dispatch, st.worker, std::nullopt};
  if (st.expected_next) {
    // Already handed to the worker (a re-delivery after pause/seek): applying it again could put
    // an older version of an order after a newer one in the same batch.
    if (offset < *st.expected_next) return {Action::redelivered, st.worker, std::nullopt};
    if (offset > *st.expected_next) v.gap_from = st.expected_next;
  }
  return v;
}

void PartitionTable::dispatched(int32_t partition, int64_t offset) {
  auto it = parts_.find(partition);
  if (it == parts_.end()) return;
  it->second.expected_next = offset + 1;
  it->second.dispatched_next = offset + 1;
  it->second.eof_at.reset();
}

void PartitionTable::on_end(int32_t partition, int64_t offset) {
  if (auto it = parts_.find(partition); it != parts_.end() && !it->second.awaiting_start) {
    it->second.eof_at = offset;
  }
}

void PartitionTable::written(int32_t partition, int worker, int64_t next) {
  auto it = parts_.find(partition);
  if (it == parts_.end() || it->second.worker != worker) return;
  if (!it->second.written_next || *it->second.written_next < next) it->second.written_next = next;
}

void PartitionTable::written_final(int32_t partition, int64_t next) {
  if (auto it = parts_.find(partition); it != parts_.end()) it->second.written_next = next;
}

std::optional<int64_t> PartitionTable::fenced(int32_t partition, int worker,
                                              std::optional<int64_t> found,
                                              std::optional<int64_t> expected) {
  auto it = parts_.find(partition);
  if (it == parts_.end() || it->second.worker != worker) return std::nullopt;
  State& st = it->second;
  // MySQL is the truth; with no row any more (deleted by hand), go on from what this process had
  // written.
  const int64_t resume = found.value_or(expected.value_or(0));
  st.expected_next = resume;
  st.dispatched_next.reset();
  st.written_next = found;
  st.eof_at.reset();
  return resume;
}

std::vector<std::pair<int32_t, int64_t>> PartitionTable::commit_list(
    const std::vector<int32_t>& only) {
  std::vector<std::pair<int32_t, int64_t>> out;
  auto consider = [&](int32_t p, State& st) {
    if (st.written_next && (!st.kafka_committed || *st.kafka_committed < *st.written_next)) {
      out.emplace_back(p, *st.written_next);
      st.kafka_committed = st.written_next;
    }
  };
  if (only.empty()) {
    for (auto& [p, st] : parts_) consider(p, st);
  } else {
    for (int32_t p : only) {
      if (auto it = parts_.find(p); it != parts_.end()) consider(p, it->second);
    }
  }
  return out;
}

PartitionTable::PauseChange PartitionTable::backpressure(int worker, size_t pending, size_t high) {
  PauseChange change;
  for (auto& [p, st] : parts_) {
    if (st.worker != worker || st.awaiting_start) continue;
    if (!st.paused && pending > high) {
      change.pause.push_back(p);
      st.paused = true;
    } else if (st.paused && pending <= high / 2) {
      change.resume.push_back(p);
      st.paused = false;
    }
  }
  return change;
}

bool PartitionTable::fetched(int32_t partition) const {
  const State* st = find(partition);
  return st != nullptr && !st->paused && !st->held;
}

bool PartitionTable::high_query_due(int32_t partition, Clock::time_point now,
                                    Clock::duration every) const {
  const State* st = find(partition);
  return st != nullptr && now - st->high_queried_at >= every;
}

void PartitionTable::high_queried(int32_t partition, Clock::time_point now,
                                  std::optional<int64_t> high) {
  auto it = parts_.find(partition);
  if (it == parts_.end()) return;
  it->second.high_queried_at = now;
  if (high) it->second.queried_high = high;
}

std::optional<int64_t> PartitionTable::update_lag(int32_t partition, std::optional<int64_t> high) {
  auto it = parts_.find(partition);
  if (it == parts_.end()) return std::nullopt;
  State& st = it->second;
  if (!high) high = st.queried_high;
  const auto next = st.written_next ? st.written_next : st.expected_next;
  if (!high || !next) return std::nullopt;
  st.lag = std::max<int64_t>(0, *high - *next);
  return st.lag;
}

bool PartitionTable::idle() const {
  if (parts_.empty()) return false;
  for (const auto& [p, st] : parts_) {
    if (st.awaiting_start || !st.eof_at) return false;
    if (st.dispatched_next && (!st.written_next || *st.written_next < *st.dispatched_next))
      return false;
  }
  return true;
}

bool PartitionTable::all_at_end() const {
  if (parts_.empty()) return false;
  return std::all_of(parts_.begin(), parts_.end(),
                     [](const auto& kv) { return kv.second.eof_at.has_value(); });
}

bool PartitionTable::written_exactly(int32_t partition, int64_t next) const {
  const State* st = find(partition);
  return st != nullptr && st->written_next == next;
}

const PartitionTable::State* PartitionTable::find(int32_t partition) const {
  const auto it = parts_.find(partition);
  return it == parts_.end() ? nullptr : &it->second;
}

std::vector<int32_t> PartitionTable::ids() const {
  std::vector<int32_t> out;
  out.reserve(parts_.size());
  for (const auto& [p, st] : parts_) out.push_back(p);
  return out;
}

int PartitionTable::paused_count() const {
  return static_cast<int>(
      std::count_if(parts_.begin(), parts_.end(), [](const auto& kv) { return kv.second.paused; }));
}

int64_t PartitionTable::total_lag() const {
  int64_t lag = 0;
  for (const auto& [p, st] : parts_) lag += st.lag.value_or(0);
  return lag;
}

}  // namespace etl::pipeline

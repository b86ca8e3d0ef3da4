// Partition assignment of `walmart-etl stream` (StreamJob, see stream_job_state.hpp): where each
// assigned partition starts, retention verdicts and their record, partitions held while MySQL
// cannot say where they start, and giving partitions back.

#include "pipeline/stream_job_state.hpp"

namespace etl::pipeline::stream_detail {

// ---------------------------------------------------------------------------------------------
// Rebalance

// nullopt: MySQL did not answer within kOffsetReadPatience (or a stop was requested); the caller
// holds the partitions and start_deferred() tries again from the poll loop.
std::optional<std::map<int32_t, int64_t>> StreamJob::load_stored_offsets(
    const std::vector<int32_t>& partitions) {
  Backoff backoff(cfg_.stream.retry_backoff_initial,
                  std::min<std::chrono::milliseconds>(cfg_.stream.retry_backoff_max, 1s));
  const auto give_up = Clock::now() + kOffsetReadPatience;
  for (;;) {
    try {
      auto stored = offsets_.load(group_, topic_, partitions);
      health_.clear(HealthCondition::mysql_failing, "offsets");
      return stored;
    } catch (const EtlError& e) {
      if (!e.error().retriable()) {
        throw EtlError(e.error().cls, ErrorOrigin::mysql, e.error().code,
                       fmt::format("cannot read the stored offsets of group {} from MySQL: {}",
                                   group_, e.error().describe()));
      }
      health_.set(HealthCondition::mysql_failing, e.error().describe(), "offsets");
      if (Clock::now() >= give_up || stop_requested()) {
        spdlog::warn(
            "stream: cannot read the stored offsets of group {} from MySQL ({}); holding the newly "
            "assigned partitions until it answers",
            group_, e.error().describe());
        return std::nullopt;
      }
      const auto delay = backoff.next();
      spdlog::warn("stream: reading stored offsets failed: {}; retrying in {} ms",
                   e.error().describe(), delay.count());
      if (wait_for_stop(delay)) return std::nullopt;
    }
  }
}

void StreamJob::report_loss(int32_t partition, int64_t from, int64_t count, int64_t resume_at) {
  metrics_.lost_to_retention.with({topic_, std::to_string(partition)})
      .inc(static_cast<uint64_t>(count));
  const bool stop = cfg_.stream.on_data_loss == config::DataLossPolicy::stop;
  spdlog::error(
      "stream: DATA LOST: {} message(s) of {}[{}] (offsets {}..{}) were deleted by retention "
      "before this group read them; {}",
      count, topic_, partition, from, from + count - 1,
      stop ? "stopping (stream.on_data_loss=stop)"
           : fmt::format("continuing from offset {} (stream.on_data_loss=continue)", resume_at));
  if (stop) {
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::kafka, 0,
        fmt::format("{} message(s) of {}[{}] from offset {} were deleted by retention before "
                    "being read (stream.on_data_loss=stop)",
                    count, topic_, partition, from));
  }
}

// `start` is where the partition would start (`from`: the stored or committed offset); if
// retention already deleted it, record the earliest offset still stored as the partition's stored
// offset (so the loss is reported once, not on every start), report the loss, and move `start`
// there. `stored` is what MySQL holds for the partition (absent: no row).
void StreamJob::check_retention(int32_t partition, std::optional<int64_t> stored, int64_t from,
                                const char* what, int64_t& start) {
  kafka::Watermarks w;
  try {
    w = consumer_->watermarks(topic_, partition, kWatermarkTimeout);
  } catch (const EtlError& e) {
    if (e.error().cls == ErrorClass::fatal) throw;
    // A loss is still caught later: the first message then arrives past the expected offset.
    spdlog::warn(
        "stream: {}[{}]: could not read the earliest offset ({}); retention check deferred", topic_,
        partition, e.error().describe());
    return;
  }
  if (from < w.low) {
    spdlog::info("stream: {}[{}]: {} offset {} is below the earliest offset {}", topic_, partition,
                 what, from, w.low);
    try {
      if (!offsets_.advance(group_, topic_, partition, stored, w.low)) {
        spdlog::warn(
            "stream: {}[{}]: the stored offset changed meanwhile; the loss is not recorded", topic_,
            partition);
      }
    } catch (const EtlError& e) {
      spdlog::warn(
          "stream: {}[{}]: could not record the new starting point {} in MySQL ({}); the loss may "
          "be "
          "reported again on the next start",
          topic_, partition, w.low, e.error().describe());
    }
    start = w.low;
    report_loss(partition, from, w.low - from, w.low);
  } else if (from > w.high) {
    spdlog::warn(
        "stream: {}[{}]: {} offset {} is beyond the end of the partition ({}); was the topic "
        "re-created? Starting at stream.reset",
        topic_, partition, what, from, w.high);
    start = RD_KAFKA_OFFSET_INVALID;
  }
}

void StreamJob::on_assigned(kafka::TopicPartitions& parts) {
  std::vector<int32_t> ids;
  for (const auto& tp : parts) {
    if (tp.topic != topic_) continue;
    ids.push_back(tp.partition);
    PartitionState st;
    st.worker = least_loaded_worker();
    partitions_[tp.partition] = st;
  }
  const auto stored = load_stored_offsets(ids);
  if (!stored) {
    // Taken without a start: librdkafka begins at the committed offset or stream.reset, but
    // handle() drops every message of a partition awaiting its start, and start_deferred() pauses
    // it, then seeks it to the right offset once MySQL answers.
    for (int32_t p : ids) partitions_[p].awaiting_start = true;
    next_start_attempt_ = Clock::now();
  } else {
    const auto starts = start_partitions(ids, *stored);
    for (auto& tp : parts) {
      if (tp.topic != topic_) continue;
      if (const auto it = starts.find(tp.partition); it != starts.end()) tp.offset = it->second;
    }
  }
  metrics_.assigned_partitions.set(static_cast<double>(partitions_.size()));
  health_.clear(HealthCondition::starting);
}

// Where each partition starts: the next offset stored in MySQL; else the group's committed offset
// in Kafka (said loudly: messages before it are not written to this database); else
// stream.reset (RD_KAFKA_OFFSET_INVALID). Hands each partition to its worker with what MySQL
// holds. Throws EtlError when a retention loss must stop the stream (stream.on_data_loss=stop).
std::map<int32_t, int64_t> StreamJob::start_partitions(const std::vector<int32_t>& ids,
                                                       const std::map<int32_t, int64_t>& stored) {
  kafka::TopicPartitions without_stored;
  for (int32_t p : ids) {
    if (stored.count(p) == 0) without_stored.push_back({topic_, p});
  }
  std::map<int32_t, int64_t> committed;
  if (!without_stored.empty()) {
    try {
      for (const auto& tp : consumer_->committed(without_stored, 10s)) {
        if (tp.offset >= 0) committed[tp.partition] = tp.offset;
      }
    } catch (const EtlError& e) {
      spdlog::warn("stream: could not read the group's committed offsets ({}); using stream.reset",
                   e.error().describe());
    }
  }
  if (!committed.empty()) {
    std::vector<std::string> where;
    where.reserve(committed.size());
    for (const auto& [p, o] : committed) where.push_back(fmt::format("[{}]@{}", p, o));
    spdlog::warn(
        "stream: no offset is stored in MySQL ({}.etl_kafka_offset) for group {} on {}{}, but "
        "Kafka "
        "holds the group's committed offsets: starting there. Messages before them are NOT written "
        "to this database. If it was created or rebuilt after the group had consumed, replay from "
        "the beginning with a new group (stream --group NAME) or reset this group's offsets in "
        "Kafka "
        "to the earliest first (see docs/operations.md, \"Replaying\")",
        cfg_.mysql.database, group_, topic_, fmt::join(where, " "));
  }
  std::map<int32_t, int64_t> starts;
  for (int32_t p : ids) {
    PartitionState& st = partitions_[p];
    int64_t start = RD_KAFKA_OFFSET_INVALID;
    std::optional<int64_t> holds;  // what MySQL holds for the partition after the retention check
    const char* source = "stream.reset";
    if (auto it = stored.find(p); it != stored.end()) {
      start = it->second;
      holds = it->second;
      source = "MySQL";
      check_retention(p, it->second, it->second, "stored", start);
      if (start != it->second && start >= 0) holds = start;
      st.written_next = holds;
    } else if (auto c = committed.find(p); c != committed.end()) {
      start = c->second;
      source = "the group's committed offset";
      check_retention(p, std::nullopt, c->second, "committed", start);
      if (start != c->second && start >= 0) {
        holds = start;
        st.written_next = start;
      }
    }
    if (start >= 0) {
      st.expected_next = start;
      st.kafka_committed = std::nullopt;
    }
    spdlog::info("stream: {}[{}] -> worker {}, starting at {} ({})", topic_, p, st.worker,
                 start >= 0 ? std::to_string(start) : std::string("stream.reset"), source);
    workers_[static_cast<size_t>(st.worker)]->adopt(p, holds);
    starts[p] = start;
  }
  return starts;
}

// Partitions assigned while MySQL was unavailable: hold them (paused) and, once MySQL answers,
// seek each to where start_partitions() says and let it run.
void StreamJob::start_deferred() {
  std::vector<int32_t> waiting;
  kafka::TopicPartitions to_hold;
  for (auto& [p, st] : partitions_) {
    if (!st.awaiting_start) continue;
    waiting.push_back(p);
    if (!st.held) {
      to_hold.push_back({topic_, p});
      st.held = true;
    }
  }
  if (waiting.empty()) return;
  if (!to_hold.empty()) {
    try {
      consumer_->pause(to_hold);
    } catch (const EtlError& e) {
      spdlog::warn("stream: holding {}: {}", kafka::describe(to_hold), e.error().describe());
    }
  }
  const auto now = Clock::now();
  if (now < next_start_attempt_) return;
  std::map<int32_t, int64_t> stored;
  try {
    stored = offsets_.load(group_, topic_, waiting);
  } catch (const EtlError& e) {
    if (!e.error().retriable()) throw;
    health_.set(HealthCondition::mysql_failing,
                fmt::format("cannot read the stored offsets of {} partition(s): {}", waiting.size(),
                            e.error().describe()),
                "offsets");
    const auto delay = start_backoff_.next();
    next_start_attempt_ = now + delay;
    if (now - last_start_warning_ >= 30s) {
      spdlog::warn(
          "stream: {}[{}] wait for MySQL to say where they start: {}; retrying (every {} ms now)",
          topic_, fmt::join(waiting, ","), e.error().describe(), delay.count());
      last_start_warning_ = now;
    }
    return;
  }
  health_.clear(HealthCondition::mysql_failing, "offsets");
  start_backoff_.reset();
  const auto starts = start_partitions(waiting, stored);
  kafka::TopicPartitions seek_to;
  kafka::TopicPartitions resume;
  for (int32_t p : waiting) {
    const int64_t start = starts.at(p);
    const int64_t logical = start >= 0 ? start
                            : cfg_.stream.reset == config::ResetPolicy::latest
                                ? RD_KAFKA_OFFSET_END
                                : RD_KAFKA_OFFSET_BEGINNING;
    seek_to.push_back({topic_, p, logical});
    resume.push_back({topic_, p});
  }
  consumer_->seek(seek_to, 10s);
  consumer_->resume(resume);
  for (int32_t p : waiting) {
    PartitionState& st = partitions_[p];
    st.awaiting_start = false;
    st.held = false;
    st.eof_at.reset();
  }
  spdlog::info("stream: MySQL answered: {}[{}] started", topic_, fmt::join(waiting, ","));
}

void StreamJob::release(const kafka::TopicPartitions& parts, ReleaseMode mode) {
  std::map<int, std::vector<int32_t>> by_worker;
  for (const auto& tp : parts) {
    if (tp.topic != topic_) continue;
    if (auto it = partitions_.find(tp.partition); it != partitions_.end()) {
      by_worker[it->second.worker].push_back(tp.partition);
    }
  }
  // Each worker finishes or drops its part; they work in parallel, the handler waits for all.
  std::vector<std::thread> waiters;
  waiters.reserve(by_worker.size());
  std::mutex results_mutex;
  std::map<int32_t, int64_t> final_written;
  for (auto& [w, ids] : by_worker) {
    waiters.emplace_back([&, w = w, ids = ids] {
      auto r = workers_[static_cast<size_t>(w)]->release(ids, mode);
      const std::lock_guard lock(results_mutex);
      final_written.insert(r.begin(), r.end());
    });
  }
  for (auto& t : waiters) t.join();
  for (const auto& [p, next] : final_written) {
    if (auto it = partitions_.find(p); it != partitions_.end()) it->second.written_next = next;
  }
  if (mode == ReleaseMode::finish) {
    std::vector<int32_t> ids;
    for (const auto& [w, list] : by_worker) ids.insert(ids.end(), list.begin(), list.end());
    commit_to_kafka(ids);
  }
  for (const auto& tp : parts) {
    if (tp.topic != topic_) continue;
    partitions_.erase(tp.partition);
    metrics_.lag.remove({topic_, std::to_string(tp.partition)});
  }
  metrics_.assigned_partitions.set(static_cast<double>(partitions_.size()));
}

void StreamJob::on_revoked(const kafka::TopicPartitions& parts) {
  release(parts, ReleaseMode::finish);
}

void StreamJob::on_lost(const kafka::TopicPartitions& parts) {
  spdlog::warn(
      "stream: partitions lost (session timed out?): {}; their pending messages are dropped "
      "unwritten and re-read by the next owner",
      kafka::describe(parts));
  release(parts, ReleaseMode::abandon);
}

int StreamJob::least_loaded_worker() const {
  std::vector<int> load(workers_.size(), 0);
  for (const auto& [p, st] : partitions_) ++load[static_cast<size_t>(st.worker)];
  return static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
}

// After a data-loss stop: move each partition whose pending messages were all written past the
// deleted messages, so the next start does not report (and stop on) the same loss again.
void StreamJob::record_losses() {
  for (const auto& l : losses_to_record_) {
    const auto it = partitions_.find(l.partition);
    if (it == partitions_.end() || it->second.written_next != l.from) {
      spdlog::warn(
          "stream: {}[{}]: what precedes the loss was not all written; the loss is reported again "
          "on the next start",
          topic_, l.partition);
      continue;
    }
    try {
      if (offsets_.advance(group_, topic_, l.partition, l.from, l.to)) {
        spdlog::info(
            "stream: {}[{}]: recorded offset {} as the next start (after the deleted messages)",
            topic_, l.partition, l.to);
      }
    } catch (const EtlError& e) {
      spdlog::warn("stream: {}[{}]: could not record the next start {}: {}", topic_, l.partition,
                   l.to, e.error().describe());
    }
  }
  losses_to_record_.clear();
}

}  // namespace etl::pipeline::stream_detail

// Partition assignment of `walmart-etl stream` (StreamJob, see job_state.hpp): where each
// assigned partition starts, retention verdicts and their record, partitions held while MySQL
// cannot say where they start, and giving partitions back.

#include "pipeline/stream/job_state.hpp"

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

// The partition's watermarks for plan_start(); nullopt when the broker does not say (a loss is
// still caught later: the first message then arrives past the expected offset).
std::optional<OffsetRange> StreamJob::offset_range(int32_t partition) {
  try {
    const kafka::Watermarks w = watermarks_->ask(partition, kWatermarkTimeout);
    return OffsetRange{w.low, w.high};
  } catch (const EtlError& e) {
    if (e.error().cls == ErrorClass::fatal) throw;
    spdlog::warn(
        "stream: {}[{}]: could not read the earliest offset ({}); retention check deferred", topic_,
        partition, e.error().describe());
    return std::nullopt;
  }
}

void StreamJob::on_assigned(kafka::TopicPartitions& parts) {
  if (stopping_.load()) {
    // A join that completed during close(): the workers have stopped and nothing is polled any
    // more, so nothing is read from these partitions; close() revokes them right after.
    spdlog::info("stream: assigned while stopping, not started: {}", kafka::describe(parts));
    return;
  }
  std::vector<int32_t> ids;
  for (const auto& tp : parts) {
    if (tp.topic == topic_) ids.push_back(tp.partition);
  }
  table_.assign(ids);
  const auto stored = load_stored_offsets(ids);
  if (!stored) {
    // Taken without a start: librdkafka begins at the committed offset or stream.reset, but
    // handle() drops every message of a partition awaiting its start, and start_deferred() pauses
    // it, then seeks it to the right offset once MySQL answers.
    table_.await_start(ids);
    next_start_attempt_ = Clock::now();
  } else {
    const auto starts = start_partitions(ids, *stored);
    for (auto& tp : parts) {
      if (tp.topic != topic_) continue;
      if (const auto it = starts.find(tp.partition); it != starts.end()) {
        tp.offset = it->second >= 0 ? it->second : kafka::kOffsetUnset;
      }
    }
  }
  metrics_.assigned_partitions.set(static_cast<double>(table_.size()));
  health_.clear(HealthCondition::starting);
}

// Where each partition starts (PartitionTable's plan_start: the next offset stored in MySQL, else
// the group's committed offset in Kafka - said loudly: messages before it are not written to this
// database - else stream.reset), with the retention check: asks the servers what plan_start()
// needs, carries out its plan (recording a loss once) and hands each partition to its worker with
// what MySQL holds. Returns each partition's start (kStartAtReset: stream.reset). Throws EtlError
// when a retention loss must stop the stream (stream.on_data_loss=stop).
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
    std::optional<int64_t> in_mysql;
    std::optional<int64_t> in_kafka;
    if (auto it = stored.find(p); it != stored.end()) in_mysql = it->second;
    if (auto c = committed.find(p); c != committed.end()) in_kafka = c->second;
    const bool candidate = in_mysql || in_kafka;
    const StartPlan plan =
        plan_start(in_mysql, in_kafka, candidate ? offset_range(p) : std::nullopt);
    const char* what = plan.source == StartSource::stored ? "stored" : "committed";
    if (plan.loss) {
      spdlog::info("stream: {}[{}]: {} offset {} is below the earliest offset {}", topic_, p, what,
                   plan.loss->from, *plan.record);
      try {
        if (!offsets_.advance(group_, topic_, p, in_mysql, *plan.record)) {
          spdlog::warn(
              "stream: {}[{}]: the stored offset changed meanwhile; the loss is not recorded",
              topic_, p);
        }
      } catch (const EtlError& e) {
        spdlog::warn(
            "stream: {}[{}]: could not record the new starting point {} in MySQL ({}); the loss "
            "may be reported again on the next start",
            topic_, p, *plan.record, e.error().describe());
      }
      report_loss(p, plan.loss->from, plan.loss->count, plan.start);
    } else if (plan.beyond_end) {
      spdlog::warn(
          "stream: {}[{}]: {} offset {} is beyond the end of the partition; was the topic "
          "re-created? Starting at stream.reset",
          topic_, p, what, in_mysql ? *in_mysql : *in_kafka);
    }
    const int64_t start = table_.start(p, plan);
    const int worker = table_.find(p)->worker;
    const char* source = plan.source == StartSource::stored      ? "MySQL"
                         : plan.source == StartSource::committed ? "the group's committed offset"
                                                                 : "stream.reset";
    spdlog::info("stream: {}[{}] -> worker {}, starting at {} ({})", topic_, p, worker,
                 start >= 0 ? std::to_string(start) : std::string("stream.reset"), source);
    workers_[static_cast<size_t>(worker)]->adopt(p, plan.holds);
    starts[p] = start;
  }
  return starts;
}

// Partitions assigned while MySQL was unavailable: hold them (paused) and, once MySQL answers,
// seek each to where start_partitions() says and let it run.
void StreamJob::start_deferred() {
  const std::vector<int32_t> waiting = table_.awaiting_start();
  if (waiting.empty()) return;
  kafka::TopicPartitions to_hold;
  for (int32_t p : table_.take_to_hold()) to_hold.push_back({topic_, p});
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
                                ? kafka::kOffsetEnd
                                : kafka::kOffsetBeginning;
    seek_to.push_back({topic_, p, logical});
    resume.push_back({topic_, p});
  }
  consumer_->seek(seek_to, 10s);
  consumer_->resume(resume);
  table_.started(waiting);
  spdlog::info("stream: MySQL answered: {}[{}] started", topic_, fmt::join(waiting, ","));
}

void StreamJob::release(const kafka::TopicPartitions& parts, ReleaseMode mode) {
  std::map<int, std::vector<int32_t>> by_worker;
  for (const auto& tp : parts) {
    if (tp.topic != topic_) continue;
    if (const auto* st = table_.find(tp.partition)) by_worker[st->worker].push_back(tp.partition);
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
  for (const auto& [p, next] : final_written) table_.written_final(p, next);
  if (mode == ReleaseMode::finish) {
    std::vector<int32_t> ids;
    for (const auto& [w, list] : by_worker) ids.insert(ids.end(), list.begin(), list.end());
    if (!ids.empty()) commit_to_kafka(ids);  // an empty list would mean every partition
  }
  for (const auto& tp : parts) {
    if (tp.topic != topic_) continue;
    table_.forget({tp.partition});
    metrics_.lag.remove({topic_, std::to_string(tp.partition)});
  }
  metrics_.assigned_partitions.set(static_cast<double>(table_.size()));
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

// After a data-loss stop: move each partition whose pending messages were all written past the
// deleted messages, so the next start does not report (and stop on) the same loss again.
void StreamJob::record_losses() {
  for (const auto& l : losses_to_record_) {
    if (!table_.written_exactly(l.partition, l.from)) {
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

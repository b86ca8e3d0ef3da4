#pragma once
// What `stream` knows about each assigned partition, and every decision taken from it - a plain
// class: no threads, no broker, no MySQL. The job (stream_job.cpp, rebalance.cpp, poll.cpp) asks
// the servers and hands the answers in; this file decides:
//
//   where a partition starts      plan_start(): the next offset stored in MySQL, else the
//                                 group's committed offset in Kafka, else stream.reset; moved
//                                 past messages retention deleted (a loss, recorded once)
//   what to do with a message     on_message(): dispatch to the partition's worker, drop
//                                 (unassigned, awaiting its start, re-delivered) or check a gap
//   whether a gap is a loss       gap_verdict(): retention deleted what was expected
//   what to commit to Kafka       commit_list(): what MySQL holds, once, never backwards
//   which partitions to pause     backpressure(): a worker above the high mark pauses its
//                                 partitions, resumes them at half of it
//   where to go after a fence     fenced(): what MySQL holds now
//   whether everything is written idle()
//
// A partition that leaves (revoked or lost) is forgotten entirely: taken again later, it starts
// from plan_start() with no pause, hold or position carried over.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace etl::pipeline {

// Start where stream.reset says (the consumer's auto.offset.reset).
inline constexpr int64_t kStartAtReset = -1;

enum class StartSource { stored, committed, reset };

// A partition's low and high watermarks as the broker reported them.
struct OffsetRange {
  int64_t low = 0;   // the earliest offset still stored
  int64_t high = 0;  // the offset the next message will get
};

// Messages retention deleted before this group read them: offsets [from, from + count).
struct RetentionLoss {
  int64_t from = 0;
  int64_t count = 0;
};

struct StartPlan {
  int64_t start = kStartAtReset;
  StartSource source = StartSource::reset;
  // What MySQL holds for the partition once the plan is carried out: the worker's fence expects
  // it (nullopt: no row yet).
  std::optional<int64_t> holds;
  std::optional<RetentionLoss> loss;
  // Record this offset in MySQL as the partition's next start (the loss is then reported once):
  // set together with `loss`. The expected current value is `stored` as passed to plan_start().
  std::optional<int64_t> record;
  // The candidate offset lies beyond the partition's end (the topic was re-created?): start at
  // stream.reset instead.
  bool beyond_end = false;
};

// `stored`: MySQL's next offset for the partition; `committed`: the group's committed offset in
// Kafka; `range`: the partition's watermarks (nullopt: the broker did not say - the retention
// check is deferred to the first message, whose offset then shows the gap).
[[nodiscard]] StartPlan plan_start(std::optional<int64_t> stored, std::optional<int64_t> committed,
                                   std::optional<OffsetRange> range);

// A message arrived at `offset` where `expected` was due, and the partition's earliest offset is
// `low`: the messages from `expected` up to min(low, offset) were deleted by retention (nullopt:
// not retention - a compacted topic or a transaction marker).
[[nodiscard]] std::optional<RetentionLoss> gap_verdict(int64_t expected, int64_t offset,
                                                       int64_t low);

class PartitionTable {
 public:
  using Clock = std::chrono::steady_clock;

  struct State {
    int worker = 0;
    std::optional<int64_t> expected_next;    // next offset Kafka should deliver (gap detection)
    std::optional<int64_t> dispatched_next;  // last message handed to the worker + 1
    std::optional<int64_t> written_next;     // next offset committed in MySQL
    std::optional<int64_t> kafka_committed;  // last next-offset committed to Kafka
    std::optional<int64_t> eof_at;           // read to its end at this offset (reset by a message)
    bool paused = false;                     // paused for backpressure
    // Assigned while MySQL could not say where it starts: held (paused in the client, its
    // messages dropped) until its start is known.
    bool awaiting_start = false;
    bool held = false;
    std::optional<int64_t> lag;           // last computed lag (messages)
    std::optional<int64_t> queried_high;  // high watermark asked of the broker (not fetched)
    Clock::time_point high_queried_at{};
  };

  explicit PartitionTable(int workers);

  // Newly assigned partitions, each to the worker with the fewest partitions. Returns them.
  std::vector<int32_t> assign(const std::vector<int32_t>& ids);
  // Carries out a plan_start() result; returns where the consumer starts (kStartAtReset or an
  // offset).
  int64_t start(int32_t partition, const StartPlan& plan);
  // MySQL could not say where they start: hold them until start() is called.
  void await_start(const std::vector<int32_t>& ids);
  // Partitions awaiting their start, and (once each) those to pause in the client now.
  [[nodiscard]] std::vector<int32_t> awaiting_start() const;
  std::vector<int32_t> take_to_hold();
  // Held partitions that start() started: no longer held, not at their end.
  void started(const std::vector<int32_t>& ids);
  // Forgets revoked or lost partitions.
  void forget(const std::vector<int32_t>& ids);

  enum class Action {
    dispatch,     // hand it to `worker`
    unassigned,   // not ours (any more): drop
    awaiting,     // its partition waits for its start: drop, it is read again from there
    redelivered,  // already handed to the worker (after a pause or seek): drop
  };
  struct Verdict {
    Action action = Action::unassigned;
    int worker = 0;
    // Set with dispatch when the message skips offsets: the first one missing.
    std::optional<int64_t> gap_from;
  };
  // What to do with a message at `offset` (changes nothing: dispatched() records the hand-over).
  [[nodiscard]] Verdict on_message(int32_t partition, int64_t offset) const;
  // The message at `offset` was handed to its worker: the partition expects offset + 1 next.
  void dispatched(int32_t partition, int64_t offset);
  // The consumer reached the partition's end at `offset`.
  void on_end(int32_t partition, int64_t offset);

  // `worker` wrote partition up to `next` (ignored when the partition moved to another worker or
  // `next` is not ahead).
  void written(int32_t partition, int worker, int64_t next);
  // The final position after a release (its worker finished or dropped its part).
  void written_final(int32_t partition, int64_t next);
  // `worker` found the partition written by someone else: MySQL holds `found` (nullopt: no row;
  // `expected` is what this process thought). Returns where to continue (nullopt: the partition
  // moved to another worker or was released meanwhile).
  std::optional<int64_t> fenced(int32_t partition, int worker, std::optional<int64_t> found,
                                std::optional<int64_t> expected);

  // Offsets to commit to Kafka (all partitions, or only `only`): what MySQL holds, each once.
  std::vector<std::pair<int32_t, int64_t>> commit_list(const std::vector<int32_t>& only = {});

  struct PauseChange {
    std::vector<int32_t> pause;
    std::vector<int32_t> resume;
  };
  // `worker` has `pending` messages not yet written: above `high` its partitions pause, at
  // `high`/2 or below they resume.
  PauseChange backpressure(int worker, size_t pending, size_t high);

  // Lag: `fetched` says whether the client's high watermark is fresh for the partition.
  [[nodiscard]] bool fetched(int32_t partition) const;
  // Whether to ask the broker for the high watermark of a partition not being fetched now.
  [[nodiscard]] bool high_query_due(int32_t partition, Clock::time_point now,
                                    Clock::duration every) const;
  void high_queried(int32_t partition, Clock::time_point now, std::optional<int64_t> high);
  // Updates and returns the partition's lag from `high` (or the last queried one).
  std::optional<int64_t> update_lag(int32_t partition, std::optional<int64_t> high);

  // Every partition read to its end and everything dispatched written (false without partitions).
  [[nodiscard]] bool idle() const;
  // Every partition read to its end (false without partitions).
  [[nodiscard]] bool all_at_end() const;
  // A loss found while consuming may be recorded once MySQL holds exactly its start.
  [[nodiscard]] bool written_exactly(int32_t partition, int64_t next) const;

  [[nodiscard]] const State* find(int32_t partition) const;
  [[nodiscard]] std::vector<int32_t> ids() const;
  [[nodiscard]] size_t size() const noexcept { return parts_.size(); }
  [[nodiscard]] bool empty() const noexcept { return parts_.empty(); }
  [[nodiscard]] int paused_count() const;
  [[nodiscard]] int64_t total_lag() const;
  [[nodiscard]] const std::map<int32_t, State>& all() const noexcept { return parts_; }

 private:
  [[nodiscard]] int least_loaded_worker() const;

  int workers_;
  std::map<int32_t, State> parts_;
};

}  // namespace etl::pipeline

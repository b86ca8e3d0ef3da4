#include "pipeline/stream_job.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "kafka/consumer.hpp"
#include "kafka/kafka_error.hpp"
#include "kafka/topic_admin.hpp"
#include "mysql/connection.hpp"
#include "mysql/offset_store.hpp"
#include "mysql/schema.hpp"
#include "pipeline/metrics_server.hpp"
#include "pipeline/stream_health.hpp"
#include "pipeline/stream_metrics.hpp"
#include "pipeline/stream_worker.hpp"

namespace etl::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kPollTimeout = 100ms;
constexpr auto kCommitInterval = 1s;
constexpr auto kLagInterval = 1s;
constexpr auto kKafkaProbeInterval = 2s;
constexpr auto kWatermarkTimeout = 5s;
// How long on_assigned keeps retrying to read the stored offsets while MySQL is unavailable. It
// runs inside poll() (max.poll.interval.ms), so it does not wait longer: the partitions are then
// taken, held (paused) and started from the poll loop as soon as MySQL answers.
constexpr auto kOffsetReadPatience = 5s;
// A partition that is not being fetched (paused, or not started yet) has no fresh high watermark
// in the client: its lag asks the broker this often.
constexpr auto kLagQueryInterval = 5s;

// What the poll thread knows about one assigned partition.
struct PartitionState {
  int worker = 0;
  std::optional<int64_t> expected_next;    // next offset Kafka should deliver (gap detection)
  std::optional<int64_t> dispatched_next;  // last message handed to the worker + 1
  std::optional<int64_t> written_next;     // next offset committed in MySQL
  std::optional<int64_t> kafka_committed;  // last next-offset committed to Kafka
  std::optional<int64_t> eof_at;           // read to its end at this offset (reset by a message)
  bool paused = false;                     // paused for backpressure
  // Assigned while MySQL could not say where it starts: held (paused in the client, its messages
  // dropped) until start_deferred() reads its stored offset and seeks there.
  bool awaiting_start = false;
  bool held = false;
  std::optional<int64_t> lag;           // last computed lag (messages)
  std::optional<int64_t> queried_high;  // high watermark asked of the broker (not fetched)
  Clock::time_point high_queried_at{};
};

// A retention loss found while consuming with stream.on_data_loss=stop: once what precedes the
// gap is written, the partition's stored offset moves past the deleted messages, so the loss is
// reported once, not on every start.
struct LossToRecord {
  int32_t partition = 0;
  int64_t from = 0;  // the stored offset once everything before the gap is written
  int64_t to = 0;    // the earliest offset still in the partition
};

// Our defaults for the consumer, applied only where the user's kafka.properties is silent:
// bounded prefetch (memory does not grow with the backlog). fetch.wait.max.ms stays librdkafka's
// 500 ms: a real broker answers a waiting fetch as soon as data arrives, so a shorter wait only
// adds idle requests (measured in docs/benchmarks.md; only the dev broker holds an empty fetch
// for the full wait).
config::KafkaConfig consumer_kafka_config(const config::KafkaConfig& in) {
  config::KafkaConfig cfg = in;
  cfg.properties.try_emplace("queued.max.messages.kbytes", "32768");
  cfg.properties.try_emplace("queued.min.messages", "20000");
  return cfg;
}

// Exits the process if the shutdown does not finish in time (a broker that never answers the
// final LeaveGroup, a MySQL statement that hangs): the data is safe either way (offsets only move
// with the rows), so a bounded exit beats hanging forever.
class ShutdownWatchdog {
 public:
  ShutdownWatchdog(std::chrono::milliseconds limit, const std::atomic<int>& exit_code)
      : thread_([this, limit, &exit_code] {
          std::unique_lock lock(mutex_);
          if (!cv_.wait_for(lock, limit, [&] { return done_; })) {
            spdlog::error(
                "stream: shutdown did not finish within {} ms; exiting now (everything "
                "committed to MySQL is safe; the rest is read again on the next start)",
                limit.count());
            spdlog::default_logger()->flush();
            std::_Exit(exit_code.load());
          }
        }) {}
  ~ShutdownWatchdog() {
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  ShutdownWatchdog(const ShutdownWatchdog&) = delete;
  ShutdownWatchdog& operator=(const ShutdownWatchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

class StreamJob {
 public:
  StreamJob(const config::Config& cfg, const StreamRunOptions& options)
      : cfg_(cfg),
        options_(options),
        group_(options.group.empty() ? cfg.kafka.consumer_group : options.group),
        topic_(cfg.kafka.topic),
        offsets_(cfg.mysql) {}

  int run();

 private:
  void wait_for_mysql();
  void start_workers();
  void start_consumer();

  // Rebalance handlers (poll thread, inside poll()/close()).
  void on_assigned(kafka::TopicPartitions& parts);
  void on_revoked(const kafka::TopicPartitions& parts);
  void on_lost(const kafka::TopicPartitions& parts);
  void release(const kafka::TopicPartitions& parts, ReleaseMode mode);
  std::optional<std::map<int32_t, int64_t>> load_stored_offsets(
      const std::vector<int32_t>& partitions);
  std::map<int32_t, int64_t> start_partitions(const std::vector<int32_t>& ids,
                                              const std::map<int32_t, int64_t>& stored);
  void start_deferred();
  void check_retention(int32_t partition, std::optional<int64_t> stored, int64_t from,
                       const char* what, int64_t& start);
  void report_loss(int32_t partition, int64_t from, int64_t count, int64_t resume_at);
  void record_losses();

  void handle(kafka::Message message);
  void housekeeping(bool force_commit);
  void collect_written();
  void reseek_fenced();
  void commit_to_kafka(const std::vector<int32_t>& only = {});
  void apply_backpressure();
  void update_lag();
  void probe_kafka();
  void log_status();
  [[nodiscard]] bool idle() const;
  [[nodiscard]] int least_loaded_worker() const;
  int shutdown(bool write_pending);

  const config::Config& cfg_;
  StreamRunOptions options_;
  std::string group_;
  std::string topic_;

  StreamMetrics metrics_;
  StreamHealth health_;
  std::unique_ptr<MetricsServer> server_;
  mysql::OffsetStore offsets_;
  // Declared before the workers: the consumer is destroyed after them (every Message a worker
  // still holds must be destroyed before its Consumer).
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<std::unique_ptr<StreamWorker>> workers_;
  std::map<int32_t, PartitionState> partitions_;
  std::optional<Error> fatal_;
  std::atomic<bool> kafka_down_{false};
  bool drain_on_fatal_ = false;  // a fatal that still writes what precedes it (data loss, stop)
  std::vector<LossToRecord> losses_to_record_;
  Backoff start_backoff_{cfg_.stream.retry_backoff_initial, cfg_.stream.retry_backoff_max};
  Clock::time_point next_start_attempt_{};
  Clock::time_point last_start_warning_{};

  Clock::time_point last_commit_{};
  Clock::time_point last_lag_{};
  Clock::time_point last_probe_{};
  Clock::time_point last_status_{};
  uint64_t last_status_messages_ = 0;
  bool logged_pause_ = false;
};

int StreamJob::run() {
  health_.set(HealthCondition::starting, "waiting for MySQL and the partition assignment");
  if (cfg_.stream.metrics_port != 0) {
    server_ = std::make_unique<MetricsServer>(
        cfg_.stream.metrics_bind, cfg_.stream.metrics_port,
        MetricsEndpoints{[this] { return metrics_.registry.render(); },
                         [this] {
                           const HealthReport r = health_.report();
                           return HealthAnswer{r.healthy, r.reason};
                         }});
  }
  try {
    wait_for_mysql();
    if (stop_requested()) return shutdown(false);
    start_workers();
    start_consumer();
    spdlog::info(
        "stream: group {} consuming {} with {} worker(s), batches of up to {} rows{}, at most {} "
        "ms{}",
        group_, topic_, workers_.size(), cfg_.stream.batch_size,
        cfg_.stream.group_commit ? " (group commit)" : "", cfg_.stream.batch_interval.count(),
        options_.until_idle ? ", until idle" : "");
    while (!stop_requested()) {
      std::optional<kafka::Message> m = consumer_->poll(kPollTimeout);
      if (m) handle(std::move(*m));
      housekeeping(false);
      if (fatal_) break;
      if (options_.until_idle && idle()) {
        spdlog::info(
            "stream: every assigned partition has been read to its end and written; stopping "
            "(--until-idle)");
        break;
      }
    }
  } catch (const EtlError& e) {
    if (!fatal_) fatal_ = e.error();
  }
  if (fatal_) {
    health_.set(HealthCondition::fatal, fatal_->describe());
    spdlog::critical("stream: {}", fatal_->describe());
    return shutdown(drain_on_fatal_);
  }
  return shutdown(true);
}

void StreamJob::wait_for_mysql() {
  Backoff backoff(cfg_.stream.retry_backoff_initial, cfg_.stream.retry_backoff_max);
  for (int attempt = 1;; ++attempt) {
    try {
      mysql::Connection conn = mysql::Connection::open(cfg_.mysql);
      mysql::require_schema(conn, cfg_.mysql.database);
      health_.clear(HealthCondition::mysql_failing, "startup");
      return;
    } catch (const EtlError& e) {
      if (!e.error().retriable()) throw;
      health_.set(HealthCondition::mysql_failing, e.error().describe(), "startup");
      const auto delay = backoff.next();
      spdlog::warn("stream: MySQL is not available (attempt {}): {}; retrying in {} ms", attempt,
                   e.error().describe(), delay.count());
      if (wait_for_stop(delay)) return;
    }
  }
}

void StreamJob::start_workers() {
  const int n = std::max(1, cfg_.stream.parallelism);
  for (int i = 0; i < n; ++i) {
    WorkerSettings s;
    s.mysql = cfg_.mysql;
    s.consumer_group = group_;
    s.topic = topic_;
    s.batch_size = static_cast<size_t>(std::max(1, cfg_.stream.batch_size));
    s.batch_interval = cfg_.stream.batch_interval;
    s.group_commit = cfg_.stream.group_commit;
    s.raw_archive = cfg_.stream.raw_archive;
    s.max_retries = cfg_.stream.max_retries;
    s.backoff_initial = cfg_.stream.retry_backoff_initial;
    s.backoff_max = cfg_.stream.retry_backoff_max;
    workers_.push_back(std::make_unique<StreamWorker>(i, std::move(s), metrics_, health_));
  }
}

void StreamJob::start_consumer() {
  kafka::ConsumerOptions options;
  options.client.group_id = group_;
  options.client.client_id = "walmart-etl-stream";
  options.client.offset_reset = cfg_.stream.reset == config::ResetPolicy::latest
                                    ? kafka::OffsetReset::latest
                                    : kafka::OffsetReset::earliest;
  options.client.partition_eof = true;
  options.rebalance.on_assigned = [this](kafka::TopicPartitions& parts) { on_assigned(parts); };
  options.rebalance.on_revoked = [this](const kafka::TopicPartitions& parts) { on_revoked(parts); };
  options.rebalance.on_lost = [this](const kafka::TopicPartitions& parts) { on_lost(parts); };
  options.on_client_error = [this](const Error& e) {
    if (e.code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      kafka_down_.store(true);
      health_.set(HealthCondition::kafka_down, e.message);
    } else if (e.code == RD_KAFKA_RESP_ERR__FATAL || e.cls == ErrorClass::fatal) {
      if (!fatal_) fatal_ = e;
    }
  };
  consumer_ =
      std::make_unique<kafka::Consumer>(consumer_kafka_config(cfg_.kafka), std::move(options));
  consumer_->subscribe({topic_});
}

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

// ---------------------------------------------------------------------------------------------
// The poll loop

void StreamJob::handle(kafka::Message m) {
  if (m.is_partition_eof()) {
    kafka_down_.store(false);
    health_.clear(HealthCondition::kafka_down);
    if (auto it = partitions_.find(m.partition());
        it != partitions_.end() && m.topic() == topic_ && !it->second.awaiting_start) {
      it->second.eof_at = m.offset();
    }
    return;
  }
  if (m.is_error()) {
    const Error e = m.error();
    if (m.error_code() == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
        m.error_code() == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
      // Nothing to assign until the topic exists (fetch creates it).
      health_.set(HealthCondition::starting, fmt::format("topic {} does not exist", topic_));
      if (options_.until_idle) {
        fatal_ = Error{ErrorClass::fatal, ErrorOrigin::kafka, m.error_code(),
                       fmt::format("topic {} does not exist (--until-idle has nothing to read): {}",
                                   topic_, e.message)};
        return;
      }
    }
    if (e.cls == ErrorClass::fatal) {
      spdlog::error("stream: consumer error: {}", e.describe());
      if (m.error_code() == RD_KAFKA_RESP_ERR__FATAL) fatal_ = e;
    } else {
      spdlog::warn("stream: consumer error: {}", e.describe());
    }
    return;
  }
  kafka_down_.store(false);
  health_.clear(HealthCondition::kafka_down);
  auto it = partitions_.find(m.partition());
  if (it == partitions_.end() || m.topic() != topic_) {
    spdlog::debug("stream: dropping a message of unassigned {}[{}]@{}", m.topic(), m.partition(),
                  m.offset());
    return;
  }
  PartitionState& st = it->second;
  if (st.awaiting_start) return;  // read again from its real start once MySQL answers
  const int64_t offset = m.offset();
  if (st.expected_next) {
    if (offset < *st.expected_next) {
      // Already handed to the worker (a re-delivery after pause/seek): applying it again could put
      // an older version of an order after a newer one in the same batch.
      spdlog::debug("stream: skipping re-delivered {}[{}]@{}", topic_, m.partition(), offset);
      return;
    }
    if (offset > *st.expected_next) {
      // A gap: retention deleted messages before we read them (or a compacted topic).
      const int64_t expected = *st.expected_next;
      try {
        const kafka::Watermarks w = consumer_->watermarks(topic_, m.partition(), kWatermarkTimeout);
        if (w.low > expected) {
          if (cfg_.stream.on_data_loss == config::DataLossPolicy::stop) {
            // Stop after writing what precedes the gap, then record the new starting point.
            drain_on_fatal_ = true;
            losses_to_record_.push_back({m.partition(), expected, std::min(w.low, offset)});
          }
          report_loss(m.partition(), expected, std::min(w.low, offset) - expected, offset);
        } else {
          spdlog::debug("stream: {}[{}] skips offsets {}..{} (not retention)", topic_,
                        m.partition(), expected, offset - 1);
        }
      } catch (const EtlError& e) {
        if (e.error().cls == ErrorClass::fatal) {  // includes stream.on_data_loss=stop
          fatal_ = e.error();
          return;
        }
        spdlog::warn(
            "stream: {}[{}] skipped offsets {}..{}; could not check the earliest offset: {}",
            topic_, m.partition(), expected, offset - 1, e.error().describe());
      }
    }
  }
  st.expected_next = offset + 1;
  st.dispatched_next = offset + 1;
  st.eof_at.reset();
  workers_[static_cast<size_t>(st.worker)]->push(std::move(m));
}

void StreamJob::collect_written() {
  for (const auto& w : workers_) {
    for (const auto& [p, next] : w->written()) {
      auto it = partitions_.find(p);
      if (it == partitions_.end() || it->second.worker != w->id()) continue;
      if (!it->second.written_next || *it->second.written_next < next)
        it->second.written_next = next;
    }
    if (auto f = w->fatal_error(); f && !fatal_) fatal_ = *f;
  }
}

// A worker found a partition's stored offset moved by someone else (mysql/offset_fence.hpp): it
// dropped that partition's pending messages. MySQL is the truth: continue from what it holds.
void StreamJob::reseek_fenced() {
  for (const auto& w : workers_) {
    for (const auto& f : w->take_fenced()) {
      auto it = partitions_.find(f.partition);
      if (it == partitions_.end() || it->second.worker != w->id()) continue;  // released meanwhile
      metrics_.fenced.inc();
      PartitionState& st = it->second;
      // No row any more (deleted by hand): go on from what this process had written.
      const int64_t resume = f.found.value_or(f.expected.value_or(0));
      spdlog::error(
          "stream: {}[{}] was written by another consumer of group {} meanwhile ({}); its pending "
          "messages were NOT written by this process, which continues from offset {}. Two writers "
          "of one partition: a rebalance overlapped a slow batch, or another process uses the "
          "same group and database",
          topic_, f.partition, group_, f.describe(), resume);
      try {
        consumer_->seek({{topic_, f.partition, resume}}, 10s);
      } catch (const EtlError& e) {
        fatal_ = Error{ErrorClass::fatal, ErrorOrigin::kafka, e.error().code,
                       fmt::format("cannot move {}[{}] to offset {} after a fence: {}", topic_,
                                   f.partition, resume, e.error().message)};
        return;
      }
      st.expected_next = resume;
      st.dispatched_next.reset();
      st.written_next = f.found;
      st.eof_at.reset();
      w->adopt(f.partition, f.found);
    }
  }
}

void StreamJob::commit_to_kafka(const std::vector<int32_t>& only) {
  kafka::TopicPartitions list;
  auto consider = [&](int32_t p, PartitionState& st) {
    if (st.written_next && (!st.kafka_committed || *st.kafka_committed < *st.written_next)) {
      list.push_back({topic_, p, *st.written_next});
      st.kafka_committed = st.written_next;
    }
  };
  if (only.empty()) {
    for (auto& [p, st] : partitions_) consider(p, st);
  } else {
    for (int32_t p : only) {
      if (auto it = partitions_.find(p); it != partitions_.end()) consider(p, it->second);
    }
  }
  if (list.empty() || !consumer_) return;
  // Asynchronous: a broker that is down must not stall the poll loop; MySQL holds the
  // authoritative offsets, these are for lag tools (and the fallback of a group without them).
  if (const auto err = consumer_->commit_async(list)) spdlog::debug("stream: {}", err->describe());
}

void StreamJob::apply_backpressure() {
  const size_t high = static_cast<size_t>(std::max(1, cfg_.stream.max_pending_messages));
  size_t pending = 0;
  int paused = 0;
  for (const auto& w : workers_) {
    const size_t n = w->pending();
    pending += n;
    kafka::TopicPartitions to_pause;
    kafka::TopicPartitions to_resume;
    for (auto& [p, st] : partitions_) {
      if (st.worker != w->id() || st.awaiting_start) continue;
      if (!st.paused && n > high) {
        to_pause.push_back({topic_, p});
        st.paused = true;
      } else if (st.paused && n <= high / 2) {
        to_resume.push_back({topic_, p});
        st.paused = false;
      }
    }
    try {
      if (!to_pause.empty()) {
        // The first pause of a run at INFO (it explains a slower intake), later ones at DEBUG.
        spdlog::log(
            logged_pause_ ? spdlog::level::debug : spdlog::level::info,
            "stream: worker {} is behind ({} messages pending, stream.max_pending_messages={}): "
            "pausing {}",
            w->id(), n, high, kafka::describe(to_pause));
        logged_pause_ = true;
        consumer_->pause(to_pause);
      }
      if (!to_resume.empty()) consumer_->resume(to_resume);
    } catch (const EtlError& e) {
      spdlog::warn("stream: pause/resume: {}", e.error().describe());
    }
  }
  for (const auto& [p, st] : partitions_) paused += st.paused ? 1 : 0;
  metrics_.pending_messages.set(static_cast<double>(pending));
  metrics_.paused_partitions.set(paused);
}

void StreamJob::update_lag() {
  const auto now = Clock::now();
  for (auto& [p, st] : partitions_) {
    // A partition that is not being fetched has no fresh high watermark in the client.
    const bool fetched = !st.paused && !st.held;
    std::optional<int64_t> high =
        fetched ? consumer_->cached_high_watermark(topic_, p) : std::nullopt;
    if (!high) {
      if (now - st.high_queried_at >= kLagQueryInterval) {
        st.high_queried_at = now;
        try {
          st.queried_high = consumer_->watermarks(topic_, p, 500ms).high;
        } catch (const EtlError& e) {
          spdlog::debug("stream: {}[{}]: high watermark: {}", topic_, p, e.error().describe());
        }
      }
      high = st.queried_high;
    }
    const auto next = st.written_next ? st.written_next : st.expected_next;
    if (!high || !next) continue;
    st.lag = std::max<int64_t>(0, *high - *next);
    metrics_.lag.with({topic_, std::to_string(p)}).set(static_cast<double>(*st.lag));
  }
}

void StreamJob::probe_kafka() {
  // While librdkafka reports the brokers down, ask for watermarks now and then: an answer means
  // the cluster is back even if no message has arrived yet.
  try {
    const int32_t p = partitions_.empty() ? 0 : partitions_.begin()->first;
    (void)consumer_->watermarks(topic_, p, 1s);
    kafka_down_.store(false);
    health_.clear(HealthCondition::kafka_down);
    spdlog::info("stream: Kafka is reachable again");
  } catch (const EtlError&) {
    // still down; health says so
  }
}

void StreamJob::log_status() {
  const uint64_t messages = metrics_.messages.value();
  const auto secs = std::chrono::duration<double>(cfg_.stream.status_interval).count();
  int64_t lag = 0;
  for (const auto& [p, st] : partitions_) lag += st.lag.value_or(0);
  size_t pending = 0;
  for (const auto& w : workers_) pending += w->pending();
  const HealthReport h = health_.report();
  std::vector<int32_t> ids;
  for (const auto& [p, st] : partitions_) ids.push_back(p);
  spdlog::info(
      "stream: partitions [{}], {:.0f} msg/s, written: {} messages, {} orders, {} rows, {} "
      "charges, {} dead letters; lag {}, pending {}; {}",
      fmt::join(ids, ","), static_cast<double>(messages - last_status_messages_) / secs, messages,
      metrics_.orders.value(), metrics_.rows.value(), metrics_.charges.value(),
      metrics_.dead_letters_total(), lag, pending,
      h.healthy ? "healthy" : "UNHEALTHY: " + h.reason);
  last_status_messages_ = messages;
}

void StreamJob::housekeeping(bool force_commit) {
  const auto now = Clock::now();
  collect_written();
  reseek_fenced();
  start_deferred();
  apply_backpressure();
  if (force_commit || now - last_commit_ >= kCommitInterval) {
    commit_to_kafka();
    last_commit_ = now;
  }
  if (now - last_lag_ >= kLagInterval) {
    update_lag();
    last_lag_ = now;
  }
  if (kafka_down_.load() && now - last_probe_ >= kKafkaProbeInterval) {
    last_probe_ = now;
    probe_kafka();
  }
  if (options_.until_idle && !partitions_.empty()) {
    bool all_at_end = true;
    for (const auto& [p, st] : partitions_) all_at_end = all_at_end && st.eof_at.has_value();
    if (all_at_end) {
      for (const auto& w : workers_) {
        if (w->pending() > 0) w->request_flush();
      }
    }
  }
  const HealthReport h = health_.report();
  metrics_.healthy.set(h.healthy ? 1 : 0);
  if (cfg_.stream.status_interval.count() > 0 &&
      now - last_status_ >= cfg_.stream.status_interval) {
    if (last_status_ != Clock::time_point{}) log_status();
    last_status_ = now;
  }
}

bool StreamJob::idle() const {
  if (partitions_.empty()) return false;
  for (const auto& [p, st] : partitions_) {
    if (st.awaiting_start || !st.eof_at) return false;
    if (st.dispatched_next && (!st.written_next || *st.written_next < *st.dispatched_next))
      return false;
  }
  return true;
}

int StreamJob::shutdown(bool write_pending) {
  health_.set(HealthCondition::stopping,
              write_pending ? "writing what is pending, leaving the group" : "leaving the group");
  const int failure = static_cast<int>(ExitCode::failure);
  // Failure until every worker has stopped with nothing left unwritten: the watchdog exits with
  // this value if the shutdown hangs, and a hang while workers still hold messages is a failure.
  std::atomic<int> exit_code{failure};
  ShutdownWatchdog watchdog(options_.shutdown_timeout + 30s, exit_code);
  const auto deadline = Clock::now() + options_.shutdown_timeout;
  for (const auto& w : workers_) {
    if (write_pending) {
      w->drain(deadline);
    } else {
      w->abandon();
    }
  }
  size_t dropped = 0;
  size_t not_stopped = 0;
  for (const auto& w : workers_) {
    if (!w->wait_stopped(deadline + 5s)) {
      // Still inside a MySQL call: whatever it holds is not written (read again on the next start).
      spdlog::error("stream: worker {} did not stop in time ({} message(s) pending)", w->id(),
                    w->pending());
      ++not_stopped;
      continue;
    }
    dropped += w->dropped_at_shutdown();
  }
  if (consumer_) {
    collect_written();
    record_losses();
    if (!fatal_ || write_pending) commit_to_kafka();
  }
  const bool clean = !fatal_ && dropped == 0 && not_stopped == 0;
  if (clean) exit_code.store(0);
  if (consumer_) {
    if (const auto err = consumer_->close())
      spdlog::warn("stream: leaving the group: {}", err->message);
  }
  workers_.clear();
  consumer_.reset();
  spdlog::info(
      "stream: stopped; written {} messages: {} orders, {} rows, {} charges, {} dead letters, "
      "{} conversion warnings, {} lost to retention",
      metrics_.messages.value(), metrics_.orders.value(), metrics_.rows.value(),
      metrics_.charges.value(), metrics_.dead_letters_total(), metrics_.conversion_warnings.value(),
      metrics_.lost_total());
  if (fatal_) return failure;
  if (dropped > 0 || not_stopped > 0) {
    spdlog::error(
        "stream: {} message(s){} could not be written before the shutdown deadline; they are "
        "read again on the next start",
        dropped,
        not_stopped > 0 ? fmt::format(" (and what {} worker(s) still held)", not_stopped) : "");
    return failure;
  }
  return static_cast<int>(ExitCode::ok);
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

}  // namespace

int run_stream(const config::Config& cfg, const StreamRunOptions& options) {
  StreamJob job(cfg, options);
  return job.run();
}

}  // namespace etl::pipeline

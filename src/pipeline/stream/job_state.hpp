#pragma once
// Internal to `walmart-etl stream` (see stream_job.hpp for what the job does): the StreamJob
// class shared by its three source files, each owning one concern:
//   stream_job.cpp        start-up, the main loop and shutdown (exit codes, the watchdog)
//   rebalance.cpp         partition assignment: where each partition starts (stored offset,
//                         committed offset, stream.reset), retention verdicts, held partitions
//   poll.cpp              one polled message, housekeeping: gaps and re-deliveries, written
//                         offsets, fences, commits to Kafka, backpressure, lag, status, idleness
// Nothing outside these three files includes this header.

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
#include "metrics/server.hpp"
#include "mysql/connection.hpp"
#include "mysql/offset_store.hpp"
#include "mysql/schema.hpp"
#include "pipeline/stream/health.hpp"
#include "pipeline/stream/metrics.hpp"
#include "pipeline/stream/partition_table.hpp"
#include "pipeline/stream/shutdown_watchdog.hpp"
#include "pipeline/stream/stream_data_set.hpp"
#include "pipeline/stream/stream_job.hpp"
#include "pipeline/stream/watermark_queries.hpp"
#include "pipeline/stream/worker.hpp"

namespace etl::pipeline::stream_detail {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

inline constexpr auto kPollTimeout = 100ms;
inline constexpr auto kCommitInterval = 1s;
inline constexpr auto kLagInterval = 1s;
// Kafka's reachability: a message, an end of partition or a watermark answer is contact with the
// cluster. After kKafkaProbeInterval without contact the stream asks for a watermark (on the
// watermark thread) every kKafkaProbeInterval; kKafkaSilenceLimit without contact means
// unreachable, as does librdkafka's "all brokers down" (which it does not report while an idle
// connection is simply closed, e.g. a broker killed between two fetches).
inline constexpr auto kKafkaProbeInterval = 2s;
inline constexpr auto kKafkaSilenceLimit = 10s;
// The longest the poll thread waits for a watermark answer it needs at once (the retention check
// of an assignment or of a gap); it does not wait at all while an earlier query is stuck that
// long (WatermarkQueries::ask).
inline constexpr auto kWatermarkTimeout = 3s;
// Shutdown, after the pending messages (stream.shutdown_timeout_s from the signal): the workers
// get this much more to return from MySQL, leaving the group this much, and the watchdog
// (armed by the signal) ends the process at stream.shutdown_timeout_s + kShutdownGrace whatever
// is still running.
inline constexpr auto kWorkerStopGrace = 5s;
inline constexpr auto kLeaveGroupTimeout = 10s;
// Whether the cluster answers at shutdown (a watermark query, kShutdownProbe at most): if not, the
// final commit to Kafka is skipped and leaving the group gets kLeaveGroupUnreachable only.
inline constexpr auto kShutdownProbe = 1s;
inline constexpr auto kLeaveGroupUnreachable = 2s;
inline constexpr auto kShutdownGrace = 20s;
// How long on_assigned keeps retrying to read the stored offsets while MySQL is unavailable. It
// runs inside poll() (max.poll.interval.ms), so it does not wait longer: the partitions are then
// taken, held (paused) and started from the poll loop as soon as MySQL answers.
inline constexpr auto kOffsetReadPatience = 5s;
// A partition that is not being fetched (paused, or not started yet) has no fresh high watermark
// in the client: its lag asks the broker this often.
inline constexpr auto kLagQueryInterval = 5s;

// A retention loss found while consuming with stream.on_data_loss=stop: once what precedes the
// gap is written, the partition's stored offset moves past the deleted messages, so the loss is
// reported once, not on every start.
struct LossToRecord {
  int32_t partition = 0;
  int64_t from = 0;  // the stored offset once everything before the gap is written
  int64_t to = 0;    // the earliest offset still in the partition
};

class StreamJob {
 public:
  StreamJob(const config::Config& cfg, const StreamRunOptions& options)
      : cfg_(cfg),
        options_(options),
        data_set_(stream_data_set(options.data, cfg)),
        group_(stream_group(data_set_, options.group)),
        topic_(data_set_.topic),
        metrics_(data_set_.metric_names),
        offsets_(cfg.mysql),
        table_(std::max(1, cfg.stream.parallelism)) {}

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
  std::optional<OffsetRange> offset_range(int32_t partition);
  void report_loss(int32_t partition, int64_t from, int64_t count, int64_t resume_at);
  void record_losses();

  void handle(kafka::Message message);
  bool check_gap(int32_t partition, int64_t expected, int64_t offset);
  void housekeeping(bool force_commit);
  void collect_written();
  void reseek_fenced();
  void commit_to_kafka(const std::vector<int32_t>& only = {});
  void apply_backpressure();
  void update_lag();
  void watch_kafka();
  void kafka_contact(Clock::time_point when);
  void kafka_unreachable(const std::string& why);
  void log_status();
  [[nodiscard]] bool idle() const;
  int shutdown(bool write_pending);
  [[nodiscard]] bool kafka_answers(std::chrono::milliseconds within);
  bool leave_group(std::chrono::milliseconds within);

  const config::Config& cfg_;
  StreamRunOptions options_;
  StreamDataSet data_set_;
  std::string group_;
  std::string topic_;

  // The process's exit code should the watchdog have to end it: failure until the shutdown has
  // stopped every worker with nothing left unwritten.
  std::atomic<int> exit_code_{static_cast<int>(ExitCode::failure)};
  // Declared first among the threads: destroyed (disarmed) last.
  ShutdownWatchdog watchdog_{options_.shutdown_timeout + kShutdownGrace, exit_code_};
  StreamMetrics metrics_;
  StreamHealth health_;
  std::unique_ptr<metrics::MetricsServer> server_;
  mysql::OffsetStore offsets_;
  // Watermark queries on a thread of their own: the poll thread never waits on them for long.
  std::unique_ptr<WatermarkQueries> watermarks_;
  // Declared before the workers: the consumer is destroyed after them (every Message a worker
  // still holds must be destroyed before its Consumer).
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<std::unique_ptr<StreamWorker>> workers_;
  PartitionTable table_;
  std::optional<Error> fatal_;
  std::atomic<bool> kafka_down_{false};
  // Set when shutdown() begins: partitions the group assigns after that (inside close()) are
  // taken without being started, and given back by the same close().
  std::atomic<bool> stopping_{false};
  Clock::time_point kafka_down_since_{};
  bool drain_on_fatal_ = false;  // a fatal that still writes what precedes it (data loss, stop)
  std::vector<LossToRecord> losses_to_record_;
  Backoff start_backoff_{cfg_.stream.retry_backoff_initial, cfg_.stream.retry_backoff_max};
  Clock::time_point next_start_attempt_{};
  Clock::time_point last_start_warning_{};

  Clock::time_point last_commit_{};
  Clock::time_point last_lag_{};
  Clock::time_point last_probe_{};
  Clock::time_point last_contact_{Clock::now()};
  Clock::time_point last_status_{};
  uint64_t last_status_messages_ = 0;
  bool logged_pause_ = false;
};

}  // namespace etl::pipeline::stream_detail

#include "pipeline/stream/stream_job.hpp"

#include "pipeline/stream/job_state.hpp"

namespace etl::pipeline {

namespace stream_detail {

namespace {

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

}  // namespace

int StreamJob::run() {
  health_.set(HealthCondition::starting, "waiting for MySQL and the partition assignment");
  if (cfg_.stream.metrics_port != 0) {
    server_ = std::make_unique<metrics::MetricsServer>(
        cfg_.stream.metrics_bind, cfg_.stream.metrics_port,
        metrics::MetricsEndpoints{[this] { return metrics_.registry.render(); },
                                  [this] {
                                    const HealthReport r = health_.report();
                                    return metrics::HealthAnswer{r.healthy, r.reason};
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
  metrics_.add_known_accounts(configured_accounts(cfg_));
  const int n = std::max(1, cfg_.stream.parallelism);
  for (int i = 0; i < n; ++i) {
    WorkerSettings s;
    s.mysql = cfg_.mysql;
    s.consumer_group = group_;
    s.topic = topic_;
    s.default_account = cfg_.stream.default_account;
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
    if (e.cause == ErrorCause::unreachable) {
      kafka_down_.store(true);
      health_.set(HealthCondition::kafka_down, e.message);
    } else if (e.cause == ErrorCause::client_failed || e.cls == ErrorClass::fatal) {
      if (!fatal_) fatal_ = e;
    }
  };
  consumer_ = std::make_unique<kafka::Consumer>(cfg_.kafka, std::move(options));
  consumer_->subscribe({topic_});
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

}  // namespace stream_detail

int run_stream(const config::Config& cfg, const StreamRunOptions& options) {
  stream_detail::StreamJob job(cfg, options);
  return job.run();
}

}  // namespace etl::pipeline

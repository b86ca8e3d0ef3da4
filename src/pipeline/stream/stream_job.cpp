#include "pipeline/stream/stream_job.hpp"

#include "pipeline/stream/job_state.hpp"

namespace etl::pipeline {

namespace stream_detail {

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
        "stream: {}: group {} consuming {} with {} worker(s), batches of up to {} rows{}, at most "
        "{} ms{}",
        config::to_string(data_set_.data_set), group_, topic_, workers_.size(),
        cfg_.stream.batch_size, cfg_.stream.group_commit ? " (group commit)" : "",
        cfg_.stream.batch_interval.count(), options_.until_idle ? ", until idle" : "");
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
    s.make_batch = data_set_.make_batch;
    s.consumer_group = group_;
    s.topic = topic_;
    s.default_account = cfg_.stream.default_account;
    s.batch_size = static_cast<size_t>(std::max(1, cfg_.stream.batch_size));
    s.batch_interval = cfg_.stream.batch_interval;
    s.group_commit = cfg_.stream.group_commit;
    s.raw_archive = cfg_.stream.raw_archive;
    s.privacy = cfg_.privacy;
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
      kafka_unreachable(e.message);
    } else if (e.cause == ErrorCause::client_failed || e.cls == ErrorClass::fatal) {
      if (!fatal_) fatal_ = e;
    }
  };
  watermarks_ = std::make_unique<WatermarkQueries>(cfg_.kafka, topic_);
  consumer_ = std::make_unique<kafka::Consumer>(cfg_.kafka, std::move(options));
  consumer_->subscribe({topic_});
}

void StreamJob::kafka_unreachable(const std::string& why) {
  if (!kafka_down_.exchange(true)) kafka_down_since_ = Clock::now();
  health_.set(HealthCondition::kafka_unreachable, why);
}

// Whether a watermark query sent now is answered within `within` (never true while librdkafka
// reports every broker down, or while an earlier query is stuck).
bool StreamJob::kafka_answers(std::chrono::milliseconds within) {
  if (kafka_down_.load() || !watermarks_) return false;
  const auto asked = Clock::now();
  watermarks_->request(table_.empty() ? 0 : table_.ids().front());
  while (Clock::now() - asked < within) {
    if (const auto ok = watermarks_->last_success(); ok && *ok >= asked) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Consumer::close() (on_revoked runs for what is still assigned) on a thread of its own, waited
// for at most `within`: with the coordinator unreachable, librdkafka's close waits for in-flight
// commits and the LeaveGroup far longer. false: it did not finish; that thread is still inside
// librdkafka and may still run on_revoked, so the caller touches nothing of the job any more and
// ends the process.
bool StreamJob::leave_group(std::chrono::milliseconds within) {
  struct Outcome {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::optional<Error> error;
  };
  auto outcome = std::make_shared<Outcome>();
  std::thread closer([this, outcome] {
    std::optional<Error> err;
    try {
      err = consumer_->close();
    } catch (const std::exception& e) {
      err = Error{ErrorClass::retriable, ErrorOrigin::kafka, 0, e.what()};
    }
    const std::lock_guard lock(outcome->mutex);
    outcome->error = std::move(err);
    outcome->done = true;
    outcome->cv.notify_all();
  });
  std::unique_lock lock(outcome->mutex);
  if (!outcome->cv.wait_for(lock, within, [&] { return outcome->done; })) {
    lock.unlock();
    closer.detach();
    spdlog::warn(
        "stream: leaving the group did not finish within {} ms (Kafka unreachable?); not waiting: "
        "the group gives this member's partitions to others after session.timeout.ms",
        within.count());
    return false;
  }
  lock.unlock();
  closer.join();
  if (outcome->error) spdlog::warn("stream: leaving the group: {}", outcome->error->message);
  return true;
}

int StreamJob::shutdown(bool write_pending) {
  // From the signal (or now, on a fatal error): the watchdog ends the process at
  // stream.shutdown_timeout_s + kShutdownGrace after this moment whatever still runs.
  const auto asked_at = watchdog_.arm();
  stopping_.store(true);
  health_.set(HealthCondition::stopping,
              write_pending ? "writing what is pending, leaving the group" : "leaving the group");
  spdlog::info("stream: stopping: {}",
               write_pending ? "writing what is pending, leaving the group" : "leaving the group");
  const int failure = static_cast<int>(ExitCode::failure);
  const auto deadline = asked_at + options_.shutdown_timeout;
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
    if (!w->wait_stopped(deadline + kWorkerStopGrace)) {
      // Still inside a MySQL call: whatever it holds is not written (read again on the next start).
      spdlog::error("stream: worker {} did not stop in time ({} message(s) pending)", w->id(),
                    w->pending());
      ++not_stopped;
      continue;
    }
    dropped += w->dropped_at_shutdown();
  }
  const bool clean = !fatal_ && dropped == 0 && not_stopped == 0;
  if (clean) exit_code_.store(static_cast<int>(ExitCode::ok));
  const int code = exit_code_.load();
  bool reachable = true;
  if (consumer_) {
    collect_written();
    record_losses();
    reachable = kafka_answers(kShutdownProbe);
    if (!reachable) {
      spdlog::info(
          "stream: Kafka does not answer: no final commit to Kafka (MySQL holds the offsets), "
          "leaving the group is waited for {} ms at most",
          std::chrono::milliseconds(kLeaveGroupUnreachable).count());
    } else if (!fatal_ || write_pending) {
      commit_to_kafka();  // asynchronous; for lag tools, MySQL holds the offsets that count
    }
  }
  const bool close_hung =
      consumer_ && !leave_group(reachable ? kLeaveGroupTimeout : kLeaveGroupUnreachable);
  if (!close_hung) {
    workers_.clear();
    consumer_.reset();
    watermarks_.reset();  // waits WatermarkQueries::kAbandonAfter at most
  }
  spdlog::info(
      "stream: stopped; written {} messages: {} {}, {} rows, {} charges, {} dead letters, "
      "{} conversion warnings, {} lost to retention",
      metrics_.messages.value(), metrics_.orders.value(), metrics_.names.records,
      metrics_.rows.value(), metrics_.charges.value(), metrics_.dead_letters_total(),
      metrics_.conversion_warnings.value(), metrics_.lost_total());
  if (!fatal_ && (dropped > 0 || not_stopped > 0)) {
    spdlog::error(
        "stream: {} message(s){} could not be written before the shutdown deadline; they are "
        "read again on the next start",
        dropped,
        not_stopped > 0 ? fmt::format(" (and what {} worker(s) still held)", not_stopped) : "");
  }
  if (close_hung || WatermarkQueries::left_behind()) {
    // A thread is still inside librdkafka (the group's close, or a watermark query of an
    // unreachable leader): end here, without running destructors or static destructors under it.
    spdlog::default_logger()->flush();
    std::_Exit(code);
  }
  return fatal_ ? failure : code;
}

}  // namespace stream_detail

int run_stream(const config::Config& cfg, const StreamRunOptions& options) {
  stream_detail::StreamJob job(cfg, options);
  return job.run();
}

}  // namespace etl::pipeline

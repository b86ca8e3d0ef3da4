// Why one file of this size: one stream worker is one thread with one MySQL connection and one
// loop - take messages, decide when to flush (batch_size, batch_interval_ms, group commit),
// write with retries and the offset fence, hand partitions over on a rebalance, drain on
// shutdown. Every branch of that loop shares the worker's state; the batch of the data set and
// its writer (stream_batch.hpp) already live apart.
#include "pipeline/stream/worker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <utility>

#include "common/backoff.hpp"
#include "common/utc_time.hpp"
#include "pipeline/stream/order_batch.hpp"

namespace etl::pipeline {

using Clock = std::chrono::steady_clock;

StreamWorker::StreamWorker(int id, WorkerSettings settings, StreamMetrics& metrics,
                           StreamHealth& health)
    : id_(id),
      name_(fmt::format("worker-{}", id)),
      settings_(std::move(settings)),
      metrics_(metrics),
      health_(health),
      redactor_(privacy::FieldPolicies::from(settings_.privacy)) {
  StreamBatchSettings b;
  b.mysql = settings_.mysql;
  b.consumer_group = settings_.consumer_group;
  b.topic = settings_.topic;
  b.default_account = settings_.default_account;
  b.raw_archive = settings_.raw_archive;
  b.redactor = &redactor_;
  if (settings_.make_batch) {
    batch_ = settings_.make_batch(b);
  } else {
    batch_ = std::make_unique<OrderStreamBatch>(b);
  }
  thread_ = std::thread([this] { run(); });
}

StreamWorker::~StreamWorker() {
  abandon();
  if (thread_.joinable()) thread_.join();
}

void StreamWorker::adopt(int32_t partition, std::optional<int64_t> stored) {
  const std::lock_guard lock(mutex_);
  stored_[partition] = stored;
  fenced_.erase(partition);
}

void StreamWorker::push(kafka::Message message) {
  {
    const std::lock_guard lock(mutex_);
    if (fenced_.count(message.partition()) != 0) return;  // re-read after the poll thread re-seeks
    inbox_.push_back(std::move(message));
  }
  pending_.fetch_add(1, std::memory_order_relaxed);
  wake_.notify_one();
}

std::map<int32_t, int64_t> StreamWorker::release(const std::vector<int32_t>& partitions,
                                                 ReleaseMode mode) {
  std::unique_lock lock(mutex_);
  std::map<int32_t, int64_t> result;
  if (stopped_) {
    // The thread is gone: nothing can be written any more; forget the partitions.
    drop_locked(partitions);
  } else {
    ReleaseRequest request{partitions, mode, false, {}};
    // One hand-over at a time (the poll thread is the only caller).
    release_request_ = &request;
    wake_.notify_one();
    released_.wait(lock, [&] { return request.done || stopped_; });
    if (!request.done) drop_locked(partitions);  // the thread ended meanwhile
    release_request_ = nullptr;
  }
  for (int32_t p : partitions) {
    if (auto it = stored_.find(p); it != stored_.end()) {
      if (it->second) result.emplace(p, *it->second);
      stored_.erase(it);
    }
    fenced_.erase(p);
  }
  return result;
}

void StreamWorker::request_flush() {
  {
    const std::lock_guard lock(mutex_);
    flush_requested_ = true;
  }
  wake_.notify_one();
}

void StreamWorker::drain(Clock::time_point deadline) {
  {
    const std::lock_guard lock(mutex_);
    draining_ = true;
    drain_deadline_ = deadline;
  }
  wake_.notify_one();
}

void StreamWorker::abandon() {
  {
    const std::lock_guard lock(mutex_);
    abandon_ = true;
  }
  wake_.notify_one();
}

bool StreamWorker::wait_stopped(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return released_.wait_until(lock, deadline, [&] { return stopped_; });
}

std::map<int32_t, int64_t> StreamWorker::written() const {
  const std::lock_guard lock(mutex_);
  std::map<int32_t, int64_t> out;
  for (const auto& [p, next] : stored_) {
    if (next) out.emplace(p, *next);
  }
  return out;
}

std::vector<mysql::FencedPartition> StreamWorker::take_fenced() {
  const std::lock_guard lock(mutex_);
  return std::exchange(fenced_reports_, {});
}

std::optional<Error> StreamWorker::fatal_error() const {
  const std::lock_guard lock(mutex_);
  return fatal_;
}

void StreamWorker::set_fatal(Error e) {
  const std::lock_guard lock(mutex_);
  if (!fatal_) fatal_ = std::move(e);
}

void StreamWorker::run() noexcept {
  try {
    loop();
  } catch (const EtlError& e) {
    set_fatal(e.error());
  } catch (const std::exception& e) {
    set_fatal(
        Error{ErrorClass::fatal, ErrorOrigin::internal, 0, fmt::format("{}: {}", name_, e.what())});
  }
  std::unique_lock lock(mutex_);
  const size_t left = inbox_.size() + batch_->messages();
  if (left > 0 && draining_) dropped_at_shutdown_.fetch_add(left);
  inbox_.clear();
  batch_->clear();
  pending_.store(0);
  batch_->disconnect();  // closes the connection on this thread
  stopped_ = true;
  if (release_request_ != nullptr) {
    drop_locked(release_request_->partitions);
    release_request_->done = true;
  }
  health_.clear(HealthCondition::mysql_failing, name_);
  lock.unlock();
  released_.notify_all();
}

void StreamWorker::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (abandon_ || fatal_) return;
    if (release_request_ != nullptr && !release_request_->done) {
      handle_release(lock);
      continue;
    }
    const auto now = Clock::now();
    const bool due =
        !batch_->empty() && (batch_->weight() >= settings_.batch_size || flush_requested_ ||
                             now >= batch_->first_added() + settings_.batch_interval ||
                             ((draining_ || settings_.group_commit) && inbox_.empty()));
    if (due) {
      flush_requested_ = false;
      const auto give_up = draining_ ? drain_deadline_ : Clock::time_point::max();
      lock.unlock();
      flush(FlushMode::normal, give_up);
      lock.lock();
      continue;
    }
    if (!inbox_.empty() && batch_->weight() < settings_.batch_size) {
      kafka::Message message = std::move(inbox_.front());
      inbox_.pop_front();
      lock.unlock();
      refresh_erasures();
      batch_->add(message);
      lock.lock();
      continue;
    }
    if (draining_ && inbox_.empty() && batch_->empty()) return;
    if (batch_->empty()) flush_requested_ = false;
    const auto wake_at = batch_->empty() ? Clock::time_point::max()
                                         : batch_->first_added() + settings_.batch_interval;
    auto ready = [&] {
      return abandon_ || draining_ || flush_requested_ || !inbox_.empty() ||
             (release_request_ != nullptr && !release_request_->done);
    };
    if (wake_at == Clock::time_point::max()) {
      wake_.wait(lock, ready);
    } else {
      wake_.wait_until(lock, wake_at, ready);
    }
  }
}

void StreamWorker::handle_release(std::unique_lock<std::mutex>& lock) {
  ReleaseRequest& request = *release_request_;
  // Not yet parsed: never written by this worker; the next owner reads them again.
  const size_t dropped = drop_inbox_locked(request.partitions);
  pending_.fetch_sub(std::min(dropped, pending_.load()));
  bool covered = false;
  for (int32_t p : request.partitions) covered = covered || batch_->covers(p);
  if (covered && request.mode == ReleaseMode::finish) {
    lock.unlock();
    const bool ok = flush(FlushMode::handover, Clock::now() + settings_.handover_timeout);
    lock.lock();
    if (!ok) {
      spdlog::warn(
          "stream: {}: could not write the pending batch of revoked partition(s) in time; "
          "abandoning it (the next owner re-reads it from the offsets stored in MySQL)",
          name_);
    }
  }
  const size_t n = batch_->drop_partitions(request.partitions);
  pending_.fetch_sub(std::min(n, pending_.load()));
  request.done = true;
  released_.notify_all();
}

size_t StreamWorker::drop_inbox_locked(const std::vector<int32_t>& partitions) {
  const std::set<int32_t> parts(partitions.begin(), partitions.end());
  size_t dropped = 0;
  for (auto it = inbox_.begin(); it != inbox_.end();) {
    if (parts.count(it->partition()) != 0) {
      it = inbox_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

size_t StreamWorker::drop_locked(const std::vector<int32_t>& partitions) {
  size_t dropped = drop_inbox_locked(partitions);
  if (!stopped_) dropped += batch_->drop_partitions(partitions);
  pending_.fetch_sub(std::min(dropped, pending_.load()));
  return dropped;
}

void StreamWorker::refresh_erasures() {
  // The erasure list is read before a message is parsed, on the writer's connection (between
  // transactions). When MySQL cannot be asked, the list read last stays in force: the batch cannot
  // be written then either, and `forget` erases again after it settles (forget.hpp).
  try {
    erasures_.refresh_if_due(batch_->connection(), redactor_);
  } catch (const EtlError& e) {
    if (e.error().cls != ErrorClass::retriable) {
      set_fatal(e.error());
      return;
    }
    spdlog::warn("stream: {}: cannot read the erasure list (the last one read stays): {}", name_,
                 e.error().describe());
    batch_->disconnect();
  }
}

bool StreamWorker::flush(FlushMode mode, Clock::time_point give_up_at) {
  const auto started = Clock::now();
  Backoff backoff(settings_.backoff_initial, settings_.backoff_max);
  int failures = 0;
  auto last_log = Clock::time_point{};
  for (;;) {
    if (batch_->empty()) return true;
    try {
      std::map<int32_t, std::optional<int64_t>> stored;
      {
        const std::lock_guard lock(mutex_);
        stored = stored_;
      }
      const StreamWriteResult r = batch_->write(stored);
      if (!r.fenced.empty()) {
        if (!handle_fenced(r.fenced)) return true;
        continue;  // the other partitions' part of the batch, at once
      }
      committed(r, started);
      if (failures > 0) {
        spdlog::info("stream: {}: MySQL write succeeded after {} failed attempt(s)", name_,
                     failures);
      }
      health_.clear(HealthCondition::mysql_failing, name_);
      return true;
    } catch (const EtlError& e) {
      if (e.error().cls != ErrorClass::retriable) {
        set_fatal(e.error());
        return false;
      }
      ++failures;
      metrics_.mysql_retries.inc();
      const auto delay = backoff.next();
      const auto now = Clock::now();
      if (failures > settings_.max_retries) {
        health_.set(HealthCondition::mysql_failing,
                    fmt::format("{} failed attempts to write a batch of {} message(s): {}",
                                failures, batch_->messages(), e.error().describe()),
                    name_);
      }
      if (failures <= settings_.max_retries + 1 || now - last_log >= std::chrono::seconds(30)) {
        const bool in_doubt = batch_->last_commit_in_doubt();
        spdlog::warn(
            "stream: {}: writing a batch of {} message(s) failed (attempt {}): {}; {}, retrying "
            "in {} ms{}",
            name_, batch_->messages(), failures, e.error().describe(),
            in_doubt ? "the connection was lost waiting for the COMMIT reply, so whether it was "
                       "written is unknown: the retry's offset fence tells"
                     : "rolled back",
            delay.count(),
            failures > settings_.max_retries ? " (unhealthy until it succeeds)" : "");
        last_log = now;
      }
      if (!wait_before_retry(delay, mode, give_up_at)) return false;
    }
  }
}

bool StreamWorker::wait_before_retry(std::chrono::milliseconds delay, FlushMode mode,
                                     Clock::time_point give_up_at) {
  std::unique_lock lock(mutex_);
  const auto retry_at = Clock::now() + delay;
  for (;;) {
    if (abandon_) return false;
    // A shutdown that started while this batch was failing bounds it too.
    const bool draining = draining_;
    const auto give_up =
        mode == FlushMode::normal && draining ? std::min(give_up_at, drain_deadline_) : give_up_at;
    if (Clock::now() >= give_up) {
      if (mode == FlushMode::normal && draining) {
        const size_t n = batch_->messages() + inbox_.size();
        spdlog::error(
            "stream: {}: giving up at shutdown: {} message(s) not written to MySQL; they "
            "are read again on the next start",
            name_, n);
        abandon_ = true;
      }
      return false;
    }
    if (mode == FlushMode::normal && release_request_ != nullptr && !release_request_->done) {
      // A hand-over while MySQL is failing: abandon the released partitions' part of the batch
      // (their offsets never moved) and keep retrying the rest.
      handle_release(lock);
      if (batch_->empty()) return false;
      continue;
    }
    if (Clock::now() >= retry_at) return true;
    wake_.wait_until(lock, std::min(retry_at, give_up), [&] {
      return abandon_ || draining_ != draining ||
             (mode == FlushMode::normal && release_request_ != nullptr && !release_request_->done);
    });
  }
}

bool StreamWorker::handle_fenced(const std::vector<mysql::FencedPartition>& fenced) {
  std::vector<int32_t> partitions;
  std::vector<int32_t> taken;  // by another consumer
  for (const auto& f : fenced) {
    partitions.push_back(f.partition);
    if (f.already_written()) {
      spdlog::info(
          "stream: {}: {}[{}] already holds next offset {} in MySQL: an earlier attempt of this "
          "batch committed (its reply was lost); not writing it again",
          name_, settings_.topic, f.partition, f.next_offset);
    } else {
      spdlog::warn("stream: {}: refused to write {}[{}]: {} (another consumer wrote it meanwhile)",
                   name_, settings_.topic, f.partition, f.describe());
      taken.push_back(f.partition);
    }
  }
  size_t dropped = batch_->drop_partitions(partitions);
  {
    const std::lock_guard lock(mutex_);
    for (const auto& f : fenced) {
      if (f.already_written()) {
        stored_[f.partition] = f.found;
      } else {
        fenced_.insert(f.partition);
        fenced_reports_.push_back(f);
      }
    }
    dropped += drop_inbox_locked(taken);
  }
  pending_.fetch_sub(std::min(dropped, pending_.load()));
  return !batch_->empty();
}

void StreamWorker::committed(const StreamWriteResult& r, Clock::time_point started) {
  const auto now = Clock::now();
  const int64_t now_ms = now_epoch_ms();
  uint64_t mapping_letters = 0;
  uint64_t warnings = 0;
  const auto& next = batch_->next_offsets();
  for (const auto& e : batch_->entries()) {
    // Only what the stored offsets now cover is committed (a batch may keep the rest for later).
    const auto it = next.find(e.partition);
    if (it == next.end() || e.offset >= it->second) continue;
    if (e.dead_letter) ++mapping_letters;
    warnings += e.conversion_warnings;
    if (e.timestamp_ms >= 0) {
      metrics_.visible_delay_seconds.observe(
          static_cast<double>(std::max<int64_t>(0, now_ms - e.timestamp_ms)) / 1000.0);
    }
  }
  metrics_.orders.inc(r.records);
  metrics_.rows.inc(r.rows);
  metrics_.charges.inc(r.charges);
  if (mapping_letters > 0) metrics_.dead_letters.with({kDeadLetterMapping}).inc(mapping_letters);
  if (r.row_errors > 0) metrics_.dead_letters.with({kDeadLetterRowError}).inc(r.row_errors);
  metrics_.conversion_warnings.inc(warnings);
  batch_->count_accounts(metrics_);
  metrics_.batches.inc();
  metrics_.batch_rows.observe(static_cast<double>(r.rows));
  metrics_.batch_seconds.observe(std::chrono::duration<double>(now - started).count());
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [p, offset] : next) stored_[p] = offset;
  }
  const size_t before = batch_->messages();
  batch_->clear();
  const size_t messages = before - std::min(before, batch_->messages());
  metrics_.messages.inc(messages);
  pending_.fetch_sub(std::min(messages, pending_.load()));
  spdlog::debug(
      "stream: {}: committed {} message(s): {} records, {} rows, {} charges, {} dead letters",
      name_, messages, r.records, r.rows, r.charges, r.dead_letters);
}

}  // namespace etl::pipeline

#pragma once
// One stream worker: a thread with its own pending batch of the stream's data set and that data
// set's MySQL writer (one connection): a StreamBatch (stream_batch.hpp), the only part that knows
// which data set is consumed. It owns the partitions the poll loop gives it (a partition belongs to
// exactly one worker, so a record's versions are applied in offset order), hands their messages
// to the batch, and writes them in batches: the data set's rows, dead letters and the partitions'
// next offsets in one transaction (exactly once into MySQL).
//
// Flush rule: `batch_size` rows pending, or `batch_interval` since the first pending message, or
// an explicit flush request (--until-idle, shutdown, hand-over), or — with group_commit — the inbox
// is empty: everything that arrived while the previous transaction ran is in the batch, so it is
// written now. Light traffic then commits order by order with no added delay; under backlog the
// inbox refills during each transaction and batches grow to batch_size by themselves.
// Failures: a retriable MySQL error rolls back (the writer does), backs off with jitter and
// retries the same batch forever; after `max_retries` failures in a row the worker reports
// /healthz unhealthy until a batch commits again. Nothing past unwritten data is ever committed,
// because offsets only move in the batch's own transaction. A fatal error stops the worker and
// is reported through fatal_error().
//
// Fencing: every batch moves each partition's stored offset from the value this worker knows
// (given by adopt(), then its own commits) — see mysql/offset_fence.hpp. If MySQL holds anything
// else, another consumer wrote the partition: the worker drops that partition's pending messages,
// ignores its further messages, and reports it through take_fenced(); the poll thread re-seeks
// the partition to the stored offset and adopt()s it again.
//
// Threading: adopt(), push(), pending(), release(), request_flush(), drain(), abandon(), written(),
// take_fenced() and fatal_error() are called from the poll thread; everything else runs on the
// worker thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "kafka/message.hpp"
#include "pipeline/privacy/erasure_list.hpp"
#include "pipeline/stream/health.hpp"
#include "pipeline/stream/metrics.hpp"
#include "pipeline/stream/stream_batch.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

// Makes one worker's batch of the stream's data set (stream_data_set.hpp).
using StreamBatchFactory = std::function<std::unique_ptr<StreamBatch>(const StreamBatchSettings&)>;

struct WorkerSettings {
  StreamBatchFactory make_batch;  // unset: the orders data set
  config::MysqlConfig mysql;
  std::string consumer_group;
  std::string topic;
  std::string default_account;  // stream.default_account: for messages without an account header
  size_t batch_size = 2000;
  std::chrono::milliseconds batch_interval{1000};
  bool group_commit = true;  // write as soon as nothing more has arrived (see the flush rule)
  config::RawArchive raw_archive = config::RawArchive::compressed;
  // The field policies every message is redacted with (privacy config section, key resolved).
  config::PrivacyConfig privacy;
  int max_retries = 3;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  // How long a hand-over (revoked partitions) keeps trying to write their pending batch before
  // abandoning it (the next owner re-reads it from the offsets stored in MySQL).
  std::chrono::milliseconds handover_timeout{10000};
};

// What to do with the pending messages of partitions taken away from this worker.
enum class ReleaseMode {
  finish,   // revoked in an orderly rebalance: write + commit them if possible, else abandon
  abandon,  // lost (session timeout, fenced): drop them, never write them
};

class StreamWorker {
 public:
  StreamWorker(int id, WorkerSettings settings, StreamMetrics& metrics, StreamHealth& health);
  ~StreamWorker();  // abandons whatever is pending and joins the thread
  StreamWorker(const StreamWorker&) = delete;
  StreamWorker& operator=(const StreamWorker&) = delete;

  [[nodiscard]] int id() const noexcept { return id_; }

  // Gives the worker a partition, with the next offset MySQL holds for it (nullopt: no row), the
  // value its first batch fences on. Before any push() of that partition; again after a fence.
  void adopt(int32_t partition, std::optional<int64_t> stored);
  // Hands a consumed message of a partition this worker owns to the worker. Messages of a fenced
  // partition (not adopted again yet) are dropped.
  void push(kafka::Message message);
  // Messages consumed but not committed yet (inbox + batch): the backpressure measure.
  [[nodiscard]] size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

  // Takes partitions away from this worker; blocks until their pending messages are written
  // (finish, if MySQL allows within the hand-over timeout) or dropped. After it returns the worker
  // never writes those partitions again. Returns the next offsets MySQL holds for them as far as
  // this worker knows (adopted, then its own commits; absent: no row).
  std::map<int32_t, int64_t> release(const std::vector<int32_t>& partitions, ReleaseMode mode);

  // Write the pending batch now rather than at the size/interval threshold.
  void request_flush();
  // Stop after writing everything pushed so far; give up (drop) after `deadline`.
  void drain(std::chrono::steady_clock::time_point deadline);
  // Stop as soon as possible without writing what is pending.
  void abandon();
  // Waits for the thread to end (after drain/abandon). Returns false at the deadline.
  bool wait_stopped(std::chrono::steady_clock::time_point deadline);

  // The next offset MySQL holds per partition this worker owns, as far as it knows (adopted, then
  // its own commits); partitions without a row yet are absent.
  [[nodiscard]] std::map<int32_t, int64_t> written() const;
  // Partitions fenced since the last call (see above).
  [[nodiscard]] std::vector<mysql::FencedPartition> take_fenced();
  [[nodiscard]] std::optional<Error> fatal_error() const;
  // Messages dropped by drain() at its deadline (never written; re-read on the next start).
  [[nodiscard]] size_t dropped_at_shutdown() const noexcept { return dropped_at_shutdown_.load(); }

 private:
  enum class FlushMode { normal, handover };
  struct ReleaseRequest {
    std::vector<int32_t> partitions;
    ReleaseMode mode = ReleaseMode::finish;
    bool done = false;
    std::map<int32_t, int64_t> result;
  };

  void run() noexcept;
  void loop();
  bool flush(FlushMode mode, std::chrono::steady_clock::time_point give_up_at);
  // Waits before a retry; handles hand-overs meanwhile. False: stop retrying (batch abandoned).
  bool wait_before_retry(std::chrono::milliseconds delay, FlushMode mode,
                         std::chrono::steady_clock::time_point give_up_at);
  void handle_release(std::unique_lock<std::mutex>& lock);
  // With the lock held: drop `partitions` from the inbox and the batch (never written).
  size_t drop_locked(const std::vector<int32_t>& partitions);
  // Removes the not-yet-parsed messages of these partitions from the inbox; returns how many.
  size_t drop_inbox_locked(const std::vector<int32_t>& partitions);
  void committed(const StreamWriteResult& r, std::chrono::steady_clock::time_point started);
  // After a refused write: forgets the fenced partitions' pending messages. False if nothing is
  // left to write.
  bool handle_fenced(const std::vector<mysql::FencedPartition>& fenced);
  void set_fatal(Error e);
  // Reads the erasure list again when it is due (erasure_list.hpp).
  void refresh_erasures();

  const int id_;
  const std::string name_;  // "worker-<id>", the health key
  WorkerSettings settings_;
  StreamMetrics& metrics_;
  StreamHealth& health_;

  // Worker thread only.
  privacy::Redactor redactor_;
  ErasureList erasures_;
  std::unique_ptr<StreamBatch> batch_;  // its writer's connection is the worker's

  mutable std::mutex mutex_;
  std::condition_variable wake_;      // the worker waits on it
  std::condition_variable released_;  // release() waits on it
  std::deque<kafka::Message> inbox_;
  ReleaseRequest* release_request_ = nullptr;
  bool flush_requested_ = false;
  bool draining_ = false;
  std::chrono::steady_clock::time_point drain_deadline_{};
  bool abandon_ = false;
  bool stopped_ = false;
  // Per owned partition, the next offset MySQL holds as far as this worker knows (nullopt: no row):
  // what each batch fences on, and what written()/release() report.
  std::map<int32_t, std::optional<int64_t>> stored_;
  std::set<int32_t> fenced_;  // refused, awaiting adopt()
  std::vector<mysql::FencedPartition> fenced_reports_;
  std::optional<Error> fatal_;

  std::atomic<size_t> pending_{0};
  std::atomic<size_t> dropped_at_shutdown_{0};
  std::thread thread_;  // last: started after everything above is constructed
};

}  // namespace etl::pipeline

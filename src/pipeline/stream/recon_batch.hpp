#pragma once
// The pending batch of `stream --data recon`: the report chunks a worker has consumed but not yet
// committed, turned into the writer's input (mysql::ReconBatch): complete reports (checked by
// recon::check_report_file), dead letters, and the next offset of every partition they cover.
//
// Per partition one recon::ReportAssembler joins the chunks of each report key in offset order.
// Its unfinished reports outlive a batch's commit (a report's chunks may span many batches) and
// are dropped only when the partition is taken away (drop_partitions). The offset a batch stores
// for a partition never passes the first chunk of an unfinished report:
//   committed = min(next offset, ReportAssembler::min_pending_offset())
// so after a crash the partition is read again from there and the unfinished report is whole
// again; reports completed in between are written a second time, which replaces them with the
// same rows (docs/architecture.md, "Reconciliation reports through Kafka").
//
// What a chunk can become:
//   - the last chunk of a report whose joined bytes have file_sha256: the report, checked; a
//     report that fails its checks is a dead letter (the file as received);
//   - the last chunk of a report whose bytes do not match: a dead letter of the joined bytes;
//   - a chunk that gives an unfinished report up (a gap, another version began, too large): the
//     report is logged as lost with its account|report date and counted (abandoned);
//   - a chunk of a report whose chunk 0 did not come since this run started the partition: its
//     beginning was consumed by an earlier run (the report was written or given up then) or
//     deleted by retention (the assignment logs that loss): logged once at info, counted
//     (orphan_chunks) and its remaining chunks skipped;
//   - a message that is no report chunk (headers missing or malformed): a dead letter of its
//     bytes (problem unreadable).
//
// Not thread-safe: owned by one worker thread. Pure except for logging.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka/message.hpp"
#include "mysql/recon_batch_writer.hpp"
#include "recon/report_message.hpp"

namespace etl::pipeline {

// One consumed message, as the batch reads it (kafka::Message gives one).
struct ReconChunkMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view value;
};

// What the batch has seen since it was made (never reset by a commit).
struct ReconBatchCounters {
  size_t chunks = 0;           // messages added
  size_t reports = 0;          // reports completed and checked (written when the batch commits)
  size_t dead_letters = 0;     // failed checks, digest mismatches, messages that are no chunk
  size_t abandoned = 0;        // unfinished reports given up (logged as lost)
  size_t orphan_chunks = 0;    // reports whose chunk 0 came before this run's start offset
  size_t dropped_reports = 0;  // unfinished reports dropped with a revoked partition
};

class ReconPendingBatch {
 public:
  // `max_report_bytes`: a report larger than this (the zip as carried) is given up; it bounds the
  // memory of one unfinished report.
  ReconPendingBatch(std::string consumer_group, std::string topic,
                    uint64_t max_report_bytes = recon::kMaxReportCsvBytes);

  // Adds one consumed message. Messages of one partition must be added in offset order.
  void add(const kafka::Message& message);
  void add(const ReconChunkMessage& message);

  // Forgets the partitions (revoked, lost, fenced): their unfinished reports and what is pending
  // for them is never written; the next owner reads them again from the stored offset. Returns
  // how many messages added since the last commit were dropped.
  size_t drop_partitions(const std::vector<int32_t>& partitions);

  // The writer's input: pending reports and dead letters, and for every partition whose
  // committed offset moves, its offset fenced on `stored` (partition -> the next offset MySQL
  // holds as far as the worker knows; absent or nullopt: no row). Valid until the next
  // add/drop/committed.
  const mysql::ReconBatch& write_batch(const std::map<int32_t, std::optional<int64_t>>& stored);

  // The batch given by write_batch() committed: its reports and dead letters are done; the
  // unfinished reports stay.
  void committed();

  // The offset each partition's next commit stores: min(next offset, first unfinished chunk).
  [[nodiscard]] std::map<int32_t, int64_t> commit_offsets() const;
  // The same for the partitions read since the last commit: what write_batch() stores.
  [[nodiscard]] const std::map<int32_t, int64_t>& next_offsets() const noexcept {
    return next_offsets_;
  }
  // Nothing to write: no report, no dead letter, no offset to move past `stored`.
  [[nodiscard]] bool empty() const noexcept {
    return batch_.reports.empty() && batch_.dead_letters.empty() && messages_ == 0;
  }
  [[nodiscard]] size_t messages() const noexcept { return messages_; }
  // Bytes held: the files of pending reports and dead letters plus every unfinished report.
  [[nodiscard]] uint64_t held_bytes() const noexcept;
  [[nodiscard]] size_t unfinished_reports() const noexcept;
  // True when the message at `offset` of `partition` is a chunk of a report still unfinished.
  [[nodiscard]] bool holds(int32_t partition, int64_t offset) const;
  [[nodiscard]] std::chrono::steady_clock::time_point first_added() const noexcept {
    return first_added_;
  }
  [[nodiscard]] const ReconBatchCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const mysql::ReconBatch& contents() const noexcept { return batch_; }

 private:
  struct Partition {
    explicit Partition(uint64_t max_bytes) : assembler(max_bytes) {}
    recon::ReportAssembler assembler;
    int64_t start_offset = 0;  // the first offset added since the partition was (re)started
    int64_t next_offset = 0;   // the last offset added + 1
    size_t messages = 0;       // added since the last commit
    // Reports given up whose further chunks are skipped without another loss: key -> digest.
    std::map<std::string, std::string> given_up;
    std::set<std::string> started;  // keys whose chunk 0 came since the partition (re)started
    // The key of every chunk taken into an assembly, by offset (forgotten once it is done).
    std::map<int64_t, std::string> chunk_keys;
  };

  void add_message(const ReconChunkMessage& m);
  void add_complete(int32_t partition, recon::ReportAssembler::Complete done, bool digest_ok);
  void add_dead_letter(int32_t partition, mysql::ReconFileInfo info, std::string payload,
                       recon::ReconIssue issue, std::optional<recon::ReconSummary> summary);
  [[nodiscard]] std::string source_of(int32_t partition, int64_t first, int64_t last) const;

  std::string group_;
  std::string topic_;
  uint64_t max_report_bytes_;
  std::map<int32_t, Partition> partitions_;
  mysql::ReconBatch batch_;
  std::map<int32_t, int64_t> next_offsets_;  // partitions read since the last commit
  std::vector<int32_t> report_partitions_;   // batch_.reports[i] came from this partition
  std::vector<int32_t> letter_partitions_;   // batch_.dead_letters[i] likewise
  size_t messages_ = 0;
  uint64_t batch_bytes_ = 0;
  std::chrono::steady_clock::time_point first_added_{};
  ReconBatchCounters counters_;
};

}  // namespace etl::pipeline

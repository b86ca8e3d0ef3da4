#pragma once
// The MySQL sink of `stream --data recon`: writes a ReconBatch (whole reports, dead letters and
// the Kafka offsets of the partitions they came from) in ONE transaction. One ReconBatchWriter
// (one connection) per thread.
//
// What write() guarantees:
//  - Offsets are fenced per (consumer_group, topic, partition) (offset_fence.hpp) as the first
//    statements; if any partition holds an unexpected value, nothing is written and `fenced`
//    names the partitions.
//  - Each report replaces its report date whole (ReconWriter::replace_in_transaction: the file
//    row's lock, delete, insert), in batch order: a later version of a date in the same batch
//    replaces an earlier one. A report the server refuses a value of (a row-level data error) is
//    rolled back alone (a savepoint) and becomes its dead letter (problem bad_value), the rest of
//    the batch is written.
//  - A report read from Kafka (position set) is not written over a version of its date that
//    MySQL holds from a later offset of the same partition (ReconBatchResult::stale): a replay
//    after a restart, or a stalled old owner of the partition, never brings an older version
//    back, even for a moment. (The offset fence alone cannot tell: while a report is unfinished
//    a partition's stored offset does not move.)
//  - Dead letters are idempotent on (account, SHA-256 of the file).
//  - A batch of offsets only (chunks consumed, no report completed) moves the offsets alone; the
//    caller never gives an offset past the first chunk of an unfinished report
//    (recon::ReportAssembler::min_pending_offset).
//  - Nothing is half-written: one transaction, rolled back on any error. Retriable errors:
//    rollback, backoff, reconnect, retry up to max_retries, then EtlError(retriable). Fatal
//    errors: EtlError(fatal), nothing written.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "mysql/connection.hpp"
#include "mysql/offset_fence.hpp"
#include "mysql/recon_tables.hpp"
#include "mysql/write_batch.hpp"
#include "recon/report_file.hpp"

namespace etl::mysql {

// Where a report's last chunk was read: its version among the reports of one partition.
struct ReconStreamPosition {
  std::string topic;
  int32_t partition = 0;
  int64_t last_offset = 0;
};

// One checked report (report.parsed.report set) to write.
struct ReconReportToWrite {
  ReconFileInfo info;  // info.source is "<topic>/<partition>/<first>-<last>" for the stream
  recon::CheckedReport report;
  std::string payload;  // the file as received: the dead letter's bytes if the server refuses it
  std::optional<ReconStreamPosition> position;  // set by the stream
};

// The last offset a walmart_recon_file.source written by the stream names, when it is of `topic`
// and `partition` ("<topic>/<partition>/<offset>" or ".../<first>-<last>"); nullopt otherwise.
std::optional<int64_t> last_offset_in_source(std::string_view source, std::string_view topic,
                                             int32_t partition);

// One report that is not written (walmart_recon_dead_letter).
struct ReconDeadLetterToWrite {
  ReconFileInfo info;
  std::string payload;  // the file (or the bytes) as received
  recon::ReconIssue issue;
  std::optional<recon::ReconSummary> summary;
};

struct ReconBatch {
  std::vector<ReconReportToWrite> reports;
  std::vector<ReconDeadLetterToWrite> dead_letters;
  std::vector<OffsetUpdate> offsets;

  [[nodiscard]] bool empty() const noexcept {
    return reports.empty() && dead_letters.empty() && offsets.empty();
  }
  void clear() noexcept {
    reports.clear();
    dead_letters.clear();
    offsets.clear();
  }
};

struct ReconBatchWriterOptions {
  int max_retries = 3;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  // Test hook, called before each attempt's COMMIT with the attempt number (0-based).
  std::function<void(int attempt)> before_commit;
};

struct ReconBatchResult {
  size_t reports = 0;       // reports written
  size_t rows_written = 0;  // walmart_recon_row rows inserted
  size_t rows_deleted = 0;  // rows of earlier versions of the same report dates
  size_t refused = 0;       // reports the server refused a value of (now dead letters)
  size_t stale = 0;         // reports older than the stored version of their date, not written
  size_t dead_letters = 0;  // dead-letter rows written, all causes
  size_t offsets = 0;
  std::vector<FencedPartition> fenced;  // non-empty: NOTHING of the batch was written
  unsigned retries = 0;
};

class ReconBatchWriter {
 public:
  // Connects (throws EtlError: access denied is fatal, connection refused retriable).
  ReconBatchWriter(config::MysqlConfig cfg, ReconBatchWriterOptions options);

  ReconBatchResult write(const ReconBatch& batch);

  // The writer's connection (reconnected after failures). Throws EtlError if it cannot connect.
  Connection& connection();

 private:
  void connect();
  ReconBatchResult attempt(const ReconBatch& batch, int attempt_no);

  config::MysqlConfig cfg_;
  ReconBatchWriterOptions options_;
  std::optional<Connection> conn_;
  std::unique_ptr<ReconWriter> tables_;  // of conn_ (reset before it)
};

}  // namespace etl::mysql

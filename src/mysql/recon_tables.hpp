#pragma once
// Writes reconciliation reports: walmart_recon_file, walmart_recon_row and
// walmart_recon_dead_letter (sql/walmart_recon_*.sql; docs/data-model.md).
//
// A report date is one unit: replace_report() runs one transaction that first upserts the
// report's walmart_recon_file row (which takes that row's lock, whether or not it existed), then
// deletes every stored row of the (account, report date) and inserts the report's rows. A second
// writer of the same report date waits on the file row until the first commits, then replaces its
// rows in turn: a report date holds exactly one version's rows, never two, whatever runs beside
// it. A report that failed its checks is never given to replace_report(): it is a dead letter,
// and the rows stored for its date (a previous, valid version) stay as they are.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mysql/connection.hpp"
#include "mysql/server_dialect.hpp"
#include "recon/report_file.hpp"

namespace etl::mysql {

struct ReconFileInfo {
  std::string account;                    // never empty
  std::string report_date;                // "YYYY-MM-DD"; may be empty for a dead letter only
  std::string file_name;                  // the zip's or CSV's name as received
  std::string source;                     // where it came from, e.g. "file:/path/report.zip"
  std::optional<std::string> fetched_at;  // UTC "YYYY-MM-DD HH:MM:SS"
};

struct ReconWriteCounts {
  size_t rows_deleted = 0;  // rows of an earlier version of this report date
  size_t rows_written = 0;
};

class ReconWriter {
 public:
  explicit ReconWriter(Connection& conn);

  // `report` must hold a parsed report (parsed.report set). Throws StatementError / EtlError
  // (classified; a bad_record class means the server refused a value of this report: dead-letter
  // it) after rolling the transaction back.
  ReconWriteCounts replace_report(const ReconFileInfo& info, const recon::CheckedReport& report);

  // Records a report that is not written. `payload` is the file as received. Its own transaction.
  void write_dead_letter(const ReconFileInfo& info, std::string_view payload,
                         const recon::ReconIssue& issue,
                         const std::optional<recon::ReconSummary>& summary);

  // The same two writes inside a transaction the caller opened (and commits or rolls back): the
  // stream writes a report with its partitions' offsets (recon_batch_writer.hpp). Throw as above,
  // without rolling back.
  ReconWriteCounts replace_in_transaction(const ReconFileInfo& info,
                                          const recon::CheckedReport& report);
  void insert_dead_letter(const ReconFileInfo& info, std::string_view payload,
                          const recon::ReconIssue& issue,
                          const std::optional<recon::ReconSummary>& summary);

 private:
  Connection& conn_;
  ServerDialect dialect_;
};

}  // namespace etl::mysql

#pragma once
// `walmart-etl load --data recon FILE...`: reconciliation report files (the zip the API serves,
// or the CSV inside it) -> checks -> walmart_recon_file / walmart_recon_row, one transaction per
// report that replaces every row of its (account, report date); a report that fails a check goes
// whole to walmart_recon_dead_letter and writes no row (the stored version of its date stays).
//
// A report is held in memory whole while it is checked and written (its rows are replaced in one
// transaction, so they are all needed at once); the CSV is bounded by recon::kMaxReportCsvBytes.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace etl::pipeline {

struct ReconLoadOptions {
  std::vector<std::string> inputs;  // paths; "-" = stdin
  std::string account;              // resolved by resolve_load_account, never empty
  // The report date every input is written under ("YYYY-MM-DD"), from --report-date. Unset: the
  // payout date of each file's PaymentSummary row (Walmart names a report by the day it is
  // generated, which is its payout's posting date).
  std::optional<std::string> report_date;
  int max_retries = 3;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
};

struct ReconLoadSummary {
  size_t files = 0;
  size_t reports = 0;        // reports written
  size_t rows = 0;           // walmart_recon_row rows written
  size_t rows_replaced = 0;  // rows of earlier versions of the same report dates, deleted
  size_t dead_letters = 0;   // files recorded in walmart_recon_dead_letter
  unsigned retries = 0;
  double seconds = 0;
};

// Throws ConfigError (bad --report-date, a report whose date cannot be told), EtlError (fatal:
// unreadable input, missing tables; retriable: MySQL unavailable after the retries). Reports
// written before a failure stay written; re-running the same load is safe (it replaces them).
ReconLoadSummary run_recon_load(const config::Config& cfg, const ReconLoadOptions& options);

std::string format_recon_summary(const ReconLoadSummary& s);

}  // namespace etl::pipeline

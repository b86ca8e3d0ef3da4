#include "pipeline/load/recon_load.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/utc_time.hpp"
#include "mysql/prepared_statement.hpp"
#include "mysql/recon_tables.hpp"
#include "mysql/schema.hpp"
#include "recon/report_file.hpp"

namespace etl::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

// A zip is read whole before it is opened; its CSV is bounded separately.
constexpr uint64_t kMaxInputBytes = recon::kMaxReportCsvBytes;

std::string read_input(const std::string& path) {
  std::string bytes;
  if (path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, err,
                     fmt::format("load: cannot read input file {}: {}", path, std::strerror(err)));
    }
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, 0,
                     fmt::format("load: reading input file {} failed", path));
    }
  }
  if (bytes.size() > kMaxInputBytes) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::io, 0,
                   fmt::format("load: {} is larger than {} bytes", path, kMaxInputBytes));
  }
  return bytes;
}

// Runs `write` on the connection, reopening it and retrying when MySQL fails in a retriable way
// (a deadlock, a lost connection); a transaction is always whole or rolled back.
template <class Write>
void with_retries(const config::Config& cfg, const ReconLoadOptions& o,
                  std::optional<mysql::Connection>& conn, ReconLoadSummary& summary,
                  const Write& write) {
  Backoff backoff(o.backoff_initial, o.backoff_max);
  for (int attempt = 0;; ++attempt) {
    try {
      if (!conn) conn.emplace(mysql::Connection::open(cfg.mysql));
      write(*conn);
      return;
    } catch (const EtlError& e) {
      if (!e.error().retriable() || attempt >= o.max_retries) throw;
      const auto delay = backoff.next();
      spdlog::warn("load: {} - retrying in {} ms", e.error().describe(), delay.count());
      conn.reset();
      ++summary.retries;
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace

ReconLoadSummary run_recon_load(const config::Config& cfg, const ReconLoadOptions& o) {
  if (o.inputs.empty()) throw ConfigError("load: no input given (FILE... or - for stdin)");
  const auto start = Clock::now();
  ReconLoadSummary summary;
  std::optional<mysql::Connection> conn;
  conn.emplace(mysql::Connection::open(cfg.mysql));
  mysql::require_schema(*conn, cfg.mysql.database);

  for (const std::string& path : o.inputs) {
    const std::string bytes = read_input(path);
    ++summary.files;
    const recon::CheckedReport report = recon::check_report_file(bytes);
    mysql::ReconFileInfo info;
    info.account = o.account;
    info.file_name = path == "-" ? "stdin" : std::filesystem::path(path).filename().string();
    info.source = "file:" + path;
    info.fetched_at = format_sql_datetime(now_epoch_ms() / 1000);
    const std::optional<recon::ReconSummary>& s = report.parsed.summary;
    if (o.report_date) {
      info.report_date = *o.report_date;
    } else if (s && s->payout_at) {
      info.report_date = s->payout_at->substr(0, 10);
    }

    const auto dead_letter = [&](const recon::ReconIssue& issue) {
      with_retries(cfg, o, conn, summary, [&](mysql::Connection& c) {
        mysql::ReconWriter(c).write_dead_letter(info, bytes, issue, s);
      });
      ++summary.dead_letters;
      spdlog::error("load: {} is not written ({}): {}; kept in walmart_recon_dead_letter", path,
                    recon::to_string(issue.problem), issue.message);
    };
    if (report.parsed.issue) {
      dead_letter(*report.parsed.issue);
      continue;
    }
    if (info.report_date.empty()) {
      throw ConfigError(fmt::format(
          "load: the report date of {} cannot be told (its PaymentSummary row has no posting "
          "date): pass --report-date MMDDYYYY",
          path));
    }
    try {
      with_retries(cfg, o, conn, summary, [&](mysql::Connection& c) {
        const auto counts = mysql::ReconWriter(c).replace_report(info, report);
        summary.rows += counts.rows_written;
        summary.rows_replaced += counts.rows_deleted;
      });
      ++summary.reports;
      spdlog::info("load: {}: report {} of {} written ({} rows)", path, info.report_date, o.account,
                   report.parsed.report->rows.size());
    } catch (const mysql::StatementError& e) {
      // The server refused a value of this report (too long for its column, ...): the report
      // is not written at all, and kept whole with the server's reason.
      if (e.error().cls != ErrorClass::bad_record) throw;
      dead_letter(recon::ReconIssue{recon::ReconProblem::bad_value,
                                    "MySQL refused a value of the report: " + e.server_message(),
                                    std::nullopt, std::nullopt});
    }
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

std::string format_recon_summary(const ReconLoadSummary& s) {
  return fmt::format(
      "files:           {}\n"
      "reports written: {}\n"
      "rows written:    {}\n"
      "rows replaced:   {} (of earlier versions of the same report dates)\n"
      "dead letters:    {} (walmart_recon_dead_letter)\n"
      "retries:         {}\n"
      "seconds:         {:.2f}\n",
      s.files, s.reports, s.rows, s.rows_replaced, s.dead_letters, s.retries, s.seconds);
}

}  // namespace etl::pipeline

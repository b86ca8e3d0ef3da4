// ReconBatchWriter: the connection, the retries, and one transaction of a recon batch (fence,
// reports under savepoints, dead letters, COMMIT).
#include "mysql/recon_batch_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/prepared_statement.hpp"

namespace etl::mysql {

std::optional<int64_t> last_offset_in_source(std::string_view source, std::string_view topic,
                                             int32_t partition) {
  const std::string prefix = fmt::format("{}/{}/", topic, partition);
  if (!source.starts_with(prefix)) return std::nullopt;
  std::string_view rest = source.substr(prefix.size());
  if (const size_t dash = rest.find('-'); dash != std::string_view::npos) {
    rest = rest.substr(dash + 1);
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || end != rest.data() + rest.size()) return std::nullopt;
  return value;
}

namespace {

// With the file row's lock (when it exists): the last offset its stored version was read at,
// if the stream wrote it from this partition.
std::optional<int64_t> stored_position(Connection& c, const ReconReportToWrite& r) {
  const auto rows = c.query(fmt::format(
      "SELECT source FROM walmart_recon_file WHERE account = {} AND report_date = {} FOR UPDATE",
      c.quote(r.info.account), c.quote(r.info.report_date)));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return std::nullopt;
  return last_offset_in_source(*rows[0][0], r.position->topic, r.position->partition);
}

}  // namespace

ReconBatchWriter::ReconBatchWriter(config::MysqlConfig cfg, ReconBatchWriterOptions options)
    : cfg_(std::move(cfg)), options_(std::move(options)) {
  connect();
}

Connection& ReconBatchWriter::connection() {
  if (!conn_) connect();
  return *conn_;
}

void ReconBatchWriter::connect() {
  tables_.reset();
  conn_.reset();
  Connection c = Connection::open(cfg_);
  // READ COMMITTED as the other writers: the delete of a date's rows takes no gap locks; the
  // file row's lock is what orders two writers of one report date.
  c.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  conn_.emplace(std::move(c));
  tables_ = std::make_unique<ReconWriter>(*conn_);
}

ReconBatchResult ReconBatchWriter::write(const ReconBatch& batch) {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (int attempt_no = 0;; ++attempt_no) {
    try {
      if (!conn_) connect();
      ReconBatchResult r = attempt(batch, attempt_no);
      r.retries = static_cast<unsigned>(attempt_no);
      return r;
    } catch (const EtlError& e) {
      const Error& err = e.error();
      if (err.code > 0 && is_connection_error(static_cast<unsigned>(err.code))) {
        tables_.reset();
        conn_.reset();
      } else if (conn_) {
        conn_->rollback();
      }
      if (err.cls != ErrorClass::retriable) throw;
      if (attempt_no >= options_.max_retries) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       fmt::format("MySQL write of reconciliation reports failed after {} "
                                   "attempt(s): {}",
                                   attempt_no + 1, err.message));
      }
      const auto delay = backoff.next();
      spdlog::warn("mysql: recon batch write attempt {} of {} failed ({}); retrying in {} ms",
                   attempt_no + 1, options_.max_retries + 1, e.what(), delay.count());
      if (wait_for_stop(delay)) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       "stop requested while waiting to retry a failed MySQL write of "
                       "reconciliation reports: " +
                           err.message);
      }
    }
  }
}

ReconBatchResult ReconBatchWriter::attempt(const ReconBatch& batch, int attempt_no) {
  Connection& c = *conn_;
  ReconWriter& tables = *tables_;
  ReconBatchResult result;
  c.begin();
  result.fenced = advance_offsets(c, batch.offsets);
  if (!result.fenced.empty()) return result;  // rolled back by advance_offsets
  result.offsets = batch.offsets.size();

  for (const ReconReportToWrite& r : batch.reports) {
    if (r.position) {
      const std::optional<int64_t> stored = stored_position(c, r);
      if (stored && *stored > r.position->last_offset) {
        spdlog::warn(
            "mysql: report {}|{} read at {}/{}/{} is not written: MySQL holds a later "
            "version of that date (read at offset {})",
            r.info.account, r.info.report_date, r.position->topic, r.position->partition,
            r.position->last_offset, *stored);
        ++result.stale;
        continue;
      }
    }
    c.execute("SAVEPOINT etl_recon_report");
    try {
      const ReconWriteCounts counts = tables.replace_in_transaction(r.info, r.report);
      result.rows_written += counts.rows_written;
      result.rows_deleted += counts.rows_deleted;
      ++result.reports;
    } catch (const StatementError& e) {
      if (e.error().cls != ErrorClass::bad_record) throw;
      // Undo the statements of this report that did run; the stored version of its date stays.
      c.execute("ROLLBACK TO SAVEPOINT etl_recon_report");
      spdlog::error(
          "mysql: report {}|{} is not written, MySQL refused a value of it ({}); kept "
          "in walmart_recon_dead_letter",
          r.info.account, r.info.report_date, e.server_message());
      tables.insert_dead_letter(
          r.info, r.payload,
          recon::ReconIssue{recon::ReconProblem::bad_value,
                            "MySQL refused a value of the report: " + e.server_message(),
                            std::nullopt, std::nullopt},
          r.report.parsed.summary);
      ++result.refused;
      ++result.dead_letters;
    }
  }
  for (const ReconDeadLetterToWrite& d : batch.dead_letters) {
    tables.insert_dead_letter(d.info, d.payload, d.issue, d.summary);
    ++result.dead_letters;
  }

  if (options_.before_commit) options_.before_commit(attempt_no);
  c.commit();
  return result;
}

}  // namespace etl::mysql

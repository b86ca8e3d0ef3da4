#include "pipeline/privacy/purge.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"

namespace etl::pipeline {

namespace {

// One table's purge: its key, the time column retention is measured on.
struct Target {
  std::string_view table;
  std::string_view key;
  std::string_view time_column;
};

constexpr Target kRaw{"walmart_order_raw", "purchaseOrderId", "load_time"};
constexpr Target kDeadLetter{"walmart_order_dead_letter", "id", "created_at"};

std::string cutoff(mysql::Connection& conn, int days) {
  const auto rows = conn.query(fmt::format("SELECT UTC_TIMESTAMP() - INTERVAL {} DAY", days));
  return rows.at(0).at(0).value_or("");
}

size_t count_past(mysql::Connection& conn, const Target& t, const std::string& cut) {
  const auto rows = conn.query(fmt::format("SELECT COUNT(*) FROM {} WHERE {} < {}", t.table,
                                           t.time_column, conn.quote(cut)));
  return std::stoull(rows.at(0).at(0).value_or("0"));
}

size_t purge_table(mysql::Connection& conn, const Target& t, const std::string& cut,
                   size_t batch_rows, size_t& transactions) {
  size_t deleted = 0;
  std::string after;  // the last key seen; empty: from the start
  for (;;) {
    const auto ids = conn.query(fmt::format(
        "SELECT {0} FROM {1} WHERE {2} < {3}{4} ORDER BY {0} LIMIT {5}", t.key, t.table,
        t.time_column, conn.quote(cut),
        after.empty() ? std::string() : fmt::format(" AND {} > {}", t.key, after), batch_rows));
    if (ids.empty()) break;
    std::string list;
    for (const auto& row : ids) {
      // Keys are BIGINT: digits only, safe to write into the statement.
      list += (list.empty() ? "" : ",") + row.at(0).value_or("0");
    }
    after = ids.back().at(0).value_or("0");
    conn.begin();
    try {
      conn.execute(fmt::format("DELETE FROM {} WHERE {} IN ({}) AND {} < {}", t.table, t.key, list,
                               t.time_column, conn.quote(cut)));
      const auto n = conn.query("SELECT ROW_COUNT()");
      conn.commit();
      deleted += std::stoull(n.at(0).at(0).value_or("0"));
      ++transactions;
    } catch (...) {
      conn.rollback();
      throw;
    }
    if (ids.size() < batch_rows) break;
  }
  return deleted;
}

}  // namespace

PurgeReport run_purge(const config::MysqlConfig& cfg, const PurgeOptions& options) {
  mysql::Connection conn = mysql::Connection::open(cfg);
  mysql::require_schema(conn, cfg.database);
  PurgeReport report;
  const size_t batch = std::max<size_t>(1, options.batch_rows);
  if (options.raw_retention_days > 0) {
    report.raw_cutoff = cutoff(conn, options.raw_retention_days);
    report.raw_rows = options.dry_run
                          ? count_past(conn, kRaw, report.raw_cutoff)
                          : purge_table(conn, kRaw, report.raw_cutoff, batch, report.transactions);
    spdlog::info("purge: walmart_order_raw: {} row(s) last written before {} UTC {}",
                 report.raw_rows, report.raw_cutoff, options.dry_run ? "(dry run)" : "deleted");
  }
  if (options.dead_letter_retention_days > 0) {
    report.dead_letter_cutoff = cutoff(conn, options.dead_letter_retention_days);
    report.dead_letters =
        options.dry_run
            ? count_past(conn, kDeadLetter, report.dead_letter_cutoff)
            : purge_table(conn, kDeadLetter, report.dead_letter_cutoff, batch, report.transactions);
    spdlog::info("purge: walmart_order_dead_letter: {} row(s) created before {} UTC {}",
                 report.dead_letters, report.dead_letter_cutoff,
                 options.dry_run ? "(dry run)" : "deleted");
  }
  return report;
}

}  // namespace etl::pipeline

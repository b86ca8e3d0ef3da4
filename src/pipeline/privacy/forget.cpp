#include "pipeline/privacy/forget.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <thread>

#include "common/error.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "pipeline/privacy/stored_order.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

namespace {

size_t row_count(mysql::Connection& conn) {
  const auto n = conn.query("SELECT ROW_COUNT()");
  const auto v = n.at(0).at(0).value_or("0");
  return v.empty() || v[0] == '-' ? 0 : std::stoull(v);
}

struct Counts {
  size_t rows = 0;
  size_t archive = 0;
  size_t dead_letters = 0;
  size_t dead_letters_deleted = 0;
};

// One erasure pass for one id: every table, each change its own short transaction (autocommit).
Counts erase(mysql::Connection& conn, privacy::Redactor& redactor, int64_t id, bool scan_archive) {
  Counts c;
  std::string set;
  std::string any;
  for (const auto& col : kPersonalColumns) {
    set += fmt::format("{}{} = NULL", set.empty() ? "" : ", ", col.column);
    any += fmt::format("{}{} IS NOT NULL", any.empty() ? "" : " OR ", col.column);
  }
  // The buyer's lines and orders, through ix_walmart_order_customer_order.
  conn.execute(
      fmt::format("UPDATE walmart_order SET {} WHERE customerOrderId = {} AND ({})", set, id, any));
  c.rows = row_count(conn);
  std::string orders;
  for (const auto& row : conn.query(fmt::format(
           "SELECT DISTINCT purchaseOrderId FROM walmart_order WHERE customerOrderId = {}", id))) {
    orders += (orders.empty() ? "" : ",") + row.at(0).value_or("0");
  }

  // Their archive entries by primary key; with scan_archive every entry whose JSON holds the
  // id's digits (an order without lines has no walmart_order row to be found by). The redactor
  // then decides by the order's customerOrderId exactly.
  const std::string like = fmt::format("'%{}%'", id);
  std::string archive_sql;
  if (scan_archive) {
    archive_sql = fmt::format(
        "SELECT purchaseOrderId, payload FROM walmart_order_raw_json WHERE payload LIKE {}", like);
  } else if (!orders.empty()) {
    archive_sql = fmt::format(
        "SELECT purchaseOrderId, COALESCE(payload, UNCOMPRESS(payload_zlib)) FROM "
        "walmart_order_raw WHERE purchaseOrderId IN ({})",
        orders);
  }
  std::string out;
  if (!archive_sql.empty()) {
    for (const auto& row : conn.query(archive_sql)) {
      if (!row.at(1)) continue;
      if (redactor.redact(*row.at(1), out).outcome != privacy::RedactOutcome::redacted) continue;
      // The archive keeps its format: the column that held the JSON holds it again.
      rewrite_archive(conn, *row.at(0), out);
      ++c.archive;
    }
  }

  // Dead letters by their text: a record that never loaded is in no other table, and one that
  // does not parse has no field to index. The table holds failures only, for
  // privacy.dead_letter_retention_days: small next to the archive.
  for (const auto& row : conn.query(fmt::format(
           "SELECT id, payload FROM walmart_order_dead_letter WHERE payload LIKE {}", like))) {
    const std::string& dl = row.at(0).value_or("0");
    const privacy::Redaction r = redactor.redact(row.at(1).value_or(""), out);
    if (r.outcome == privacy::RedactOutcome::not_json) {
      // Names the buyer, cannot be redacted by path: erasure wins over diagnosis.
      conn.execute(fmt::format("DELETE FROM walmart_order_dead_letter WHERE id = {}", dl));
      ++c.dead_letters_deleted;
      continue;
    }
    if (r.outcome != privacy::RedactOutcome::redacted) continue;
    conn.begin();
    try {
      rewrite_dead_letter(conn, dl, out);
      conn.commit();
    } catch (const EtlError&) {
      conn.rollback();
      throw;
    }
    ++c.dead_letters;
  }
  return c;
}

}  // namespace

std::optional<int64_t> parse_customer_order_id(std::string_view text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

std::vector<int64_t> read_customer_order_ids(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("--file: cannot read " + path);
  std::vector<int64_t> ids;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto id = parse_customer_order_id(line);
    if (!id) {
      throw ConfigError(
          fmt::format("--file {} line {}: expected a customerOrderId (decimal digits), got '{}'",
                      path, n, line.substr(0, 40)));
    }
    ids.push_back(*id);
  }
  return ids;
}

ForgetReport run_forget(const config::MysqlConfig& cfg, const ForgetOptions& options) {
  mysql::Connection conn = mysql::Connection::open(cfg);
  mysql::require_schema(conn, cfg.database);
  // At READ COMMITTED the rows a statement reads and does not change are not kept locked, so
  // writers beside it wait only on the rows it changes.
  conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  ForgetReport report;
  report.ids = options.customer_order_ids.size();
  for (const int64_t id : options.customer_order_ids) {
    conn.execute(
        fmt::format("INSERT IGNORE INTO etl_privacy_erasure (customerOrderId) VALUES ({})", id));
    report.newly_listed += row_count(conn);
  }

  const auto pass = [&](const char* which) {
    for (const int64_t id : options.customer_order_ids) {
      privacy::Redactor redactor(privacy::FieldPolicies{});
      const std::string text = std::to_string(id);
      redactor.set_erased_check([&text](std::string_view v) { return v == text; });
      const Counts c = erase(conn, redactor, id, options.scan_archive);
      spdlog::info(
          "forget: customerOrderId {} ({} pass): {} walmart_order row(s), {} archive entr(ies), "
          "{} dead letter(s) erased, {} unparsable dead letter(s) deleted",
          id, which, c.rows, c.archive, c.dead_letters, c.dead_letters_deleted);
      report.rows += c.rows;
      report.archive += c.archive;
      report.dead_letters += c.dead_letters;
      report.dead_letters_deleted += c.dead_letters_deleted;
    }
  };
  pass("first");
  if (options.settle.count() > 0) {
    std::this_thread::sleep_for(options.settle);
    pass("settle");
  }
  return report;
}

}  // namespace etl::pipeline

#include "mysql/recon_tables.hpp"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "common/sha256.hpp"
#include "mysql/prepared_statement.hpp"
#include "mysql/utf8_text.hpp"
#include "recon/decimal_text.hpp"

namespace etl::mysql {

namespace {

using Value = std::optional<std::string>;

// Every parameter is bound as text (MYSQL_TYPE_STRING) or bytes (MYSQL_TYPE_BLOB): the server
// converts to the column's type under strict mode, exactly (DECIMAL from "-3.75"), and refuses a
// value the column cannot hold.
class TextBinds {
 public:
  void add(const Value& v, enum_field_types type = MYSQL_TYPE_STRING) {
    values_.push_back(v);
    types_.push_back(type);
  }
  std::vector<MYSQL_BIND>& bind() {
    binds_.assign(values_.size(), MYSQL_BIND{});
    lengths_.assign(values_.size(), 0);
    nulls_.assign(values_.size(), 0);
    for (size_t i = 0; i < values_.size(); ++i) {
      MYSQL_BIND& b = binds_[i];
      std::memset(&b, 0, sizeof b);
      b.buffer_type = types_[i];
      nulls_[i] = values_[i] ? 0 : 1;
      b.is_null = &nulls_[i];
      if (values_[i]) {
        lengths_[i] = static_cast<unsigned long>(values_[i]->size());
        b.buffer = values_[i]->data();
        b.buffer_length = lengths_[i];
        b.length = &lengths_[i];
      }
    }
    return binds_;
  }
  void clear() {
    values_.clear();
    types_.clear();
  }
  [[nodiscard]] size_t size() const { return values_.size(); }

 private:
  std::vector<Value> values_;
  std::vector<enum_field_types> types_;
  std::vector<MYSQL_BIND> binds_;
  std::vector<unsigned long> lengths_;
  std::vector<my_bool> nulls_;
};

Value text(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
// Where a report came from is informational: a path longer than its column is cut (at a
// character boundary), never a reason to refuse the report.
Value origin(const std::string& s) {
  return s.empty() ? Value{} : Value{std::string(cut_to_code_points(to_valid_utf8(s), 255))};
}
Value number(const std::optional<int64_t>& v) { return v ? Value{std::to_string(*v)} : Value{}; }
Value decimal(const std::optional<int64_t>& v, int scale) {
  return v ? Value{recon::format_scaled_decimal(*v, scale)} : Value{};
}

constexpr std::string_view kRowColumns =
    "account, report_date, row_no, transaction_key, posted_at, transaction_type, "
    "transaction_description, customerOrderId, salesOrderLineNumber, purchaseOrderId, "
    "purchaseOrderLineNumber, amount, amount_type, currency, ship_qty, commission_rate, sku, "
    "period_start, period_end, other_columns";
constexpr size_t kRowParams = 20;
// Rows per INSERT: 500 x 20 placeholders, a few hundred KB per statement.
constexpr size_t kRowsPerStatement = 500;

std::string row_insert_sql(size_t rows) {
  std::string one = "(";
  for (size_t i = 0; i < kRowParams; ++i) one += i == 0 ? "?" : ",?";
  one += ")";
  std::string sql = fmt::format("INSERT INTO walmart_recon_row ({}) VALUES ", kRowColumns);
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ',';
    sql += one;
  }
  return sql;
}

void add_row(TextBinds& b, const ReconFileInfo& info, const std::string& currency,
             const recon::ReconRow& r) {
  b.add(info.account);
  b.add(info.report_date);
  b.add(std::to_string(r.row_number));
  b.add(text(r.transaction_key));
  b.add(r.posted_at);
  b.add(text(r.transaction_type));
  b.add(text(r.transaction_description));
  b.add(number(r.customer_order_id));
  b.add(number(r.customer_order_line));
  b.add(number(r.purchase_order_id));
  b.add(number(r.purchase_order_line));
  b.add(recon::format_scaled_decimal(r.amount_cents, 2));
  b.add(text(r.amount_type));
  b.add(text(currency));
  b.add(number(r.ship_qty));
  b.add(decimal(r.commission_rate_milli, 3));
  b.add(text(r.partner_item_id));
  b.add(r.period_start);
  b.add(r.period_end);
  b.add(r.other_columns_json);
}

}  // namespace

ReconWriter::ReconWriter(Connection& conn) : conn_(conn), dialect_(detect_dialect(conn)) {}

ReconWriteCounts ReconWriter::replace_report(const ReconFileInfo& info,
                                             const recon::CheckedReport& report) {
  conn_.begin();
  try {
    const ReconWriteCounts counts = replace_in_transaction(info, report);
    conn_.commit();
    return counts;
  } catch (const EtlError&) {
    conn_.rollback();
    throw;
  }
}

ReconWriteCounts ReconWriter::replace_in_transaction(const ReconFileInfo& info,
                                                     const recon::CheckedReport& report) {
  const recon::ReconReport& rep = *report.parsed.report;
  const recon::ReconSummary& s = rep.summary;
  ReconWriteCounts counts;

  // 1. The file row: inserted or updated, and locked until the commit either way.
  const ServerDialect& d = dialect_;
  std::string update;
  for (const char* c : {"period_start", "period_end", "total_payable", "currency", "payout_at",
                        "payout_description", "declared_lines", "detail_rows", "csv_sha256",
                        "file_name", "source", "fetched_at", "load_time"}) {
    update += fmt::format("{}{} = {}", update.empty() ? "" : ", ", c, d.inserted(c));
  }
  PreparedStatement file_stmt(
      conn_, fmt::format("INSERT INTO walmart_recon_file (account, report_date, period_start, "
                         "period_end, total_payable, currency, payout_at, payout_description, "
                         "declared_lines, detail_rows, csv_sha256, file_name, source, fetched_at, "
                         "load_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP()){} ON "
                         "DUPLICATE KEY UPDATE {}",
                         d.after_values(), update));
  TextBinds fb;
  fb.add(info.account);
  fb.add(info.report_date);
  fb.add(s.period_start);
  fb.add(s.period_end);
  fb.add(recon::format_scaled_decimal(s.total_payable_cents, 2));
  fb.add(text(s.currency));
  fb.add(s.payout_at);
  fb.add(text(s.payout_description));
  fb.add(number(s.declared_lines));
  fb.add(std::to_string(rep.rows.size()));
  fb.add(report.csv_sha256);
  fb.add(origin(info.file_name));
  fb.add(origin(info.source));
  fb.add(info.fetched_at);
  file_stmt.execute(fb.bind());

  // 2. Every row of an earlier version of this report date.
  PreparedStatement del(conn_,
                        "DELETE FROM walmart_recon_row WHERE account = ? AND report_date = ?");
  TextBinds db;
  db.add(info.account);
  db.add(info.report_date);
  counts.rows_deleted = del.execute(db.bind());

  // 3. This version's rows, in multi-row INSERTs.
  std::optional<PreparedStatement> full;
  TextBinds rb;
  for (size_t first = 0; first < rep.rows.size(); first += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rep.rows.size() - first);
    rb.clear();
    for (size_t i = first; i < first + n; ++i) add_row(rb, info, s.currency, rep.rows[i]);
    if (n == kRowsPerStatement) {
      if (!full) full.emplace(conn_, row_insert_sql(n));
      counts.rows_written += full->execute(rb.bind());
    } else {
      PreparedStatement last(conn_, row_insert_sql(n));
      counts.rows_written += last.execute(rb.bind());
    }
  }
  return counts;
}

void ReconWriter::write_dead_letter(const ReconFileInfo& info, std::string_view payload,
                                    const recon::ReconIssue& issue,
                                    const std::optional<recon::ReconSummary>& summary) {
  conn_.begin();
  try {
    insert_dead_letter(info, payload, issue, summary);
    conn_.commit();
  } catch (const EtlError&) {
    conn_.rollback();
    throw;
  }
}

void ReconWriter::insert_dead_letter(const ReconFileInfo& info, std::string_view payload,
                                     const recon::ReconIssue& issue,
                                     const std::optional<recon::ReconSummary>& summary) {
  const ServerDialect& d = dialect_;
  std::string update;
  for (const char* c : {"report_date", "source", "problem", "error_message", "detail_sum",
                        "total_payable", "period_start", "period_end", "payload"}) {
    update += fmt::format("{}{} = {}", update.empty() ? "" : ", ", c, d.inserted(c));
  }
  update += ", created_at = UTC_TIMESTAMP()";
  PreparedStatement stmt(
      conn_, fmt::format("INSERT INTO walmart_recon_dead_letter (account, report_date, source, "
                         "file_sha256, problem, error_message, detail_sum, total_payable, "
                         "period_start, period_end, payload, created_at) VALUES "
                         "(?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP()){} ON DUPLICATE KEY UPDATE {}",
                         d.after_values(), update));
  TextBinds b;
  b.add(info.account);
  b.add(text(info.report_date));
  b.add(origin(info.source).value_or("-"));
  b.add(sha256_hex(payload));
  b.add(std::string(recon::to_string(issue.problem)));
  b.add(issue.message);
  b.add(decimal(issue.detail_sum_cents, 2));
  b.add(
      decimal(issue.total_payable_cents
                  ? issue.total_payable_cents
                  : (summary ? std::optional<int64_t>(summary->total_payable_cents) : std::nullopt),
              2));
  b.add(summary ? Value{summary->period_start} : Value{});
  b.add(summary ? Value{summary->period_end} : Value{});
  b.add(std::string(payload), MYSQL_TYPE_BLOB);
  stmt.execute(b.bind());
}

}  // namespace etl::mysql

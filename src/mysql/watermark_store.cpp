#include "mysql/watermark_store.hpp"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/statement_warnings.hpp"

namespace etl::mysql {

namespace {

MYSQL_BIND string_bind(std::string_view s, unsigned long* length) {
  MYSQL_BIND b;
  std::memset(&b, 0, sizeof b);
  *length = static_cast<unsigned long>(s.size());
  b.buffer_type = MYSQL_TYPE_STRING;
  b.buffer = const_cast<char*>(s.data());
  b.buffer_length = *length;
  b.length = length;
  return b;
}

MYSQL_BIND int64_bind(int64_t* v) {
  MYSQL_BIND b;
  std::memset(&b, 0, sizeof b);
  b.buffer_type = MYSQL_TYPE_LONGLONG;
  b.buffer = v;
  return b;
}

StmtHandle prepare(Connection& conn, std::string_view sql, std::string_view what) {
  StmtHandle stmt(mysql_stmt_init(conn.handle()));
  if (!stmt) throw EtlError(mysql_error_of(conn.handle(), std::string(what)));
  if (mysql_stmt_prepare(stmt.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    throw EtlError(mysql_stmt_error_of(stmt.get(), std::string(what)));
  }
  return stmt;
}

}  // namespace

WatermarkStore::WatermarkStore(const config::MysqlConfig& cfg)
    : conn_(Connection::open(cfg, UseDatabase::configured)),
      dialect_(detect_dialect(conn_)),
      database_(cfg.database) {
  const auto rows = conn_.query(
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
      "TABLE_NAME = 'etl_fetch_watermark'");
  if (rows.empty() || !rows[0][0] || *rows[0][0] == "0") {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 1146,
                   fmt::format("table {}.etl_fetch_watermark does not exist on {}: run "
                               "`walmart-etl init-db` first",
                               database_, conn_.describe()));
  }
  const auto data_set = conn_.query(
      "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
      "TABLE_NAME = 'etl_fetch_watermark' AND COLUMN_NAME = 'data_set'");
  if (data_set.empty() || !data_set[0][0] || *data_set[0][0] == "0") {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 1054,
                   fmt::format("table {}.etl_fetch_watermark on {} is from before data sets (no "
                               "column data_set): run `walmart-etl init-db --migrate` first",
                               database_, conn_.describe()));
  }
}

std::optional<int64_t> WatermarkStore::load(std::string_view account, std::string_view data_set,
                                            std::string_view ship_node_type) {
  const std::string what =
      fmt::format("reading the fetch watermark of {}/{}/{} from {}.etl_fetch_watermark", account,
                  data_set, ship_node_type, database_);
  StmtHandle stmt = prepare(conn_,
                            "SELECT watermark_ms FROM etl_fetch_watermark WHERE account = ? AND "
                            "data_set = ? AND ship_node_type = ?",
                            what);
  unsigned long len_a = 0;
  unsigned long len_d = 0;
  unsigned long len_t = 0;
  MYSQL_BIND params[3] = {string_bind(account, &len_a), string_bind(data_set, &len_d),
                          string_bind(ship_node_type, &len_t)};
  if (mysql_stmt_bind_param(stmt.get(), params) != 0 || mysql_stmt_execute(stmt.get()) != 0) {
    throw EtlError(mysql_stmt_error_of(stmt.get(), what));
  }
  int64_t value = 0;
  my_bool is_null = 0;
  MYSQL_BIND result = int64_bind(&value);
  result.is_null = &is_null;
  if (mysql_stmt_bind_result(stmt.get(), &result) != 0 ||
      mysql_stmt_store_result(stmt.get()) != 0) {
    throw EtlError(mysql_stmt_error_of(stmt.get(), what));
  }
  const int rc = mysql_stmt_fetch(stmt.get());
  if (rc == MYSQL_NO_DATA) return std::nullopt;
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) throw EtlError(mysql_stmt_error_of(stmt.get(), what));
  if (is_null) return std::nullopt;
  return value;
}

void WatermarkStore::advance(std::string_view account, std::string_view data_set,
                             std::string_view ship_node_type, int64_t watermark_ms,
                             std::string_view run_id) {
  const std::string what =
      fmt::format("storing the fetch watermark of {}/{}/{} in {}.etl_fetch_watermark", account,
                  data_set, ship_node_type, database_);
  // The inserted row is `new.c` on MySQL and `VALUES(c)` on MariaDB (server_dialect.hpp); the
  // stored row's columns are qualified, since with the alias a bare name could be either.
  const ServerDialect& d = dialect_;
  const std::string new_wm = d.inserted("watermark_ms");
  const std::string sql = fmt::format(
      "INSERT INTO etl_fetch_watermark (account, data_set, ship_node_type, watermark_ms, run_id, "
      "updated_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP()){0} ON DUPLICATE KEY UPDATE "
      "run_id = IF({1} >= etl_fetch_watermark.watermark_ms, {2}, etl_fetch_watermark.run_id), "
      "updated_at = IF({1} >= etl_fetch_watermark.watermark_ms, {3}, "
      "etl_fetch_watermark.updated_at), "
      "watermark_ms = GREATEST(etl_fetch_watermark.watermark_ms, {1})",
      d.after_values(), new_wm, d.inserted("run_id"), d.inserted("updated_at"));
  StmtHandle stmt = prepare(conn_, sql, what);
  unsigned long len_a = 0;
  unsigned long len_d = 0;
  unsigned long len_t = 0;
  unsigned long len_r = 0;
  int64_t wm = watermark_ms;
  MYSQL_BIND params[5] = {string_bind(account, &len_a), string_bind(data_set, &len_d),
                          string_bind(ship_node_type, &len_t), int64_bind(&wm),
                          string_bind(run_id, &len_r)};
  if (mysql_stmt_bind_param(stmt.get(), params) != 0 || mysql_stmt_execute(stmt.get()) != 0) {
    throw EtlError(mysql_stmt_error_of(stmt.get(), what));
  }
  check_statement_warnings(conn_.handle(),
                           static_cast<unsigned int>(mysql_stmt_warning_count(stmt.get())), sql);
}

}  // namespace etl::mysql

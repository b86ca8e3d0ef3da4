#include "mysql/prepared_statement.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/statement_warnings.hpp"

namespace etl::mysql {

namespace {
// The first words of a statement, for error messages (never its data: parameters are bound).
std::string_view head(std::string_view sql) {
  return sql.substr(0, std::min<size_t>(sql.size(), 60));
}
}  // namespace

PreparedStatement::PreparedStatement(Connection& conn, std::string sql)
    : stmt_(mysql_stmt_init(conn.handle())), sql_(std::move(sql)), describe_(conn.describe()) {
  if (!stmt_) throw StatementError(mysql_error_of(conn.handle(), "mysql_stmt_init"), "");
  if (mysql_stmt_prepare(stmt_.get(), sql_.data(), static_cast<unsigned long>(sql_.size())) != 0) {
    fail("preparing");
  }
}

void PreparedStatement::fail(std::string_view what) {
  throw StatementError(mysql_stmt_error_of(stmt_.get(), fmt::format("{} `{}...` on {}", what,
                                                                    head(sql_), describe_)),
                       mysql_stmt_error(stmt_.get()));
}

void PreparedStatement::check_warnings() noexcept {
  const int n = mysql_stmt_warning_count(stmt_.get());
  if (n > 0) check_statement_warnings(stmt_->mysql, static_cast<unsigned int>(n), sql_);
}

unsigned long PreparedStatement::param_count() const noexcept {
  return mysql_stmt_param_count(stmt_.get());
}

uint64_t PreparedStatement::execute(std::vector<MYSQL_BIND>& binds) {
  unsigned int zero = 0;
  mysql_stmt_attr_set(stmt_.get(), STMT_ATTR_ARRAY_SIZE, &zero);
  if (mysql_stmt_bind_param(stmt_.get(), binds.data()) != 0) fail("binding");
  if (mysql_stmt_execute(stmt_.get()) != 0) fail("executing");
  check_warnings();
  return mysql_stmt_affected_rows(stmt_.get());
}

uint64_t PreparedStatement::execute_array(std::vector<MYSQL_BIND>& binds, unsigned int rows) {
  if (mysql_stmt_attr_set(stmt_.get(), STMT_ATTR_ARRAY_SIZE, &rows) != 0)
    fail("setting array size");
  if (mysql_stmt_bind_param(stmt_.get(), binds.data()) != 0) fail("binding");
  if (mysql_stmt_execute(stmt_.get()) != 0) fail("executing (bulk)");
  check_warnings();
  return mysql_stmt_affected_rows(stmt_.get());
}

bool bulk_supported(const Connection& conn) noexcept {
  // MARIADB_STMT_BULK_SUPPORTED() reads private structs; the same test through the public API.
  unsigned long caps = 0;
  unsigned long ext = 0;
  if (mariadb_get_infov(conn.handle(), MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) != 0)
    return false;
  if (mariadb_get_infov(conn.handle(), MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext) != 0)
    return false;
  return (caps & CLIENT_MYSQL) == 0 && (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
}

}  // namespace etl::mysql

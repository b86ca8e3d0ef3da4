#pragma once
// A server-side prepared statement on one Connection (RAII over MYSQL_STMT). Prepared once,
// executed many times with fresh bindings; closed with its handle. Not thread-safe, like the
// connection it belongs to, and invalid once that connection is closed.

#include <mysql.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "mysql/connection.hpp"

namespace etl::mysql {

// A failed prepare/execute: the classified error (message with context) plus the server's own
// message, which the dead-letter table records for a rejected row.
class StatementError : public EtlError {
 public:
  StatementError(Error e, std::string server_message)
      : EtlError(std::move(e)), server_message_(std::move(server_message)) {}
  [[nodiscard]] const std::string& server_message() const noexcept { return server_message_; }

 private:
  std::string server_message_;
};

class PreparedStatement {
 public:
  // Throws StatementError (classified) if the server refuses the statement.
  PreparedStatement(Connection& conn, std::string sql);

  // Executes once with one bind per placeholder. Returns affected rows. Throws StatementError.
  uint64_t execute(std::vector<MYSQL_BIND>& binds);
  // MariaDB bulk execution: `binds` point at column arrays of `rows` values (COM_STMT_BULK_EXECUTE,
  // one round trip). Only when bulk_supported(). Throws StatementError.
  uint64_t execute_array(std::vector<MYSQL_BIND>& binds, unsigned int rows);

  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
  [[nodiscard]] unsigned long param_count() const noexcept;

 private:
  void fail(std::string_view what);
  // Hands the warnings the last execution left to check_statement_warnings().
  void check_warnings() noexcept;
  StmtHandle stmt_;
  std::string sql_;
  std::string describe_;  // connection, for messages
};

// True when the server accepts bulk array binding (MariaDB >= 10.2; never MySQL).
bool bulk_supported(const Connection& conn) noexcept;

}  // namespace etl::mysql

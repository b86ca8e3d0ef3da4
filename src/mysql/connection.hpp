#pragma once
// RAII over a MariaDB Connector/C connection (speaks to MariaDB and MySQL 5.7/8).
// One Connection per thread; never shared without a lock.
// Every session is UTC (time_zone '+00:00'), utf8mb4 and strict SQL mode.

#include <mysql.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace etl::mysql {

struct MysqlDeleter {
  void operator()(MYSQL* m) const noexcept { mysql_close(m); }
};
struct StmtDeleter {
  void operator()(MYSQL_STMT* s) const noexcept { mysql_stmt_close(s); }
};
struct ResultDeleter {
  void operator()(MYSQL_RES* r) const noexcept { mysql_free_result(r); }
};
using MysqlHandle = std::unique_ptr<MYSQL, MysqlDeleter>;
using StmtHandle = std::unique_ptr<MYSQL_STMT, StmtDeleter>;
using ResultHandle = std::unique_ptr<MYSQL_RES, ResultDeleter>;

using Row = std::vector<std::optional<std::string>>;

enum class UseDatabase { none, configured };

// LOAD DATA LOCAL INFILE lets the server ask for any file the client can read. The product never
// uses it: every connection refuses it. Only the benchmarks' LOAD DATA ceiling opts in.
enum class LocalFiles { refuse, allow_for_benchmarks };

class Connection {
 public:
  // Connects and prepares the session. Throws EtlError (class from classify_mysql_errno; e.g.
  // access denied is fatal, a refused connection is retriable) with host, port and user in the
  // text. TLS follows cfg.ssl_mode; modes from `required` up refuse a session that is not
  // encrypted.
  static Connection open(const config::MysqlConfig& cfg, UseDatabase use = UseDatabase::configured,
                         LocalFiles local_files = LocalFiles::refuse);

  // Runs a statement that returns no rows. Throws EtlError.
  void execute(std::string_view sql);
  // Runs a query and returns all rows as text (NULL = nullopt). Throws EtlError.
  std::vector<Row> query(std::string_view sql);
  // Quoted, escaped string literal for this connection's charset: 'O\'Brien'.
  std::string quote(std::string_view value);

  void begin() { execute("START TRANSACTION"); }
  void commit();
  // Never throws; a failed rollback means the connection is unusable (it will be reopened).
  void rollback() noexcept;

  [[nodiscard]] MYSQL* handle() const noexcept { return handle_.get(); }
  [[nodiscard]] const std::string& describe() const noexcept {
    return describe_;
  }  // user@host:port
  [[nodiscard]] bool is_mariadb() const noexcept;
  [[nodiscard]] std::string server_version() const;

 private:
  Connection(MysqlHandle h, std::string describe)
      : handle_(std::move(h)), describe_(std::move(describe)) {}
  MysqlHandle handle_;
  std::string describe_;
};

// `name` quoted as an identifier: `ods`. Throws ConfigError for names with a backtick or NUL.
std::string quote_identifier(std::string_view name);

}  // namespace etl::mysql

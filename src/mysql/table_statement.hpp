#pragma once
// One DML statement over many rows of a ParamTable, in either write path:
//  - bulk:     `prefix tuple suffix` prepared once, executed with MariaDB array binding over as
//              many rows as fit in the byte budget (one round trip per chunk);
//  - portable: `prefix tuple sep tuple sep ... suffix` with k tuples, k a power of two (so at most
//              log2(k_max) statements are ever prepared), executed with plain binding (MySQL 8).
// Examples: INSERT ... VALUES (?,?) ON DUPLICATE KEY UPDATE ... (sep ","), or
//           DELETE ... WHERE purchaseOrderId IN (?) (tuple "?", sep ",").
// Statements are prepared lazily on the Connection given to execute() and reused across calls;
// reset() forgets them (call it when the connection is replaced).

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "mysql/connection.hpp"
#include "mysql/param_table.hpp"
#include "mysql/prepared_statement.hpp"

namespace etl::mysql {

enum class WritePath { automatic, bulk, portable };

struct StatementShape {
  std::string prefix;     // "INSERT INTO t (a, b, load_time) VALUES "
  std::string tuple;      // "(?, ?, UTC_TIMESTAMP())"
  std::string separator;  // ", "
  std::string suffix;     // " ON DUPLICATE KEY UPDATE a = VALUES(a), ..."
};

class TableStatement {
 public:
  TableStatement(StatementShape shape, size_t params_per_tuple);

  // Executes over rows [first, first + n) of `params` (which must have params_per_tuple columns).
  // path must be bulk or portable. max_bytes bounds one execution's parameter bytes (a single row
  // larger than that is still sent alone). Throws StatementError.
  void execute(Connection& conn, WritePath path, ParamTable& params, size_t first, size_t n,
               size_t max_bytes);

  void reset() noexcept;

 private:
  PreparedStatement& statement(Connection& conn, size_t tuples);  // tuples == 0: the bulk form

  StatementShape shape_;
  size_t params_per_tuple_;
  size_t max_tuples_;  // the portable path: a power of two with k * params_per_tuple <= 65,535
  std::map<size_t, std::unique_ptr<PreparedStatement>> prepared_;
  std::vector<MYSQL_BIND> binds_;
};

}  // namespace etl::mysql

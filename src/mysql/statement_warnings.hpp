#pragma once
// Warnings a statement left on the server (deprecated syntax, a truncated value, a note). Every
// statement the product runs is checked right after it ran: the count comes with the server's OK
// packet (mysql_warning_count, no round trip); only when it is not zero are the warnings read
// with SHOW WARNINGS. They are logged at WARN with the statement's first words, and handed to an
// observer if one is installed (the tests install one and fail on any warning).

#include <mysql.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::mysql {

struct StatementWarning {
  std::string level;  // Note, Warning, Error
  unsigned int code = 0;
  std::string message;
};

using WarningObserver =
    std::function<void(std::string_view sql, const std::vector<StatementWarning>& warnings)>;

// Installs (or, with an empty function, removes) the process-wide observer. Thread-safe.
void set_warning_observer(WarningObserver observer);

// Call right after `sql` ran on `m` (and its result, if any, was read) with the warning count
// the server reported for it (mysql_warning_count, or mysql_stmt_warning_count for a prepared
// statement). Never throws: a failure to read the warnings is logged.
void check_statement_warnings(MYSQL* m, unsigned int count, std::string_view sql) noexcept;

}  // namespace etl::mysql

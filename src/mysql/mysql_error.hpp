#pragma once
// Classification of MariaDB/MySQL client and server errors: retry loops and
// the dead-letter path decide on the class, never on message text.

#include <mysql.h>

#include <string_view>

#include "common/error.hpp"

namespace etl::mysql {

// Class of a mysql_errno / mysql_stmt_errno value.
//  retriable: connection refused/lost/gone, server shutdown, deadlock (1213), lock wait (1205), ...
//  bad_record: a value this row cannot hold (1366, 1406, 1264, 1292, 1048, 1265, 1300, ...)
//  fatal: everything else (access denied, unknown table/column, syntax, ...)
ErrorClass classify_mysql_errno(unsigned int code) noexcept;

// True for errors after which the connection cannot be used and must be reopened.
bool is_connection_error(unsigned int code) noexcept;

// An Error from the handle's last error, with `context` ("connecting to 127.0.0.1:3306 as root").
Error mysql_error_of(MYSQL* handle, std::string_view context);
Error mysql_stmt_error_of(MYSQL_STMT* stmt, std::string_view context);

}  // namespace etl::mysql

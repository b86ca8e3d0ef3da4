#include "mysql/mysql_error.hpp"

#include <errmsg.h>
#include <fmt/format.h>
#include <mysqld_error.h>

namespace etl::mysql {

bool is_connection_error(unsigned int code) noexcept {
  switch (code) {
    case CR_CONNECTION_ERROR:      // 2002
    case CR_CONN_HOST_ERROR:       // 2003
    case CR_SERVER_GONE_ERROR:     // 2006
    case CR_SERVER_LOST:           // 2013
    case CR_COMMANDS_OUT_OF_SYNC:  // 2014
    case CR_SERVER_LOST_EXTENDED:  // 2055
    // On an established TLS session a dropped connection surfaces as a TLS read error ("unexpected
    // eof while reading"). While connecting, the same code means TLS could not be set up (a
    // certificate that does not verify): Connection::open classifies that one as fatal.
    case CR_SSL_CONNECTION_ERROR:  // 2026
    case ER_SERVER_SHUTDOWN:       // 1053
    case ER_CONNECTION_KILLED:     // 1927 (MariaDB)
    case 4031:                     // MySQL 8: disconnected by the server because of inactivity
      return true;
    default:
      return false;
  }
}

ErrorClass classify_mysql_errno(unsigned int code) noexcept {
  if (is_connection_error(code)) return ErrorClass::retriable;
  switch (code) {
    case ER_LOCK_DEADLOCK:              // 1213
    case ER_LOCK_WAIT_TIMEOUT:          // 1205
    case ER_CON_COUNT_ERROR:            // 1040 too many connections
    case ER_TOO_MANY_USER_CONNECTIONS:  // 1203
    case ER_QUERY_INTERRUPTED:          // 1317
    case ER_LOCK_TABLE_FULL:            // 1206
    case CR_UNKNOWN_HOST:               // 2005 (DNS may recover)
    case CR_OUT_OF_MEMORY:              // 2008
    case ER_CANT_CREATE_THREAD:         // 1135
    case ER_OUT_OF_RESOURCES:           // 1041
    case ER_DISK_FULL:                  // 1021
      return ErrorClass::retriable;
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:  // 1366
    case ER_DATA_TOO_LONG:                    // 1406
    case ER_WARN_DATA_OUT_OF_RANGE:           // 1264
    case ER_TRUNCATED_WRONG_VALUE:            // 1292
    case ER_BAD_NULL_ERROR:                   // 1048
    case WARN_DATA_TRUNCATED:                 // 1265
    case ER_INVALID_CHARACTER_STRING:         // 1300
    case ER_WARN_NULL_TO_NOTNULL:             // 1263
    case ER_DIVISION_BY_ZERO:                 // 1365
    case ER_NET_PACKET_TOO_LARGE:             // 1153: this record is too big to send
      return ErrorClass::bad_record;
    default:
      return ErrorClass::fatal;
  }
}

Error mysql_error_of(MYSQL* handle, std::string_view context) {
  const unsigned int code = handle ? mysql_errno(handle) : CR_OUT_OF_MEMORY;
  const char* msg = handle ? mysql_error(handle) : "out of memory";
  return Error{classify_mysql_errno(code), ErrorOrigin::mysql, static_cast<int>(code),
               fmt::format("{}: {}", context, msg)};
}

Error mysql_stmt_error_of(MYSQL_STMT* stmt, std::string_view context) {
  const unsigned int code = mysql_stmt_errno(stmt);
  return Error{classify_mysql_errno(code), ErrorOrigin::mysql, static_cast<int>(code),
               fmt::format("{}: {}", context, mysql_stmt_error(stmt))};
}

}  // namespace etl::mysql

#pragma once
// The money queries a seller's data team asks of the ODS (sql/queries/*.sql: net revenue per
// order line, payout per period, return rate per SKU, refunds not settled yet, and the summary
// per account), embedded at build time; the same files are installed for any MySQL client.
// What each amount means is written in the files and in docs/data-model.md, "Money". Every query
// reads the session variable @account: one account's rows, or every account's when NULL. They
// run unchanged on MariaDB and MySQL.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.hpp"

namespace etl::mysql {

struct NamedSql {
  const char* name;  // the file's name without .sql: "money_summary"
  const char* sql;   // its statement, comment lines removed
};

// The statement of sql/queries/<name>.sql. Throws std::out_of_range for a name no file has.
std::string_view money_query(std::string_view name);
// The names of every embedded query, sorted.
std::vector<std::string> money_query_names();

// Runs the query `name` for one account (nullopt: every account): sets @account on the
// connection, then returns the rows as text. Throws EtlError.
std::vector<Row> run_money_query(Connection& conn, std::string_view name,
                                 const std::optional<std::string>& account);

}  // namespace etl::mysql

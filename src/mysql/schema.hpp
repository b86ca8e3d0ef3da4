#pragma once
// The ods schema: the DDL in sql/*.sql (embedded in the binary at build time), creating it, and
// checking that existing tables have the shape the pipeline writes (never dropping anything).

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "mysql/connection.hpp"

namespace etl::mysql {

struct TableDdl {
  std::string_view table;  // e.g. "walmart_order"
  std::string_view sql;    // "CREATE TABLE IF NOT EXISTS walmart_order (...)"
};

// Every table of the data contract, from sql/*.sql.
const std::vector<TableDdl>& schema_tables();

// One difference between an existing table and the expected one, with how to migrate.
struct SchemaProblem {
  std::string table;
  std::string
      what;  // "primary key is (purchaseOrderId, sku), expected (purchaseOrderId, lineNumber)"
  std::string migrate;  // SQL or steps that fix it without losing data
  // Statements `init-db --migrate` runs for it: only ones that keep every row and value (ADD
  // COLUMN of a nullable column and filling it from existing columns, ADD COLUMN of a key column
  // with the value existing rows stand for (schema_growth.hpp), a primary key grown by columns,
  // ADD of an index, the exact collation of an account column, DROP of a unique key an earlier
  // version of walmart-etl created). Empty: a person must migrate (a changed type, a primary key
  // that loses a column, a unique key someone else made that can refuse rows), following
  // `migrate`.
  std::vector<std::string> statements;
};

// Compares every existing table of the configured database with the expected DDL (column names,
// order, types, nullability; primary key; unique keys). Missing tables are not problems (init-db
// creates them).
// Uses TEMPORARY tables on `conn`, so the check happens on the same server and needs no extra
// schema.
std::vector<SchemaProblem> check_schema(Connection& conn, const std::string& database);

struct InitDbReport {
  std::vector<std::string> created;     // tables created now
  std::vector<std::string> existing;    // tables that were there and match
  std::vector<SchemaProblem> problems;  // left (none after a complete migration)
  std::vector<std::string> migrated;    // statements run by migrate=true
  std::vector<std::string> views;       // views (re)created: walmart_order_raw_json
  bool database_created = false;
};

// Creates the database (utf8mb4 / utf8mb4_unicode_ci) and every missing table; checks the others.
// Idempotent. If a table is incompatible, reports it (problems) and changes nothing about it,
// unless `migrate` is set and every problem has additive statements: then those run (they never
// drop or rewrite data) and the tables are checked again.
InitDbReport init_db(const config::MysqlConfig& cfg, bool migrate = false);

// For stream/load: throws EtlError(fatal) naming every problem and missing table, pointing at
// init-db.
void require_schema(Connection& conn, const std::string& database);

}  // namespace etl::mysql

#pragma once
// The shape of a table as the server describes it: columns (type, nullability, collation), primary
// key, unique and plain indexes. Read the same way for the table this version expects (built by the
// server as a temporary table) and for the table that exists, so schema.cpp compares like with
// like.

#include <map>
#include <string>
#include <vector>

#include "mysql/connection.hpp"

namespace etl::mysql {

struct ColumnInfo {
  std::string name;
  std::string type;  // as SHOW COLUMNS prints it on this server, e.g. "varchar(50)"
  bool nullable = true;
  std::string collation;  // text columns: e.g. "utf8mb4_bin"; empty for the others
};

// A column compared byte for byte (the account columns: two sellers whose names differ only by
// case or accents are two sellers). The check holds existing tables to it; other collations are
// the table's default and a person's business.
bool binary_collation(const ColumnInfo& c);

// The column's type as ADD/MODIFY COLUMN must spell it: a binary column names its collation,
// which would otherwise become the table's default (case- and accent-insensitive).
std::string column_type_sql(const ColumnInfo& c);

struct TableShape {
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  std::map<std::string, std::vector<std::string>> unique_keys;  // name -> columns, PRIMARY excluded
  std::map<std::string, std::vector<std::string>> plain_keys;   // non-unique indexes
};

// Reads the shape of `qualified` (db.table) with SHOW FULL COLUMNS and SHOW INDEX.
TableShape read_shape(Connection& conn, const std::string& qualified);

}  // namespace etl::mysql

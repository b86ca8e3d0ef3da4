#include "mysql/table_shape.hpp"

#include <fmt/format.h>

namespace etl::mysql {

bool binary_collation(const ColumnInfo& c) {
  return c.collation.size() > 4 && c.collation.compare(c.collation.size() - 4, 4, "_bin") == 0;
}

std::string column_type_sql(const ColumnInfo& c) {
  if (!binary_collation(c)) return c.type;
  return fmt::format("{} CHARACTER SET {} COLLATE {}", c.type,
                     c.collation.substr(0, c.collation.find('_')), c.collation);
}

TableShape read_shape(Connection& conn, const std::string& qualified) {
  TableShape shape;
  // Field, Type, Collation, Null, ...
  for (auto& row : conn.query("SHOW FULL COLUMNS FROM " + qualified)) {
    shape.columns.push_back({row.at(0).value_or(""), row.at(1).value_or(""),
                             row.at(3).value_or("") == "YES", row.at(2).value_or("")});
  }
  std::map<int, std::string> pk;
  for (auto& row : conn.query("SHOW INDEX FROM " + qualified + " WHERE Key_name = 'PRIMARY'")) {
    pk[std::stoi(row.at(3).value_or("0"))] = row.at(4).value_or("");
  }
  for (auto& [seq, col] : pk) shape.primary_key.push_back(col);
  std::map<std::string, std::map<int, std::string>> unique;
  for (auto& row : conn.query("SHOW INDEX FROM " + qualified +
                              " WHERE Non_unique = 0 AND Key_name <> 'PRIMARY'")) {
    // A column indexed by its first N characters (Sub_part) is "name(N)": not the whole column.
    const auto prefix = row.size() > 7 ? row[7] : std::nullopt;
    unique[row.at(2).value_or("")][std::stoi(row.at(3).value_or("0"))] =
        row.at(4).value_or("") + (prefix ? "(" + *prefix + ")" : "");
  }
  for (auto& [name, cols] : unique) {
    for (auto& [seq, col] : cols) shape.unique_keys[name].push_back(col);
  }
  std::map<std::string, std::map<int, std::string>> plain;
  for (auto& row : conn.query("SHOW INDEX FROM " + qualified + " WHERE Non_unique = 1")) {
    plain[row.at(2).value_or("")][std::stoi(row.at(3).value_or("0"))] = row.at(4).value_or("");
  }
  for (auto& [name, cols] : plain) {
    for (auto& [seq, col] : cols) shape.plain_keys[name].push_back(col);
  }
  return shape;
}

}  // namespace etl::mysql

#include "mysql/schema_growth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>

namespace etl::mysql {

namespace {

struct DefaultedColumn {
  std::string_view table;
  std::string_view column;
  std::string_view value;  // SQL literal
};
constexpr DefaultedColumn kDefaultedColumns[] = {
    {"etl_fetch_watermark", "data_set", "'orders'"},
};

// The length of a "varchar(N)" type; nullopt for any other type.
std::optional<long> varchar_length(const std::string& type) {
  constexpr std::string_view kPrefix = "varchar(";
  if (type.rfind(kPrefix, 0) != 0 || type.back() != ')') return std::nullopt;
  const std::string digits = type.substr(kPrefix.size(), type.size() - kPrefix.size() - 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stol(digits);
}

}  // namespace

bool widens(const ColumnInfo& have, const ColumnInfo& want) {
  const auto h = varchar_length(have.type);
  const auto w = varchar_length(want.type);
  return h && w && *w > *h && have.nullable == want.nullable && have.collation == want.collation;
}

std::optional<std::string> add_defaulted_column(std::string_view table,
                                                const std::string& qualified,
                                                const ColumnInfo& want,
                                                const std::string& position) {
  const auto* it = std::find_if(std::begin(kDefaultedColumns), std::end(kDefaultedColumns),
                                [&](const DefaultedColumn& c) {
                                  return c.table == table && c.column == want.name;
                                });
  if (it == std::end(kDefaultedColumns) || want.nullable) return std::nullopt;
  return fmt::format("ALTER TABLE {} ADD COLUMN {} {} NOT NULL DEFAULT {}{}", qualified, want.name,
                     column_type_sql(want), it->value, position);
}

std::optional<std::string> widen_primary_key(const std::string& qualified,
                                             const TableShape& actual, const TableShape& expected) {
  if (actual.primary_key.empty() || actual.primary_key == expected.primary_key) return std::nullopt;
  for (const auto& c : actual.primary_key) {
    if (std::find(expected.primary_key.begin(), expected.primary_key.end(), c) ==
        expected.primary_key.end()) {
      return std::nullopt;
    }
  }
  std::string cols;
  for (const auto& c : expected.primary_key) cols += (cols.empty() ? "" : ", ") + c;
  return fmt::format("ALTER TABLE {} DROP PRIMARY KEY, ADD PRIMARY KEY ({})", qualified, cols);
}

}  // namespace etl::mysql

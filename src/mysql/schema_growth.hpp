#pragma once
// Changes of shape a later version makes that keep every row and value, and the statement
// `init-db --migrate` runs for each (schema.cpp finds the differences; these say which are safe).

#include <optional>
#include <string>
#include <string_view>

#include "mysql/table_shape.hpp"

namespace etl::mysql {

// A VARCHAR an earlier version made narrower (phone and postalCode were VARCHAR(20) before a
// keyed hash - 64 hex digits - had to fit): widening keeps every value.
[[nodiscard]] bool widens(const ColumnInfo& have, const ColumnInfo& want);

// A NOT NULL column a later version added to `table` and the value existing rows get (the value
// they stood for before the column existed): the ADD COLUMN statement (`position`: " FIRST" or
// " AFTER c"), or nullopt when the column is not one of them. Today: etl_fetch_watermark.data_set,
// 'orders' (the only data set fetch moved before).
[[nodiscard]] std::optional<std::string> add_defaulted_column(std::string_view table,
                                                              const std::string& qualified,
                                                              const ColumnInfo& want,
                                                              const std::string& position);

// The statement that replaces the primary key by the expected one when the expected one holds
// every column of the existing one (rows distinct under the old key stay distinct: no row can be
// refused); nullopt otherwise.
[[nodiscard]] std::optional<std::string> widen_primary_key(const std::string& qualified,
                                                           const TableShape& actual,
                                                           const TableShape& expected);

}  // namespace etl::mysql

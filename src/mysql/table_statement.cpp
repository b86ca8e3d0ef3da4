#include "mysql/table_statement.hpp"

#include <algorithm>

namespace etl::mysql {

namespace {
constexpr size_t kMaxPlaceholders = 65535;  // per prepared statement (protocol limit)
constexpr size_t kMaxTuplesCap = 2048;      // keeps the SQL text of the biggest form small
}  // namespace

TableStatement::TableStatement(StatementShape shape, size_t params_per_tuple)
    : shape_(std::move(shape)), params_per_tuple_(params_per_tuple) {
  size_t k = 1;
  while (k * 2 * params_per_tuple_ <= kMaxPlaceholders && k * 2 <= kMaxTuplesCap) k *= 2;
  max_tuples_ = k;
}

void TableStatement::reset() noexcept { prepared_.clear(); }

PreparedStatement& TableStatement::statement(Connection& conn, size_t tuples) {
  auto it = prepared_.find(tuples);
  if (it != prepared_.end()) return *it->second;
  std::string sql = shape_.prefix;
  const size_t copies = tuples == 0 ? 1 : tuples;
  sql.reserve(sql.size() + copies * (shape_.tuple.size() + shape_.separator.size()) +
              shape_.suffix.size());
  for (size_t i = 0; i < copies; ++i) {
    if (i != 0) sql += shape_.separator;
    sql += shape_.tuple;
  }
  sql += shape_.suffix;
  auto stmt = std::make_unique<PreparedStatement>(conn, std::move(sql));
  return *prepared_.emplace(tuples, std::move(stmt)).first->second;
}

void TableStatement::execute(Connection& conn, WritePath path, ParamTable& params, size_t first,
                             size_t n, size_t max_bytes) {
  const size_t end = first + n;
  size_t row = first;
  while (row < end) {
    // Grow the chunk while it fits in the byte budget (always at least one row).
    const size_t limit = path == WritePath::bulk ? end - row : std::min(end - row, max_tuples_);
    size_t take = 0;
    size_t bytes = 0;
    while (take < limit) {
      const size_t b = params.wire_bytes(row + take);
      if (take > 0 && bytes + b > max_bytes) break;
      bytes += b;
      ++take;
    }
    if (path == WritePath::bulk) {
      PreparedStatement& stmt = statement(conn, 0);
      params.bind_array(binds_, row);
      stmt.execute_array(binds_, static_cast<unsigned int>(take));
    } else {
      size_t k = 1;
      while (k * 2 <= take) k *= 2;  // largest power of two <= take
      PreparedStatement& stmt = statement(conn, k);
      params.bind_rows(binds_, row, k);
      stmt.execute(binds_);
      take = k;
    }
    row += take;
  }
}

}  // namespace etl::mysql

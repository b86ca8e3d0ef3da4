#include "mysql/money_queries.hpp"

#include <span>
#include <stdexcept>

namespace etl::mysql {

extern const NamedSql
    kMoneyQueries[];  // generated into the build tree by src/mysql/embed_queries.cmake
extern const size_t kMoneyQueryCount;

namespace {

std::span<const NamedSql> all() { return {kMoneyQueries, kMoneyQueryCount}; }

}  // namespace

std::string_view money_query(std::string_view name) {
  for (const auto& q : all()) {
    if (name == q.name) return q.sql;
  }
  throw std::out_of_range("no query sql/queries/" + std::string(name) + ".sql");
}

std::vector<std::string> money_query_names() {
  std::vector<std::string> out;
  for (const auto& q : all()) out.emplace_back(q.name);
  return out;
}

std::vector<Row> run_money_query(Connection& conn, std::string_view name,
                                 const std::optional<std::string>& account) {
  const std::string_view sql = money_query(name);
  conn.execute("SET @account = " + (account ? conn.quote(*account) : std::string("NULL")));
  return conn.query(sql);
}

}  // namespace etl::mysql

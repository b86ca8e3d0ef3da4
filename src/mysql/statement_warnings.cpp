#include "mysql/statement_warnings.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

namespace etl::mysql {

namespace {

std::mutex& observer_mutex() {
  static std::mutex m;
  return m;
}

WarningObserver& observer() {
  static WarningObserver o;
  return o;
}

// The statement's beginning, for a log line (statements can be megabytes of tuples).
std::string_view head(std::string_view sql) {
  constexpr size_t kMax = 160;
  return sql.size() <= kMax ? sql : sql.substr(0, kMax);
}

}  // namespace

void set_warning_observer(WarningObserver o) {
  const std::lock_guard lock(observer_mutex());
  observer() = std::move(o);
}

void check_statement_warnings(MYSQL* m, unsigned int count, std::string_view sql) noexcept {
  if (count == 0) return;
  try {
    std::vector<StatementWarning> warnings;
    constexpr std::string_view kShow = "SHOW WARNINGS";
    if (mysql_real_query(m, kShow.data(), static_cast<unsigned long>(kShow.size())) != 0) {
      spdlog::warn("mysql: a statement left warnings that could not be read ({}): {}",
                   mysql_error(m), head(sql));
      return;
    }
    MYSQL_RES* r = mysql_store_result(m);
    if (r != nullptr) {
      while (MYSQL_ROW row = mysql_fetch_row(r)) {
        if (mysql_num_fields(r) < 3) break;
        warnings.push_back(StatementWarning{
            row[0] ? row[0] : "", row[1] ? static_cast<unsigned int>(std::stoul(row[1])) : 0u,
            row[2] ? row[2] : ""});
      }
      mysql_free_result(r);
    }
    for (const auto& w : warnings) {
      spdlog::warn("mysql: {} {}: {} (in: {})", w.level, w.code, w.message, head(sql));
    }
    const std::lock_guard lock(observer_mutex());
    if (observer()) observer()(sql, warnings);
  } catch (const std::exception& e) {
    spdlog::warn("mysql: reading a statement's warnings failed: {}", e.what());
  }
}

}  // namespace etl::mysql

#include "mysql/bench_switches.hpp"

#ifdef ETL_BENCH_SWITCHES

#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace etl::mysql::bench {

namespace {

unsigned read_switches() noexcept {
  constexpr std::array<std::pair<std::string_view, Skip>, 7> kNames{{
      {"new_path", Skip::new_order_path},
      {"guard_select", Skip::guard_select},
      {"claim", Skip::claim},
      {"delete_charges", Skip::delete_charges},
      {"delete_lines", Skip::delete_lines},
      {"upsert_lines", Skip::upsert_lines},
      {"fence", Skip::fence},
  }};
  const char* env = std::getenv("ETL_BENCH_SKIP");  // NOLINT(concurrency-mt-unsafe): read once
  unsigned mask = 0;
  std::string_view rest = env == nullptr ? std::string_view() : std::string_view(env);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    bool known = false;
    for (const auto& [n, s] : kNames) {
      if (n == name) {
        mask |= static_cast<unsigned>(s);
        known = true;
      }
    }
    if (!known && !name.empty()) spdlog::warn("ETL_BENCH_SKIP: unknown switch '{}'", name);
  }
  if (mask != 0) spdlog::warn("benchmark build: statements skipped: {}", env);
  return mask;
}

}  // namespace

bool skipped(Skip s) noexcept {
  static const unsigned mask = read_switches();
  return (mask & static_cast<unsigned>(s)) != 0;
}

}  // namespace etl::mysql::bench

#endif

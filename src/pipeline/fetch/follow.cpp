#include "pipeline/fetch/follow.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "pipeline/fetch/fetch_monitor.hpp"
#include "walmart/credentials.hpp"

namespace etl::pipeline {

std::chrono::milliseconds parse_interval(const std::string& text) {
  if (text.empty()) throw ConfigError("fetch --interval: expected e.g. 5m, 90s or 1h");
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    if (value > 10'000'000) throw ConfigError("fetch --interval: '" + text + "' is too long");
    ++i;
  }
  const std::string unit = text.substr(i);
  if (i == 0 || value <= 0) {
    throw ConfigError("fetch --interval: expected a positive duration like 5m, 90s or 1h, got '" +
                      text + "'");
  }
  if (unit.empty() || unit == "s") return std::chrono::seconds(value);
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "m" || unit == "min") return std::chrono::minutes(value);
  if (unit == "h") return std::chrono::hours(value);
  throw ConfigError("fetch --interval: unknown unit in '" + text + "' (use ms, s, m or h)");
}

int run_follow(const config::Config& cfg, FetchRequest request, const FollowOptions& options) {
  request.mode = FetchMode::since_last;
  request.dry_run = false;
  validate_fetch_request(request);
  Backoff backoff(cfg.fetch.backoff_initial, std::max(options.interval, cfg.fetch.backoff_initial));
  const std::string account = walmart::resolve_account(cfg.walmart_token, request.account).name;
  FetchMonitor monitor(cfg, {account});
  int cycles = 0;
  spdlog::info("fetch --follow: an incremental fetch every {} ms until SIGINT/SIGTERM",
               options.interval.count());
  while (!stop_requested()) {
    ++cycles;
    FollowCycle cycle;
    cycle.number = cycles;
    try {
      cycle.result = run_fetch(cfg, request);
      // After a complete cycle every type has a watermark; --start is no longer needed.
      if (cycle.complete()) request.start_day_ms.reset();
    } catch (const ConfigError&) {
      throw;
    } catch (const EtlError& e) {
      const Error& err = e.error();
      const bool credentials =
          err.origin == ErrorOrigin::walmart_api && err.cause == ErrorCause::authentication;
      if (credentials) {
        spdlog::error("fetch --follow: {}", e.what());
        throw;
      }
      spdlog::error("fetch --follow: cycle {} failed: {}", cycles, e.what());
      cycle.error = err;
    }
    const bool ok = cycle.complete();
    monitor.record(
        AccountOutcome{account, cycle.result,
                       cycle.error ? std::optional(cycle.error->describe()) : std::nullopt});
    if (options.on_cycle) options.on_cycle(cycle);
    if (stop_requested()) break;
    if (options.max_cycles > 0 && cycles >= options.max_cycles) break;
    std::chrono::milliseconds wait = options.interval;
    if (ok) {
      backoff.reset();
    } else {
      wait = backoff.next();
      spdlog::warn("fetch --follow: cycle {} incomplete; the watermarks stay; next try in {} ms",
                   cycles, wait.count());
    }
    if (wait_for_stop(wait)) break;
  }
  spdlog::info("fetch --follow: stopped after {} cycle(s)", cycles);
  return 0;
}

}  // namespace etl::pipeline

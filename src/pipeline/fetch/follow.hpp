#pragma once
// `walmart-etl fetch --follow [--interval 5m]`: incremental fetch forever. Every interval it
// runs the --since-last fetch; a cycle that fails (API or Kafka down, an order not acknowledged)
// leaves the watermarks where they were and is retried after an exponential backoff
// (fetch.backoff_initial_ms doubling up to the interval), so outages are survived and nothing is
// skipped. SIGINT/SIGTERM stop it cleanly: the running cycle stops
// taking windows, flushes what it produced, moves no watermark it has not earned, and the
// command exits 0.
//
// Stops with an error (exit 1) only for what waiting cannot fix: refused credentials (401/403
// from the token endpoint) and configuration errors (ConfigError, exit 2).

#include <chrono>
#include <functional>
#include <optional>

#include "common/error.hpp"
#include "config/config.hpp"
#include "pipeline/fetch/fetch_job.hpp"

namespace etl::pipeline {

// "5m", "90s", "1h", "300" (seconds) -> duration. Throws ConfigError.
std::chrono::milliseconds parse_interval(const std::string& text);

// One cycle of --follow: a result, or the error that stopped it before any window.
struct FollowCycle {
  int number = 0;
  std::optional<FetchResult> result;
  std::optional<Error> error;
  [[nodiscard]] bool complete() const { return result && result->complete(); }
};

struct FollowOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  // Called after every cycle (the CLI prints the summary), on the calling thread.
  std::function<void(const FollowCycle&)> on_cycle;
  // Tests: stop after this many cycles (0 = until a stop signal).
  int max_cycles = 0;
};

// Returns the exit code (0 after a stop signal).
int run_follow(const config::Config& cfg, FetchRequest request, const FollowOptions& options);

}  // namespace etl::pipeline

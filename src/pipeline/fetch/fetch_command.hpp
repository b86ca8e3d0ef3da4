#pragma once
// `walmart-etl fetch`, whole: once or --follow, for one account or several (--account repeated,
// --all-accounts, --shard K/N). One entry point, one loop:
//  - every run fetches each account with a complete fetch run of its own (fetch_job.hpp: its own
//    token, rate limiter - walmart_token.accounts.NAME.requests_per_minute when set -, windows,
//    producer, watermarks and summary), at most fetch.account_concurrency accounts at a time, so
//    the wall time is about the slowest account's rather than the sum;
//  - --follow repeats a --since-last run every interval until SIGINT/SIGTERM. A run that is
//    incomplete for an account (API or Kafka down, an order not acknowledged) leaves that
//    account's watermarks where they were, and the next run comes sooner (fetch.backoff_initial_ms
//    doubling up to the interval); outages are survived and nothing is skipped. A stop signal
//    stops the running cycle cleanly (it takes no new window, flushes what it produced, moves no
//    watermark it has not earned) and the command exits 0. /metrics and /healthz are served
//    (fetch_monitor.hpp).
//
// What one account's failure stops: with several accounts asked for, nothing - it is reported
// and the others go on. With one account (named, the default or the only one), a run stops the
// command with its error (exit 1, or 2 for usage problems such as --since-last without a
// watermark); with --follow only for what waiting cannot fix: refused credentials and usage
// problems.

#include <chrono>
#include <functional>
#include <string>

#include "config/config.hpp"
#include "pipeline/account_resolution.hpp"
#include "pipeline/fetch/account_summary.hpp"
#include "pipeline/fetch/fetch_request.hpp"

namespace etl::pipeline {

struct FetchCommand {
  FetchRequest request;           // request.account is ignored: `accounts` says which
  FetchAccountsRequest accounts;  // nothing asked: the default (or only) account
  bool follow = false;
  std::chrono::milliseconds interval{std::chrono::minutes(5)};  // --follow
  int max_cycles = 0;                                           // tests: 0 = until stopped
  // After every run (every cycle with --follow), on the calling thread: the run and the summary
  // to print (empty when there is none, e.g. one account's cycle that failed before any window).
  std::function<void(int cycle, const AccountsRun& run, const std::string& summary)> on_report;
};

// Runs the command; returns the exit code (0 after a stop signal with --follow). Throws
// ConfigError (exit 2) and, with one account, EtlError as described above.
int run_fetch_command(const config::Config& cfg, const FetchCommand& command);

// The configuration one account's run uses: `cfg` with fetch.requests_per_minute replaced by the
// account's walmart_token.accounts.NAME.requests_per_minute when it sets one. Pure.
config::Config config_for_account(const config::Config& cfg, const std::string& account);

// "5m", "90s", "1h", "300" (seconds), "500ms" -> duration. Throws ConfigError.
std::chrono::milliseconds parse_interval(const std::string& text);

}  // namespace etl::pipeline

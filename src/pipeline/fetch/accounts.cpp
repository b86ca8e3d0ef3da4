#include "pipeline/fetch/accounts.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "pipeline/fetch/fetch_monitor.hpp"

namespace etl::pipeline {

config::Config config_for_account(const config::Config& cfg, const std::string& account) {
  config::Config out = cfg;
  const auto it = cfg.walmart_token.accounts.find(account);
  if (it != cfg.walmart_token.accounts.end() && it->second.requests_per_minute) {
    out.fetch.requests_per_minute = *it->second.requests_per_minute;
  }
  return out;
}

namespace {

AccountOutcome fetch_one(const config::Config& cfg, FetchRequest request,
                         const std::string& account, bool progress) {
  AccountOutcome outcome;
  outcome.account = account;
  if (stop_requested()) {
    outcome.error = "not started: stop requested";
    return outcome;
  }
  request.account = account;
  request.progress = progress;
  try {
    outcome.result = run_fetch(config_for_account(cfg, account), request);
  } catch (const EtlError& e) {
    outcome.error = e.what();
  } catch (const ConfigError& e) {
    outcome.error = e.what();
  } catch (const std::exception& e) {
    // Anything else one account's run throws (bad_alloc, a library's exception) is that
    // account's failure; the other accounts go on.
    outcome.error = std::string("unexpected error: ") + e.what();
  }
  if (outcome.error) {
    spdlog::error("fetch: account '{}' failed: {}", account, *outcome.error);
  } else {
    spdlog::info("fetch: account '{}' {}: {} orders in {:.1f} s", account,
                 outcome.result->complete() ? "complete" : "INCOMPLETE", outcome.result->orders(),
                 outcome.result->elapsed_s);
  }
  return outcome;
}

// `monitor` (--follow): told of each account's outcome as soon as it is known.
AccountsRun run_accounts(const config::Config& cfg,
                         const std::map<std::string, FetchRequest>& requests,
                         const std::vector<std::string>& accounts,
                         FetchMonitor* monitor = nullptr) {
  const auto started = std::chrono::steady_clock::now();
  AccountsRun run;
  run.accounts.resize(accounts.size());
  const size_t workers = std::min<size_t>(
      accounts.size(), static_cast<size_t>(std::max(1, cfg.fetch.account_concurrency)));
  // A live progress line is one account's; with several at a time they would overwrite it.
  const bool progress = accounts.size() == 1 && requests.at(accounts[0]).progress;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < accounts.size(); i = next++) {
      run.accounts[i] = fetch_one(cfg, requests.at(accounts[i]), accounts[i], progress);
      if (monitor != nullptr) monitor->record(run.accounts[i]);
    }
  };
  std::vector<std::jthread> threads;
  threads.reserve(workers);
  for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  threads.clear();  // joins
  run.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

}  // namespace

AccountsRun run_fetch_accounts(const config::Config& cfg, const FetchRequest& request,
                               const std::vector<std::string>& accounts) {
  std::map<std::string, FetchRequest> requests;
  for (const auto& a : accounts) requests[a] = request;
  spdlog::info("fetch: {} account(s), at most {} at a time", accounts.size(),
               std::max(1, cfg.fetch.account_concurrency));
  return run_accounts(cfg, requests, accounts);
}

int run_follow_accounts(const config::Config& cfg, FetchRequest request,
                        const std::vector<std::string>& accounts,
                        const AccountsFollowOptions& options) {
  request.mode = FetchMode::since_last;
  request.dry_run = false;
  validate_fetch_request(request);
  std::map<std::string, FetchRequest> requests;
  for (const auto& a : accounts) requests[a] = request;
  Backoff backoff(cfg.fetch.backoff_initial, std::max(options.interval, cfg.fetch.backoff_initial));
  FetchMonitor monitor(cfg, accounts);
  spdlog::info(
      "fetch --follow: {} account(s), an incremental fetch every {} ms until SIGINT/SIGTERM",
      accounts.size(), options.interval.count());
  int cycles = 0;
  while (!stop_requested()) {
    ++cycles;
    const AccountsRun run = run_accounts(cfg, requests, accounts, &monitor);
    for (const auto& a : run.accounts) {
      // After a complete cycle every type of the account has a watermark: --start is done with.
      if (a.complete()) requests[a.account].start_day_ms.reset();
    }
    if (options.on_cycle) options.on_cycle(cycles, run);
    if (stop_requested()) break;
    if (options.max_cycles > 0 && cycles >= options.max_cycles) break;
    std::chrono::milliseconds wait = options.interval;
    if (run.complete()) {
      backoff.reset();
    } else {
      wait = backoff.next();
      std::string names;
      for (const auto& n : run.incomplete()) names += (names.empty() ? "" : ", ") + n;
      spdlog::warn(
          "fetch --follow: cycle {}: account(s) {} incomplete; their watermarks stay; "
          "next cycle in {} ms",
          cycles, names, wait.count());
    }
    if (wait_for_stop(wait)) break;
  }
  spdlog::info("fetch --follow: stopped after {} cycle(s)", cycles);
  return 0;
}

}  // namespace etl::pipeline

#include "pipeline/fetch/fetch_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <thread>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "pipeline/fetch/data_sets.hpp"
#include "pipeline/fetch/fetch_job.hpp"
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

namespace {

struct Runner {
  const config::Config& cfg;
  const FetchCommand& command;
  std::vector<std::string> accounts;
  bool several = false;  // asked for a set of accounts: one account's failure stops nothing

  AccountOutcome fetch_one(FetchRequest request, const std::string& account, bool progress,
                           int cycle) const {
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
    } catch (const ConfigError& e) {
      if (!several) throw;
      outcome.error = e.what();
    } catch (const EtlError& e) {
      const Error& err = e.error();
      const bool credentials =
          err.origin == ErrorOrigin::walmart_api && err.cause == ErrorCause::authentication;
      if (!several && (!command.follow || credentials)) {
        if (command.follow) spdlog::error("fetch --follow: {}", e.what());
        throw;
      }
      outcome.error = e.what();
      outcome.failure = err;
      if (!several) spdlog::error("fetch --follow: cycle {} failed: {}", cycle, e.what());
    } catch (const std::exception& e) {
      // Anything else one account's run throws (bad_alloc, a library's exception) is that
      // account's failure; the other accounts go on.
      if (!several) throw;
      outcome.error = std::string("unexpected error: ") + e.what();
    }
    if (!several) return outcome;
    if (outcome.error) {
      spdlog::error("fetch: account '{}' failed: {}", account, *outcome.error);
    } else {
      spdlog::info("fetch: account '{}' {}: {} orders in {:.1f} s", account,
                   outcome.result->complete() ? "complete" : "INCOMPLETE", outcome.result->orders(),
                   outcome.result->elapsed_s);
    }
    return outcome;
  }

  // One run over every account; `monitor` (--follow) is told of each outcome as soon as known.
  AccountsRun run_once(const std::map<std::string, FetchRequest>& requests, int cycle,
                       FetchMonitor* monitor) const {
    const auto started = std::chrono::steady_clock::now();
    AccountsRun run;
    run.accounts.resize(accounts.size());
    const size_t workers = std::min<size_t>(
        accounts.size(), static_cast<size_t>(std::max(1, cfg.fetch.account_concurrency)));
    // A live progress line is one account's; with several at a time they would overwrite it.
    const bool progress = accounts.size() == 1 && command.request.progress;
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < accounts.size(); i = next++) {
        run.accounts[i] = fetch_one(requests.at(accounts[i]), accounts[i], progress, cycle);
        if (monitor != nullptr) monitor->record(run.accounts[i]);
      }
    };
    std::vector<std::jthread> threads;
    threads.reserve(workers);
    for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    threads.clear();  // joins
    run.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return run;
  }

  std::string summary(const AccountsRun& run) const {
    if (several) return run.describe();
    const AccountOutcome& one = run.accounts.front();
    return one.result ? one.result->describe() : std::string();
  }

  void report(int cycle, const AccountsRun& run) const {
    if (command.on_report) command.on_report(cycle, run, summary(run));
  }

  int follow(const FetchRequest& request) const {
    std::map<std::string, FetchRequest> requests;
    for (const auto& a : accounts) requests[a] = request;
    Backoff backoff(cfg.fetch.backoff_initial,
                    std::max(command.interval, cfg.fetch.backoff_initial));
    FetchMonitor monitor(cfg, accounts);
    spdlog::info(
        "fetch --follow: {} account(s), an incremental fetch every {} ms until SIGINT/SIGTERM",
        accounts.size(), command.interval.count());
    int cycles = 0;
    while (!stop_requested()) {
      ++cycles;
      const AccountsRun run = run_once(requests, cycles, &monitor);
      for (const auto& a : run.accounts) {
        // After a complete cycle every type of the account has a watermark: --start is done with.
        if (a.complete()) requests[a.account].start_day_ms.reset();
      }
      report(cycles, run);
      if (stop_requested()) break;
      if (command.max_cycles > 0 && cycles >= command.max_cycles) break;
      std::chrono::milliseconds wait = command.interval;
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
};

}  // namespace

int run_fetch_command(const config::Config& cfg, const FetchCommand& command) {
  FetchRequest request = command.request;
  if (command.follow) {
    request.mode = FetchMode::since_last;
    request.dry_run = false;
  }
  validate_fetch_request(request);
  // An unknown data set is refused before any account is fetched.
  (void)data_sets_to_fetch(request, cfg.fetch.data);
  const FetchAccountsRequest& which = command.accounts;
  Runner runner{cfg, command, select_fetch_accounts(cfg.walmart_token, which),
                which.all || which.shard.has_value() || which.accounts.size() > 1};
  if (runner.accounts.empty()) {
    const std::string text = fmt::format(
        "fetch --shard {}/{}: none of the {} configured account(s) is in this shard; nothing to "
        "do\n",
        which.shard ? which.shard->index : 0, which.shard ? which.shard->count : 0,
        cfg.walmart_token.accounts.size());
    spdlog::info("fetch: no account in this shard");
    if (command.on_report) command.on_report(1, AccountsRun{}, text);
    return 0;
  }
  if (command.follow) return runner.follow(request);
  if (runner.several) {
    spdlog::info("fetch: {} account(s), at most {} at a time", runner.accounts.size(),
                 std::max(1, cfg.fetch.account_concurrency));
  }
  std::map<std::string, FetchRequest> requests;
  for (const auto& a : runner.accounts) requests[a] = request;
  const AccountsRun run = runner.run_once(requests, 1, nullptr);
  runner.report(1, run);
  return run.exit_code();
}

}  // namespace etl::pipeline

#pragma once
// `fetch` over several seller accounts (--all-accounts, repeated --account, --shard K/N): one
// complete fetch run per account (fetch_job.hpp: its own token, rate limiter, windows, producer,
// watermarks and summary), at most fetch.account_concurrency accounts at a time, so the wall time
// is about the slowest account's rather than the sum. An account that fails (refused
// credentials, the API down for it, a usage problem such as --since-last without a watermark)
// is reported and the others go on.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/fetch/account_summary.hpp"
#include "pipeline/fetch/fetch_job.hpp"

namespace etl::pipeline {

// The configuration one account's run uses: `cfg` with fetch.requests_per_minute replaced by the
// account's walmart_token.accounts.NAME.requests_per_minute when it sets one. Pure.
config::Config config_for_account(const config::Config& cfg, const std::string& account);

// One run over `accounts` (request.account is ignored; each run gets its own). Never throws for
// one account's failure; a stop request (SIGINT/SIGTERM) starts no further account.
AccountsRun run_fetch_accounts(const config::Config& cfg, const FetchRequest& request,
                               const std::vector<std::string>& accounts);

struct AccountsFollowOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  std::function<void(int cycle, const AccountsRun&)> on_cycle;  // after every cycle
  int max_cycles = 0;                                           // tests: 0 = until stopped
};

// --follow over several accounts: every interval, a --since-last run of every account (as
// above). An incomplete account keeps its watermarks and is tried again in the next cycle, which
// comes sooner (backoff from fetch.backoff_initial_ms up to the interval) while any account is
// incomplete; refused credentials of one account do not stop the others. Returns the exit code
// (0 after a stop signal).
int run_follow_accounts(const config::Config& cfg, FetchRequest request,
                        const std::vector<std::string>& accounts,
                        const AccountsFollowOptions& options);

}  // namespace etl::pipeline

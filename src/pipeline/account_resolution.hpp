#pragma once
// Which seller account a record belongs to, and which accounts a fetch run serves. Pure: no I/O.
//  - stream: the message's `account` header, else stream.default_account; a message with neither
//    (or with an unusable name) is a dead letter, never a row with an empty account.
//  - load: --account, else walmart_token.default_account, else the only configured account.
//  - fetch: --account (repeatable), --all-accounts, --shard K/N (a subset of all accounts).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "pipeline/account_shard.hpp"

namespace etl::pipeline {

// Account names fit the tables' account column (VARCHAR(100)): 1..100 characters of valid UTF-8,
// no control characters. Returns what is wrong with `name`, or nullopt.
std::optional<std::string> account_name_problem(std::string_view name);

struct MessageAccount {
  std::optional<std::string> account;  // set: write the message's orders under it
  std::string problem;                 // else: why the message goes to the dead letter
};

// `header`: the message's `account` header, if it has one. `default_account`:
// stream.default_account ("" = none).
MessageAccount account_of_message(std::optional<std::string_view> header,
                                  std::string_view default_account);

// load's account. Throws ConfigError when none is given or configured, or the name is unusable.
std::string resolve_load_account(std::string_view flag, const config::WalmartConfig& cfg);

struct FetchAccountsRequest {
  std::vector<std::string> accounts;  // --account, repeatable
  bool all = false;                   // --all-accounts
  std::optional<Shard> shard;         // --shard K/N
};

// The accounts one fetch run serves, in name order, each once. Nothing asked: the default (or
// only) account, as before. --shard alone means "my share of all accounts". Throws ConfigError
// for an unknown account, --all-accounts with --account, or no account configured at all.
// A shard that gets no account returns an empty list (the caller says so and exits 0).
std::vector<std::string> select_fetch_accounts(const config::WalmartConfig& cfg,
                                               const FetchAccountsRequest& request);

}  // namespace etl::pipeline

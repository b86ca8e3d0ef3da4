#include "pipeline/account_resolution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "mysql/utf8_text.hpp"

namespace etl::pipeline {

namespace {
constexpr size_t kMaxAccountChars = 100;  // the account columns are VARCHAR(100)

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string configured_names(const config::WalmartConfig& cfg) {
  std::string names;
  for (const auto& [name, _] : cfg.accounts) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : names;
}
}  // namespace

std::optional<std::string> account_name_problem(std::string_view name) {
  if (name.empty()) return "the account name is empty";
  if (!mysql::is_valid_utf8(name)) return "the account name is not valid UTF-8";
  if (code_points(name) > kMaxAccountChars) {
    return fmt::format("the account name has {} characters, at most {} fit the account column",
                       code_points(name), kMaxAccountChars);
  }
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return "the account name contains a control character";
  }
  return std::nullopt;
}

MessageAccount account_of_message(std::optional<std::string_view> header,
                                  std::string_view default_account) {
  MessageAccount out;
  if (header && !header->empty()) {
    if (auto problem = account_name_problem(*header)) {
      out.problem = fmt::format("the message's account header is unusable: {}", *problem);
    } else {
      out.account = std::string(*header);
    }
    return out;
  }
  if (!default_account.empty()) {
    out.account = std::string(default_account);
    return out;
  }
  out.problem = fmt::format(
      "the message has {} account header and stream.default_account is not set, so the seller it "
      "belongs to is unknown (set stream.default_account to write such messages under one account)",
      header ? "an empty" : "no");
  return out;
}

std::string resolve_load_account(std::string_view flag, const config::WalmartConfig& cfg) {
  std::string chosen = flag.empty() ? cfg.implied_account() : std::string(flag);
  if (chosen.empty()) {
    throw ConfigError(fmt::format(
        "load: say which seller account these orders belong to with --account NAME (or set "
        "walmart_token.default_account); configured accounts: {}",
        configured_names(cfg)));
  }
  if (auto problem = account_name_problem(chosen)) {
    throw ConfigError(fmt::format("load --account: {}", *problem));
  }
  return chosen;
}

std::vector<std::string> select_fetch_accounts(const config::WalmartConfig& cfg,
                                               const FetchAccountsRequest& request) {
  if (request.all && !request.accounts.empty()) {
    throw ConfigError("fetch: --all-accounts and --account exclude each other");
  }
  if (cfg.accounts.empty()) {
    throw ConfigError(
        "no Walmart account is configured: set walmart_token.accounts.NAME.client_id and "
        "client_secret (or token), e.g. WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID=...");
  }
  std::set<std::string> chosen;
  if (request.all || (request.accounts.empty() && request.shard)) {
    for (const auto& [name, _] : cfg.accounts) chosen.insert(name);
  } else if (!request.accounts.empty()) {
    for (const auto& name : request.accounts) {
      if (cfg.accounts.count(name) == 0) {
        throw ConfigError(fmt::format("unknown Walmart account '{}' (configured: {})", name,
                                      configured_names(cfg)));
      }
      chosen.insert(name);
    }
  } else if (const std::string implied = cfg.implied_account(); !implied.empty()) {
    chosen.insert(implied);
  } else {
    throw ConfigError(fmt::format(
        "several Walmart accounts are configured ({}): choose with --account NAME (repeatable), "
        "--all-accounts or --shard K/N, or set walmart_token.default_account",
        configured_names(cfg)));
  }
  for (const auto& name : chosen) {
    if (auto problem = account_name_problem(name)) {
      throw ConfigError(fmt::format("walmart_token.accounts.{}: {}", name, *problem));
    }
  }
  std::vector<std::string> out(chosen.begin(), chosen.end());
  return request.shard ? shard_accounts(out, *request.shard) : out;
}

}  // namespace etl::pipeline

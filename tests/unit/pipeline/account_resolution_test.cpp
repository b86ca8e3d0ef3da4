// Where a record's account comes from (stream: header or stream.default_account; load: --account
// or the configured default) and which accounts a fetch run serves.
#include "pipeline/account_resolution.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "pipeline/fetch/fetch_command.hpp"

namespace etl::pipeline {
namespace {

config::WalmartConfig accounts(std::initializer_list<const char*> names) {
  config::WalmartConfig cfg;
  for (const char* n : names) cfg.accounts[n] = config::WalmartAccount{"id", "secret", ""};
  return cfg;
}

template <typename F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(MessageAccount, TheHeaderWinsThenTheDefaultElseADeadLetterReason) {
  EXPECT_EQ(account_of_message("brand-us", "").account, "brand-us");
  EXPECT_EQ(account_of_message("brand-us", "legacy").account, "brand-us");
  EXPECT_EQ(account_of_message(std::nullopt, "legacy").account, "legacy");
  EXPECT_EQ(account_of_message("", "legacy").account, "legacy");

  const auto none = account_of_message(std::nullopt, "");
  EXPECT_FALSE(none.account);
  EXPECT_NE(none.problem.find("no account header and stream.default_account is not set"),
            std::string::npos)
      << none.problem;
  const auto empty = account_of_message("", "");
  EXPECT_FALSE(empty.account);
  EXPECT_NE(empty.problem.find("an empty account header"), std::string::npos) << empty.problem;
}

TEST(MessageAccount, AnUnusableHeaderIsADeadLetterNotACutName) {
  const auto long_name = account_of_message(std::string(101, 'x'), "legacy");
  EXPECT_FALSE(long_name.account);
  EXPECT_NE(long_name.problem.find("101 characters"), std::string::npos) << long_name.problem;
  EXPECT_TRUE(account_of_message(std::string(100, 'x'), "").account);
  // 100 characters of 2 bytes each fit: the column counts characters.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  EXPECT_TRUE(account_of_message(accents, "").account);
  EXPECT_FALSE(account_of_message("bad\xFFname", "").account);
  EXPECT_FALSE(account_of_message("tab\tname", "").account);
}

TEST(LoadAccount, TheFlagThenTheDefaultThenTheOnlyAccountElseAClearError) {
  auto one = accounts({"main"});
  EXPECT_EQ(resolve_load_account("other", one), "other");  // need not be a fetch account
  EXPECT_EQ(resolve_load_account("", one), "main");
  auto two = accounts({"a", "b"});
  EXPECT_NE(config_error([&] { resolve_load_account("", two); })
                .find("--account NAME (or set walmart_token.default_account); configured "
                      "accounts: a, b"),
            std::string::npos);
  two.default_account = "b";
  EXPECT_EQ(resolve_load_account("", two), "b");
  EXPECT_NE(config_error([&] {
              resolve_load_account("", config::WalmartConfig{});
            }).find("configured accounts: none"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              resolve_load_account(std::string(120, 'x'), one);
            }).find("load --account: the account name has 120 characters"),
            std::string::npos);
}

TEST(FetchAccounts, SelectsTheAskedAccountsInNameOrderEachOnce) {
  const auto cfg = accounts({"c", "a", "b"});
  EXPECT_EQ(select_fetch_accounts(cfg, {{}, true, std::nullopt}),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(select_fetch_accounts(cfg, {{"c", "a", "c"}, false, std::nullopt}),
            (std::vector<std::string>{"a", "c"}));
  EXPECT_NE(config_error([&] {
              select_fetch_accounts(cfg, {{"a", "x"}, false, std::nullopt});
            }).find("unknown Walmart account 'x' (configured: a, b, c)"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              select_fetch_accounts(cfg, {{"a"}, true, std::nullopt});
            }).find("--all-accounts and --account exclude each other"),
            std::string::npos);
  EXPECT_NE(config_error([&] { select_fetch_accounts(cfg, {}); }).find("several Walmart accounts"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              select_fetch_accounts(config::WalmartConfig{}, {{}, true, {}});
            }).find("no Walmart account is configured"),
            std::string::npos);
}

TEST(FetchAccounts, ShardsOfAllAccountsCoverThemExactlyOnce) {
  config::WalmartConfig cfg;
  for (int i = 0; i < 40; ++i) {
    cfg.accounts["seller-" + std::to_string(i)] = config::WalmartAccount{"id", "secret", ""};
  }
  auto zero = select_fetch_accounts(cfg, {{}, false, Shard{0, 2}});
  auto one = select_fetch_accounts(cfg, {{}, true, Shard{1, 2}});
  EXPECT_FALSE(zero.empty());
  EXPECT_FALSE(one.empty());
  std::vector<std::string> both = zero;
  both.insert(both.end(), one.begin(), one.end());
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, select_fetch_accounts(cfg, {{}, true, std::nullopt}));
  // --account with --shard: the shard's part of those accounts.
  const auto named =
      select_fetch_accounts(cfg, {{"seller-1", "seller-2", "seller-3"}, false, Shard{0, 2}});
  for (const auto& n : named) EXPECT_TRUE(in_shard(n, Shard{0, 2}));
}

TEST(FetchAccounts, EachAccountGetsItsOwnRateLimitWhenItSetsOne) {
  config::Config cfg;
  cfg.fetch.requests_per_minute = 600;
  cfg.walmart_token = accounts({"plain", "slow", "open"});
  cfg.walmart_token.accounts["slow"].requests_per_minute = 60;
  cfg.walmart_token.accounts["open"].requests_per_minute = 0;
  EXPECT_EQ(config_for_account(cfg, "plain").fetch.requests_per_minute, 600);
  EXPECT_EQ(config_for_account(cfg, "slow").fetch.requests_per_minute, 60);
  EXPECT_EQ(config_for_account(cfg, "open").fetch.requests_per_minute, 0);
  EXPECT_EQ(config_for_account(cfg, "unknown").fetch.requests_per_minute, 600);
}

}  // namespace
}  // namespace etl::pipeline

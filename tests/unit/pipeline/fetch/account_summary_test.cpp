// The verdict of a fetch over several accounts: complete only if every account is, the exit code,
// and a summary naming what failed.
#include "pipeline/fetch/account_summary.hpp"

#include <gtest/gtest.h>

namespace etl::pipeline {
namespace {

FetchResult result(const std::string& account, uint64_t orders, bool complete) {
  FetchResult r;
  r.account = account;
  r.filter = "created";
  ShipNodeSummary t;
  t.ship_node_type = "SellerFulfilled";
  t.windows_total = 1;
  t.windows_done = complete ? 1 : 0;
  t.windows_failed = complete ? 0 : 1;
  t.orders = orders;
  t.acknowledged = orders;
  r.types.push_back(t);
  r.elapsed_s = 2.0;
  return r;
}

TEST(AccountsSummary, CompleteOnlyWhenEveryAccountIs) {
  AccountsRun run;
  run.elapsed_s = 2.5;
  run.accounts.push_back({"a", result("a", 100, true), std::nullopt});
  run.accounts.push_back({"b", result("b", 50, true), std::nullopt});
  EXPECT_TRUE(run.complete());
  EXPECT_EQ(run.exit_code(), 0);
  EXPECT_EQ(run.orders(), 150u);
  const std::string text = run.describe();
  EXPECT_NE(text.find("=== account a ==="), std::string::npos) << text;
  EXPECT_NE(text.find("=== account b ==="), std::string::npos) << text;
  EXPECT_NE(text.find("accounts: 2 fetched in 2.5 s, 150 orders (60 orders/s)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("result: OK - all 2 account(s) complete"), std::string::npos) << text;
}

TEST(AccountsSummary, AFailedOrIncompleteAccountMakesExitOneAndIsNamed) {
  AccountsRun run;
  run.accounts.push_back({"a", result("a", 100, true), std::nullopt});
  run.accounts.push_back(
      {"refused", std::nullopt, std::string("the credentials of Walmart account 'refused' ...")});
  run.accounts.push_back({"short", result("short", 10, false), std::nullopt});
  EXPECT_FALSE(run.complete());
  EXPECT_EQ(run.exit_code(), 1);
  EXPECT_EQ(run.incomplete(), (std::vector<std::string>{"refused", "short"}));
  const std::string text = run.describe();
  EXPECT_NE(text.find("account 'refused' FAILED before fetching any window: the credentials"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("result: INCOMPLETE - 2 of 3 account(s) incomplete: refused, short"),
            std::string::npos)
      << text;
  // The per-account lines say which state each account ended in.
  EXPECT_NE(text.find("refused                  FAILED"), std::string::npos) << text;
  EXPECT_NE(text.find("short                    INCOMPLETE"), std::string::npos) << text;
  EXPECT_NE(text.find("a                        complete"), std::string::npos) << text;
}

TEST(AccountsSummary, NoAccountIsNotAFailure) {
  AccountsRun run;
  EXPECT_TRUE(run.complete());
  EXPECT_EQ(run.exit_code(), 0);
}

}  // namespace
}  // namespace etl::pipeline

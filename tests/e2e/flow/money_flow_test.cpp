// A seller's money end to end, every piece a real walmart-etl process: simulate-api --sellers 3
// -> fetch --data orders,returns,recon --all-accounts --since-last -> the dev broker -> one
// stream per data set (--until-idle) -> MySQL -> report money. Proves: every order, every closed
// return (with its lines) and every settlement report of every seller is stored once under its
// account — returns equal to GET /_sim/returns_dump, reports equal to the CSV the simulator serves
// and summing to their Total Payable; a second --since-last run after the simulator's clock moved
// a day updates return statuses in place (no return stored twice); the money summary names every
// account.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "common/sha256.hpp"
#include "config/config.hpp"
#include "mysql/connection.hpp"
#include "recon/download_ledger.hpp"
#include "recon/report_dates.hpp"
#include "recon/report_file.hpp"
#include "support/e2e/e2e_world.hpp"
#include "walmart/rate_limiter.hpp"
#include "walmart/recon_client.hpp"
#include "walmart/server_clock.hpp"
#include "walmart/token_provider.hpp"

namespace etl::e2e {
namespace {

// Seller k of the simulator is kAccounts[k - 1].
const std::vector<std::string> kAccounts{"main", "s2", "s3"};
const std::vector<std::pair<std::string, std::string>> kCredentials{
    {"sim-client-id", "sim-client-secret"},
    {"sim-client-id-2", "sim-client-secret-2"},
    {"sim-client-id-3", "sim-client-secret-3"}};

WorldOptions three_sellers() {
  WorldOptions o;
  o.sim_args = {"--now", kFixedNow, "--time-scale", "0",         "--days", "40", "--orders-per-day",
                "30",    "--seed",  "53",           "--sellers", "3"};
  o.partitions = 4;
  return o;
}

std::map<std::string, std::string> money_env(const World& w) {
  return {{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_ID", "sim-client-id-2"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_SECRET", "sim-client-secret-2"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S3__CLIENT_ID", "sim-client-id-3"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S3__CLIENT_SECRET", "sim-client-secret-3"},
          {"WALMART_ETL_FETCH__ACCOUNT_CONCURRENCY", "3"},
          {"WALMART_ETL_FETCH__WINDOW_MINUTES", "10080"},
          {"WALMART_ETL_KAFKA__RETURNS_TOPIC", w.topic + "-returns"},
          {"WALMART_ETL_KAFKA__RECON_TOPIC", w.topic + "-recon"}};
}

std::string scalar(const World& w, const std::string& sql) {
  auto c = mysql::Connection::open(w.db());
  return c.query(sql).at(0).at(0).value_or("NULL");
}

int64_t sim_now_ms(const World& w) {
  auto [status, body] = http_call("GET", w.base_url + "/_sim/clock");
  static const std::regex re(R"re("simNowMs"\s*:\s*(\d+))re");
  std::smatch m;
  if (status != 200 || !std::regex_search(body, m, re)) {
    throw std::runtime_error("sim clock: " + body);
  }
  return std::stoll(m[1]);
}

// "2024-05-02T17:03:41.000Z": the form a return's statusTime has (compares as text).
std::string iso_ms(int64_t ms) {
  const int64_t s = (ms % 86'400'000) / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld.%03lldZ", utc_day(ms).c_str(),
                static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60),
                static_cast<long long>(s % 60), static_cast<long long>(ms % 1000));
  return buf;
}

// The returns fetch reads closed windows: those modified at least this long before now.
constexpr int64_t kSettleMs = int64_t{2} * 60 * 1000;

struct ExpectedReturns {
  std::map<std::string, std::string> account_of;  // returnOrderId -> account
  size_t lines = 0;
};

// Every return of every seller whose newest statusTime is before now - kSettleMs.
ExpectedReturns expected_returns(const World& w) {
  static const std::regex id_re(R"re("returnOrderId":"([^"]+)")re");
  static const std::regex time_re(R"re("statusTime":"([^"]+)")re");
  static const std::regex line_re(R"re("salesOrderLineNumber":)re");
  const std::string closed_before = iso_ms(sim_now_ms(w) - kSettleMs);
  ExpectedReturns out;
  for (size_t k = 1; k <= kAccounts.size(); ++k) {
    auto [status, body] =
        http_call("GET", w.base_url + "/_sim/returns_dump?seller=" + std::to_string(k));
    if (status != 200) throw std::runtime_error("returns dump of seller " + std::to_string(k));
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (line.empty() || !std::regex_search(line, m, id_re)) continue;
      std::string newest;
      for (std::sregex_iterator it(line.begin(), line.end(), time_re), end; it != end; ++it) {
        newest = std::max(newest, (*it)[1].str());
      }
      if (newest >= closed_before) continue;
      out.account_of[m[1]] = kAccounts[k - 1];
      out.lines += static_cast<size_t>(
          std::distance(std::sregex_iterator(line.begin(), line.end(), line_re), {}));
    }
  }
  return out;
}

void expect_returns_exact(const World& w) {
  const ExpectedReturns want = expected_returns(w);
  ASSERT_GT(want.account_of.size(), 30u) << "the simulator returned too little to prove anything";
  auto c = mysql::Connection::open(w.db());
  std::map<std::string, std::string> stored;
  for (const auto& r : c.query("SELECT returnOrderId, account FROM walmart_return")) {
    stored[*r[0]] = r[1].value_or("NULL");
  }
  EXPECT_EQ(stored, want.account_of) << "returns missing, extra or under another account";
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_return_line"), std::to_string(want.lines));
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_return_raw"),
            std::to_string(want.account_of.size()));
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_return_dead_letter"), "0");
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_return WHERE request_time IS NULL"), "0")
      << "fetch's request_time header did not reach walmart_return";
  EXPECT_EQ(scalar(w,
                   "SELECT COUNT(*) FROM walmart_return_line l LEFT JOIN walmart_return r "
                   "USING (returnOrderId) WHERE NOT l.account <=> r.account"),
            "0");
}

// The CSV's SHA-256 of the report the simulator serves to seller k for `api_date`.
std::string served_csv_sha256(const World& w, size_t k, const std::string& api_date) {
  config::Config cfg;
  const std::string& account = kAccounts[k];
  cfg.walmart_token.base_url = w.base_url;
  cfg.walmart_token.accounts[account] =
      config::WalmartAccount{kCredentials[k].first, kCredentials[k].second, ""};
  walmart::TokenProvider tokens(cfg.walmart_token,
                                walmart::resolve_account(cfg.walmart_token, account),
                                walmart::HttpOptions{}, walmart::TokenRetryPolicy{});
  walmart::RateLimiter limiter(0);
  walmart::ServerClock clock;
  recon::MemoryDownloadLedger ledger;
  walmart::ReconClient client(walmart::recon_client_shared(cfg, tokens, limiter, clock),
                              walmart::HttpOptions{}, account, ledger);
  walmart::RequestCounters counters;
  const auto d = client.download(api_date, counters);
  if (d.kind != walmart::ReconDownloadResult::Kind::downloaded) return "not served";
  return recon::check_report_file(d.bytes).csv_sha256;
}

// Every report fetch recorded is stored whole: the CSV the simulator serves, its rows summing to
// its Total Payable, as many rows as it has detail lines.
void expect_reports_exact(const World& w) {
  auto c = mysql::Connection::open(w.db());
  size_t reports = 0;
  std::set<std::string> accounts;
  for (const auto& r : c.query("SELECT account, report_date FROM etl_recon_fetch")) {
    const std::string account = *r[0];
    const std::string day = *recon::parse_report_date(*r[1]);
    const size_t k = static_cast<size_t>(std::find(kAccounts.begin(), kAccounts.end(), account) -
                                         kAccounts.begin());
    ASSERT_LT(k, kAccounts.size()) << account;
    accounts.insert(account);
    ++reports;
    std::string where = " WHERE account = '";
    where.append(account).append("' AND report_date = '").append(day).append("'");
    EXPECT_EQ(scalar(w, "SELECT csv_sha256 FROM walmart_recon_file" + where),
              served_csv_sha256(w, k, *r[1]))
        << account << " " << day;
    EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_recon_row" + where),
              scalar(w, "SELECT detail_rows FROM walmart_recon_file" + where))
        << account << " " << day;
    EXPECT_EQ(scalar(w, "SELECT COALESCE(SUM(amount), 0) FROM walmart_recon_row" + where),
              scalar(w, "SELECT total_payable FROM walmart_recon_file" + where))
        << account << " " << day;
  }
  EXPECT_EQ(accounts.size(), kAccounts.size()) << "a seller without a settlement report";
  EXPECT_GE(reports, 2 * kAccounts.size());
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_recon_file"), std::to_string(reports));
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM walmart_recon_dead_letter"), "0");
}

// Orders: as many per account as the simulator's dump of that seller holds.
void expect_orders_exact(const World& w) {
  for (size_t k = 0; k < kAccounts.size(); ++k) {
    auto [status, body] =
        http_call("GET", w.base_url + "/_sim/dump?seller=" + std::to_string(k + 1));
    ASSERT_EQ(status, 200);
    const auto n = std::count(body.begin(), body.end(), '\n');
    EXPECT_EQ(
        scalar(w, "SELECT COUNT(*) FROM walmart_order_raw WHERE account = '" + kAccounts[k] + "'"),
        std::to_string(n))
        << kAccounts[k];
  }
}

void stream_all(const World& w, const std::map<std::string, std::string>& env) {
  for (const char* data : {"orders", "returns", "recon"}) {
    const auto r = w.run({"stream", "--data", data, "--until-idle"}, env, 300s);
    ASSERT_EQ(r.exit_code, 0) << data << ": " << describe(r);
  }
}

TEST(MoneyFlowE2e, ThreeSellersOrdersReturnsAndReportsOnceUnderTheirAccounts) {
  World w(three_sellers());
  const auto env = money_env(w);
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);

  const auto first = w.run({"fetch", "--data", "orders,returns,recon", "--all-accounts",
                            "--since-last", "--start", "2024-03-01", "--no-progress"},
                           env, 300s);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_NE(first.out.find("result: OK - all 3 account(s) complete"), std::string::npos)
      << first.out;
  stream_all(w, env);
  expect_orders_exact(w);
  expect_returns_exact(w);
  expect_reports_exact(w);

  std::map<std::string, std::string> status_before;
  {
    auto c = mysql::Connection::open(w.db());
    for (const auto& r : c.query("SELECT returnOrderId, status FROM walmart_return")) {
      status_before[*r[0]] = r[1].value_or("NULL");
    }
  }

  // A day later: only what changed is fetched; return statuses move in place.
  w.advance_sim(86400);
  const auto second = w.run({"fetch", "--data", "orders,returns,recon", "--all-accounts",
                             "--since-last", "--no-progress"},
                            env, 300s);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  stream_all(w, env);
  expect_orders_exact(w);
  expect_returns_exact(w);
  expect_reports_exact(w);
  size_t moved = 0;
  {
    auto c = mysql::Connection::open(w.db());
    for (const auto& r : c.query("SELECT returnOrderId, status FROM walmart_return")) {
      const auto it = status_before.find(*r[0]);
      if (it != status_before.end() && it->second != r[1].value_or("NULL")) ++moved;
    }
  }
  EXPECT_GT(moved, 0u) << "no return changed status in a simulated day";

  const auto money = w.run({"report", "money"}, env, 60s);
  ASSERT_EQ(money.exit_code, 0) << describe(money);
  for (const auto& a : kAccounts) {
    EXPECT_NE(money.out.find(a), std::string::npos) << money.out;
  }
}

}  // namespace
}  // namespace etl::e2e

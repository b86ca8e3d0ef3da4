// fetch --data returns end to end, every piece a real process: simulate-api --sellers 3 (returns
// derived from each seller's orders) -> walmart-etl fetch --data returns --all-accounts -> the dev
// broker; the test reads the returns topic back and compares it with GET /_sim/returns_dump.
// Proves: every return closed by the run (last modified at least the settle margin before the
// simulator's now) arrives exactly once, byte for byte as the API serves it, keyed by
// returnOrderId, under its seller's account header; a second --since-last run after the
// simulator's clock moved reads only the returns modified since the watermark, in their new
// state; throttling (429) and server errors (5xx) on the returns endpoint are retried and lose
// nothing; the returns and the orders keep separate watermarks; an unknown data set is refused.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "mysql/connection.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/fetch/fetch_test_support.hpp"

namespace etl::e2e {
namespace {

const std::vector<std::string> kAccounts{"main", "s2", "s3"};
constexpr int64_t kSettleS = 120;  // kReturnsSettleMs

WorldOptions sellers(int n, std::vector<std::string> faults = {}) {
  WorldOptions o;
  o.sim_args = {"--now",  kFixedNow, "--time-scale",     "0",
                "--days", "40",      "--orders-per-day", "40",
                "--seed", "47",      "--sellers",        std::to_string(n)};
  for (auto& f : faults) o.sim_args.push_back(std::move(f));
  return o;
}

// The environment: wide windows, the returns topic of this world, and with three sellers the
// simulator's sellers 2 and 3 as accounts s2 and s3 (main is seller 1).
std::map<std::string, std::string> returns_env(const World& w, int sellers = 1) {
  std::map<std::string, std::string> env{
      {"WALMART_ETL_FETCH__WINDOW_MINUTES", "10080"},
      {"WALMART_ETL_KAFKA__RETURNS_TOPIC", w.topic + "-returns"}};
  if (sellers == 3) {
    env.insert({{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_ID", "sim-client-id-2"},
                {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_SECRET", "sim-client-secret-2"},
                {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S3__CLIENT_ID", "sim-client-id-3"},
                {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S3__CLIENT_SECRET", "sim-client-secret-3"},
                {"WALMART_ETL_FETCH__ACCOUNT_CONCURRENCY", "3"}});
  }
  return env;
}

struct DumpReturn {
  std::string json;
  std::string last_modified;  // the newest statusTime of its lines (ISO, compares as text)
};

// returnOrderId -> the return as the simulator serves it now, for seller k.
std::map<std::string, DumpReturn> returns_dump(const World& w, int k) {
  auto [status, body] =
      http_call("GET", w.base_url + "/_sim/returns_dump?seller=" + std::to_string(k));
  if (status != 200) throw std::runtime_error("returns dump of seller " + std::to_string(k));
  static const std::regex id_re(R"re("returnOrderId":"([^"]+)")re");
  static const std::regex time_re(R"re("statusTime":"([^"]+)")re");
  std::map<std::string, DumpReturn> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::smatch m;
    if (!std::regex_search(line, m, id_re)) throw std::runtime_error("no returnOrderId: " + line);
    DumpReturn r{line, ""};
    for (std::sregex_iterator it(line.begin(), line.end(), time_re), end; it != end; ++it) {
      r.last_modified = std::max(r.last_modified, (*it)[1].str());
    }
    out[m[1]] = std::move(r);
  }
  return out;
}

// "2024-05-02T17:03:41.000Z": the form statusTime has.
std::string iso_ms(int64_t ms) {
  const std::string day = utc_day(ms);
  const int64_t s = (ms % 86'400'000) / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld.%03lldZ", day.c_str(),
                static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60),
                static_cast<long long>(s % 60), static_cast<long long>(ms % 1000));
  return buf;
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

std::vector<fetch_test::TopicMessage> read_returns(const World& w, size_t expected) {
  config::KafkaConfig k;
  k.bootstrap_servers = {w.bootstrap};
  return fetch_test::read_topic(k, w.topic + "-returns", expected, 60s);
}

// Every expected return exactly once with its exact JSON under the right account; nothing else.
std::string compare(const std::vector<fetch_test::TopicMessage>& got,
                    const std::map<std::string, std::pair<std::string, DumpReturn>>& expected) {
  std::ostringstream diff;
  std::map<std::string, int> seen;
  int shown = 0;
  for (const auto& m : got) {
    ++seen[m.key];
    const auto it = expected.find(m.key);
    if (it == expected.end()) {
      if (shown++ < 5) diff << "unexpected return " << m.key << "\n";
      continue;
    }
    if (m.value != it->second.second.json && shown++ < 5) {
      diff << "return " << m.key << " differs:\n got  " << m.value << "\n want "
           << it->second.second.json << "\n";
    }
    const auto account = m.headers.find("account");
    if ((account == m.headers.end() || account->second != it->second.first) && shown++ < 5) {
      diff << "return " << m.key << " under account header '"
           << (account == m.headers.end() ? "(none)" : account->second) << "', expected '"
           << it->second.first << "'\n";
    }
    if ((m.headers.count("run_id") == 0 || m.headers.count("request_time") == 0) && shown++ < 5) {
      diff << "return " << m.key << " lacks the run_id or request_time header\n";
    }
  }
  for (const auto& [id, n] : seen) {
    if (n != 1 && shown++ < 5) diff << "return " << id << " arrived " << n << " times\n";
  }
  for (const auto& [id, r] : expected) {
    if (seen.count(id) == 0 && shown++ < 5) diff << "return " << id << " missing\n";
  }
  if (got.size() != expected.size()) {
    diff << got.size() << " messages, " << expected.size() << " returns expected\n";
  }
  return diff.str();
}

std::string scalar(const World& w, const std::string& sql) {
  auto c = mysql::Connection::open(w.db());
  return c.query(sql).at(0).at(0).value_or("NULL");
}

TEST(ReturnsFetchE2e, ThreeSellersEveryReturnOnceUnderItsAccountThenOnlyWhatChanged) {
  World w(sellers(3));
  const auto env = returns_env(w, 3);
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  const int64_t now1 = sim_now_ms(w);

  auto first = w.run({"fetch", "--data", "returns", "--all-accounts", "--since-last", "--start",
                      "2024-03-01", "--no-progress"},
                     env, 300s);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_NE(first.out.find("result: OK - all 3 account(s) complete"), std::string::npos)
      << first.out;

  // Closed by the run: last modified in [2024-03-01, now - settle margin].
  const std::string closed1 = iso_ms(now1 - kSettleS * 1000);
  std::map<std::string, std::pair<std::string, DumpReturn>> expected;
  std::map<std::string, DumpReturn> all_before;
  for (int k = 1; k <= 3; ++k) {
    for (auto& [id, r] : returns_dump(w, k)) {
      all_before[id] = r;
      if (r.last_modified <= closed1) expected[id] = {kAccounts[k - 1], r};
    }
  }
  ASSERT_GT(expected.size(), 100u) << "too few returns in the simulation to prove anything";
  const auto got = read_returns(w, expected.size());
  const std::string diff = compare(got, expected);
  EXPECT_TRUE(diff.empty()) << diff;

  EXPECT_EQ(scalar(w,
                   "SELECT COUNT(*) FROM etl_fetch_watermark WHERE data_set = 'returns' AND "
                   "ship_node_type = ''"),
            "3");
  EXPECT_EQ(scalar(w, "SELECT COUNT(*) FROM etl_fetch_watermark WHERE data_set <> 'returns'"),
            "0");  // a returns run moves no orders watermark
  const int64_t wm1 = std::stoll(
      scalar(w, "SELECT MIN(watermark_ms) FROM etl_fetch_watermark WHERE data_set = 'returns'"));
  // The server's clock as fetch sees it (the Date header, whole seconds, plus the time since).
  EXPECT_NEAR(static_cast<double>(wm1), static_cast<double>(now1 - kSettleS * 1000), 60'000.0);

  // Three simulated days later statuses moved on: the second run reads only the returns modified
  // since the watermark (minus the overlap), each in its new state.
  w.advance_sim(3 * 86'400);
  const int64_t now2 = sim_now_ms(w);
  auto second = w.run(
      {"fetch", "--data", "returns", "--all-accounts", "--since-last", "--no-progress"}, env, 300s);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  const auto all = read_returns(w, got.size() + 1);
  ASSERT_GT(all.size(), got.size());
  // The second run's messages: those of run ids the first run did not use (the topic is read
  // partition by partition, not in the order produced).
  std::set<std::string> first_runs;
  for (const auto& m : got)
    first_runs.insert(m.headers.count("run_id") ? m.headers.at("run_id") : "");
  std::vector<fetch_test::TopicMessage> fresh;
  for (const auto& m : all) {
    if (first_runs.count(m.headers.count("run_id") ? m.headers.at("run_id") : "") == 0) {
      fresh.push_back(m);
    }
  }
  EXPECT_EQ(fresh.size() + got.size(), all.size());
  const std::string overlap_from = iso_ms(wm1 - 5 * 60'000);  // the default overlap, 5 minutes
  const std::string closed2 = iso_ms(now2 - kSettleS * 1000);
  std::map<std::string, std::pair<std::string, DumpReturn>> changed;
  for (int k = 1; k <= 3; ++k) {
    for (auto& [id, r] : returns_dump(w, k)) {
      if (r.last_modified >= overlap_from && r.last_modified <= closed2) {
        changed[id] = {kAccounts[k - 1], r};
      }
    }
  }
  ASSERT_GT(changed.size(), 5u);
  EXPECT_LT(changed.size(), all_before.size()) << "the second run should not read everything";
  const std::string diff2 = compare(fresh, changed);
  EXPECT_TRUE(diff2.empty()) << diff2;
}

TEST(ReturnsFetchE2e, ThrottlingAndServerErrorsOnTheReturnsEndpointAreRetried) {
  World w(
      sellers(1, {"--fail-rate", "0.15", "--throttle-rate", "0.15", "--throttle-hold-ms", "50"}));
  const auto env = returns_env(w);
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  const int64_t now = sim_now_ms(w);
  auto r = w.run({"fetch", "--data", "returns", "--start", "2024-03-01", "--end", "2024-05-01",
                  "--no-progress"},
                 env, 300s);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string retries = [&] {
    std::smatch m;
    static const std::regex re(R"(\nreturns +\S+ +\d+ +\d+ +\d+ +\d+ +(\d+) +(\d+))");
    return std::regex_search(r.out, m, re) ? m[1].str() + "/" + m[2].str() : std::string("?");
  }();
  EXPECT_NE(retries, "?") << r.out;
  EXPECT_NE(retries.substr(0, 2), "0/") << "no retry: the faults did not reach returns\n" << r.out;
  std::map<std::string, std::pair<std::string, DumpReturn>> expected;
  const std::string end = "2024-05-01T23:59:59.999Z";
  const std::string closed = iso_ms(now - kSettleS * 1000);
  for (auto& [id, d] : returns_dump(w, 1)) {
    if (d.last_modified >= "2024-03-01" && d.last_modified <= std::min(end, closed)) {
      expected[id] = {"main", d};
    }
  }
  ASSERT_GT(expected.size(), 20u);
  const std::string diff = compare(read_returns(w, expected.size()), expected);
  EXPECT_TRUE(diff.empty()) << diff;
}

TEST(ReturnsFetchE2e, OrdersAndReturnsTogetherEachWithItsOwnWatermark) {
  World w(sellers(1));
  const auto env = returns_env(w);
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  auto both = w.run({"fetch", "--data", "orders,returns", "--since-last", "--start", "2024-04-20",
                     "--no-progress"},
                    env, 300s);
  ASSERT_EQ(both.exit_code, 0) << describe(both);
  EXPECT_NE(both.out.find("returns by lastModified date"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("\nreturns "), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("topic " + w.topic + "-returns"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("topic " + w.topic + ":"), std::string::npos) << both.out;
  const std::string orders_sql =
      "SELECT CONCAT(COUNT(*), ':', COALESCE(SUM(watermark_ms), 0)) FROM etl_fetch_watermark "
      "WHERE data_set = 'orders'";
  const std::string returns_sql =
      "SELECT CONCAT(COUNT(*), ':', COALESCE(SUM(watermark_ms), 0)) FROM etl_fetch_watermark "
      "WHERE data_set = 'returns'";
  const std::string orders1 = scalar(w, orders_sql);
  const std::string returns1 = scalar(w, returns_sql);
  EXPECT_EQ(orders1.substr(0, 2), "3:") << orders1;  // one per ship-node type
  EXPECT_EQ(returns1.substr(0, 2), "1:") << returns1;

  w.advance_sim(3600);
  auto returns_only =
      w.run({"fetch", "--data", "returns", "--since-last", "--no-progress"}, env, 300s);
  ASSERT_EQ(returns_only.exit_code, 0) << describe(returns_only);
  EXPECT_EQ(scalar(w, orders_sql), orders1);
  const std::string returns2 = scalar(w, returns_sql);
  EXPECT_NE(returns2, returns1);

  w.advance_sim(3600);
  auto orders_only = w.run({"fetch", "--since-last", "--no-progress"}, env, 300s);  // default
  ASSERT_EQ(orders_only.exit_code, 0) << describe(orders_only);
  EXPECT_EQ(orders_only.out.find("returns"), std::string::npos) << orders_only.out;
  EXPECT_EQ(scalar(w, returns_sql), returns2);
  EXPECT_NE(scalar(w, orders_sql), orders1);
}

// --follow with both data sets: each cycle fetches orders and returns of every account; the
// returns watermark keeps moving with the simulator's clock; SIGTERM exits 0 with every return
// closed by the last cycle in the topic once.
TEST(ReturnsFetchE2e, FollowFetchesBothDataSetsEveryCycle) {
  World w(sellers(3));
  const auto env = returns_env(w, 3);
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  auto follow = w.start("fetch-follow",
                        {"fetch", "--data", "orders,returns", "--all-accounts", "--follow",
                         "--interval", "1s", "--start", "2024-03-20", "--no-progress"},
                        env);
  const std::string returns_marks =
      "SELECT COUNT(*) FROM etl_fetch_watermark WHERE data_set = 'returns'";
  ASSERT_TRUE(eventually([&] { return scalar(w, returns_marks) == "3"; }, 240s))
      << follow->describe();
  const std::string orders_marks =
      "SELECT COUNT(*) FROM etl_fetch_watermark WHERE data_set = 'orders'";
  EXPECT_EQ(scalar(w, orders_marks), "9");  // three types, three accounts
  w.advance_sim(6 * 3600);
  const int64_t now = sim_now_ms(w);
  // Every account's returns watermark reached the new clock (less the settle margin).
  const std::string caught_up =
      "SELECT COUNT(*) FROM etl_fetch_watermark WHERE data_set = 'returns' AND watermark_ms >= " +
      std::to_string(now - kSettleS * 1000 - 60'000);
  EXPECT_TRUE(eventually([&] { return scalar(w, caught_up) == "3"; }, 120s)) << follow->describe();
  EXPECT_EQ(follow->stop(60s), 0) << follow->describe();

  const std::string closed = iso_ms(now - kSettleS * 1000);
  std::map<std::string, std::pair<std::string, DumpReturn>> expected;
  for (int k = 1; k <= 3; ++k) {
    for (auto& [id, r] : returns_dump(w, k)) {
      if (r.last_modified >= "2024-03-20" && r.last_modified <= closed) {
        expected[id] = {kAccounts[k - 1], r};
      }
    }
  }
  // Every return is there with its newest state (a return changed between cycles is there more
  // than once: the last copy counts).
  std::map<std::string, fetch_test::TopicMessage> newest;
  for (auto& m : read_returns(w, expected.size())) newest[m.key] = std::move(m);
  size_t wrong = 0;
  for (const auto& [id, e] : expected) {
    const auto it = newest.find(id);
    if (it == newest.end() || it->second.headers["account"] != e.first) ++wrong;
  }
  EXPECT_EQ(wrong, 0u) << "returns missing or under another account";
}

TEST(ReturnsFetchE2e, AnUnknownDataSetIsRefused) {
  World w(sellers(1));
  auto bad = w.run({"fetch", "--data", "refunds", "--last-hours", "2"}, returns_env(w), 60s);
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  EXPECT_NE(bad.err.find("expected orders, returns or recon"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace etl::e2e

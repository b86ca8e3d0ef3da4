// e2e: the /metrics and /healthz of `fetch --follow` over two sellers of the simulator, one of
// them with refused credentials: /healthz turns 503 naming that account once it has gone
// fetch.unhealthy_after_s without a complete cycle (not before), /metrics counts its failed
// cycles, and the good account's series advance cycle after cycle. The endpoint stays answerable
// while clients hold connections to it.

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <thread>

#include "support/e2e/e2e_world.hpp"
#include "support/metrics/slow_clients.hpp"

namespace etl::e2e {
namespace {

// The value of one sample line ("name{labels} value") of a /metrics page.
std::optional<double> sample(const std::string& page, const std::string& series) {
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

double metric(int port, const std::string& series) {
  const auto r = test::timed_get(port, "/metrics");
  return r.status == 200 ? sample(r.body, series).value_or(-1) : -1;
}

TEST(FetchEndpoint, HealthNamesTheRefusedAccountAfterTheLimitAndSeriesAdvancePerAccount) {
  WorldOptions o;
  o.sim_args = {"--now",  kFixedNow, "--time-scale", "0", "--days", "1", "--orders-per-day", "200",
                "--seed", "5",       "--sellers",    "2"};
  World w(o);
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  const int port = test::unused_tcp_port();
  ASSERT_GT(port, 0);
  constexpr int kUnhealthyAfterS = 6;
  const std::map<std::string, std::string> env{
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_ID", "sim-client-id-2"},
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_SECRET", "a-wrong-secret"},
      {"WALMART_ETL_FETCH__ACCOUNT_CONCURRENCY", "2"},
      {"WALMART_ETL_FETCH__METRICS_PORT", std::to_string(port)},
      {"WALMART_ETL_FETCH__UNHEALTHY_AFTER_S", std::to_string(kUnhealthyAfterS)}};
  const auto started = std::chrono::steady_clock::now();
  auto follow = w.start("fetch-follow",
                        {"fetch", "--follow", "--all-accounts", "--interval", "1s", "--start",
                         "2024-05-01", "--no-progress"},
                        env);
  int first_status = -1;
  ASSERT_TRUE(eventually(
      [&] {
        first_status = test::timed_get(port, "/healthz").status;
        return first_status != -1;
      },
      30s, 50ms))
      << follow->describe();
  if (std::chrono::steady_clock::now() - started < std::chrono::seconds(kUnhealthyAfterS - 1)) {
    EXPECT_EQ(first_status, 200) << "healthy until an account has been stale for the limit";
  }

  test::TimedResponse health;
  ASSERT_TRUE(eventually(
      [&] {
        health = test::timed_get(port, "/healthz");
        return health.status == 503;
      },
      90s, 200ms))
      << follow->describe();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(kUnhealthyAfterS));
  EXPECT_NE(health.body.find("account_stale[s2]: no complete cycle for"), std::string::npos)
      << health.body;
  EXPECT_NE(health.body.find("refused"), std::string::npos) << health.body;
  EXPECT_EQ(health.body.find("account_stale[main]"), std::string::npos) << health.body;

  EXPECT_GT(metric(port, "walmart_etl_fetch_failures_total{account=\"s2\"}"), 0);
  EXPECT_EQ(metric(port, "walmart_etl_fetch_last_success_timestamp_seconds{account=\"s2\"}"), 0);
  EXPECT_EQ(metric(port, "walmart_etl_fetch_healthy"), 0);
  EXPECT_EQ(metric(port, "walmart_etl_fetch_accounts"), 2);
  EXPECT_GT(metric(port, "walmart_etl_fetch_orders_total{account=\"main\"}"), 50);
  EXPECT_EQ(metric(port, "walmart_etl_fetch_failures_total{account=\"main\"}"), 0);
  const double cycles = metric(port, "walmart_etl_fetch_cycles_total{account=\"main\"}");
  const double requests = metric(port, "walmart_etl_fetch_requests_total{account=\"main\"}");
  const double success =
      metric(port, "walmart_etl_fetch_last_success_timestamp_seconds{account=\"main\"}");
  EXPECT_GT(cycles, 0);
  EXPECT_GT(success, 1.7e9);
  ASSERT_TRUE(eventually(
      [&] {
        return metric(port, "walmart_etl_fetch_cycles_total{account=\"main\"}") > cycles + 1 &&
               metric(port, "walmart_etl_fetch_requests_total{account=\"main\"}") > requests &&
               metric(port, "walmart_etl_fetch_last_success_timestamp_seconds{account=\"main\"}") >
                   success;
      },
      60s, 250ms))
      << "the good account's series advance\n"
      << follow->describe();

  // Clients holding connections to fetch's endpoint do not keep it from answering.
  test::SlowClientsOptions attack;
  attack.port = port;
  attack.idle = 40;
  attack.trickle = 40;
  attack.huge = 20;
  attack.source_addresses = 10;
  test::SlowClients clients(attack);
  ASSERT_TRUE(eventually([&] { return clients.connects() >= 100; }, 10s, 10ms));
  std::vector<std::chrono::microseconds> times;
  for (int i = 0; i < 50; ++i) {
    const auto r = test::timed_get(port, "/healthz", 2000ms);
    EXPECT_EQ(r.status, 503);
    times.push_back(r.elapsed);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_LT(test::percentile(times, 98), 100ms);

  EXPECT_EQ(follow->stop(30s), 0) << follow->describe();
}

}  // namespace
}  // namespace etl::e2e

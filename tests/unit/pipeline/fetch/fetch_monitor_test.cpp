// Unit: what fetch --follow's /healthz and /metrics say about each account: 503 naming an account
// that has gone too long without a complete cycle, and the per-account series.

#include <gtest/gtest.h>

#include "pipeline/fetch/fetch_health.hpp"
#include "pipeline/fetch/fetch_metrics.hpp"

namespace etl::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = FetchHealth::Clock;

TEST(FetchHealth, StaleAccountNamedWithItsLastFailureAfterTheLimit) {
  const auto t0 = Clock::time_point{} + 1h;
  FetchHealth h({"good", "bad"}, 60s, t0);
  EXPECT_TRUE(h.report(t0 + 60s).healthy) << "not yet past the limit";
  h.record("good", true, "", t0 + 30s);
  h.record("bad", false, "the credentials of Walmart account 'bad' were refused", t0 + 30s);
  auto r = h.report(t0 + 61s);
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("account_stale[bad]: no complete cycle for 61 s, none since the start"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("last cycle: the credentials of Walmart account 'bad' were refused"),
            std::string::npos)
      << r.reason;
  EXPECT_EQ(r.reason.find("good"), std::string::npos) << r.reason;
  // good goes stale too once its last success is older than the limit.
  r = h.report(t0 + 91s);
  EXPECT_NE(r.reason.find("account_stale[good]: no complete cycle for 61 s"), std::string::npos)
      << r.reason;
  // A complete cycle clears it.
  h.record("bad", true, "", t0 + 92s);
  h.record("good", true, "", t0 + 92s);
  r = h.report(t0 + 100s);
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(r.reason, "ok");
}

TEST(FetchHealth, ZeroLimitNeverStale) {
  const auto t0 = Clock::time_point{} + 1h;
  FetchHealth h({"a"}, 0s, t0);
  h.record("a", false, "down", t0 + 1s);
  EXPECT_TRUE(h.report(t0 + 1000h).healthy);
}

FetchResult result_with(uint64_t orders, uint64_t requests, uint64_t throttled, bool complete) {
  FetchResult r;
  ShipNodeSummary t;
  t.ship_node_type = "SellerFulfilled";
  t.windows_total = 1;
  t.windows_done = complete ? 1 : 0;
  t.windows_failed = complete ? 0 : 1;
  t.orders = orders;
  t.acknowledged = orders;  // Kafka took them all
  t.requests = requests;
  t.throttled = throttled;
  r.types.push_back(t);
  return r;
}

TEST(FetchMetrics, PerAccountSeriesFromTheStartAndAdvancedByEachCycle) {
  FetchMetrics m({"good", "bad"});
  std::string page = m.registry.render();
  EXPECT_NE(page.find("walmart_etl_fetch_failures_total{account=\"bad\"} 0\n"), std::string::npos)
      << page;
  EXPECT_NE(page.find("walmart_etl_fetch_last_success_timestamp_seconds{account=\"good\"} 0\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("walmart_etl_fetch_accounts 2\n"), std::string::npos) << page;

  m.record(AccountOutcome{"good", result_with(40, 3, 1, true), std::nullopt}, 1700000000);
  m.record(AccountOutcome{"good", result_with(2, 1, 0, true), std::nullopt}, 1700000300);
  m.record(AccountOutcome{"bad", std::nullopt, "credentials refused"}, 1700000300);
  m.record(AccountOutcome{"bad", result_with(5, 2, 2, false), std::nullopt}, 1700000600);
  page = m.registry.render();
  for (const char* line : {
           "walmart_etl_fetch_orders_total{account=\"good\"} 42\n",
           "walmart_etl_fetch_requests_total{account=\"good\"} 4\n",
           "walmart_etl_fetch_throttled_total{account=\"good\"} 1\n",
           "walmart_etl_fetch_cycles_total{account=\"good\"} 2\n",
           "walmart_etl_fetch_failures_total{account=\"good\"} 0\n",
           "walmart_etl_fetch_last_success_timestamp_seconds{account=\"good\"} 1700000300\n",
           "walmart_etl_fetch_failures_total{account=\"bad\"} 2\n",
           "walmart_etl_fetch_cycles_total{account=\"bad\"} 2\n",
           "walmart_etl_fetch_throttled_total{account=\"bad\"} 2\n",
           "walmart_etl_fetch_last_success_timestamp_seconds{account=\"bad\"} 0\n",
       }) {
    EXPECT_NE(page.find(line), std::string::npos) << line << page;
  }
}

}  // namespace
}  // namespace etl::pipeline

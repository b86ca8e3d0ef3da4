// fetch's pace and request count against the API simulator (real HTTP, in process, dry runs: no
// Kafka needed to count requests and time a run):
//  - a server that answers 429 to a fixed share of requests whatever the pace does not make the
//    run crawl: it completes within a stated factor of the unthrottled run plus the waits the
//    server asked for;
//  - a server that enforces a token bucket is matched, with no client limit, with few 429s;
//  - the request count stays close to one request per 200 orders.

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "pipeline/fetch/fetch_job.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "walmart/pace_policy.hpp"

namespace etl::fetch_test {
namespace {

pipeline::FetchRequest dry_days(int64_t first_day_ms, int64_t last_day_ms) {
  pipeline::FetchRequest r;
  r.mode = pipeline::FetchMode::date_range;
  r.start_day_ms = first_day_ms;
  r.end_day_ms = last_day_ms;
  r.dry_run = true;
  return r;
}

uint64_t total(const pipeline::FetchResult& r, uint64_t pipeline::ShipNodeSummary::*field) {
  uint64_t n = 0;
  for (const auto& t : r.types) n += t.*field;
  return n;
}

// The factor stated for item "the pace must not collapse": a run against a server throttling a
// fixed share takes at most this many times (the unthrottled run + the server's waits).
constexpr double kThrottledFactor = 2.0;

TEST(FetchPace, AFixedShareOf429sWhateverThePaceDoesNotCollapseThePace) {
  const int64_t first = day_start(today_noon_ms()) - 3 * kDayMs;
  const int64_t last = day_start(today_noon_ms()) - kDayMs;
  auto run = [&](double throttle_rate) {
    auto options = sim_options(2000, 5);
    options.faults.throttle_rate = throttle_rate;
    options.faults.throttle_hold = std::chrono::milliseconds(300);
    auto sim = start_simulator(options);
    auto cfg = fetch_config(*sim, nullptr, "unused");
    cfg.fetch.limit = 50;
    cfg.fetch.requests_per_minute = 1200;
    cfg.fetch.max_retries = 20;
    cfg.fetch.backoff_max = std::chrono::milliseconds(2000);
    return pipeline::run_fetch(cfg, dry_days(first, last));
  };
  const auto calm = run(0.0);
  ASSERT_TRUE(calm.complete()) << calm.describe();
  const auto throttled = run(0.25);
  std::cout << calm.describe() << throttled.describe();
  EXPECT_TRUE(throttled.complete());
  EXPECT_EQ(throttled.orders(), calm.orders());
  const uint64_t n429 = total(throttled, &pipeline::ShipNodeSummary::throttled);
  EXPECT_GT(n429, 5u) << "the simulator did not throttle";
  // The server asked for at most 300 ms per 429 (overlapping holds count once in reality).
  const double waits = static_cast<double>(n429) * 0.3;
  EXPECT_LT(throttled.elapsed_s, kThrottledFactor * (calm.elapsed_s + waits))
      << "calm " << calm.elapsed_s << " s, throttled " << throttled.elapsed_s << " s, " << n429
      << " 429s";
  // 429s that a lower pace would not avoid slow nothing down (the 429s carry no token count;
  // the answers before them say the bucket is far from empty).
  EXPECT_EQ(total(throttled, &pipeline::ShipNodeSummary::slowdowns), 0u);
}

TEST(FetchPace, NoClientLimitConvergesOnTheServersTokenBucketWithFew429s) {
  auto options = sim_options(2000, 5);
  options.requests_per_minute = 600;  // 10 a second, a bucket of 5
  options.burst = 5;
  auto sim = start_simulator(options);
  auto cfg = fetch_config(*sim, nullptr, "unused");
  cfg.fetch.limit = 50;
  cfg.fetch.requests_per_minute = 0;  // no client limit: the server's headers set the pace
  cfg.fetch.max_retries = 20;
  cfg.fetch.backoff_max = std::chrono::milliseconds(2000);
  const int64_t day = day_start(today_noon_ms()) - kDayMs;
  const int64_t first = day - kDayMs;

  const auto result = pipeline::run_fetch(cfg, dry_days(first, day));
  std::cout << result.describe();
  EXPECT_TRUE(result.complete());
  const uint64_t requests = total(result, &pipeline::ShipNodeSummary::requests);
  const uint64_t n429 = total(result, &pipeline::ShipNodeSummary::throttled);
  ASSERT_GT(requests, 60u);
  // Converged: at most one request in ten refused, and at least 4/7 of the server's 10 a second.
  EXPECT_LE(n429, requests / 10) << requests << " requests";
  const double accepted = static_cast<double>(requests - n429);
  EXPECT_LT(result.elapsed_s, 1.75 * accepted / 10.0 + 2.0) << accepted << " requests answered";
}

TEST(FetchPace, RequestsStayCloseToOnePerPageOfOrders) {
  auto sim = start_simulator(sim_options(2000, 10));
  auto cfg = fetch_config(*sim, nullptr, "unused");  // fetch.limit 200, window and cap defaults
  const int64_t last = day_start(today_noon_ms()) - kDayMs;
  const int64_t first = last - 6 * kDayMs;  // 7 days x 2,000 orders

  const auto result = pipeline::run_fetch(cfg, dry_days(first, last));
  std::cout << result.describe();
  ASSERT_TRUE(result.complete());
  ASSERT_GT(result.orders(), 12000u);
  const uint64_t requests = total(result, &pipeline::ShipNodeSummary::requests);
  const uint64_t windows = total(result, &pipeline::ShipNodeSummary::windows_total);
  const double pages = std::ceil(static_cast<double>(result.orders()) / 200.0);
  EXPECT_LE(static_cast<double>(requests), 1.25 * pages + static_cast<double>(windows))
      << requests << " requests, " << windows << " windows, " << result.orders() << " orders";
  EXPECT_LE(windows, 3u * 2u + 3u) << "more windows than the workers could use";
}

}  // namespace
}  // namespace etl::fetch_test

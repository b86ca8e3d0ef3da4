// fetch against the API simulator and the dev broker, in process: every order of a range
// arrives in Kafka exactly once, byte for byte as the API served it (plus request_time),
// whatever the pagination, the per-query cap, throttling, token expiry and injected faults.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "pipeline/fetch/fetch_job.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/test_env.hpp"

namespace etl::fetch_test {
namespace {

const std::vector<std::string> kAllTypes{"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"};

pipeline::FetchRequest days(int64_t first_day_ms, int64_t last_day_ms) {
  pipeline::FetchRequest r;
  r.mode = pipeline::FetchMode::date_range;
  r.start_day_ms = first_day_ms;
  r.end_day_ms = last_day_ms;
  return r;
}

uint64_t total(const pipeline::FetchResult& r, uint64_t pipeline::ShipNodeSummary::*field) {
  uint64_t n = 0;
  for (const auto& t : r.types) n += t.*field;
  return n;
}

// "" when every order the simulator serves for days [first, last] (all ship-node types) is in the
// topic exactly once, byte for byte, from this run; else the first differences.
std::string exactly_once_in_kafka(const walmart::sim::Simulator& sim, const config::Config& cfg,
                                  const std::string& topic, const pipeline::FetchResult& result,
                                  int64_t first_day, int64_t last_day) {
  const auto expected = dump_range(sim, first_day, last_day + kDayMs - 1, kAllTypes);
  const auto got = read_topic(cfg.kafka, topic, expected.size(), std::chrono::seconds(60));
  return compare_exactly_once(got, expected, result.run_id);
}

TEST(FetchExact, ThreeDaysAllTypesWithPaginationAndSplitsExactlyOnce) {
  auto sim = start_simulator(sim_options(1500, 10));
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 16);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  cfg.fetch.limit = 50;  // windows of 51..150 orders need several pages
  cfg.fetch.window = std::chrono::minutes(360);
  cfg.fetch.max_orders_per_query = 150;  // fuller windows must be split
  const int64_t first = day_start(today_noon_ms()) - 3 * kDayMs;
  const int64_t last = day_start(today_noon_ms()) - kDayMs;

  const auto result = pipeline::run_fetch(cfg, days(first, last));
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  EXPECT_GT(total(result, &pipeline::ShipNodeSummary::windows_split), 0u) << "no window was split";
  EXPECT_GT(total(result, &pipeline::ShipNodeSummary::pages),
            total(result, &pipeline::ShipNodeSummary::windows_done))
      << "no window needed a second page";
  ASSERT_EQ(result.types.size(), 3u);

  const auto expected = dump_range(*sim, first, last + kDayMs - 1, kAllTypes);
  ASSERT_GT(expected.size(), 4000u);
  EXPECT_EQ(result.orders(), expected.size());
  const auto got = read_topic(cfg.kafka, topic, expected.size(), std::chrono::seconds(60));
  EXPECT_EQ(compare_exactly_once(got, expected, result.run_id), "");
}

TEST(FetchExact, FaultsAreRetriedAndNothingIsMissing) {
  auto options = sim_options(1500, 5);
  options.faults.fail_rate = 0.2;
  options.faults.drop_rate = 0.1;
  options.faults.malformed_rate = 0.1;
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 8);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  cfg.fetch.limit = 50;
  cfg.fetch.window = std::chrono::minutes(240);
  cfg.fetch.max_retries = 15;
  const int64_t day = day_start(today_noon_ms()) - kDayMs;

  const auto result = pipeline::run_fetch(cfg, days(day, day));
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  EXPECT_GT(total(result, &pipeline::ShipNodeSummary::retries), 5u);
  EXPECT_EQ(exactly_once_in_kafka(*sim, cfg, topic, result, day, day), "");
}

TEST(FetchExact, ThrottlingAndTokenExpiryMidRun) {
  auto options = sim_options(1500, 5);
  options.requests_per_minute = 900;  // 15 requests/s, the bucket holds 2
  options.burst = 2;
  options.token_ttl = std::chrono::seconds(5);
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 8);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  cfg.fetch.limit = 50;
  cfg.fetch.window = std::chrono::minutes(240);
  cfg.fetch.max_retries = 10;
  cfg.fetch.backoff_max = std::chrono::milliseconds(2000);
  // The client keeps each token for its whole lifetime, so an expiry on the server's side is
  // discovered by a 401.
  cfg.walmart_token.token_refresh_margin = std::chrono::seconds(0);
  const int64_t day = day_start(today_noon_ms()) - kDayMs;

  // Halfway through, every token the simulator issued so far expires: in-flight calls get 401,
  // refresh the token and retry once.
  std::atomic<bool> done{false};
  std::thread expirer([&] {
    etl::test::wait_until([&] { return done.load() || sim->request_count() >= 25; },
                          std::chrono::seconds(60));
    sim->clock().advance_wall(std::chrono::seconds(6));
  });
  const auto result = pipeline::run_fetch(cfg, days(day, day));
  done = true;
  expirer.join();
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  EXPECT_GT(total(result, &pipeline::ShipNodeSummary::throttled), 0u) << "no 429 was seen";
  EXPECT_GT(total(result, &pipeline::ShipNodeSummary::token_refreshes), 0u) << "no 401 refresh";
  EXPECT_EQ(exactly_once_in_kafka(*sim, cfg, topic, result, day, day), "");
}

TEST(FetchExact, ApiCapEnforcedWith400IsSplitAround) {
  auto options = sim_options(3000, 3);
  options.max_result_orders = 60;  // the API refuses queries over 60 orders with a 400
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 8);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  cfg.fetch.window = std::chrono::minutes(120);  // ~250 orders per window: refused, then halved
  const int64_t day = day_start(today_noon_ms()) - kDayMs;

  const auto result = pipeline::run_fetch(cfg, days(day, day));
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  EXPECT_GT(total(result, &pipeline::ShipNodeSummary::windows_split), 0u);
  EXPECT_EQ(exactly_once_in_kafka(*sim, cfg, topic, result, day, day), "");
}

TEST(FetchExact, DryRunCountsAndProducesNothing) {
  auto sim = start_simulator(sim_options(1000, 3));
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 2);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  const int64_t day = day_start(today_noon_ms()) - kDayMs;
  auto request = days(day, day);
  request.dry_run = true;
  request.ship_node_types = {"WFSFulfilled"};
  const auto result = pipeline::run_fetch(cfg, request);
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  const auto expected = dump_range(*sim, day, day + kDayMs - 1, {"WFSFulfilled"});
  EXPECT_EQ(result.orders(), expected.size());
  EXPECT_TRUE(read_topic(cfg.kafka, topic, 0, std::chrono::seconds(10)).empty());
}

}  // namespace
}  // namespace etl::fetch_test

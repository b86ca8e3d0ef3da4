// fetch when things go wrong: Kafka down for a while or for good, the API down, refused
// credentials, a 400, an unreachable base URL - and --since-last, whose watermark (MariaDB)
// moves only when everything of a ship-node type was acknowledged.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "common/error.hpp"
#include "common/utc_time.hpp"
#include "mysql/schema.hpp"
#include "mysql/watermark_store.hpp"
#include "pipeline/fetch/fetch_command.hpp"
#include "pipeline/fetch/fetch_job.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/test_env.hpp"

namespace etl::fetch_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string> kAllTypes{"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"};

pipeline::FetchRequest one_day(int64_t day_ms) {
  pipeline::FetchRequest r;
  r.mode = pipeline::FetchMode::date_range;
  r.start_day_ms = day_ms;
  r.end_day_ms = day_ms;
  return r;
}

pipeline::FetchRequest since_last(std::optional<int64_t> start_day = std::nullopt) {
  pipeline::FetchRequest r;
  r.mode = pipeline::FetchMode::since_last;
  r.start_day_ms = start_day;
  return r;
}

// Runs fetch on another thread; returns once the workers are fetching (the topic exists then).
struct BackgroundFetch {
  std::future<pipeline::FetchResult> result;
  BackgroundFetch(const config::Config& cfg, pipeline::FetchRequest request,
                  const walmart::sim::Simulator& sim) {
    const uint64_t before = sim.request_count();
    result = std::async(std::launch::async,
                        [&cfg, request] { return pipeline::run_fetch(cfg, request); });
    // The token request, then the topic check, then the first orders request.
    EXPECT_TRUE(
        etl::test::wait_until([&] { return sim.request_count() >= before + 2; }, seconds(30)));
  }
};

TEST(FetchKafka, BrokerDownForAWhileLosesNothing) {
  auto options = sim_options(1500, 5);
  options.faults.latency = milliseconds(15);  // the fetch lasts long enough to notice the outage
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 8);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  cfg.fetch.limit = 50;
  cfg.fetch.concurrency = 2;
  const int64_t day = day_start(today_noon_ms()) - kDayMs;

  BackgroundFetch fetch(cfg, one_day(day), *sim);
  broker->set_broker_down();
  const uint64_t at_down = sim->request_count();
  // Orders keep being fetched (and queued by the producer) while the broker is away.
  ASSERT_TRUE(
      etl::test::wait_until([&] { return sim->request_count() >= at_down + 15; }, seconds(30)));
  broker->set_broker_up();
  const auto result = fetch.result.get();
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  const auto expected = dump_range(*sim, day, day + kDayMs - 1, kAllTypes);
  const auto got = read_topic(cfg.kafka, topic, expected.size(), seconds(60));
  EXPECT_EQ(compare_exactly_once(got, expected, result.run_id), "");
}

TEST(FetchKafka, BrokerGoneForGoodFailsWithTheUndeliveredCount) {
  auto options = sim_options(1500, 5);
  // Slow pages, so the run cannot finish (and be acknowledged) before the broker goes away: an
  // unthrottled in-process fetch of one day takes only a few tens of milliseconds.
  options.faults.latency = milliseconds(40);
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 4);
  auto cfg = fetch_config(*sim, broker.get(), topic);
  cfg.fetch.produce_flush_timeout = milliseconds(2000);
  const int64_t day = day_start(today_noon_ms()) - kDayMs;

  BackgroundFetch fetch(cfg, one_day(day), *sim);
  broker->set_broker_down();
  const auto result = fetch.result.get();
  SCOPED_TRACE(result.describe());
  EXPECT_FALSE(result.complete());
  EXPECT_GT(result.undelivered, 0u);
  uint64_t acked = 0;
  for (const auto& t : result.types) acked += t.acknowledged;
  EXPECT_EQ(acked + result.undelivered, result.orders());
  const std::string text = result.describe();
  EXPECT_NE(text.find(std::to_string(result.undelivered) + " order(s) not acknowledged by Kafka"),
            std::string::npos);
  EXPECT_NE(text.find("result: INCOMPLETE"), std::string::npos);
}

class FetchSinceLast : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<etl::test::ScopedDatabase>(etl::test::test_mysql_config());
    const auto report = mysql::init_db(db_->config());
    ASSERT_TRUE(report.problems.empty());
  }
  config::Config with_db(config::Config cfg) const {
    cfg.mysql = db_->config();
    return cfg;
  }
  std::optional<int64_t> watermark(const std::string& type) const {
    mysql::WatermarkStore store(db_->config());
    return store.load("main", "orders", type);
  }
  std::unique_ptr<etl::test::ScopedDatabase> db_;
};

// Orders whose lastModified (at the simulator's now) is at or after `from_ms`.
std::map<std::string, DumpOrder> modified_since(walmart::sim::Simulator& sim, int64_t from_ms) {
  auto all = dump_orders(sim);
  const int64_t now = sim.clock().sim_now_ms();
  std::map<std::string, DumpOrder> out;
  for (auto& [id, o] : all) {
    const auto index = sim.model().index_of_purchase_order_id(std::stoull(id));
    if (!index) throw std::runtime_error("dump order not from the model: " + id);
    if (sim.model().skeleton(*index).last_modified_ms(now) >= from_ms)
      out.emplace(id, std::move(o));
  }
  return out;
}

TEST_F(FetchSinceLast, FirstRunNeedsStartThenOnlyModifiedOrdersWithTheirNewStatuses) {
  auto options = sim_options(1500, 4);
  options.now_ms = etl::now_epoch_ms();  // the simulator's clock agrees with ours
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 8);
  auto cfg = with_db(fetch_config(*sim, broker.get(), topic));
  cfg.fetch.since_last_overlap = std::chrono::minutes(1);
  const int64_t t0 = sim->clock().sim_now_ms();

  EXPECT_THROW(pipeline::run_fetch(cfg, since_last()), ConfigError);  // no watermark, no --start

  const int64_t start = day_start(t0) - 2 * kDayMs;
  const auto first = pipeline::run_fetch(cfg, since_last(start));
  SCOPED_TRACE(first.describe());
  ASSERT_TRUE(first.complete());
  const auto expected_first = modified_since(*sim, start);
  auto got = read_topic(cfg.kafka, topic, expected_first.size(), seconds(60));
  EXPECT_EQ(compare_exactly_once(got, expected_first, first.run_id), "");
  int64_t wm = 0;
  for (const auto& t : first.types) {
    ASSERT_TRUE(t.watermark_stored) << t.ship_node_type;
    EXPECT_EQ(watermark(t.ship_node_type), t.watermark_stored);
    // The server's now comes from its Date header (1 s resolution, truncated): never later than
    // the server's clock, at most 1 s earlier.
    EXPECT_GE(*t.watermark_stored, t0 - 999);
    wm = *t.watermark_stored;
  }

  // Six hours pass on the simulator: lines ship, deliver, cancel.
  sim->clock().advance_sim(std::chrono::hours(6));
  const std::string topic2 = random_name("orders");
  broker->create_topic(topic2, 8);
  cfg.kafka.topic = topic2;
  const auto second = pipeline::run_fetch(cfg, since_last());
  SCOPED_TRACE(second.describe());
  ASSERT_TRUE(second.complete());
  const auto expected_second = modified_since(*sim, wm - 60'000);
  size_t changed = 0;
  for (const auto& [id, o] : expected_second) {
    if (sim->model()
            .skeleton(*sim->model().index_of_purchase_order_id(std::stoull(id)))
            .last_modified_ms(sim->clock().sim_now_ms()) > t0) {
      ++changed;
    }
  }
  EXPECT_GT(changed, 100u) << "the clock advance changed too few orders for a meaningful test";
  EXPECT_LT(expected_second.size(), expected_first.size());
  got = read_topic(cfg.kafka, topic2, expected_second.size(), seconds(60));
  // Exactly the modified orders, each as the API shows it now (new statuses, statusDate, ...).
  EXPECT_EQ(compare_exactly_once(got, expected_second, second.run_id), "");
  for (const auto& t : second.types) EXPECT_GT(*watermark(t.ship_node_type), wm);
}

TEST_F(FetchSinceLast, ApiDownGivesAClearErrorInTimeAndKeepsTheWatermark) {
  auto options = sim_options(500, 3);
  options.now_ms = etl::now_epoch_ms();
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 4);
  auto cfg = with_db(fetch_config(*sim, broker.get(), topic));
  cfg.fetch.max_retries = 3;
  cfg.fetch.connect_timeout = milliseconds(500);
  cfg.fetch.request_timeout = milliseconds(2000);
  const auto first = pipeline::run_fetch(cfg, since_last(day_start(etl::now_epoch_ms()) - kDayMs));
  ASSERT_TRUE(first.complete()) << first.describe();
  const auto wm = watermark("SellerFulfilled");
  ASSERT_TRUE(wm);

  sim->stop();
  const auto t = std::chrono::steady_clock::now();
  try {
    (void)pipeline::run_fetch(cfg, since_last());
    FAIL() << "fetch succeeded without an API";
  } catch (const EtlError& e) {
    EXPECT_TRUE(e.error().retriable());
    EXPECT_NE(std::string(e.what()).find(sim->base_url()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gave up after 4 attempts"), std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t, seconds(10));
  EXPECT_EQ(watermark("SellerFulfilled"), wm);
}

TEST_F(FetchSinceLast, OrdersEndpointFailingStopsTheRunAndKeepsTheWatermark) {
  auto options = sim_options(500, 3);
  options.now_ms = etl::now_epoch_ms();
  options.faults.fail_rate = 1.0;         // every orders call answers 5xx
  options.faults.token_endpoint = false;  // tokens still work
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 4);
  auto cfg = with_db(fetch_config(*sim, broker.get(), topic));
  cfg.fetch.max_retries = 3;
  const auto t = std::chrono::steady_clock::now();
  const auto result = pipeline::run_fetch(cfg, since_last(day_start(etl::now_epoch_ms()) - kDayMs));
  SCOPED_TRACE(result.describe());
  EXPECT_LT(std::chrono::steady_clock::now() - t, seconds(15));
  EXPECT_FALSE(result.complete());
  ASSERT_TRUE(result.aborted);
  EXPECT_NE(result.aborted->find("kept failing"), std::string::npos);
  for (const auto& type : result.types) {
    EXPECT_FALSE(type.watermark_stored);
    EXPECT_FALSE(watermark(type.ship_node_type));
  }
}

TEST_F(FetchSinceLast, FollowSurvivesKafkaAndApiOutagesWithoutMovingTheWatermark) {
  auto options = sim_options(500, 3);
  options.now_ms = etl::now_epoch_ms();
  auto sim = start_simulator(options);
  const std::string topic = random_name("orders");
  auto broker = start_broker(topic, 4);
  auto cfg = with_db(fetch_config(*sim, broker.get(), topic));
  cfg.fetch.max_retries = 2;
  cfg.fetch.produce_flush_timeout = milliseconds(2000);

  // The outages follow the cycles: 1 fine, 2 without Kafka, 3 without the API, 4 fine again.
  std::vector<pipeline::AccountOutcome> cycles;
  std::vector<std::optional<int64_t>> watermarks;
  pipeline::FetchCommand follow;
  follow.request = since_last(day_start(etl::now_epoch_ms()) - kDayMs);
  follow.follow = true;
  follow.interval = milliseconds(50);
  follow.max_cycles = 4;
  follow.on_report = [&](int number, const pipeline::AccountsRun& run, const std::string&) {
    ASSERT_EQ(run.accounts.size(), 1u);
    cycles.push_back(run.accounts.front());
    watermarks.push_back(watermark("WFSFulfilled"));
    if (number == 1) broker->set_broker_down();
    if (number == 2) {
      broker->set_broker_up();
      sim->stop();
    }
    if (number == 3) {
      auto same_port = options;
      same_port.port = sim->port();
      // The API's clock has moved on since cycle 1; Date has a 1 s resolution, so make the move
      // visible in it.
      same_port.now_ms = etl::now_epoch_ms() + 1500;
      sim.reset();
      sim = start_simulator(same_port);
    }
  };
  const int code = pipeline::run_fetch_command(cfg, follow);
  EXPECT_EQ(code, 0);
  ASSERT_EQ(cycles.size(), 4u);
  EXPECT_TRUE(cycles[0].complete());
  EXPECT_FALSE(cycles[1].complete());  // Kafka away
  EXPECT_FALSE(cycles[2].complete());  // API away
  ASSERT_TRUE(cycles[2].failure);
  EXPECT_TRUE(cycles[2].failure->retriable());
  EXPECT_TRUE(cycles[3].complete())
      << (cycles[3].result ? cycles[3].result->describe() : *cycles[3].error);
  ASSERT_TRUE(watermarks[0]);
  EXPECT_EQ(watermarks[1], watermarks[0]) << "a cycle without Kafka moved the watermark";
  EXPECT_EQ(watermarks[2], watermarks[0]) << "a cycle without the API moved the watermark";
  EXPECT_GT(*watermarks[3], *watermarks[0]);
}

TEST(FetchApi, RefusedCredentialsNameTheAccountAndBaseUrl) {
  auto sim = start_simulator(sim_options(100, 2));
  auto cfg = fetch_config(*sim, nullptr, "unused");
  cfg.walmart_token.accounts["main"].client_secret = "wrong";
  try {
    (void)pipeline::run_fetch(cfg, one_day(day_start(today_noon_ms()) - kDayMs));
    FAIL() << "bad credentials were accepted";
  } catch (const EtlError& e) {
    EXPECT_FALSE(e.error().retriable());
    EXPECT_EQ(e.error().code, 401);
    const std::string what = e.what();
    EXPECT_NE(what.find("credentials of Walmart account 'main' were refused"), std::string::npos)
        << what;
    EXPECT_NE(what.find(sim->base_url()), std::string::npos) << what;
    EXPECT_EQ(what.find("wrong"), std::string::npos) << "the secret leaked: " << what;
  }
}

TEST(FetchApi, A400IsReportedWithTheApiCodeAndDescription) {
  auto options = sim_options(20000, 2);
  options.now_ms = etl::now_epoch_ms();
  options.max_result_orders = 1;  // even a one-minute window holds more: the API answers 400
  auto sim = start_simulator(options);
  auto cfg = fetch_config(*sim, nullptr, "unused");
  pipeline::FetchRequest request;
  request.mode = pipeline::FetchMode::last_hours;
  request.last_hours = 1;
  request.dry_run = true;
  request.ship_node_types = {"WFSFulfilled"};
  const auto result = pipeline::run_fetch(cfg, request);
  SCOPED_TRACE(result.describe());
  EXPECT_FALSE(result.complete());
  ASSERT_EQ(result.types.size(), 1u);
  EXPECT_GT(result.types[0].windows_failed, 0u);
  ASSERT_FALSE(result.types[0].errors.empty());
  const std::string& error = result.types[0].errors[0];
  EXPECT_NE(error.find("walmart_api error 400"), std::string::npos) << error;
  EXPECT_NE(error.find("INVALID_REQUEST_PARAM"), std::string::npos) << error;
  EXPECT_NE(error.find("Too many orders"), std::string::npos) << error;
}

TEST(FetchApi, UnreachableBaseUrlGivesUpWithinTheTimeouts) {
  config::Config cfg;
  cfg.walmart_token.base_url = "http://127.0.0.1:1";
  cfg.walmart_token.accounts["main"] = config::WalmartAccount{"id", "secret", ""};
  cfg.fetch.max_retries = 2;
  cfg.fetch.backoff_initial = milliseconds(10);
  cfg.fetch.backoff_max = milliseconds(50);
  cfg.fetch.connect_timeout = milliseconds(500);
  cfg.logging.dir = "";
  const auto t = std::chrono::steady_clock::now();
  try {
    (void)pipeline::run_fetch(cfg, one_day(day_start(today_noon_ms()) - kDayMs));
    FAIL() << "no error";
  } catch (const EtlError& e) {
    EXPECT_TRUE(e.error().retriable());
    EXPECT_EQ(e.error().origin, ErrorOrigin::http);
    const std::string what = e.what();
    EXPECT_NE(what.find("http://127.0.0.1:1/v3/token"), std::string::npos) << what;
    EXPECT_NE(what.find("gave up after 3 attempts"), std::string::npos) << what;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t, seconds(5));
}

}  // namespace
}  // namespace etl::fetch_test

// fetch --since-last against a scripted API (tests/support/fetch/scripted_api.hpp), a dev broker
// and MariaDB, for what the simulator cannot do:
//  - a position-based cursor whose data changes between pages: an order shifted past a page
//    boundary is found by reading the short window again; a window that stays short holds the
//    ship-node type's watermark at its start, and the summary says so;
//  - an order larger than Kafka accepts (a 1 MB message limit) is kept whole in
//    walmart_order_dead_letter, counted and reported; the run goes on and the watermark moves.

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/utc_time.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "mysql/watermark_store.hpp"
#include "pipeline/fetch/fetch_job.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/fetch/scripted_api.hpp"
#include "support/test_env.hpp"

namespace etl::fetch_test {
namespace {

using std::chrono::seconds;

class FetchScripted : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<etl::test::ScopedDatabase>(etl::test::test_mysql_config());
    ASSERT_TRUE(mysql::init_db(db_->config()).problems.empty());
    topic_ = random_name("orders");
    broker_ = start_broker(topic_, 4);
  }

  config::Config config() const {
    config::Config cfg;
    cfg.walmart_token.base_url = api_.base_url();
    cfg.walmart_token.accounts["main"] =
        config::WalmartAccount{ScriptedApi::kClientId, ScriptedApi::kClientSecret, ""};
    cfg.kafka.bootstrap_servers = {broker_->bootstraps()};
    cfg.kafka.topic = topic_;
    cfg.mysql = db_->config();
    cfg.fetch.ship_node_types = {"SellerFulfilled"};
    cfg.fetch.limit = 100;
    cfg.fetch.concurrency = 1;
    cfg.fetch.requests_per_minute = 0;
    cfg.fetch.max_retries = 2;
    cfg.fetch.backoff_initial = std::chrono::milliseconds(5);
    cfg.fetch.backoff_max = std::chrono::milliseconds(100);
    cfg.fetch.produce_flush_timeout = std::chrono::milliseconds(30000);
    cfg.logging.dir = "";
    return cfg;
  }

  static pipeline::FetchRequest since_last(int64_t start_day_ms) {
    pipeline::FetchRequest r;
    r.mode = pipeline::FetchMode::since_last;
    r.start_day_ms = start_day_ms;
    return r;
  }

  std::optional<int64_t> watermark() const {
    mysql::WatermarkStore store(db_->config());
    return store.load("main", "orders", "SellerFulfilled");
  }

  std::set<std::string> keys_in_kafka(size_t expected) const {
    std::set<std::string> keys;
    for (const auto& m : read_topic(config().kafka, topic_, expected, seconds(30)))
      keys.insert(m.key);
    return keys;
  }

  static std::vector<ScriptedOrder> orders(int n) {
    std::vector<ScriptedOrder> out;
    for (int i = 0; i < n; ++i) out.push_back(scripted_order(std::to_string(1000 + i)));
    return out;
  }

  ScriptedApi api_;
  std::unique_ptr<etl::test::ScopedDatabase> db_;
  std::string topic_;
  std::unique_ptr<kafka::DevBroker> broker_;
  const int64_t start_ = day_start(now_epoch_ms()) - kDayMs;
};

TEST_F(FetchScripted, AnOrderShiftedPastAPageBoundaryIsReadByReadingTheWindowAgain) {
  api_.set_orders(orders(350));
  // While the second page is asked for, the 11th order is modified (it leaves this window): every
  // later order moves up one place, and the 101st (id 1100) slips onto the first page, already
  // read.
  bool changed = false;
  api_.on_cursor_page([&](size_t offset, std::vector<ScriptedOrder>& list) {
    if (offset == 100 && !changed) {
      changed = true;
      list.erase(list.begin() + 10);
    }
  });

  const auto result = pipeline::run_fetch(config(), since_last(start_));
  SCOPED_TRACE(result.describe());
  ASSERT_TRUE(result.complete());
  ASSERT_TRUE(changed);
  EXPECT_EQ(api_.first_pages(), 2u) << "the short window was not read again";
  ASSERT_EQ(result.types.size(), 1u);
  EXPECT_EQ(result.types[0].windows_short, 0u);  // the second read was whole
  const auto keys = keys_in_kafka(350);
  EXPECT_EQ(keys.size(), 350u);  // including 1010, read before it left
  EXPECT_TRUE(keys.count("1100")) << "the shifted order was skipped";
  // Nothing stayed short: the watermark moved to the end of the range.
  ASSERT_TRUE(result.types[0].watermark_stored);
  EXPECT_EQ(watermark(), result.types[0].watermark_stored);
  EXPECT_GT(*watermark(), start_ + kDayMs / 2);
}

TEST_F(FetchScripted, AWindowThatStaysShortHoldsTheWatermarkAtItsStart) {
  api_.set_orders(orders(350));
  // Every second page finds the data changed again: each read of the window is short.
  int removed = 0;
  api_.on_cursor_page([&](size_t offset, std::vector<ScriptedOrder>& list) {
    if (offset == 100 && list.size() > 200) {
      list.erase(list.begin());
      ++removed;
    }
  });

  const auto result = pipeline::run_fetch(config(), since_last(start_));
  SCOPED_TRACE(result.describe());
  EXPECT_EQ(removed, 3);
  EXPECT_EQ(api_.first_pages(), 3u);  // read three times, then kept as short
  ASSERT_EQ(result.types.size(), 1u);
  const auto& t = result.types[0];
  EXPECT_EQ(t.windows_short, 1u);
  EXPECT_TRUE(result.complete()) << "every order read was delivered";
  // The watermark stays at the window's start, so the next run reads the window again.
  ASSERT_TRUE(t.watermark_stored);
  EXPECT_EQ(*t.watermark_stored, start_);
  EXPECT_EQ(watermark(), start_);
  const std::string text = result.describe();
  EXPECT_NE(text.find("held at the start of 1 short window(s)"), std::string::npos) << text;
}

TEST_F(FetchScripted, AnOrderTooLargeForKafkaGoesToTheDeadLetterAndTheRunGoesOn) {
  auto list = orders(5);
  list[2] = scripted_order("1002", 1'200'000);  // > the 1 MB message limit below
  api_.set_orders(list);
  auto cfg = config();
  // The limit of a topic created with max.message.bytes=1000000, enforced by the producer.
  cfg.kafka.properties["message.max.bytes"] = "1000000";

  const auto result = pipeline::run_fetch(cfg, since_last(start_));
  SCOPED_TRACE(result.describe());
  EXPECT_TRUE(result.complete());
  ASSERT_EQ(result.types.size(), 1u);
  const auto& t = result.types[0];
  EXPECT_EQ(t.orders, 5u);
  EXPECT_EQ(t.acknowledged, 4u);
  EXPECT_EQ(t.dead_lettered, 1u);
  const std::string text = result.describe();
  EXPECT_NE(text.find("1 order(s) too large for Kafka"), std::string::npos) << text;
  EXPECT_NE(text.find("1002"), std::string::npos) << text;
  // The watermark moved past it.
  ASSERT_TRUE(t.watermark_stored);
  EXPECT_GT(*t.watermark_stored, start_ + kDayMs / 2);

  const auto keys = keys_in_kafka(4);
  EXPECT_EQ(keys, (std::set<std::string>{"1000", "1001", "1003", "1004"}));
  auto conn = mysql::Connection::open(db_->config());
  const auto rows = conn.query(
      "SELECT source, purchaseOrderId, error_class, error_message, source_topic, message_key, "
      "payload, account FROM walmart_order_dead_letter");
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r[0].value_or(""), "fetch:main:1002");
  EXPECT_EQ(r[1].value_or(""), "1002");
  EXPECT_EQ(r[2].value_or(""), "bad_record");
  EXPECT_NE(r[3].value_or("").find("too large"), std::string::npos) << r[3].value_or("");
  EXPECT_EQ(r[4].value_or(""), topic_);
  EXPECT_EQ(r[5].value_or(""), "1002");
  // Kept whole: exactly the message Kafka refused (the order as served + request_time).
  const auto split = split_request_time(r[6].value_or(""));
  ASSERT_TRUE(split);
  EXPECT_EQ(split->order_json, list[2].json);
  EXPECT_EQ(r[7].value_or("NULL"), "main") << "the dead letter names its seller";

  // The same run again, a second later (another request_time, so another payload): the order's
  // dead letter is updated, not doubled.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto again_request = since_last(start_);
  const auto again = pipeline::run_fetch(cfg, again_request);
  EXPECT_TRUE(again.complete()) << again.describe();
  const auto after = conn.query("SELECT source, account, payload FROM walmart_order_dead_letter");
  ASSERT_EQ(after.size(), 1u) << "one dead letter per account and order";
  EXPECT_EQ(after[0][0].value_or(""), "fetch:main:1002");
  EXPECT_EQ(after[0][1].value_or("NULL"), "main");
  EXPECT_NE(after[0][2].value_or(""), r[6].value_or(""))
      << "the row holds the newest fetch (its request_time)";
}

}  // namespace
}  // namespace etl::fetch_test

// OrderSink against the dev broker and the test database, without the API: every order produced
// is acknowledged through the listener on its own lane; an order too large for the producer's
// message.max.bytes is kept whole in walmart_order_dead_letter (one row per account and order,
// replaced when it comes again) and reported as dead-lettered, and the run's other orders go on;
// a dead letter that cannot be written is reported lost and named in finish().

#include "pipeline/fetch/order_sink.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/test_env.hpp"

namespace etl::pipeline {
namespace {

using namespace std::chrono_literals;

class Recorder final : public OrderSink::Listener {
 public:
  void acknowledged(size_t lane) override { acked[lane]++; }
  void not_acknowledged(size_t lane, const Error& /*why*/) override { failed[lane]++; }
  void dead_lettered(size_t lane) override { dead[lane]++; }
  void dead_letter_lost(size_t lane, std::string_view purchase_order_id,
                        std::string_view /*why*/) override {
    std::lock_guard lock(mutex);
    lost.emplace_back(std::to_string(lane) + ":" + std::string(purchase_order_id));
  }
  std::atomic<int> acked[2]{};
  std::atomic<int> failed[2]{};
  std::atomic<int> dead[2]{};
  std::mutex mutex;
  std::vector<std::string> lost;
};

std::string order_json(const std::string& id, size_t padding) {
  return R"({"purchaseOrderId":")" + id + R"(","note":")" + std::string(padding, 'x') + R"("})";
}

class OrderSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<test::ScopedDatabase>(test::test_mysql_config());
    ASSERT_TRUE(mysql::init_db(db_->config()).problems.empty());
    topic_ = fetch_test::random_name("sink");
    broker_ = fetch_test::start_broker(topic_, 2);
    kafka_.bootstrap_servers = {broker_->bootstraps()};
    kafka_.topic = topic_;
    kafka_.properties["message.max.bytes"] = "100000";  // the producer refuses larger orders
  }
  OrderSink::Settings settings(const config::MysqlConfig* mysql) const {
    return OrderSink::Settings{&kafka_, mysql, 20s, "main", "run-1", {"SellerFulfilled", "WFS"}};
  }
  int rows(const std::string& where) const {
    auto conn = mysql::Connection::open(db_->config());
    const auto r = conn.query("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE " + where);
    return std::stoi(*r.at(0).at(0));
  }

  std::unique_ptr<test::ScopedDatabase> db_;
  std::string topic_;
  std::unique_ptr<kafka::DevBroker> broker_;
  config::KafkaConfig kafka_;
};

TEST_F(OrderSinkTest, AcknowledgesEachLaneAndKeepsTooLargeOrdersInTheDeadLetter) {
  Recorder rec;
  OrderSink::Finish finished;
  {
    OrderSink sink(settings(&db_->config()), rec);
    for (int i = 0; i < 5; ++i) {
      const std::string id = std::to_string(1000 + i);
      EXPECT_FALSE(sink.produce(i % 2, id, order_json(id, 100), "2024-05-01 10:00:00"));
    }
    // Too large for message.max.bytes: kept for the dead letter, the run goes on.
    EXPECT_FALSE(sink.produce(1, "2000", order_json("2000", 150000), "2024-05-01 10:00:00"));
    EXPECT_FALSE(sink.write_dead_letters());
    EXPECT_EQ(rec.dead[1].load(), 1);
    // The same order again (another page, another request_time): still one row.
    EXPECT_FALSE(sink.produce(1, "2000", order_json("2000", 150000), "2024-05-01 11:00:00"));
    finished = sink.finish();
  }
  EXPECT_EQ(rec.acked[0].load(), 3);
  EXPECT_EQ(rec.acked[1].load(), 2);
  EXPECT_EQ(rec.failed[0].load() + rec.failed[1].load(), 0);
  EXPECT_EQ(rec.dead[1].load(), 2);
  EXPECT_EQ(rec.dead[0].load(), 0);
  EXPECT_TRUE(rec.lost.empty());
  EXPECT_FALSE(finished.lost);
  EXPECT_EQ(finished.undelivered, 0u);
  EXPECT_EQ(finished.dead_letters, 2u);
  EXPECT_EQ(finished.dead_letter_ids, (std::vector<std::string>{"2000", "2000"}));
  EXPECT_NE(finished.kafka.find(topic_), std::string::npos) << finished.kafka;
  EXPECT_EQ(rows("source = 'fetch:main:2000'"), 1) << "one row per account and order";
  EXPECT_EQ(rows("source = 'fetch:main:2000' AND purchaseOrderId = 2000 AND account = 'main' AND "
                 "error_class = 'bad_record' AND error_message LIKE '%too large for Kafka%' AND "
                 "error_message LIKE '%ship node type WFS)%' AND "
                 "payload LIKE '%2024-05-01 11:00:00%'"),
            1);
  const auto messages = fetch_test::read_topic(kafka_, topic_, 5, 30s);
  EXPECT_EQ(messages.size(), 5u);
  for (const auto& m : messages) {
    EXPECT_EQ(m.headers.at("account"), "main");
    EXPECT_EQ(m.headers.at("run_id"), "run-1");
    EXPECT_EQ(m.headers.at("ship_node_type"),
              std::stoi(m.key) % 2 == 0 ? "SellerFulfilled" : "WFS");
  }
}

TEST_F(OrderSinkTest, ADeadLetterThatCannotBeWrittenIsReportedLost) {
  config::MysqlConfig unreachable = db_->config();
  unreachable.port = 1;  // nothing listens there
  Recorder rec;
  OrderSink sink(settings(&unreachable), rec);
  EXPECT_FALSE(sink.produce(0, "3000", order_json("3000", 150000), "2024-05-01 10:00:00"));
  const auto lost = sink.write_dead_letters();
  ASSERT_TRUE(lost);
  EXPECT_NE(lost->find("1 order(s) too large for Kafka could not be written"), std::string::npos)
      << *lost;
  ASSERT_EQ(rec.lost.size(), 1u);
  EXPECT_EQ(rec.lost[0], "0:3000");
  EXPECT_EQ(rec.dead[0].load(), 0);
  const auto finished = sink.finish();
  EXPECT_FALSE(finished.lost) << "nothing left to write";
  EXPECT_EQ(finished.dead_letters, 0u);
}

}  // namespace
}  // namespace etl::pipeline

// PendingBatch with real consumed messages (the dev broker; no database): each message's orders
// under its account, or one dead letter (no account and no default, not JSON); the weight; the
// next offset of every partition, fenced on what MySQL holds; dropping a partition; clear.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "order/message_format.hpp"
#include "pipeline/stream/batch.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::pipeline {
namespace {

using namespace std::chrono_literals;

struct Outgoing {
  int32_t partition;
  std::string key;
  std::string value;
  std::optional<std::string> account;  // the `account` header
};

// Produces `out` to a fresh two-partition topic and consumes it back, in partition and offset
// order. The consumer outlives the messages (destroying its handle waits for them).
class Consumed {
 public:
  explicit Consumed(const std::vector<Outgoing>& out)
      : broker_({1, {{topic_, 2}}}), cfg_(kafka::test::config_for(broker_)) {
    {
      kafka::Producer producer(cfg_);
      for (const auto& o : out) {
        std::vector<kafka::HeaderView> headers;
        if (o.account) headers.push_back({order::kHeaderAccount, *o.account});
        EXPECT_FALSE(
            producer.produce(kafka::OutgoingMessage(topic_, o.key, o.value, headers, o.partition)));
      }
      EXPECT_EQ(producer.flush(10s).undelivered, 0u);
    }
    kafka::ConsumerOptions options;
    options.client.group_id = kafka::test::random_topic("pending-batch");
    consumer_ = std::make_unique<kafka::Consumer>(cfg_, options);
    kafka::Consumer& consumer = *consumer_;
    consumer.assign(
        {{topic_, 0, RD_KAFKA_OFFSET_BEGINNING}, {topic_, 1, RD_KAFKA_OFFSET_BEGINNING}});
    EXPECT_TRUE(kafka::test::wait_until(
        30s, [&] { return messages.size() == out.size(); },
        [&] {
          auto m = consumer.poll(100ms);
          if (m && !m->is_error()) messages.push_back(std::move(*m));
        }));
    std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) {
      return std::pair(a.partition(), a.offset()) < std::pair(b.partition(), b.offset());
    });
  }
  ~Consumed() {
    messages.clear();
    consumer_->close();
  }
  Consumed(const Consumed&) = delete;
  Consumed& operator=(const Consumed&) = delete;
  [[nodiscard]] const std::string& topic() const { return topic_; }

 private:
  std::string topic_ = kafka::test::random_topic("pending");
  kafka::DevBroker broker_;
  config::KafkaConfig cfg_;
  std::unique_ptr<kafka::Consumer> consumer_;

 public:
  std::vector<kafka::Message> messages;  // destroyed before the consumer
};

std::string order(int64_t id, size_t lines) {
  std::vector<test::sink::LineSpec> specs(lines);
  for (size_t i = 0; i < lines; ++i) specs[i].line = static_cast<int>(i + 1);
  return test::sink::order_json(id, specs);
}

TEST(PendingBatch, OrdersDeadLettersWeightAndFencedOffsets) {
  Consumed c({{0, "1", order(1, 2), "a"},
              {0, "2", order(2, 1), std::nullopt},  // no account, no default: dead letter
              {1, "x", "not json", "a"},            // not an order: dead letter
              {1, "3", order(3, 1), "b"}});
  ASSERT_EQ(c.messages.size(), 4u);
  order::OrderMapper mapper;
  PendingBatch batch("group", c.topic());
  EXPECT_TRUE(batch.empty());
  for (const auto& m : c.messages) batch.add(m, mapper);

  EXPECT_EQ(batch.messages(), 4u);
  EXPECT_EQ(batch.weight(), 2u + 1 + 1 + 1) << "lines, and one per dead letter";
  ASSERT_EQ(batch.contents().orders.size(), 2u);
  EXPECT_EQ(batch.contents().orders[0].origin.account, "a");
  EXPECT_EQ(batch.contents().orders[1].origin.account, "b");
  EXPECT_EQ(batch.contents().orders[0].source_file, std::string(kStreamSourceFile));
  ASSERT_EQ(batch.contents().dead_letters.size(), 2u);
  EXPECT_EQ(batch.contents().dead_letters[0].origin.source, record_source(c.topic(), 0, 1));
  EXPECT_EQ(batch.contents().dead_letters[1].origin.source, record_source(c.topic(), 1, 0));
  EXPECT_EQ(batch.next_offsets(), (std::map<int32_t, int64_t>{{0, 2}, {1, 2}}));
  EXPECT_TRUE(batch.covers(0));
  EXPECT_EQ(std::count_if(batch.entries().begin(), batch.entries().end(),
                          [](const PendingMessage& e) { return e.dead_letter; }),
            2);

  const mysql::WriteBatch& w = batch.write_batch({{0, 7}});
  ASSERT_EQ(w.offsets.size(), 2u);
  EXPECT_EQ(w.offsets[0].consumer_group, "group");
  EXPECT_EQ(w.offsets[0].partition, 0);
  EXPECT_EQ(w.offsets[0].next_offset, 2);
  EXPECT_EQ(w.offsets[0].expected_stored, 7);
  EXPECT_EQ(w.offsets[1].partition, 1);
  EXPECT_EQ(w.offsets[1].expected_stored, std::nullopt) << "no row yet";

  EXPECT_EQ(batch.drop_partitions({1, 5}), 2u);
  EXPECT_FALSE(batch.covers(1));
  EXPECT_EQ(batch.weight(), 3u);
  EXPECT_EQ(batch.contents().orders.size(), 1u);
  EXPECT_EQ(batch.contents().dead_letters.size(), 1u);
  EXPECT_EQ(batch.drop_partitions({1}), 0u) << "nothing left of it";

  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.weight(), 0u);
  EXPECT_TRUE(batch.next_offsets().empty());
}

TEST(PendingBatch, TheDefaultAccountTakesMessagesWithoutOne) {
  Consumed c({{0, "2", order(2, 1), std::nullopt}});
  ASSERT_EQ(c.messages.size(), 1u);
  order::OrderMapper mapper;
  PendingBatch batch("group", c.topic(), "main");
  batch.add(c.messages[0], mapper);
  ASSERT_EQ(batch.contents().orders.size(), 1u);
  EXPECT_EQ(batch.contents().orders[0].origin.account, "main");
  EXPECT_TRUE(batch.contents().dead_letters.empty());
}

}  // namespace
}  // namespace etl::pipeline

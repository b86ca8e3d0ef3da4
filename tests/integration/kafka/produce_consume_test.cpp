// Integration: a producer delivers messages with keys and headers to the mock cluster over TCP and
// a consumer reads back exactly the same bytes, keys and headers; watermarks match.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <map>
#include <set>

#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::random_topic;

// Deterministic binary-ish payload: every byte value including NUL, varying lengths up to 8 KB.
std::string payload_for(int i) {
  std::string v(static_cast<size_t>((i * 7919) % 8192 + 1), '\0');
  for (size_t j = 0; j < v.size(); ++j) v[j] = static_cast<char>((i + j * 31) & 0xff);
  return v;
}

TEST(ProduceConsume, DeliversKeysValuesAndHeadersExactly) {
  const std::string topic = random_topic("pc");
  DevBroker broker({1, {{topic, 3}}});
  const auto cfg = config_for(broker);
  constexpr int kCount = 600;

  std::atomic<int> global_reports{0};
  ProducerOptions popts;
  popts.on_delivery = [&](const DeliveryReport&) { ++global_reports; };
  Producer producer(cfg, popts);

  std::map<std::string, std::pair<int32_t, int64_t>> acked;  // key -> partition, offset
  int failed = 0;
  for (int i = 0; i < kCount; ++i) {
    const std::string key = fmt::format("PO-{:06}", i);
    const std::string value = payload_for(i);
    const std::string ship = i % 3 == 0 ? "SellerFulfilled" : "WFSFulfilled";
    const std::array<HeaderView, 3> headers{
        {{"account", "main"}, {"ship_node_type", ship}, {"run_id", "run-42"}}};
    const auto err = producer.produce(
        {topic, key, value, headers}, [&acked, &failed, key](const DeliveryReport& r) {
          EXPECT_EQ(r.key, key);  // the report belongs to this message
          if (r.acknowledged()) {
            acked[key] = {r.partition, r.offset};
          } else {
            ++failed;
          }
        });
    ASSERT_FALSE(err.has_value()) << err->message;
  }
  const FlushResult flushed = producer.flush(30s);
  ASSERT_TRUE(flushed.complete()) << flushed.describe();
  EXPECT_EQ(flushed.counters.acknowledged, static_cast<uint64_t>(kCount));
  EXPECT_EQ(global_reports.load(), kCount);
  EXPECT_EQ(failed, 0);
  ASSERT_EQ(acked.size(), static_cast<size_t>(kCount));

  const auto read = test::read_all(cfg, topic, 3, kCount, 30s);
  ASSERT_EQ(read.size(), static_cast<size_t>(kCount));
  std::set<std::string> seen;
  for (const auto& m : read) {
    ASSERT_TRUE(seen.insert(m.key).second) << "duplicate " << m.key;
    const int i = std::stoi(m.key.substr(3));
    EXPECT_EQ(m.value, payload_for(i)) << m.key;
    const auto& [partition, offset] = acked.at(m.key);
    EXPECT_EQ(m.partition, partition) << m.key;
    EXPECT_EQ(m.offset, offset) << m.key;
    const std::vector<std::pair<std::string, std::string>> want{
        {"account", "main"},
        {"ship_node_type", i % 3 == 0 ? "SellerFulfilled" : "WFSFulfilled"},
        {"run_id", "run-42"}};
    EXPECT_EQ(m.headers, want) << m.key;
  }

  // Watermarks: low 0, high = messages per partition; same through any client type.
  AdminClient admin(cfg);
  std::map<int32_t, int64_t> per_partition;
  for (const auto& m : read) ++per_partition[m.partition];
  const auto marks = admin.all_watermarks(topic, 10s);
  ASSERT_EQ(marks.size(), 3u);
  for (const auto& w : marks) {
    EXPECT_EQ(w.low, 0) << w.partition;
    EXPECT_EQ(w.high, per_partition[w.partition]) << w.partition;
    const Watermarks again = query_watermarks(producer.native(), topic, w.partition, 10s);
    EXPECT_EQ(again.high, w.high);
  }
}

TEST(ProduceConsume, SameKeyGoesToSamePartitionAndEmptyKeyIsNull) {
  const std::string topic = random_topic("keys");
  DevBroker broker({1, {{topic, 4}}});
  const auto cfg = config_for(broker);
  Producer producer(cfg);
  std::set<int32_t> partitions_of_a;
  for (int i = 0; i < 20; ++i) {
    ASSERT_FALSE(
        producer.produce({topic, "same-key", fmt::format("v{}", i)},
                         [&](const DeliveryReport& r) { partitions_of_a.insert(r.partition); }));
  }
  ASSERT_FALSE(producer.produce({topic, "", "no key"}));
  ASSERT_TRUE(producer.flush(30s).complete());
  EXPECT_EQ(partitions_of_a.size(), 1u);

  const auto read = test::read_all(cfg, topic, 4, 21, 30s);
  ASSERT_EQ(read.size(), 21u);
  // Order within a partition is the produce order.
  int next = 0;
  for (const auto& m : read) {
    if (m.key == "same-key") {
      EXPECT_EQ(m.value, fmt::format("v{}", next++));
    }
  }
  EXPECT_EQ(next, 20);
}

TEST(ProduceConsume, TooLargeMessageIsABadRecordNotEnqueued) {
  const std::string topic = random_topic("big");
  DevBroker broker({1, {{topic, 1}}});
  Producer producer(config_for(broker, {{"message.max.bytes", "100000"}}));
  const std::string big(200000, 'x');
  const auto err = producer.produce({topic, "k", big});
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->cls, ErrorClass::bad_record) << err->message;
  EXPECT_EQ(producer.counters().enqueued, 0u);
  EXPECT_TRUE(producer.flush(5s).complete());
}

}  // namespace
}  // namespace etl::kafka

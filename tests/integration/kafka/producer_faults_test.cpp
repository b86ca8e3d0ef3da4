// Integration: the idempotent producer against a failing mock cluster. Broker down for a while ->
// nothing lost or doubled; broker gone for good -> flush says how many were not delivered and
// why; a full local queue -> backpressure, then a retriable error after the timeout.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "kafka/producer.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::random_topic;
using test::wait_until;

void produce_range(Producer& producer, const std::string& topic, int from, int to) {
  for (int i = from; i < to; ++i) {
    const std::string key = fmt::format("PO-{:06}", i);
    const auto err = producer.produce({topic, key, fmt::format("{{\"order\":{}}}", i)});
    ASSERT_FALSE(err.has_value()) << err->message;
  }
}

void expect_exactly_once(const config::KafkaConfig& cfg, const std::string& topic, int partitions,
                         int count) {
  const auto read = test::read_all(cfg, topic, partitions, static_cast<size_t>(count), 60s);
  std::map<std::string, int> times;
  for (const auto& m : read) ++times[m.key];
  EXPECT_EQ(read.size(), static_cast<size_t>(count)) << "messages in the topic";
  EXPECT_EQ(times.size(), static_cast<size_t>(count)) << "distinct keys";
  for (const auto& [key, n] : times) EXPECT_EQ(n, 1) << key << " appears " << n << " times";
  // Offsets contiguous per partition: no gaps, no duplicates written by retries.
  std::map<int32_t, std::vector<int64_t>> offsets;
  for (const auto& m : read) offsets[m.partition].push_back(m.offset);
  for (auto& [p, list] : offsets) {
    std::sort(list.begin(), list.end());
    for (size_t i = 0; i < list.size(); ++i)
      EXPECT_EQ(list[i], static_cast<int64_t>(i)) << "partition " << p;
  }
}

TEST(ProducerFaults, BrokerDownForAWhileThenUpLosesAndDoublesNothing) {
  const std::string topic = random_topic("down-up");
  DevBroker broker({1, {{topic, 3}}});
  const auto cfg = config_for(broker);
  Producer producer(cfg);

  produce_range(producer, topic, 0, 300);
  ASSERT_TRUE(producer.flush(30s).complete());

  broker.set_broker_down();
  produce_range(producer, topic, 300, 600);  // queued while the broker is unreachable
  ASSERT_TRUE(wait_until(
      30s, [&] { return producer.status().all_brokers_down(); }, [&] { producer.poll(100ms); }))
      << "the producer never noticed the broker was down";
  EXPECT_EQ(producer.counters().acknowledged, 300u);

  broker.set_broker_up();
  produce_range(producer, topic, 600, 900);
  const FlushResult r = producer.flush(60s);
  ASSERT_TRUE(r.complete()) << r.describe();
  EXPECT_EQ(r.counters.acknowledged, 900u);
  expect_exactly_once(cfg, topic, 3, 900);
}

TEST(ProducerFaults, RetriableProduceErrorsAreRetriedWithoutLossOrDuplicates) {
  // Slow responses, a leadership error and a dropped connection on Produce requests: librdkafka
  // retries, every message is acknowledged once and written once.
  // Not covered here: a batch written but whose response is lost (client timeout, then retry).
  // A real broker drops the retried copy by producer id + sequence (idempotence); librdkafka
  // 2.0.2's mock cluster does NOT (measured: with socket.timeout.ms below an injected RTT it
  // stores the batch twice, idempotence on or off), so that guarantee cannot be shown on it.
  const std::string topic = random_topic("retry");
  DevBroker broker({1, {{topic, 1}}});
  const auto cfg = config_for(broker, {{"linger.ms", "0"}});
  Producer producer(cfg);
  produce_range(producer, topic, 0, 10);
  ASSERT_TRUE(producer.flush(30s).complete());

  // The next Produce response is delayed by 1.5 s (below socket.timeout.ms: no resend).
  ASSERT_EQ(rd_kafka_mock_broker_push_request_error_rtts(broker.native(), 1,
                                                         static_cast<int16_t>(ApiKey::produce), 1,
                                                         RD_KAFKA_RESP_ERR_NO_ERROR, 1500),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  produce_range(producer, topic, 10, 100);
  FlushResult r = producer.flush(60s);
  ASSERT_TRUE(r.complete()) << r.describe();
  size_t left = 99;
  ASSERT_EQ(rd_kafka_mock_broker_error_stack_cnt(broker.native(), 1,
                                                 static_cast<int16_t>(ApiKey::produce), &left),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(left, 0u) << "the slow response was not injected";

  // Then a leadership error and a dropped connection (neither writes the batch).
  broker.push_request_errors(
      ApiKey::produce, {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR__TRANSPORT,
                        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT});
  produce_range(producer, topic, 100, 200);
  r = producer.flush(60s);
  ASSERT_TRUE(r.complete()) << r.describe();
  EXPECT_EQ(r.counters.failed, 0u);
  expect_exactly_once(cfg, topic, 1, 200);
}

TEST(ProducerFaults, BrokerGoneForGoodFlushReportsUndeliveredAndWhy) {
  const std::string topic = random_topic("gone");
  DevBroker broker({1, {{topic, 2}}});
  Producer producer(config_for(broker));
  produce_range(producer, topic, 0, 1);
  ASSERT_TRUE(producer.flush(30s).complete());

  broker.set_broker_down();
  int failed_reports = 0;
  for (int i = 0; i < 50; ++i) {
    ASSERT_FALSE(
        producer.produce({topic, fmt::format("k{}", i), "v"}, [&](const DeliveryReport& d) {
          EXPECT_FALSE(d.acknowledged());
          ++failed_reports;
        }));
  }
  const FlushResult r = producer.flush(3s);
  EXPECT_FALSE(r.complete());
  EXPECT_EQ(r.undelivered, 50u);
  EXPECT_EQ(r.counters.acknowledged, 1u);
  ASSERT_TRUE(r.last_client_error.has_value());
  const std::string why = r.describe();
  EXPECT_NE(why.find("50 of 51 messages not acknowledged: 50 undelivered"), std::string::npos)
      << why;
  EXPECT_NE(why.find("last client error"), std::string::npos) << why;

  // Giving up: every undelivered message gets its failed report before purge returns.
  EXPECT_EQ(producer.purge_undelivered(), 50u);
  EXPECT_EQ(failed_reports, 50);
  EXPECT_EQ(producer.counters().failed, 50u);
  EXPECT_EQ(producer.counters().pending(), 0u);
  const auto failures = producer.failures();
  ASSERT_FALSE(failures.empty());
  uint64_t purged = 0;
  for (const auto& [code, f] : failures) {
    EXPECT_TRUE(code == RD_KAFKA_RESP_ERR__PURGE_QUEUE || code == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
        << f.example.message;
    purged += f.count;
  }
  EXPECT_EQ(purged, 50u);
}

TEST(ProducerFaults, MessageTimeoutFailsEachMessageWithItsError) {
  const std::string topic = random_topic("timeout");
  DevBroker broker({1, {{topic, 1}}});
  Producer producer(config_for(broker, {{"message.timeout.ms", "1500"}}));
  produce_range(producer, topic, 0, 1);
  ASSERT_TRUE(producer.flush(30s).complete());
  broker.set_broker_down();
  std::vector<std::string> errors;
  for (int i = 0; i < 10; ++i) {
    ASSERT_FALSE(
        producer.produce({topic, fmt::format("k{}", i), "v"}, [&](const DeliveryReport& d) {
          ASSERT_TRUE(d.error.has_value());
          errors.push_back(d.error->message);
          EXPECT_EQ(d.error->code, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) << d.error->message;
          EXPECT_EQ(d.error->cls, ErrorClass::retriable);
        }));
  }
  const FlushResult r = producer.flush(30s);
  EXPECT_EQ(r.undelivered, 0u);
  EXPECT_EQ(r.counters.failed, 10u);
  EXPECT_EQ(errors.size(), 10u);
  EXPECT_EQ(r.failures.at(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT).count, 10u);
  EXPECT_NE(r.describe().find("10 failed"), std::string::npos) << r.describe();
}

TEST(ProducerFaults, FullQueueAppliesBackpressureThenGivesUpRetriably) {
  const std::string topic = random_topic("queue");
  DevBroker broker({1, {{topic, 1}}});
  const auto cfg = config_for(broker, {{"queue.buffering.max.messages", "10"}});

  {  // Broker up: a tiny queue only slows produce() down; everything is accepted and delivered.
    Producer producer(cfg);
    produce_range(producer, topic, 0, 500);
    ASSERT_TRUE(producer.flush(30s).complete());
  }

  ProducerOptions options;
  options.queue_full_timeout = 300ms;
  Producer producer(cfg, options);
  produce_range(producer, topic, 500, 501);
  ASSERT_TRUE(producer.flush(30s).complete());
  broker.set_broker_down();
  produce_range(producer, topic, 501, 511);  // fills the queue
  const auto start = std::chrono::steady_clock::now();
  const auto err = producer.produce({topic, "one-too-many", "v"});
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->cls, ErrorClass::retriable) << err->message;
  EXPECT_EQ(err->code, RD_KAFKA_RESP_ERR__QUEUE_FULL);
  EXPECT_NE(err->message.find("stayed full"), std::string::npos) << err->message;
  EXPECT_GE(waited, 300ms);
  EXPECT_EQ(producer.counters().pending(), 10u);

  broker.set_broker_up();
  const FlushResult r = producer.flush(60s);
  ASSERT_TRUE(r.complete()) << r.describe();
  expect_exactly_once(cfg, topic, 1, 511);
}

}  // namespace
}  // namespace etl::kafka

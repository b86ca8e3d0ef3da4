// Integration: the stream's watermark queries (their own thread and client) against the mock
// cluster. The caller's waits are bounded whatever the broker does: an answer from a live
// leader; with the brokers down, ask() gives up at its timeout (and at once while an earlier
// query is still stuck), request()/latest() never wait, and destroying the object returns within
// kAbandonAfter; once the brokers are back, a new query succeeds again.

#include "pipeline/stream/watermark_queries.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/kafka/kafka_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using kafka::test::config_for;
using kafka::test::random_topic;

// Slack for a loaded 2-core machine on top of the waits under test.
constexpr auto kSlack = 1500ms;

TEST(WatermarkQueries, AnswersFromTheLeader) {
  const std::string topic = random_topic("wm");
  kafka::DevBroker broker({1, {{topic, 2}}});
  WatermarkQueries q(config_for(broker), topic);
  const kafka::Watermarks w = q.ask(1, 10s);
  EXPECT_EQ(w.partition, 1);
  EXPECT_EQ(w.low, 0);
  EXPECT_EQ(w.high, 0);
  EXPECT_TRUE(q.last_success().has_value());

  EXPECT_FALSE(q.latest(0).has_value());
  q.request(0);
  const auto until = Clock::now() + 10s;
  while (!q.latest(0) && Clock::now() < until) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(q.latest(0).has_value());
  ASSERT_TRUE(q.latest(0)->watermarks.has_value()) << q.latest(0)->error->describe();
  EXPECT_EQ(q.latest(0)->watermarks->high, 0);
}

TEST(WatermarkQueries, WaitsAreBoundedWhileTheBrokersAreDownAndAnswersResumeAfter) {
  const std::string topic = random_topic("wm-down");
  kafka::DevBroker broker({1, {{topic, 2}}});
  auto q = std::make_unique<WatermarkQueries>(config_for(broker), topic);
  (void)q->ask(0, 10s);  // connected, metadata known
  const auto before = q->last_success();
  ASSERT_TRUE(before.has_value());

  broker.set_broker_down();
  std::this_thread::sleep_for(500ms);
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    try {
      (void)q->ask(0, 1s);
    } catch (const EtlError& e) {
      EXPECT_TRUE(e.error().retriable()) << e.error().describe();
    }
    EXPECT_LE(Clock::now() - t0, 1s + kSlack) << "ask() waited past its timeout (try " << i << ")";
  }
  // Posting and reading never wait on the broker.
  const auto t0 = Clock::now();
  for (int i = 0; i < 100; ++i) {
    q->request(i % 2);
    (void)q->latest(i % 2);
  }
  EXPECT_LE(Clock::now() - t0, 200ms);

  broker.set_broker_up();
  bool answered = false;
  const auto until = Clock::now() + 90s;
  while (!answered && Clock::now() < until) {
    q->request(1);
    std::this_thread::sleep_for(200ms);
    const auto ok = q->last_success();
    answered = ok && *ok > *before;
  }
  EXPECT_TRUE(answered) << "no watermark answer after the brokers came back";

  // Destroying it while a query may be stuck returns within kAbandonAfter.
  broker.set_broker_down();
  q->request(0);
  std::this_thread::sleep_for(200ms);
  const auto d0 = Clock::now();
  q.reset();
  EXPECT_LE(Clock::now() - d0, WatermarkQueries::kAbandonAfter + kSlack);
}

}  // namespace
}  // namespace etl::pipeline

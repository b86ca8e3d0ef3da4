// The stream on Kafka 4's consumer group protocol (KIP-848, kafka.group_protocol: consumer): the
// broker computes the assignment and hands partitions over incrementally through heartbeats, and
// the stream's rebalance callbacks (incremental assign/unassign, pause/resume, offsets committed
// in the MySQL transaction) run unchanged. Two `stream` processes of one group on the shared
// Apache Kafka broker while a paced `fetch` adds orders; one is SIGKILLed after it has written
// (its partitions stay with the dead member until the broker's group.consumer.session.timeout.ms,
// 45 s by default, expires) and started again. At the end the tables hold every order exactly
// once and the stored offsets are the end offsets.

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

size_t count_of(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// The process was given partitions and handed them to its workers.
bool holds_partitions(const std::string& err) {
  return err.find("assigned: ") != std::string::npos && err.find("-> worker") != std::string::npos;
}

TEST(RealKafkaGroupProtocol, ConsumerProtocolTwoStreamsOneKilledAndRestartedEndExact) {
  const auto data = sim_data(3, 400, 83);
  auto w = real_world(shared_kafka().bootstrap, data);
  const auto expected = expected_orders(*w, data);
  create_topic(w->bootstrap, w->topic, 6,
               {{"retention.ms", "604800000"}, {"max.message.bytes", "10485760"}});
  const std::map<std::string, std::string> stream_env{
      {"WALMART_ETL_KAFKA__GROUP_PROTOCOL", "consumer"},
      {"WALMART_ETL_STREAM__BATCH_SIZE", "50"},
      {"WALMART_ETL_STREAM__BATCH_INTERVAL_MS", "100"}};

  auto steady = w->start("stream-steady", {"stream"}, stream_env);
  auto fetch = w->start(
      "fetch", fetch_range(),
      {{"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "40"}, {"WALMART_ETL_FETCH__CONCURRENCY", "1"}});
  const std::string orders = "SELECT COUNT(*) FROM walmart_order_raw";

  // The second member joins, the broker moves partitions to it, and it writes.
  auto victim = w->start("stream-killed", {"stream"}, stream_env);
  const int64_t before = e2e::query_count(w->db(), orders);
  ASSERT_TRUE(e2e::eventually(
      [&] { return holds_partitions(victim->err()) && e2e::query_count(w->db(), orders) > before; },
      90s))
      << victim->describe() << steady->describe();
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(fetch->running())
      << "orders stopped arriving before the kill; pace the fetch slower\n"
      << fetch->describe();
  EXPECT_EQ(victim->kill9(), 128 + 9);
  std::printf("killed: %lld orders in MySQL\n",
              static_cast<long long>(e2e::query_count(w->db(), orders)));

  // Started again: a new member of the same group, given partitions by the broker.
  auto restarted = w->start("stream-restarted", {"stream"}, stream_env);
  ASSERT_TRUE(e2e::eventually([&] { return holds_partitions(restarted->err()); }, 120s))
      << restarted->describe() << steady->describe();

  const auto fetched = fetch->wait(300s);
  ASSERT_EQ(fetched, std::optional<int>(0)) << fetch->describe();
  EXPECT_EQ(messages_in(w->bootstrap, w->topic), static_cast<int64_t>(expected.size()));

  // The dead member's partitions come back after the broker's session timeout; then both
  // members write the rest.
  ASSERT_TRUE(e2e::eventually([&] { return check_mysql_exact(*w, expected).empty(); }, 240s))
      << check_mysql_exact(*w, expected) << steady->describe() << restarted->describe();
  EXPECT_EQ(restarted->stop(60s), 0) << restarted->describe();
  EXPECT_EQ(steady->stop(60s), 0) << steady->describe();
  EXPECT_TRUE(check_mysql_exact(*w, expected).empty()) << check_mysql_exact(*w, expected);

  // The protocol really was KIP-848 (librdkafka says so once per consumer), and partitions
  // really moved: the steady member gave some away when the others joined and got some back.
  for (const auto* p : {steady.get(), restarted.get()}) {
    EXPECT_NE(p->err().find("KIP-848 Consumer Group Protocol"), std::string::npos) << p->describe();
  }
  EXPECT_GE(count_of(steady->err(), "revoked: "), 1u) << steady->describe();
  EXPECT_GE(count_of(steady->err(), "assigned: "), 2u) << steady->describe();
}

}  // namespace
}  // namespace etl::kafka_real

// Two `stream` processes of one group on the shared Apache Kafka broker, real cooperative-sticky
// rebalancing by the broker's group coordinator, while a paced `fetch` keeps adding orders: one
// process stays up; the other is killed (SIGKILL: its partitions move after the session times
// out) or stopped (SIGTERM: an orderly hand-over) and started again, four times. At the end the
// tables hold every order exactly once and the stored offsets are the end offsets. The mock
// cluster's group coordinator is a simplification (fixed 3 s first join, its own rebalance
// rules); a real one decides when partitions move here.

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

TEST(RealKafkaRebalance, TwoStreamsOneRestartedRepeatedlyWhileOrdersArriveEndExact) {
  const auto data = sim_data(3, 400, 71);
  auto w = real_world(shared_kafka().bootstrap, data);
  const auto expected = expected_orders(*w, data);
  // The topic first, so both streams can subscribe before any order exists.
  create_topic(w->bootstrap, w->topic, 6,
               {{"retention.ms", "604800000"}, {"max.message.bytes", "10485760"}});
  const std::map<std::string, std::string> small_batches{
      {"WALMART_ETL_STREAM__BATCH_SIZE", "50"}, {"WALMART_ETL_STREAM__BATCH_INTERVAL_MS", "100"}};

  auto steady = w->start("stream-steady", {"stream"}, small_batches);
  auto fetch = w->start(
      "fetch", fetch_range(),
      {{"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "60"}, {"WALMART_ETL_FETCH__CONCURRENCY", "1"}});
  const std::string orders = "SELECT COUNT(*) FROM walmart_order_raw";
  for (int round = 0; round < 4; ++round) {
    auto restarted =
        w->start("stream-restarted-" + std::to_string(round), {"stream"}, small_batches);
    const int64_t before = e2e::query_count(w->db(), orders);
    // Joined, given partitions, and writing alongside the steady one.
    ASSERT_TRUE(e2e::eventually(
        [&] {
          return restarted->err().find("assigned: ") != std::string::npos &&
                 e2e::query_count(w->db(), orders) > before;
        },
        60s))
        << restarted->describe() << steady->describe();
    std::this_thread::sleep_for(1s);
    ASSERT_TRUE(fetch->running()) << "orders stopped arriving before round " << round
                                  << "; pace the fetch slower\n"
                                  << fetch->describe();
    if (round % 2 == 0) {
      EXPECT_EQ(restarted->kill9(), 128 + 9);
    } else {
      EXPECT_EQ(restarted->stop(60s), 0) << restarted->describe();
    }
    std::printf("round %d: %lld orders in MySQL, fetch %s\n", round,
                static_cast<long long>(e2e::query_count(w->db(), orders)),
                fetch->running() ? "running" : "done");
  }
  const auto fetched = fetch->wait(240s);
  ASSERT_EQ(fetched, std::optional<int>(0)) << fetch->describe();
  EXPECT_EQ(messages_in(w->bootstrap, w->topic), static_cast<int64_t>(expected.size()));

  // The steady stream takes every partition back and writes the rest.
  ASSERT_TRUE(e2e::eventually([&] { return check_mysql_exact(*w, expected).empty(); }, 180s))
      << check_mysql_exact(*w, expected) << steady->describe();
  EXPECT_EQ(steady->stop(60s), 0) << steady->describe();
  // Partitions really moved: the steady member was given partitions more than once, and gave
  // some back (revoked) when the other joined.
  EXPECT_GE(count_of(steady->err(), "assigned: "), 3u) << steady->describe();
  EXPECT_GE(count_of(steady->err(), "revoked: "), 1u) << steady->describe();
}

}  // namespace
}  // namespace etl::kafka_real

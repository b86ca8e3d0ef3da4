// The broker killed with SIGKILL and started again, on a private Apache Kafka broker of this test
// (scripts/kafka-local.sh in the test's own directory and ports: killing the shared broker would
// break the tests running beside it). The mock cluster cannot show this: it has no on-disk log
// that survives its process, and its "broker down" keeps the partitions' data in memory.
//  - during `fetch`: fetch either completes, or exits 1 and a re-run completes; the idempotent
//    producer's retries across the restart add no duplicate message when it completed; the
//    stream then writes every order exactly once.
//  - during `stream`: the stream reconnects, re-joins its group and ends with every order exactly
//    once in MySQL and its stored offsets at the end of every partition; it stops with exit 0.

#include <gtest/gtest.h>

#include <thread>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

int64_t messages_or_zero(const std::string& bootstrap, const std::string& topic) {
  try {
    return messages_in(bootstrap, topic);
  } catch (const std::exception&) {
    return 0;  // not created yet
  }
}

TEST(RealKafkaBrokerCrash, SigkillOfTheBrokerDuringFetchLosesAndDoublesNothing) {
  const auto data = sim_data(3, 400, 51);
  PrivateBroker broker;
  auto w = real_world(broker.bootstrap(), data);
  const auto expected = expected_orders(*w, data);

  // Paced (one window at a time, 4 requests a second) so the kill lands in the middle.
  auto fetch = w->start("fetch-1", fetch_range(),
                        with_partitions(3, {{"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "240"},
                                            {"WALMART_ETL_FETCH__CONCURRENCY", "1"}}));
  int64_t before = 0;
  ASSERT_TRUE(e2e::eventually(
      [&] { return (before = messages_or_zero(broker.bootstrap(), w->topic)) >= 150; }, 120s))
      << fetch->describe();
  ASSERT_TRUE(fetch->running()) << "fetch ended before the kill; pace it slower\n"
                                << fetch->describe();
  broker.kill9();
  std::this_thread::sleep_for(2s);
  broker.start();
  const int64_t after_restart = messages_in(broker.bootstrap(), w->topic);
  EXPECT_GE(after_restart, before) << "acknowledged messages were lost by the broker restart";

  const auto code = fetch->wait(240s);
  ASSERT_TRUE(code.has_value()) << fetch->describe();
  std::printf("broker killed at %lld messages; fetch exit code %d\n",
              static_cast<long long>(before), *code);
  if (*code == 0) {
    EXPECT_NE(fetch->out().find("result: complete"), std::string::npos) << fetch->describe();
    // Retries across the restart were de-duplicated by the broker (idempotent producer).
    EXPECT_EQ(messages_in(broker.bootstrap(), w->topic), static_cast<int64_t>(expected.size()));
  } else {
    ASSERT_EQ(*code, 1) << fetch->describe();
    auto again = w->run(fetch_range(), with_partitions(3), 180s);
    ASSERT_EQ(again.exit_code, 0) << e2e::describe(again);
  }
  auto stream = w->run({"stream", "--until-idle"}, {}, 180s);
  ASSERT_EQ(stream.exit_code, 0) << e2e::describe(stream);
  EXPECT_EQ(check_mysql_exact(*w, expected), "");
}

TEST(RealKafkaBrokerCrash, SigkillOfTheBrokerDuringStreamLosesAndDoublesNothing) {
  const auto data = sim_data(3, 400, 52);
  PrivateBroker broker;
  auto w = real_world(broker.bootstrap(), data);
  const auto expected = expected_orders(*w, data);
  const std::string orders = "SELECT COUNT(*) FROM walmart_order_raw";

  // The first day is in Kafka; the stream writes it in small batches.
  auto day1 = w->run(fetch_range("2024-04-29", "2024-04-29"), with_partitions(3), 120s);
  ASSERT_EQ(day1.exit_code, 0) << e2e::describe(day1);
  auto stream = w->start(
      "stream", {"stream"},
      {{"WALMART_ETL_STREAM__BATCH_SIZE", "20"}, {"WALMART_ETL_STREAM__BATCH_INTERVAL_MS", "50"}});
  ASSERT_TRUE(e2e::eventually([&] { return e2e::query_count(w->db(), orders) > 0; }, 90s))
      << stream->describe();
  broker.kill9();
  const int64_t at_kill = e2e::query_count(w->db(), orders);
  std::this_thread::sleep_for(3s);
  broker.start();
  // The rest arrives after the restart, while the stream reconnects.
  auto rest = w->run(fetch_range("2024-04-30", "2024-05-02"), with_partitions(3), 180s);
  ASSERT_EQ(rest.exit_code, 0) << e2e::describe(rest);
  EXPECT_EQ(messages_in(broker.bootstrap(), w->topic), static_cast<int64_t>(expected.size()));

  ASSERT_TRUE(e2e::eventually(
      [&] {
        return e2e::query_count(w->db(), orders) == static_cast<int64_t>(expected.size()) &&
               check_mysql_exact(*w, expected).empty();
      },
      180s))
      << check_mysql_exact(*w, expected) << stream->describe();
  std::printf("broker killed with %lld of %zu orders in MySQL\n", static_cast<long long>(at_kill),
              expected.size());
  EXPECT_EQ(stream->stop(60s), 0) << stream->describe();
  EXPECT_EQ(check_mysql_exact(*w, expected), "");
}

}  // namespace
}  // namespace etl::kafka_real

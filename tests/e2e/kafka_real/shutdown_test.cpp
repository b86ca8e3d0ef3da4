// SIGTERM at random moments while `stream` starts up, 20 times, on the shared real Apache Kafka
// broker: before the group is joined, between JoinGroup and the first assignment, while offsets
// are read and while the first batches are written. librdkafka before 2.3.0 aborted
// (rd_kafka_sticky_assignor_state_destroy: Assertion 'assignor_state' failed) when a
// cooperative-sticky consumer that joined the group was destroyed before its first assignment;
// the stream must never abort: every run exits 0 (stopped by a signal, everything consumed was
// written), and the rows it wrote are right. A real broker's group coordinator answers in
// milliseconds, so random moments rarely land inside that window: this test guards the exit
// code of every start-up phase; tests/kafka/consumer_close_test.cpp holds the coordinator back
// (mock cluster) to land there every time.

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

TEST(RealKafkaShutdown, SigtermAtRandomMomentsOfStartupNeverAborts) {
  const auto data = sim_data(1, 300, 41);
  auto w = real_world(shared_kafka().bootstrap, data);
  const auto expected = expected_orders(*w, data);
  auto fetch = w->run(fetch_range("2024-05-01", "2024-05-02"), with_partitions(4), 120s);
  ASSERT_EQ(fetch.exit_code, 0) << e2e::describe(fetch);

  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  // From the first milliseconds (config, MySQL) through the join to the first written batches.
  std::uniform_int_distribution<int> delay_ms(20, 2500);
  std::printf("seed %u\n", seed);
  for (int i = 0; i < 20; ++i) {
    const auto delay = std::chrono::milliseconds(delay_ms(rng));
    auto stream = w->start("stream-" + std::to_string(i), {"stream"});
    std::this_thread::sleep_for(delay);
    const int code = stream->stop(30s);
    EXPECT_EQ(code, 0) << "run " << i << ", SIGTERM after " << delay.count() << " ms\n"
                       << stream->describe();
    EXPECT_EQ(stream->err().find("Assertion"), std::string::npos)
        << "run " << i << ", SIGTERM after " << delay.count() << " ms\n"
        << stream->describe();
  }
  // What the interrupted runs wrote is right, and a last run completes it.
  auto rest = w->run({"stream", "--until-idle"}, {}, 120s);
  ASSERT_EQ(rest.exit_code, 0) << e2e::describe(rest);
  EXPECT_EQ(check_mysql_exact(*w, expected), "");
}

}  // namespace
}  // namespace etl::kafka_real

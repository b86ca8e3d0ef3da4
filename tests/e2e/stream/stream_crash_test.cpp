// e2e: SIGKILL `walmart-etl stream` at random moments, again and again (>= 20 times), while a
// producer keeps adding orders (with updates and poison messages). A final --until-idle run must
// leave every table exactly as the mapping says for everything produced (row by row), each dead
// letter exactly once, and the stored offsets at the partitions' ends: a crash at any instant
// loses nothing and doubles nothing.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <random>
#include <thread>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"

namespace etl::stream_test {
namespace {

int64_t stored_total(const config::MysqlConfig& cfg, const std::string& group) {
  auto conn = mysql::Connection::open(cfg);
  const auto rows = conn.query(
      "SELECT COALESCE(SUM(next_offset), 0) FROM etl_kafka_offset WHERE consumer_group = " +
      conn.quote(group));
  return std::stoll(*rows[0][0]);
}

TEST(StreamCrash, SigkillLoopWhileProducingLosesAndDoublesNothing) {
  constexpr int kKills = 20;
  StreamEnv env(4);
  StreamSettings s = env.settings();
  s.batch_size = 40;  // many small transactions: kills land between and inside them
  s.batch_interval_ms = 200;
  s.parallelism = 2;
  s.metrics_port = free_tcp_port();

  // The producer runs in the background for the first part of the kill loop.
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(21);
  std::atomic<bool> producing{true};
  std::atomic<int> chunks{0};
  std::thread producer([&] {
    for (int k = 0; k < 24; ++k) {
      produce_workload(writer, feed, static_cast<uint64_t>(k) * 1000, 100, 100 + k);
      writer.flush();
      chunks.fetch_add(1);
      std::this_thread::sleep_for(3s);
    }
    producing.store(false);
  });

  std::mt19937_64 rng(std::random_device{}());
  int kills = 0;
  int64_t progress_before = 0;
  int progressed = 0;
  for (int i = 0; kills < kKills || producing.load(); ++i) {
    ASSERT_LT(i, 80) << "the kill loop does not converge";
    auto p = env.start(s, {}, "run-" + std::to_string(i));
    // Kill at a random moment after it took all partitions (the killed member's session has
    // expired), while it works.
    const bool owns_all = test::wait_until(
        [&] {
          const auto [status, page] = http_get(s.metrics_port, "/metrics");
          return metric_value(page, "walmart_etl_stream_assigned_partitions") == 4.0;
        },
        30s);
    ASSERT_TRUE(owns_all) << p->log();
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 1500));
    ASSERT_TRUE(p->running()) << "stream exited on its own:\n" << p->log();
    p->signal(SIGKILL);
    ASSERT_EQ(p->wait(10s), 128 + SIGKILL);
    ++kills;
    const int64_t progress = stored_total(env.db->config(), env.group);
    if (progress > progress_before) ++progressed;
    progress_before = progress;
  }
  producer.join();
  EXPECT_GE(kills, kKills);
  EXPECT_GE(progressed, kKills / 3) << "many runs must have committed something before their kill";

  // A clean run to the end, then compare with what the mapping says for everything produced.
  ASSERT_EQ(env.run_until_idle(s, "final"), 0) << env.log_of("final");
  const Tables expected = expected_tables(writer.messages(), env.topic);
  const Tables actual = dump_tables(env.db->config(), env.group);
  expect_same_tables(expected, actual, "after " + std::to_string(kills) + " SIGKILLs");
}

}  // namespace
}  // namespace etl::stream_test

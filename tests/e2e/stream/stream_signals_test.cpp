// Integration: a running `walmart-etl stream` (no --until-idle) with its metrics endpoint.
// - SIGTERM while a batch is pending (batch thresholds far away, so every consumed message sits
//   in a worker's batch): exit 0, and every table, the stored offsets and the Kafka offsets hold
//   everything that was consumed.
// - /metrics and /healthz while running; the backpressure pause (max_pending_messages).
// - Fatal: a database without the tables -> one clear error, exit 1.

#include <gtest/gtest.h>
#include <signal.h>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"

namespace etl::stream_test {
namespace {

TEST(StreamSignals, SigtermDuringABatchWritesEverythingAndExitsZero) {
  StreamEnv env(3);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(3);
  const auto counts = produce_workload(writer, feed, 0, 600, 9);
  writer.flush();

  StreamSettings s = env.settings();
  s.batch_size = 100000;          // never reached
  s.batch_interval_ms = 3600000;  // never reached
  s.group_commit = false;         // hold everything until SIGTERM
  s.parallelism = 2;
  s.metrics_port = free_tcp_port();
  auto p = env.start(s, {}, "sigterm");

  // Everything consumed, nothing written yet: the whole topic sits in pending batches.
  ASSERT_TRUE(test::wait_until(
      [&] {
        return metric(s.metrics_port, "walmart_etl_stream_pending_messages") ==
               double(counts.messages);
      },
      60s))
      << p->log();
  EXPECT_EQ(http_get(s.metrics_port, "/healthz").first, 200);
  EXPECT_EQ(metric(s.metrics_port, "walmart_etl_stream_messages_total"), 0);
  EXPECT_EQ(metric(s.metrics_port, "walmart_etl_stream_assigned_partitions"), 3);
  {
    auto conn = mysql::Connection::open(env.db->config());
    EXPECT_EQ(*conn.query("SELECT COUNT(*) FROM walmart_order_raw")[0][0], "0");
  }

  p->signal(SIGTERM);
  ASSERT_EQ(p->wait(30s), 0) << p->log();
  const Tables expected = expected_tables(writer.messages(), env.topic);
  expect_same_tables(expected, dump_tables(env.db->config(), env.group), "after SIGTERM");
  EXPECT_EQ(kafka_committed(env.broker->bootstraps(), env.group, env.topic, 3), expected.offsets);
  EXPECT_NE(p->log().find("left group"), std::string::npos) << "must leave the group on SIGTERM";
}

TEST(StreamSignals, MetricsHealthAndBackpressure) {
  StreamEnv env(2);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(5);
  const auto counts = produce_workload(writer, feed, 0, 800, 4);
  writer.flush();

  StreamSettings s = env.settings();
  s.batch_size = 50;
  s.max_pending_messages = 100;  // the poll loop must pause partitions and still finish
  s.metrics_port = free_tcp_port();
  auto p = env.start(s, {}, "metrics");
  double max_paused = 0;
  ASSERT_TRUE(test::wait_until(
      [&] {
        max_paused =
            std::max(max_paused, metric(s.metrics_port, "walmart_etl_stream_paused_partitions"));
        return metric(s.metrics_port, "walmart_etl_stream_messages_total") ==
               double(counts.messages);
      },
      90s))
      << p->log();
  EXPECT_NE(p->log().find("is behind"), std::string::npos)
      << "max_pending_messages=100 must pause partitions";
  const auto [status, page] = http_get(s.metrics_port, "/metrics");
  ASSERT_EQ(status, 200);
  const Tables expected = expected_tables(writer.messages(), env.topic);
  size_t rows = expected.orders.size();
  EXPECT_GE(metric_value(page, "walmart_etl_stream_rows_total").value_or(0), double(rows));
  EXPECT_EQ(metric_value(page, "walmart_etl_stream_dead_letters_total{reason=\"bad_record\"}")
                .value_or(-1),
            double(counts.poison));
  EXPECT_EQ(metric_value(page, "walmart_etl_stream_lag_messages{topic=\"" + env.topic +
                                   "\",partition=\"0\"}"),
            0.0);
  EXPECT_GT(metric_value(page, "walmart_etl_stream_batch_rows_count").value_or(0), 10.0);
  EXPECT_EQ(metric_value(page, "walmart_etl_stream_healthy"), 1.0);
  const auto [hs, hbody] = http_get(s.metrics_port, "/healthz");
  EXPECT_EQ(hs, 200) << hbody;
  EXPECT_NE(p->log().find("stream: partitions ["), std::string::npos)
      << "status line every status_interval_s";

  p->signal(SIGINT);
  ASSERT_EQ(p->wait(30s), 0) << p->log();
  expect_same_tables(expected, dump_tables(env.db->config(), env.group), "with backpressure");
}

// Group commit: a lone order is written as soon as it arrives, not after batch_interval_ms; a
// backlog is written in large batches.
TEST(StreamSignals, GroupCommitWritesALoneOrderAtOnceAndABacklogInLargeBatches) {
  StreamEnv env(1);
  StreamSettings s = env.settings();
  s.batch_size = 2000;
  s.batch_interval_ms = 60000;
  s.group_commit = true;
  s.metrics_port = free_tcp_port();
  auto p = env.start(s, {}, "group-commit");
  ASSERT_TRUE(
      test::wait_until([&] { return http_get(s.metrics_port, "/healthz").first == 200; }, 60s))
      << p->log();
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(97);
  writer.produce(feed.purchase_order_id(1), feed.order_json(1, 0));
  writer.flush();
  ASSERT_TRUE(test::wait_until(
      [&] { return all_written(env.db->config(), env.group, writer.messages()); }, 10s))
      << "a lone order waited for the batch interval\n"
      << p->log();
  const double batches_before = metric(s.metrics_port, "walmart_etl_stream_batches_total");
  for (uint64_t i = 2; i < 3002; ++i)
    writer.produce(feed.purchase_order_id(i), feed.order_json(i, 0));
  writer.flush();
  ASSERT_TRUE(test::wait_until(
      [&] { return all_written(env.db->config(), env.group, writer.messages()); }, 60s))
      << p->log();
  const double batches =
      metric(s.metrics_port, "walmart_etl_stream_batches_total") - batches_before;
  EXPECT_LT(batches, 300) << "3,000 orders arriving at once should not be written order by order";
  p->signal(SIGTERM);
  ASSERT_EQ(p->wait(30s), 0) << p->log();
}

TEST(StreamSignals, MissingTablesIsFatalWithOneClearLine) {
  StreamEnv env(1);
  StreamSettings s = env.settings();
  s.mysql.database = "etl_test_empty_" + test::random_suffix(6);
  {
    auto conn = mysql::Connection::open(s.mysql, mysql::UseDatabase::none);
    conn.execute("CREATE DATABASE " + mysql::quote_identifier(s.mysql.database));
  }
  test::ScopedDatabase drop(s.mysql);
  auto p = env.start(s, {"--until-idle"}, "fatal");
  ASSERT_EQ(p->wait(60s), 1) << p->log();
  EXPECT_NE(p->log().find("init-db"), std::string::npos) << p->log();
}

}  // namespace
}  // namespace etl::stream_test

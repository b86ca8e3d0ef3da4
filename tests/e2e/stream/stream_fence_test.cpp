// Integration: the offset fence of a running `walmart-etl stream` (mysql/offset_fence.hpp).
// While the stream runs, another writer moves the partition's stored offset (what a second
// consumer of the same partition would do). The stream must notice on its next batch, write
// nothing of what the other writer covered, say so at ERROR and in a metric, and continue from
// the offset MySQL holds.

#include <gtest/gtest.h>
#include <signal.h>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"

namespace etl::stream_test {
namespace {

std::string stored_offset(const config::MysqlConfig& mysql, const std::string& group) {
  auto conn = mysql::Connection::open(mysql);
  const auto rows = conn.query("SELECT next_offset FROM etl_kafka_offset WHERE consumer_group = " +
                               conn.quote(group));
  return rows.empty() || !rows[0][0] ? std::string("none") : *rows[0][0];
}

TEST(StreamFence, APartitionWrittenByAnotherConsumerIsNotWrittenAgainAndResumesFromMySql) {
  StreamEnv env(1);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(11);
  for (uint64_t i = 0; i < 10; ++i)
    writer.produce(feed.purchase_order_id(i), feed.order_json(i, 0), 0);
  writer.flush();

  StreamSettings s = env.settings();
  s.batch_interval_ms = 200;
  s.metrics_port = free_tcp_port();
  auto p = env.start(s, {}, "fence");
  ASSERT_TRUE(
      test::wait_until([&] { return stored_offset(env.db->config(), env.group) == "10"; }, 60s))
      << p->log();

  // "Another consumer" wrote offsets 10..14 of the partition.
  {
    auto conn = mysql::Connection::open(env.db->config());
    conn.execute("UPDATE etl_kafka_offset SET next_offset = 15 WHERE consumer_group = " +
                 conn.quote(env.group));
  }
  for (uint64_t i = 10; i < 20; ++i)
    writer.produce(feed.purchase_order_id(i), feed.order_json(i, 0), 0);
  writer.flush();
  ASSERT_EQ(writer.messages().back().offset, 19);

  ASSERT_TRUE(
      test::wait_until([&] { return stored_offset(env.db->config(), env.group) == "20"; }, 60s))
      << p->log();
  {
    auto conn = mysql::Connection::open(env.db->config());
    for (uint64_t i = 0; i < 20; ++i) {
      const auto n = *conn.query("SELECT COUNT(*) FROM walmart_order_raw WHERE purchaseOrderId = " +
                                 feed.purchase_order_id(i))[0][0];
      EXPECT_EQ(n, i >= 10 && i < 15 ? "0" : "1") << "order #" << i << " (offset " << i << ")";
    }
  }
  const auto [status, page] = http_get(s.metrics_port, "/metrics");
  ASSERT_EQ(status, 200);
  EXPECT_GE(metric_value(page, "walmart_etl_stream_fenced_total").value_or(0), 1.0) << page;
  EXPECT_NE(p->log().find("was written by another consumer"), std::string::npos) << p->log();

  p->signal(SIGTERM);
  ASSERT_EQ(p->wait(30s), 0) << p->log();
  EXPECT_EQ(stored_offset(env.db->config(), env.group), "20");
}

}  // namespace
}  // namespace etl::stream_test

// Unit: the Prometheus text rendering of the metrics registry, the stream's health conditions.

#include "pipeline/stream/metrics.hpp"

#include <gtest/gtest.h>

#include <string>

#include "metrics/registry.hpp"
#include "pipeline/stream/health.hpp"

namespace etl::pipeline {
namespace {

TEST(MetricsRegistry, RendersCountersGaugesFamiliesAndHistograms) {
  metrics::Registry r;
  auto& c = r.add_counter("x_total", "Things");
  auto& g = r.add_gauge("y", "Level");
  auto& f = r.add_gauge_family("lag", "Lag", {"topic", "partition"});
  auto& h = r.add_histogram("lat_seconds", "Latency", {0.1, 1});
  c.inc(3);
  g.set(2.5);
  f.with({"t\"q", "1"}).set(7);
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const std::string page = r.render();
  EXPECT_NE(page.find("# TYPE x_total counter\nx_total 3\n"), std::string::npos) << page;
  EXPECT_NE(page.find("y 2.5\n"), std::string::npos) << page;
  EXPECT_NE(page.find("lag{topic=\"t\\\"q\",partition=\"1\"} 7\n"), std::string::npos) << page;
  EXPECT_NE(page.find("lat_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << page;
  EXPECT_NE(page.find("lat_seconds_bucket{le=\"1\"} 2\n"), std::string::npos) << page;
  EXPECT_NE(page.find("lat_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << page;
  EXPECT_NE(page.find("lat_seconds_count 3\n"), std::string::npos) << page;
  f.remove({"t\"q", "1"});
  EXPECT_EQ(r.render().find("lag{"), std::string::npos);
  EXPECT_THROW(r.add_counter("x_total", "again"), std::logic_error);
}

TEST(StreamMetrics, ExposesEveryDocumentedMetric) {
  StreamMetrics m;
  m.lag.with({"walmart_order_raw", "0"}).set(1);
  m.lost_to_retention.with({"walmart_order_raw", "0"}).inc(5);
  const std::string page = m.registry.render();
  for (const char* name :
       {"walmart_etl_stream_messages_total", "walmart_etl_stream_orders_total",
        "walmart_etl_stream_rows_total", "walmart_etl_stream_charges_total",
        "walmart_etl_stream_dead_letters_total{reason=\"bad_record\"}",
        "walmart_etl_stream_dead_letters_total{reason=\"mysql_row_error\"}",
        "walmart_etl_stream_conversion_warnings_total", "walmart_etl_stream_batches_total",
        "walmart_etl_stream_batch_rows_bucket", "walmart_etl_stream_batch_seconds_bucket",
        "walmart_etl_stream_visible_delay_seconds_bucket", "walmart_etl_stream_mysql_retries_total",
        "walmart_etl_stream_fenced_total",
        "walmart_etl_stream_lag_messages{topic=\"walmart_order_raw\",partition=\"0\"} 1",
        "walmart_etl_stream_lost_to_retention_total{topic=\"walmart_order_raw\",partition=\"0\"} 5",
        "walmart_etl_stream_assigned_partitions", "walmart_etl_stream_paused_partitions",
        "walmart_etl_stream_pending_messages", "walmart_etl_stream_healthy"}) {
    EXPECT_NE(page.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(m.lost_total(), 5u);
}

mysql::OrderToWrite order_of(int64_t id, size_t lines, std::optional<std::string> account) {
  mysql::OrderToWrite o;
  o.order.purchase_order_id = id;
  o.order.lines.resize(lines);
  o.origin.account = std::move(account);
  return o;
}

TEST(StreamMetrics, PerAccountOrdersRowsAndDeadLettersOfACommittedBatch) {
  StreamMetrics m;
  m.add_known_accounts({"known"});
  mysql::WriteBatch b;
  b.orders.push_back(order_of(1, 2, "a"));
  b.orders.push_back(order_of(2, 1, "b"));
  b.orders.push_back(order_of(1, 3, "a"));        // the newer version of order 1: the one written
  b.orders.push_back(order_of(3, 4, "c"));        // refused by MySQL: a dead letter
  b.dead_letters.push_back(mysql::DeadLetter{});  // no account could be told
  mysql::WriteResult r;
  mysql::RejectedOrder refused;
  refused.batch_index = 3;
  r.rejected.push_back(refused);
  m.count_accounts(b, r);
  const std::string page = m.registry.render();
  for (const char* line : {
           "walmart_etl_stream_account_orders_total{account=\"a\"} 1\n",
           "walmart_etl_stream_account_rows_total{account=\"a\"} 3\n",
           "walmart_etl_stream_account_orders_total{account=\"b\"} 1\n",
           "walmart_etl_stream_account_rows_total{account=\"b\"} 1\n",
           "walmart_etl_stream_account_dead_letters_total{account=\"c\"} 1\n",
           "walmart_etl_stream_account_dead_letters_total{account=\"(none)\"} 1\n",
           "walmart_etl_stream_account_orders_total{account=\"known\"} 0\n",
       }) {
    EXPECT_NE(page.find(line), std::string::npos) << line << page;
  }
  EXPECT_EQ(page.find("account_orders_total{account=\"c\"}"), std::string::npos) << page;
}

TEST(StreamMetrics, AnOrderClaimedInTheBatchCountsForItsFirstAccountAndTheOtherAsADeadLetter) {
  // A:order 7 v1, B:order 7, A:order 7 v2 in one batch: the writer keeps A's claim, writes A's v2
  // and refuses B's message.
  StreamMetrics m;
  mysql::WriteBatch b;
  b.orders.push_back(order_of(7, 1, "a"));
  b.orders.push_back(order_of(7, 5, "b"));
  b.orders.push_back(order_of(7, 2, "a"));
  mysql::WriteResult r;
  mysql::RejectedOrder refused;
  refused.batch_index = 1;
  r.rejected.push_back(refused);
  m.count_accounts(b, r);
  EXPECT_EQ(m.account_orders.with({"a"}).value(), 1u);
  EXPECT_EQ(m.account_rows.with({"a"}).value(), 2u);
  EXPECT_EQ(m.account_dead_letters.with({"b"}).value(), 1u);
  EXPECT_EQ(m.account_orders.with({"b"}).value(), 0u);
}

TEST(StreamMetrics, AccountNamesBeyondTheBoundAreCountedUnderOther) {
  StreamMetrics m;
  m.add_known_accounts({"configured"});
  mysql::WriteBatch b;
  for (size_t i = 0; i < kMaxUnseenAccounts + 5; ++i) {
    b.orders.push_back(order_of(static_cast<int64_t>(i + 1), 1, "seller-" + std::to_string(i)));
  }
  b.orders.push_back(order_of(1000, 1, "configured"));
  m.count_accounts(b, mysql::WriteResult{});
  size_t series = 0;
  m.account_orders.for_each([&](const auto&, const metrics::Counter&) { ++series; });
  EXPECT_EQ(series, kMaxUnseenAccounts + 2) << "100 seen, (other), configured";
  EXPECT_EQ(m.account_orders.with({kOtherAccount}).value(), 5u);
  EXPECT_EQ(m.account_orders.with({"configured"}).value(), 1u);
}

TEST(StreamHealth, UnhealthyWhileAnyConditionHoldsWithItsReason) {
  StreamHealth h;
  EXPECT_TRUE(h.report().healthy);
  h.set(HealthCondition::mysql_failing, "lost connection", "worker-0");
  h.set(HealthCondition::mysql_failing, "lost connection", "worker-1");
  h.set(HealthCondition::kafka_unreachable, "1/1 brokers are down");
  auto r = h.report();
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("mysql_failing[worker-0]: lost connection"), std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("kafka_unreachable: 1/1 brokers are down"), std::string::npos)
      << r.reason;
  h.clear(HealthCondition::mysql_failing, "worker-0");
  EXPECT_TRUE(h.holds(HealthCondition::mysql_failing));
  h.clear(HealthCondition::mysql_failing, "worker-1");
  h.clear(HealthCondition::kafka_unreachable);
  EXPECT_TRUE(h.report().healthy);
  EXPECT_EQ(h.report().reason, "ok");
}

}  // namespace
}  // namespace etl::pipeline

// e2e: the stream's behaviour at the edges an operator meets in production, with the real binary,
// the dev broker (librdkafka's mock cluster: its group coordinator rebalances for real, which is
// all these tests need from Kafka) and the database server under test (a private one where a test
// stops or kills it).
// - A partition paused for backlog, rebalanced away and back, keeps flowing; lag stays visible.
// - MySQL down while a rebalance assigns partitions: the new owner holds them (no exit), SIGTERM
//   meanwhile exits 0, and everything is written once MySQL is back.
// - SIGTERM that must give up pending messages (MySQL frozen) exits 1, and nothing is lost.
// - No stored offset in MySQL but a committed one in Kafka: said loudly at start.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"

namespace etl::stream_test {
namespace {

std::string lag_sample(const std::string& topic, int partition) {
  return fmt::format("walmart_etl_stream_lag_messages{{topic=\"{}\",partition=\"{}\"}}", topic,
                     partition);
}

TEST(StreamHardening, APartitionPausedForBacklogThenRebalancedAwayAndBackKeepsFlowing) {
  StreamEnv env(2);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(71);
  produce_workload(writer, feed, 0, 600, 1);
  writer.flush();

  // A stays behind (about 50 messages/s): it writes every 2 s and pauses its partitions whenever
  // it holds more than 100 messages, so they are paused when the rebalance takes one away.
  StreamSettings a_settings = env.settings();
  a_settings.batch_size = 1000;
  a_settings.batch_interval_ms = 2000;
  a_settings.group_commit = false;
  a_settings.max_pending_messages = 100;
  a_settings.metrics_port = free_tcp_port();
  a_settings.log_level = "debug";  // a message delivered twice is logged ("skipping re-delivered")
  auto a = env.start(a_settings, {}, "member-a");
  ASSERT_TRUE(test::wait_until(
      [&] { return metric(a_settings.metrics_port, "walmart_etl_stream_paused_partitions") == 2; },
      60s))
      << a->log();
  // Paused partitions are not fetched, yet their lag is known.
  ASSERT_TRUE(test::wait_until(
      [&] {
        const auto page = http_get(a_settings.metrics_port, "/metrics").second;
        return metric_value(page, lag_sample(env.topic, 0)).has_value() &&
               metric_value(page, lag_sample(env.topic, 1)).has_value();
      },
      30s))
      << http_get(a_settings.metrics_port, "/metrics").second;

  // B joins (takes one partition), then leaves (gives it back).
  StreamSettings b_settings = env.settings();
  b_settings.metrics_port = free_tcp_port();
  auto b = env.start(b_settings, {}, "member-b");
  ASSERT_TRUE(test::wait_until(
      [&] {
        return metric(a_settings.metrics_port, "walmart_etl_stream_assigned_partitions") == 1 &&
               metric(b_settings.metrics_port, "walmart_etl_stream_assigned_partitions") == 1;
      },
      60s))
      << a->log() << b->log();
  b->signal(SIGTERM);
  ASSERT_EQ(b->wait(30s), 0) << b->log();
  ASSERT_TRUE(test::wait_until(
      [&] {
        return metric(a_settings.metrics_port, "walmart_etl_stream_assigned_partitions") == 2;
      },
      60s))
      << a->log();

  // New orders on both partitions are written within seconds.
  produce_workload(writer, feed, 10000, 200, 2);
  writer.flush();
  ASSERT_TRUE(test::wait_until(
      [&] { return all_written(env.db->config(), env.group, writer.messages()); }, 90s))
      << "a partition stopped making progress after it came back\n"
      << a->log() << http_get(a_settings.metrics_port, "/metrics").second;
  a->signal(SIGTERM);
  ASSERT_EQ(a->wait(30s), 0) << a->log();
  expect_same_tables(expected_tables(writer.messages(), env.topic),
                     dump_tables(env.db->config(), env.group),
                     "after a paused partition was rebalanced away and back");
  // Pausing, resuming and re-assigning never made the client deliver a message twice (librdkafka
  // before 2.4 restarted the fetch of a resumed partition that was not paused from an older
  // position; the stream resumes every newly assigned partition).
  EXPECT_EQ(a->log().find("skipping re-delivered"), std::string::npos) << a->log();
}

TEST(StreamHardening, MySqlDownDuringARebalanceHoldsThePartitionsAndSigtermExitsZero) {
  PrivateDbServer server;
  ASSERT_TRUE(server.start_with_schema()) << "could not start a private " << server.kind();
  const config::MysqlConfig cfg = server.config();
  StreamEnv env(3);
  StreamSettings s = env.settings();
  s.mysql = cfg;
  s.batch_size = 50;
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(73);
  produce_workload(writer, feed, 0, 200, 1);
  writer.flush();

  // Three members, one partition each, everything written.
  std::vector<StreamSettings> settings(3, s);
  std::vector<std::unique_ptr<StreamProcess>> members;
  for (int i = 0; i < 3; ++i) {
    settings[i].metrics_port = free_tcp_port();
    members.push_back(env.start(settings[i], {}, fmt::format("member-{}", i)));
  }
  auto assigned = [&](int i) {
    return metric(settings[i].metrics_port, "walmart_etl_stream_assigned_partitions");
  };
  auto logs = [&] {
    std::string all;
    for (auto& m : members) all += m ? m->log() : "";
    return all;
  };
  ASSERT_TRUE(test::wait_until(
      [&] { return assigned(0) == 1 && assigned(1) == 1 && assigned(2) == 1; }, 90s))
      << logs();
  ASSERT_TRUE(test::wait_until([&] { return all_written(cfg, env.group, writer.messages()); }, 60s))
      << logs();

  // MySQL goes down; member 0 leaves: its partition goes to 1 or 2, which cannot read its start.
  server.kill9();
  members[0]->signal(SIGTERM);
  EXPECT_EQ(members[0]->wait(30s), 0) << members[0]->log();
  int holder = -1;
  ASSERT_TRUE(test::wait_until(
      [&] {
        holder = assigned(1) == 2 ? 1 : assigned(2) == 2 ? 2 : -1;
        return holder != -1;
      },
      60s))
      << logs();
  ASSERT_TRUE(test::wait_until(
      [&] { return http_get(settings[holder].metrics_port, "/healthz").first == 503; }, 30s));
  EXPECT_NE(http_get(settings[holder].metrics_port, "/healthz").second.find("mysql"),
            std::string::npos);
  std::this_thread::sleep_for(8s);  // longer than the rebalance handler's own patience
  ASSERT_TRUE(members[holder]->running())
      << "the stream gave up while MySQL was down during a rebalance\n"
      << members[holder]->log();
  // SIGTERM while holding: nothing of its was pending, so exit 0, without a critical line.
  members[holder]->signal(SIGTERM);
  EXPECT_EQ(members[holder]->wait(30s), 0) << members[holder]->log();
  EXPECT_EQ(members[holder]->log().find("critical"), std::string::npos) << members[holder]->log();

  // The last member now holds all three; orders keep arriving; MySQL comes back.
  const int last = 3 - holder;
  ASSERT_TRUE(test::wait_until([&] { return assigned(last) == 3; }, 60s)) << members[last]->log();
  produce_workload(writer, feed, 10000, 200, 2);
  writer.flush();
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(test::wait_until([&] { return all_written(cfg, env.group, writer.messages()); }, 90s))
      << members[last]->log();
  ASSERT_TRUE(test::wait_until(
      [&] { return http_get(settings[last].metrics_port, "/healthz").first == 200; }, 30s));
  members[last]->signal(SIGTERM);
  EXPECT_EQ(members[last]->wait(30s), 0) << members[last]->log();
  expect_same_tables(expected_tables(writer.messages(), env.topic), dump_tables(cfg, env.group),
                     "after MySQL was down during a rebalance");
}

TEST(StreamHardening, SigtermThatGivesUpPendingMessagesExitsOneAndLosesNothing) {
  PrivateDbServer server;
  ASSERT_TRUE(server.start_with_schema()) << "could not start a private " << server.kind();
  const config::MysqlConfig cfg = server.config();
  StreamEnv env(1);
  StreamSettings s = env.settings();
  s.mysql = cfg;
  s.batch_interval_ms = 100;
  s.shutdown_timeout_s = 2;
  s.metrics_port = free_tcp_port();
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(79);
  produce_workload(writer, feed, 0, 50, 1);
  writer.flush();
  auto p = env.start(s, {}, "frozen");
  ASSERT_TRUE(test::wait_until([&] { return all_written(cfg, env.group, writer.messages()); }, 60s))
      << p->log();

  // MySQL freezes (SIGSTOP: connections hang rather than fail) with a batch in flight.
  server.signal(SIGSTOP);
  produce_workload(writer, feed, 1000, 50, 2);
  writer.flush();
  // The stream holds them (its batch hangs on the frozen server) before it is asked to stop.
  ASSERT_TRUE(test::wait_until(
      [&] { return metric(s.metrics_port, "walmart_etl_stream_pending_messages") > 0; }, 30s))
      << p->log();
  std::this_thread::sleep_for(500ms);
  p->signal(SIGTERM);
  const int code = p->wait(60s);
  server.signal(SIGCONT);
  EXPECT_EQ(code, 1) << "messages were given up at shutdown: the exit code must say so\n"
                     << p->log();
  EXPECT_NE(p->log().find("read again on the next start"), std::string::npos) << p->log();

  // Nothing is lost: the next run writes what was given up.
  s.shutdown_timeout_s = 30;
  ASSERT_EQ(env.run_until_idle(s, "after"), 0) << env.log_of("after");
  expect_same_tables(expected_tables(writer.messages(), env.topic), dump_tables(cfg, env.group),
                     "after a shutdown that gave up pending messages");
}

TEST(StreamHardening, StartingFromKafkasCommittedOffsetWithoutAStoredOneIsSaidLoudly) {
  StreamEnv env(2);
  StreamSettings s = env.settings();
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(83);
  produce_workload(writer, feed, 0, 100, 1);
  writer.flush();
  ASSERT_EQ(env.run_until_idle(s, "first"), 0) << env.log_of("first");
  EXPECT_EQ(env.log_of("first").find("no offset is stored in MySQL"), std::string::npos);
  // The database is rebuilt (its offsets gone) while the group's offsets stay in Kafka.
  {
    auto conn = mysql::Connection::open(env.db->config());
    conn.execute("DELETE FROM etl_kafka_offset");
  }
  ASSERT_EQ(env.run_until_idle(s, "second"), 0) << env.log_of("second");
  const std::string log = env.log_of("second");
  EXPECT_NE(log.find("no offset is stored in MySQL"), std::string::npos) << log;
  EXPECT_NE(log.find("Messages before them are NOT written"), std::string::npos) << log;
  const auto committed = kafka_committed(env.broker->bootstraps(), env.group, env.topic, 2);
  for (const auto& [p, o] : committed) {
    EXPECT_NE(log.find(fmt::format("[{}]@{}", p, o)), std::string::npos) << p << "@" << o << "\n"
                                                                         << log;
  }
}

}  // namespace
}  // namespace etl::stream_test

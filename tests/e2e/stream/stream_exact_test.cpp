// Integration: `walmart-etl stream --until-idle` against the dev broker and a fresh MariaDB
// database. Every table must equal what the mapping says for the produced messages (row by row,
// every column but load_time), every poison message must be in the dead letter exactly once with
// its reason, the stored offsets must be the partitions' ends, and Kafka gets the same offsets.
// A second run continues where the first stopped, writing only the new messages. Parallelism 1, 2
// and 4 give identical tables.

#include <gtest/gtest.h>

#include <regex>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/schema.hpp"

namespace etl::stream_test {
namespace {

// "stream: stopped; written N messages" from the binary's log (the last occurrence).
uint64_t written_messages(const std::string& log) {
  static const std::regex re(R"(stream: stopped; written (\d+) messages)");
  uint64_t n = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
       ++it) {
    n = std::stoull((*it)[1]);
  }
  return n;
}

TEST(StreamExact, TablesEqualTheMappingAndARestartContinuesWithoutDoubling) {
  StreamEnv env(4);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(7);
  const auto first = produce_workload(writer, feed, 0, 1500, 1);
  writer.flush();
  ASSERT_GT(first.poison, 10u);

  StreamSettings s = env.settings();
  s.batch_size = 150;
  ASSERT_EQ(env.run_until_idle(s, "first"), 0) << env.log_of("first");
  Tables expected = expected_tables(writer.messages(), env.topic);
  ASSERT_EQ(expected.dead_letters.size(), first.poison);
  expect_same_tables(expected, dump_tables(env.db->config(), env.group), "after the first run");
  EXPECT_EQ(written_messages(env.log_of("first")), first.messages);
  EXPECT_EQ(kafka_committed(env.broker->bootstraps(), env.group, env.topic, 4), expected.offsets)
      << "offsets committed to Kafka after MySQL";

  // More orders, including new versions of orders written by the first run.
  for (uint64_t i = 0; i < 200; ++i)
    writer.produce(feed.purchase_order_id(i * 7), feed.order_json(i * 7, 5));
  const auto second = produce_workload(writer, feed, 1'000'000, 300, 2);
  writer.flush();
  ASSERT_EQ(env.run_until_idle(s, "second"), 0) << env.log_of("second");
  expected = expected_tables(writer.messages(), env.topic);
  expect_same_tables(expected, dump_tables(env.db->config(), env.group), "after the restart");
  EXPECT_EQ(written_messages(env.log_of("second")), second.messages + 200)
      << "the second run must read only what arrived after the first";

  // Nothing new: a third run writes nothing and changes nothing.
  ASSERT_EQ(env.run_until_idle(s, "third"), 0) << env.log_of("third");
  EXPECT_EQ(written_messages(env.log_of("third")), 0u);
  expect_same_tables(expected, dump_tables(env.db->config(), env.group), "after an idle run");

  // A database without stored offsets for this group: the group's committed offsets in Kafka are
  // the fallback, so nothing is read again.
  auto other = test::test_mysql_config();
  mysql::init_db(other);
  test::ScopedDatabase drop_other(other);
  StreamSettings fresh = s;
  fresh.mysql = other;
  ASSERT_EQ(env.run_until_idle(fresh, "fallback"), 0) << env.log_of("fallback");
  EXPECT_EQ(written_messages(env.log_of("fallback")), 0u) << env.log_of("fallback");
  EXPECT_NE(env.log_of("fallback").find("the group's committed offset"), std::string::npos);
}

TEST(StreamExact, Parallelism124GiveIdenticalTables) {
  StreamEnv env(4);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(11);
  produce_workload(writer, feed, 5000, 1000, 3);
  writer.flush();
  const Tables expected = expected_tables(writer.messages(), env.topic);

  std::vector<std::unique_ptr<test::ScopedDatabase>> dbs;
  for (int parallelism : {1, 2, 4}) {
    auto cfg = test::test_mysql_config();
    mysql::init_db(cfg);
    dbs.push_back(std::make_unique<test::ScopedDatabase>(cfg));
    StreamSettings s = env.settings();
    s.mysql = cfg;
    s.group = env.group + "-p" + std::to_string(parallelism);
    s.parallelism = parallelism;
    s.batch_size = 100;
    const std::string name = "parallelism-" + std::to_string(parallelism);
    ASSERT_EQ(env.run_until_idle(s, name), 0) << env.log_of(name);
    expect_same_tables(expected, dump_tables(cfg, s.group), name);
  }
}

}  // namespace
}  // namespace etl::stream_test

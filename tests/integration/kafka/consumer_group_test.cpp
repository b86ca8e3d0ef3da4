// Integration: the consumer group wrapper against the mock cluster: owner-supplied start offsets
// on assignment, pause/resume, synchronous commit, revocation on close, and a second member taking
// over from the committed offsets. (The mock's first join waits ~3 s: keep group tests few.)

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::random_topic;
using test::wait_until;

void produce_to(Producer& producer, const std::string& topic, int32_t partition, int from, int to) {
  for (int i = from; i < to; ++i) {
    const std::string key = fmt::format("p{}-{}", partition, i);
    ASSERT_FALSE(producer.produce({topic, key, key, {}, partition}));
  }
  ASSERT_TRUE(producer.flush(30s).complete());
}

TEST(ConsumerGroup, AssignsAtSuppliedOffsetsCommitsAndHandsOverOnClose) {
  const std::string topic = random_topic("group");
  const std::string group = random_topic("g");
  DevBroker broker({1, {{topic, 4}}});
  const auto cfg = config_for(broker);
  // The mock group coordinator, after its last member leaves, waits session.timeout.ms - 1 s
  // before it lets a new member in (librdkafka's mock, rebalance on "explicit member leave"):
  // a short session keeps the hand-over test fast. Real brokers do not wait there.
  const auto group_cfg =
      config_for(broker, {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}});
  Producer producer(cfg);
  for (int32_t p = 0; p < 4; ++p) produce_to(producer, topic, p, 0, 10);

  // --- First member: the owner supplies start offsets for p0 and p2 (as if stored in MySQL).
  std::set<int32_t> assigned_a;
  std::vector<TopicPartitions> revoked_a;
  ConsumerOptions a_opts;
  a_opts.client.group_id = group;
  a_opts.client.client_id = "member-a";
  a_opts.rebalance.on_assigned = [&](TopicPartitions& parts) {
    for (auto& tp : parts) {
      EXPECT_EQ(tp.topic, topic);
      assigned_a.insert(tp.partition);
      if (tp.partition == 0) tp.offset = 5;
      if (tp.partition == 2) tp.offset = 8;
    }
  };
  a_opts.rebalance.on_revoked = [&](const TopicPartitions& parts) { revoked_a.push_back(parts); };
  a_opts.rebalance.on_lost = [&](const TopicPartitions& parts) {
    ADD_FAILURE() << "unexpected loss of " << describe(parts);
  };
  Consumer a(group_cfg, a_opts);
  EXPECT_EQ(a.group_id(), group);
  a.subscribe({topic});

  std::map<int32_t, std::vector<int64_t>> got;
  size_t count = 0;
  auto poll_into = [&](Consumer& c) {
    auto m = c.poll(100ms);
    if (m && !m->is_error()) {
      EXPECT_EQ(m->key(), m->value());
      got[m->partition()].push_back(m->offset());
      ++count;
    } else if (m) {
      ADD_FAILURE() << m->error().message;
    }
  };
  ASSERT_TRUE(wait_until(
      30s, [&] { return count >= 5 + 10 + 2 + 10; }, [&] { poll_into(a); }))
      << "got " << count;
  EXPECT_EQ(assigned_a, (std::set<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(got[0], (std::vector<int64_t>{5, 6, 7, 8, 9}));  // started where the owner said
  EXPECT_EQ(got[2], (std::vector<int64_t>{8, 9}));
  EXPECT_EQ(got[1].size(), 10u);  // nothing committed: auto.offset.reset=earliest
  EXPECT_EQ(got[1].front(), 0);
  EXPECT_EQ(a.assignment().size(), 4u);

  // Pause p1: new messages there are not delivered until resume.
  a.pause({{topic, 1}});
  produce_to(producer, topic, 1, 10, 13);
  got.clear();
  count = 0;
  wait_until(
      1500ms, [] { return false; }, [&] { poll_into(a); });  // bounded negative check
  EXPECT_EQ(count, 0u) << "a paused partition delivered messages";
  a.resume({{topic, 1}});
  ASSERT_TRUE(wait_until(
      20s, [&] { return count >= 3; }, [&] { poll_into(a); }));
  EXPECT_EQ(got[1], (std::vector<int64_t>{10, 11, 12}));

  // Watermarks, exact and cached.
  EXPECT_EQ(a.watermarks(topic, 1, 10s).high, 13);
  EXPECT_EQ(a.cached_high_watermark(topic, 1).value_or(-1), 13);

  // Commit next offsets synchronously; p3 only partly processed.
  const TopicPartitions next{{topic, 0, 10}, {topic, 1, 13}, {topic, 2, 10}, {topic, 3, 7}};
  const auto commit_err = a.commit(next);
  ASSERT_FALSE(commit_err.has_value()) << commit_err->message;
  TopicPartitions query{{topic, 0}, {topic, 1}, {topic, 2}, {topic, 3}};
  EXPECT_EQ(a.committed(query, 10s), next);

  ASSERT_FALSE(a.close().has_value());
  EXPECT_TRUE(a.closed());
  ASSERT_EQ(revoked_a.size(), 1u) << "close() must revoke the assignment through the handler";
  EXPECT_EQ(revoked_a[0].size(), 4u);
  EXPECT_THROW(a.poll(10ms), EtlError);

  // --- Second member takes over: no supplied offsets -> the group's committed offsets.
  std::set<int32_t> assigned_b;
  ConsumerOptions b_opts;
  b_opts.client.group_id = group;
  b_opts.client.client_id = "member-b";
  b_opts.client.partition_eof = true;
  b_opts.rebalance.on_assigned = [&](TopicPartitions& parts) {
    for (const auto& tp : parts) assigned_b.insert(tp.partition);
  };
  Consumer b(group_cfg, b_opts);
  b.subscribe({topic});
  produce_to(producer, topic, 0, 10, 11);  // p0 offset 10, after the committed 10
  got.clear();
  count = 0;
  std::set<int32_t> at_end;
  ASSERT_TRUE(wait_until(
      30s, [&] { return count >= 4 && at_end.size() == 4; },
      [&] {
        auto m = b.poll(100ms);
        if (!m) return;
        if (m->is_partition_eof()) {
          at_end.insert(m->partition());
        } else if (m->is_error()) {
          ADD_FAILURE() << m->error().message;
        } else {
          at_end.erase(m->partition());
          got[m->partition()].push_back(m->offset());
          ++count;
        }
      }))
      << "got " << count;
  EXPECT_EQ(assigned_b, (std::set<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(got[3], (std::vector<int64_t>{7, 8, 9}));
  EXPECT_EQ(got[0], (std::vector<int64_t>{10}));
  EXPECT_TRUE(got[1].empty());
  EXPECT_TRUE(got[2].empty());
  EXPECT_EQ(count, 4u);
  ASSERT_FALSE(b.close().has_value());
}

// A partition paused by its owner, then taken away by a rebalance and given back, must be fetched
// again: the owner's bookkeeping starts a newly assigned partition as "not paused", so the client
// must agree.
TEST(ConsumerGroup, APausedPartitionIsFetchedAgainAfterItWasReassigned) {
  const std::string topic = random_topic("repause");
  const std::string group = random_topic("g");
  DevBroker broker({1, {{topic, 2}}});
  const auto group_cfg =
      config_for(broker, {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}});
  Producer producer(config_for(broker));

  std::set<int32_t> owned_a;
  ConsumerOptions a_opts;
  a_opts.client.group_id = group;
  a_opts.client.client_id = "member-a";
  a_opts.rebalance.on_assigned = [&](TopicPartitions& parts) {
    for (const auto& tp : parts) owned_a.insert(tp.partition);
  };
  a_opts.rebalance.on_revoked = [&](const TopicPartitions& parts) {
    for (const auto& tp : parts) owned_a.erase(tp.partition);
  };
  Consumer a(group_cfg, a_opts);
  a.subscribe({topic});
  ASSERT_TRUE(wait_until(
      30s, [&] { return owned_a.size() == 2; }, [&] { (void)a.poll(100ms); }));
  a.pause({{topic, 0}, {topic, 1}});  // backlog: the owner stops fetching

  // A second member joins and takes one partition; then it leaves and gives it back.
  std::set<int32_t> owned_b;
  ConsumerOptions b_opts;
  b_opts.client.group_id = group;
  b_opts.client.client_id = "member-b";
  b_opts.rebalance.on_assigned = [&](TopicPartitions& parts) {
    for (const auto& tp : parts) owned_b.insert(tp.partition);
  };
  {
    Consumer b(group_cfg, b_opts);
    b.subscribe({topic});
    ASSERT_TRUE(wait_until(
        60s, [&] { return owned_b.size() == 1 && owned_a.size() == 1; },
        [&] {
          (void)a.poll(50ms);
          (void)b.poll(50ms);
        }));
    ASSERT_FALSE(b.close().has_value());
  }
  const int32_t moved = *owned_b.begin();
  ASSERT_TRUE(wait_until(
      60s, [&] { return owned_a.size() == 2; }, [&] { (void)a.poll(100ms); }))
      << "partition " << moved << " never came back";

  // The partition that went away and came back was never resumed by its owner: it must be fetched.
  produce_to(producer, topic, moved, 0, 3);
  std::vector<int64_t> got;
  wait_until(
      15s, [&] { return got.size() >= 3; },
      [&] {
        auto m = a.poll(100ms);
        if (m && !m->is_error() && m->partition() == moved) got.push_back(m->offset());
      });
  EXPECT_EQ(got, (std::vector<int64_t>{0, 1, 2}))
      << "a reassigned partition stayed paused in the client";
  // Nothing delivered twice afterwards (the resume on assignment restarts no fetch).
  for (auto until = std::chrono::steady_clock::now() + 1500ms;
       std::chrono::steady_clock::now() < until;) {
    auto m = a.poll(100ms);
    if (m && !m->is_error() && m->partition() == moved) got.push_back(m->offset());
  }
  EXPECT_EQ(got, (std::vector<int64_t>{0, 1, 2})) << "a message was delivered twice";
  ASSERT_FALSE(a.close().has_value());
}

}  // namespace
}  // namespace etl::kafka

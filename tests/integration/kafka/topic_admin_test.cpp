// Integration: ensure_topic() and watermark queries against the mock cluster.
// Documented behaviour on the mock (it implements no Admin API): an existing topic is left as it
// is; a missing one -> CreateTopics times out -> WARN + broker auto-creation (4 partitions on the
// mock) -> outcome auto_created; with auto-creation forbidden too -> a clear fatal error.

#include "kafka/topic_admin.hpp"

#include <gtest/gtest.h>

#include <random>

#include "kafka/producer.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::random_topic;

TEST(TopicAdmin, ExistingTopicIsLeftAsItIs) {
  const std::string topic = random_topic("exists");
  DevBroker broker({1, {{topic, 2}}});
  AdminClient admin(config_for(broker));
  TopicSpec spec;
  spec.name = topic;
  spec.partitions = 6;
  const auto start = std::chrono::steady_clock::now();
  const EnsureTopicResult r = admin.ensure_topic(spec, 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // metadata only, no admin request
  EXPECT_EQ(r.outcome, TopicOutcome::existed);
  EXPECT_EQ(r.partitions, 2);
  EXPECT_NE(r.note.find("left as it is"), std::string::npos) << r.note;
  EXPECT_EQ(admin.partition_count(topic, 10s), 2);
}

TEST(TopicAdmin, MissingTopicOnTheMockFallsBackToAutoCreation) {
  DevBroker broker({1, {}});
  AdminClient admin(config_for(broker));
  TopicSpec spec;
  spec.name = random_topic("missing");
  spec.partitions = 3;
  EXPECT_FALSE(admin.partition_count(spec.name, 10s).has_value());  // the check never creates it
  const EnsureTopicResult r = admin.ensure_topic(spec, 3s);
  EXPECT_EQ(r.outcome, TopicOutcome::auto_created);
  EXPECT_EQ(r.partitions, 4);  // the mock's auto-creation default, not the spec's 3
  EXPECT_NE(r.note.find("CreateTopics"), std::string::npos) << r.note;
  EXPECT_EQ(admin.partition_count(spec.name, 10s), 4);

  // Usable right away; a second ensure_topic finds it.
  Producer producer(config_for(broker));
  ASSERT_FALSE(producer.produce({spec.name, "k", "v"}));
  ASSERT_TRUE(producer.flush(30s).complete());
  EXPECT_EQ(admin.ensure_topic(spec, 3s).outcome, TopicOutcome::existed);
}

// What a missing topic gives when the client forbids auto-creation: the mock honours the
// client's allow.auto.create.topics=false (librdkafka 2.8; the mock of 2.0.2 auto-created
// whatever a metadata request named).
TEST(TopicAdmin, NoAdminApiAndAutoCreationForbiddenByTheClientIsAClearFatalError) {
  DevBroker broker({1, {}});
  TopicSpec spec;
  spec.name = random_topic("noauto");
  AdminClient admin(config_for(broker, {{"allow.auto.create.topics", "false"}}));
  try {
    (void)admin.ensure_topic(spec, 2s);
    FAIL() << "expected EtlError";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::fatal);
    EXPECT_NE(std::string(e.what()).find(spec.name), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did not auto-create"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(admin.partition_count(spec.name, 10s).has_value()) << "the mock created it";
}

TEST(TopicAdmin, NoAdminApiAndNoAutoCreationIsAClearFatalError) {
  // A broker that refuses auto-creation itself (auto.create.topics.enable=false), which the mock
  // cannot be configured to be: the topic answers UNKNOWN_TOPIC_OR_PART in metadata.
  DevBroker broker({1, {}});
  TopicSpec spec;
  spec.name = random_topic("forbidden");
  rd_kafka_mock_topic_set_error(broker.native(), spec.name.c_str(),
                                RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  AdminClient admin(config_for(broker));
  try {
    (void)admin.ensure_topic(spec, 2s);
    FAIL() << "expected EtlError";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::fatal);
    EXPECT_EQ(e.error().code, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    EXPECT_NE(std::string(e.what()).find(spec.name), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did not auto-create"), std::string::npos) << e.what();
  }
}

TEST(TopicAdmin, WatermarksOfEveryPartition) {
  const std::string topic = random_topic("marks");
  DevBroker broker({1, {{topic, 3}}});
  const auto cfg = config_for(broker);
  Producer producer(cfg);
  for (int i = 0; i < 7; ++i) ASSERT_FALSE(producer.produce({topic, "k", "v", {}, 1}));
  ASSERT_TRUE(producer.flush(30s).complete());
  AdminClient admin(cfg);
  const auto marks = admin.all_watermarks(topic, 10s);
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0].high, 0);
  EXPECT_EQ(marks[1].low, 0);
  EXPECT_EQ(marks[1].high, 7);
  EXPECT_EQ(marks[2].high, 0);
  EXPECT_THROW((void)admin.all_watermarks(random_topic("nope"), 5s), EtlError);
}

TEST(TopicAdmin, DevBrokerKeepsAboutFiveMegabytesPerPartition) {
  // What the stream's retention-loss detection relies on: the low watermark moves up once a
  // partition holds more than ~5 MB, and the dropped messages are gone.
  const std::string topic = random_topic("retention");
  DevBroker broker({1, {{topic, 1}}});
  const auto cfg = config_for(broker, {{"linger.ms", "0"}, {"batch.size", "100000"}});
  Producer producer(cfg);
  std::string value(100 * 1024, '\0');  // incompressible: the mock counts stored (lz4) bytes
  std::mt19937 rng(7);
  for (auto& c : value) c = static_cast<char>(rng());
  for (int i = 0; i < 120; ++i) {  // ~12 MB
    ASSERT_FALSE(producer.produce({topic, fmt::format("k{}", i), value}));
  }
  ASSERT_TRUE(producer.flush(60s).complete());
  const Watermarks w = query_watermarks(producer.native(), topic, 0, 10s);
  EXPECT_EQ(w.high, 120);
  EXPECT_GT(w.low, 0) << "nothing dropped";
  const int64_t kept_bytes = (w.high - w.low) * static_cast<int64_t>(value.size());
  EXPECT_LE(kept_bytes, 7 * 1024 * 1024) << w.low;
  EXPECT_GE(kept_bytes, 4 * 1024 * 1024) << w.low;
}

}  // namespace
}  // namespace etl::kafka

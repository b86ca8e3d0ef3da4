// `fetch` against a real Apache Kafka broker (the shared one from scripts/kafka-local.sh, with
// auto.create.topics.enable=false as on managed clusters): a missing topic is created through the
// Admin API with kafka.topic_partitions, kafka.replication_factor, 7-day retention and a 10 MiB
// message limit, as DescribeConfigs reports them; an existing topic is left exactly as it is and
// reported; a replication factor the cluster cannot meet fails in one line and creates nothing.
// The dev broker cannot show any of it: librdkafka's mock cluster has no CreateTopics or
// DescribeConfigs.

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

std::string all_output(const test::ProcessResult& r) { return r.out + r.err; }

TEST(RealKafkaTopic, FetchCreatesTheMissingTopicWithTheConfiguredShape) {
  const auto data = sim_data(1, 40, 5);
  auto w = real_world(shared_kafka().bootstrap, data);
  EXPECT_THROW(topic_description(w->bootstrap, w->topic), std::runtime_error)
      << "the topic must not exist before fetch";

  auto fetch = w->run(fetch_range("2024-05-01", "2024-05-02"), with_partitions(5), 120s);
  ASSERT_EQ(fetch.exit_code, 0) << e2e::describe(fetch);
  EXPECT_NE(all_output(fetch).find("Kafka topic " + w->topic + " created (5 partitions)"),
            std::string::npos)
      << e2e::describe(fetch);

  const TopicDescription t = topic_description(w->bootstrap, w->topic);
  EXPECT_EQ(t.partitions, 5);
  EXPECT_EQ(t.replication_factor, 1);
  EXPECT_EQ(t.configs.at("retention.ms"), "604800000");  // 7 days
  EXPECT_EQ(t.configs.at("max.message.bytes"), "10485760");
  EXPECT_EQ(t.configs.at("cleanup.policy"), "delete");
  // Every order fetched is in the new topic once.
  EXPECT_EQ(messages_in(w->bootstrap, w->topic),
            static_cast<int64_t>(expected_orders(*w, data).size()));
}

// fetch --data returns creates its own topic (kafka.returns_topic) the same way, and every return
// of the range arrives there once: as many messages as the simulator's returns last modified in
// the range, none in the orders topic.
TEST(RealKafkaTopic, FetchReturnsCreatesTheReturnsTopicAndFillsIt) {
  const auto data = sim_data(40, 40, 7);
  auto w = real_world(shared_kafka().bootstrap, data);
  const std::string returns_topic = w->topic + "-returns";
  EXPECT_THROW(topic_description(w->bootstrap, returns_topic), std::runtime_error);

  auto fetch = w->run({"fetch", "--data", "returns", "--start", "2024-04-01", "--end", "2024-05-01",
                       "--no-progress"},
                      with_partitions(3, {{"WALMART_ETL_KAFKA__RETURNS_TOPIC", returns_topic},
                                          {"WALMART_ETL_FETCH__WINDOW_MINUTES", "10080"}}),
                      180s);
  ASSERT_EQ(fetch.exit_code, 0) << e2e::describe(fetch);
  EXPECT_NE(all_output(fetch).find("Kafka topic " + returns_topic + " created (3 partitions)"),
            std::string::npos)
      << e2e::describe(fetch);
  const TopicDescription t = topic_description(w->bootstrap, returns_topic);
  EXPECT_EQ(t.partitions, 3);
  EXPECT_EQ(t.configs.at("max.message.bytes"), "10485760");

  // The returns last modified (the newest statusTime of their lines) in the two days' range.
  auto [status, body] = e2e::http_call("GET", w->base_url + "/_sim/returns_dump");
  ASSERT_EQ(status, 200);
  static const std::regex time_re(R"re("statusTime":"([^"]+)")re");
  int64_t expected = 0;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    std::string last;
    for (std::sregex_iterator it(line.begin(), line.end(), time_re), end; it != end; ++it) {
      last = std::max(last, (*it)[1].str());
    }
    if (!last.empty() && last >= "2024-04-01" && last < "2024-05-02") ++expected;
  }
  ASSERT_GT(expected, 20);
  EXPECT_EQ(messages_in(w->bootstrap, returns_topic), expected);
  EXPECT_THROW(topic_description(w->bootstrap, w->topic), std::runtime_error)
      << "a returns run made the orders topic";
}

TEST(RealKafkaTopic, AnExistingTopicIsLeftAsItIsAndReported) {
  const auto data = sim_data(1, 40, 6);
  auto w = real_world(shared_kafka().bootstrap, data);
  // Made by someone else, shaped differently from what fetch would make.
  create_topic(w->bootstrap, w->topic, 2, {{"retention.ms", "3600000"}});

  auto fetch = w->run(fetch_range("2024-05-01", "2024-05-02"), with_partitions(5), 120s);
  ASSERT_EQ(fetch.exit_code, 0) << e2e::describe(fetch);
  EXPECT_NE(all_output(fetch).find("Kafka topic " + w->topic + " existed (2 partitions)"),
            std::string::npos)
      << e2e::describe(fetch);

  const TopicDescription t = topic_description(w->bootstrap, w->topic);
  EXPECT_EQ(t.partitions, 2);
  EXPECT_EQ(t.configs.at("retention.ms"), "3600000");
  EXPECT_NE(t.configs.at("max.message.bytes"), "10485760");  // the broker's default, untouched
  EXPECT_EQ(messages_in(w->bootstrap, w->topic),
            static_cast<int64_t>(expected_orders(*w, data).size()));
}

TEST(RealKafkaTopic, AReplicationFactorAboveTheBrokerCountFailsClearlyAndCreatesNothing) {
  const auto data = sim_data(1, 20, 7);
  auto w = real_world(shared_kafka().bootstrap, data);
  auto env = with_partitions(3);
  env["WALMART_ETL_KAFKA__REPLICATION_FACTOR"] = "3";  // the local cluster has one broker
  auto fetch = w->run(fetch_range("2024-05-01", "2024-05-02"), env, 120s);
  EXPECT_EQ(fetch.exit_code, 1) << e2e::describe(fetch);
  const std::string last = fetch.err.substr(
      fetch.err.rfind("walmart-etl: ") == std::string::npos ? 0 : fetch.err.rfind("walmart-etl: "));
  EXPECT_NE(last.find("cannot create kafka topic " + w->topic), std::string::npos)
      << e2e::describe(fetch);
  EXPECT_NE(last.find("INVALID_REPLICATION_FACTOR"), std::string::npos) << e2e::describe(fetch);
  EXPECT_THROW(topic_description(w->bootstrap, w->topic), std::runtime_error);
}

}  // namespace
}  // namespace etl::kafka_real

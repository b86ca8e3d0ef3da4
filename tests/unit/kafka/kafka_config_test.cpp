// Unit tests (no network): property precedence, invariants, checked conf_set, error classes,
// dev-broker topic specs.

#include "kafka/kafka_config.hpp"

#include <gtest/gtest.h>

#include <array>

#include "common/error.hpp"
#include "kafka/kafka_error.hpp"
#include "kafka/producer.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka {
namespace {

std::string conf_value(rd_kafka_conf_t* conf, const char* name) {
  std::array<char, 512> buf{};
  size_t size = buf.size();
  EXPECT_EQ(rd_kafka_conf_get(conf, name, buf.data(), &size), RD_KAFKA_CONF_OK) << name;
  return buf.data();
}

TEST(KafkaConfig, ProducerDefaultsComeFromTypedConfig) {
  config::KafkaConfig cfg;
  cfg.bootstrap_servers = {"a:1", "b:2"};
  const auto eff = effective_properties(cfg, ClientRole::producer);
  EXPECT_EQ(eff.values.at("bootstrap.servers"), "a:1,b:2");
  EXPECT_EQ(eff.values.at("client.id"), "walmart-etl-producer");
  EXPECT_EQ(eff.values.at("compression.type"), "lz4");
  EXPECT_EQ(eff.values.at("enable.idempotence"), "true");
  EXPECT_EQ(eff.values.at("acks"), "all");
  EXPECT_TRUE(eff.overridden.empty());
}

TEST(KafkaConfig, UserPropertiesOverrideDefaults) {
  config::KafkaConfig cfg;
  cfg.properties = {{"compression.type", "zstd"},
                    {"linger.ms", "50"},
                    {"bootstrap.servers", "override:9092"},
                    {"security.protocol", "sasl_ssl"}};
  const auto eff = effective_properties(cfg, ClientRole::producer);
  EXPECT_EQ(eff.values.at("compression.type"), "zstd");
  EXPECT_EQ(eff.values.at("linger.ms"), "50");
  EXPECT_EQ(eff.values.at("bootstrap.servers"), "override:9092");
  EXPECT_EQ(eff.values.at("security.protocol"), "sasl_ssl");
}

TEST(KafkaConfig, ProducerInvariantsWinOverUserProperties) {
  config::KafkaConfig cfg;
  cfg.properties = {{"enable.idempotence", "false"}, {"acks", "1"}};
  const auto eff = effective_properties(cfg, ClientRole::producer);
  EXPECT_EQ(eff.values.at("enable.idempotence"), "true");
  EXPECT_EQ(eff.values.at("acks"), "all");
  ASSERT_EQ(eff.overridden.size(), 2u);
  EXPECT_NE(eff.overridden[0].find("forced to"), std::string::npos);
}

TEST(KafkaConfig, ConsumerInvariantsWinOverUserProperties) {
  config::KafkaConfig cfg;
  cfg.consumer_group = "cfg-group";
  cfg.properties = {{"enable.auto.commit", "true"},
                    {"enable.auto.offset.store", "true"},
                    {"partition.assignment.strategy", "range"},
                    {"auto.offset.reset", "latest"},
                    {"group.id", "user-group"},
                    {"fetch.max.bytes", "1000000"}};
  const auto eff = effective_properties(cfg, ClientRole::consumer);
  EXPECT_EQ(eff.values.at("enable.auto.commit"), "false");
  EXPECT_EQ(eff.values.at("enable.auto.offset.store"), "false");
  EXPECT_EQ(eff.values.at("partition.assignment.strategy"), "cooperative-sticky");
  EXPECT_EQ(eff.values.at("auto.offset.reset"), "earliest");  // the caller's, not the user's
  EXPECT_EQ(eff.values.at("group.id"), "cfg-group");
  EXPECT_EQ(eff.values.at("fetch.max.bytes"), "1000000");  // not an invariant
  EXPECT_EQ(eff.values.at("group.protocol"), "classic");
  EXPECT_EQ(eff.overridden.size(), 5u);
}

TEST(KafkaConfig, GroupProtocolComesFromItsKeyForTheConsumerOnly) {
  config::KafkaConfig cfg;
  cfg.group_protocol = config::GroupProtocol::consumer;
  auto eff = effective_properties(cfg, ClientRole::consumer);
  EXPECT_EQ(eff.values.at("group.protocol"), "consumer");
  // The rebalance callback stays incremental under KIP-848.
  EXPECT_EQ(eff.values.at("partition.assignment.strategy"), "cooperative-sticky");
  EXPECT_TRUE(eff.overridden.empty());
  EXPECT_EQ(effective_properties(cfg, ClientRole::producer).values.count("group.protocol"), 0u);
  // kafka.properties.group.protocol cannot contradict kafka.group_protocol.
  cfg.group_protocol = config::GroupProtocol::classic;
  cfg.properties = {{"group.protocol", "consumer"}};
  eff = effective_properties(cfg, ClientRole::consumer);
  EXPECT_EQ(eff.values.at("group.protocol"), "classic");
  ASSERT_EQ(eff.overridden.size(), 1u);
  EXPECT_NE(eff.overridden[0].find("group.protocol=consumer (forced to classic)"),
            std::string::npos);
}

TEST(KafkaConfig, ConsumerPrefetchIsBoundedUnlessTheUserSaysOtherwise) {
  config::KafkaConfig cfg;
  auto eff = effective_properties(cfg, ClientRole::consumer);
  EXPECT_EQ(eff.values.at("queued.max.messages.kbytes"), "32768");
  EXPECT_EQ(eff.values.at("queued.min.messages"), "20000");
  cfg.properties = {{"queued.max.messages.kbytes", "65536"}};
  eff = effective_properties(cfg, ClientRole::consumer);
  EXPECT_EQ(eff.values.at("queued.max.messages.kbytes"), "65536");
  EXPECT_TRUE(eff.overridden.empty());
}

TEST(KafkaConfig, ConsumerCallerChoosesResetGroupAndEof) {
  config::KafkaConfig cfg;
  ClientOptions options;
  options.group_id = "g2";
  options.offset_reset = OffsetReset::latest;
  options.partition_eof = true;
  const auto eff = effective_properties(cfg, ClientRole::consumer, options);
  EXPECT_EQ(eff.values.at("auto.offset.reset"), "latest");
  EXPECT_EQ(eff.values.at("group.id"), "g2");
  EXPECT_EQ(eff.values.at("enable.partition.eof"), "true");
  EXPECT_EQ(eff.values.count("enable.idempotence"), 0u);
}

TEST(KafkaConfig, ConfHoldsTheEffectiveValues) {
  config::KafkaConfig cfg;
  cfg.properties = {{"enable.idempotence", "false"}, {"linger.ms", "7"}};
  const ConfPtr conf = kafka_conf_from(cfg, ClientRole::producer);
  EXPECT_EQ(conf_value(conf.get(), "enable.idempotence"), "true");
  EXPECT_EQ(conf_value(conf.get(), "linger.ms"), "7");
  EXPECT_EQ(conf_value(conf.get(), "compression.type"), "lz4");
}

TEST(KafkaConfig, UnknownPropertyIsAConfigErrorNamingIt) {
  config::KafkaConfig cfg;
  cfg.properties = {{"no.such.property", "1"}};
  try {
    (void)kafka_conf_from(cfg, ClientRole::producer);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("kafka.properties.no.such.property"), std::string::npos)
        << e.what();
  }
}

TEST(KafkaConfig, InvalidValueIsAConfigErrorNamingIt) {
  config::KafkaConfig cfg;
  cfg.properties = {{"compression.type", "brotli"}};
  try {
    (void)kafka_conf_from(cfg, ClientRole::producer);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("compression.type=brotli"), std::string::npos) << e.what();
  }
}

TEST(KafkaConfig, SecretValuesAreNotEchoed) {
  const ConfPtr conf(rd_kafka_conf_new());
  try {
    set_property(conf.get(), "sasl.password.typo", "hunter2");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("kafka.properties.sasl.password.typo=***"), std::string::npos) << what;
    EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
  }
}

TEST(KafkaError, ClassesDecideRetryAndDeadLetter) {
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR__TRANSPORT), ErrorClass::retriable);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), ErrorClass::retriable);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION), ErrorClass::retriable);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), ErrorClass::bad_record);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED), ErrorClass::fatal);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR__FATAL), ErrorClass::fatal);
  const Error e = kafka_error(RD_KAFKA_RESP_ERR__TRANSPORT, "ctx");
  EXPECT_EQ(e.origin, ErrorOrigin::kafka);
  EXPECT_EQ(e.code, RD_KAFKA_RESP_ERR__TRANSPORT);
  EXPECT_NE(e.message.find("ctx: "), std::string::npos);
  EXPECT_NE(e.message.find("_TRANSPORT"), std::string::npos);
}

TEST(FlushResult, DescribesWhatIsMissingAndWhy) {
  FlushResult ok;
  ok.counters = {10, 10, 0};
  EXPECT_TRUE(ok.complete());
  EXPECT_EQ(ok.describe(), "all 10 messages acknowledged");

  FlushResult bad;
  bad.counters = {10, 5, 2};
  bad.undelivered = 3;
  bad.failures[RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE] = {
      2, kafka_error(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "delivery")};
  bad.last_client_error = kafka_error(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, "1/1 brokers are down");
  EXPECT_FALSE(bad.complete());
  const std::string d = bad.describe();
  EXPECT_NE(d.find("5 of 10 messages not acknowledged: 3 undelivered, 2 failed"), std::string::npos)
      << d;
  EXPECT_NE(d.find("2 x delivery"), std::string::npos) << d;
  EXPECT_NE(d.find("1/1 brokers are down"), std::string::npos) << d;
}

TEST(DevTopic, ParsesNameAndPartitions) {
  EXPECT_EQ(parse_dev_topic("walmart_order_raw:6").partitions, 6);
  EXPECT_EQ(parse_dev_topic("walmart_order_raw:6").name, "walmart_order_raw");
  EXPECT_EQ(parse_dev_topic("t").partitions, 1);
  EXPECT_THROW(parse_dev_topic("t:0"), ConfigError);
  EXPECT_THROW(parse_dev_topic("t:x"), ConfigError);
  EXPECT_THROW(parse_dev_topic(":3"), ConfigError);
  EXPECT_THROW(parse_dev_topic("bad name:3"), ConfigError);
}

}  // namespace
}  // namespace etl::kafka

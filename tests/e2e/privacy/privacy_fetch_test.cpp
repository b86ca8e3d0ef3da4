// privacy.apply_before_kafka: `walmart-etl fetch` (the binary, against `simulate-api` and
// `dev-broker` started as processes) redacts every order before producing it: each Kafka message
// is the order the API served with exactly its personal values rewritten by the policies (hash
// and drop) and every other byte as served, and none of the buyers' clear values is in the topic.
// Off (the default) the same fetch produces the orders as served.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/utc_time.hpp"
#include "privacy/redactor.hpp"
#include "support/background_process.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/test_env.hpp"
#include "walmart/http_client.hpp"

namespace etl::fetch_test {
namespace {

using std::chrono::seconds;

const std::string kKey = "e2e-privacy-fetch-key-0123456789abcdef01234";

class PrivacyFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = etl::test::make_temp_dir("privacy-fetch");
    topic_ = random_name("orders");
    sim_ = std::make_unique<etl::test::BackgroundProcess>(
        "sim",
        std::vector<std::string>{"simulate-api", "--port", "0", "--port-file", dir_ + "/port",
                                 "--orders-per-day", "300", "--days", "3", "--time-scale", "0"},
        std::map<std::string, std::string>{}, dir_);
    broker_ = std::make_unique<etl::test::BackgroundProcess>(
        "broker",
        std::vector<std::string>{"dev-broker", "--bootstrap-file", dir_ + "/bootstrap", "--topic",
                                 topic_ + "-redacted:4", topic_ + "-clear:4"},
        std::map<std::string, std::string>{}, dir_);
    const std::string port = etl::test::wait_for_file(dir_ + "/port", seconds(20));
    bootstrap_ = etl::test::wait_for_file(dir_ + "/bootstrap", seconds(20));
    ASSERT_FALSE(port.empty()) << sim_->describe();
    ASSERT_FALSE(bootstrap_.empty()) << broker_->describe();
    base_url_ = "http://127.0.0.1:" + port;
  }
  void TearDown() override {
    if (sim_) sim_->stop(seconds(10));
    if (broker_) broker_->stop(seconds(10));
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // fetch of one whole past day into `topic`, the privacy section given by `privacy`.
  void fetch(const std::string& topic, const std::map<std::string, std::string>& privacy) {
    std::map<std::string, std::string> env{
        {"WALMART_ETL_WALMART_TOKEN__BASE_URL", base_url_},
        {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "sim-client-id"},
        {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "sim-client-secret"},
        {"WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS", bootstrap_},
        {"WALMART_ETL_KAFKA__TOPIC", topic},
        {"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "0"},
        {"WALMART_ETL_FETCH__METRICS_PORT", "0"},
        {"WALMART_ETL_LOGGING__DIR", ""}};
    for (const auto& [k, v] : privacy) env["WALMART_ETL_PRIVACY__" + k] = v;
    const std::string d = format_sql_datetime(day_ / 1000).substr(0, 10);
    const auto r = etl::test::run_binary({"fetch", "--start", d, "--end", d}, env, seconds(180));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  // The simulator's orders of that day, as served (GET /_sim/dump).
  std::map<std::string, std::string> served() {
    walmart::HttpClient http(walmart::HttpOptions{});
    walmart::HttpResponse r;
    http.perform(walmart::HttpRequest{walmart::HttpMethod::get, base_url_ + "/_sim/dump", {}, {}},
                 r);
    EXPECT_EQ(r.status, 200);
    std::map<std::string, std::string> out;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
      const auto at = line.find("\"purchaseOrderId\":\"");
      const auto date_at = line.find("\"orderDate\":");
      if (at == std::string::npos || date_at == std::string::npos) continue;
      const int64_t date = std::stoll(line.substr(date_at + 12, 13));
      if (date < day_ || date >= day_ + kDayMs) continue;
      const auto start = at + 19;
      out.emplace(line.substr(start, line.find('"', start) - start), line);
    }
    return out;
  }

  std::map<std::string, std::string> read(const std::string& topic, size_t expected) {
    config::KafkaConfig k;
    k.bootstrap_servers = {bootstrap_};
    std::map<std::string, std::string> out;
    for (const auto& m : read_topic(k, topic, expected, seconds(60))) {
      const auto split = split_request_time(m.value);
      EXPECT_TRUE(split.has_value()) << m.value.substr(0, 200);
      if (split) out[m.key] = split->order_json;
    }
    return out;
  }

  int64_t day_ = day_start(now_epoch_ms()) - kDayMs;
  std::string dir_;
  std::string topic_;
  std::string base_url_;
  std::string bootstrap_;
  std::unique_ptr<etl::test::BackgroundProcess> sim_;
  std::unique_ptr<etl::test::BackgroundProcess> broker_;
};

TEST_F(PrivacyFetch, ApplyBeforeKafkaProducesRedactedOrdersAndOffProducesThemAsServed) {
  const std::map<std::string, std::string> policies{
      {"CUSTOMER_EMAIL_ID", "hash"}, {"PHONE", "drop"},          {"RECIPIENT_NAME", "hash"},
      {"ADDRESS1", "drop"},          {"ADDRESS2", "drop"},       {"CITY", "hash"},
      {"POSTAL_CODE", "hash"},       {"PICKUP_PERSONS", "drop"}, {"HASH_SECRET", kKey}};
  auto before_kafka = policies;
  before_kafka["APPLY_BEFORE_KAFKA"] = "true";
  fetch(topic_ + "-redacted", before_kafka);
  fetch(topic_ + "-clear", policies);

  const auto orders = served();
  ASSERT_GT(orders.size(), 100u);
  privacy::FieldPolicies p;
  p.policy = {config::FieldPolicy::hash, config::FieldPolicy::drop, config::FieldPolicy::hash,
              config::FieldPolicy::drop, config::FieldPolicy::drop, config::FieldPolicy::hash,
              config::FieldPolicy::hash, config::FieldPolicy::drop};
  p.hash_key = kKey;
  privacy::Redactor redactor(p);

  const auto redacted = read(topic_ + "-redacted", orders.size());
  ASSERT_EQ(redacted.size(), orders.size());
  std::string all;
  size_t rewritten = 0;
  for (const auto& [id, json] : orders) {
    ASSERT_TRUE(redacted.contains(id)) << id;
    std::string want;
    if (redactor.redact(json, want).outcome == privacy::RedactOutcome::redacted) {
      ++rewritten;
    } else {
      want = json;
    }
    EXPECT_EQ(redacted.at(id), want) << "order " << id;
    all += redacted.at(id);
  }
  EXPECT_EQ(rewritten, orders.size()) << "every order carries personal data";
  // No clear email or name of any buyer in the topic.
  size_t checked = 0;
  for (const auto& [id, json] : orders) {
    for (const std::string field : {"\"customerEmailId\":\"", "\"name\":\""}) {
      const auto at = json.find(field);
      if (at == std::string::npos) continue;
      const auto start = at + field.size();
      const std::string value = json.substr(start, json.find('"', start) - start);
      if (value.size() < 6) continue;
      ++checked;
      EXPECT_EQ(all.find(value), std::string::npos) << "'" << value << "' is in Kafka";
    }
  }
  EXPECT_GT(checked, orders.size());

  // Off (the default): the same policies leave Kafka's copy as served (the writers apply them).
  const auto clear = read(topic_ + "-clear", orders.size());
  ASSERT_EQ(clear.size(), orders.size());
  for (const auto& [id, json] : orders) EXPECT_EQ(clear.at(id), json) << "order " << id;
}

}  // namespace
}  // namespace etl::fetch_test

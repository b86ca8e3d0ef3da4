// The whole flow on a real Apache Kafka broker (the shared one from scripts/kafka-local.sh):
// simulate-api -> fetch -> Kafka -> stream --until-idle -> MariaDB, over PLAINTEXT and over
// SASL_SSL with PLAIN, SCRAM-SHA-512 and SCRAM-SHA-256 (the broker's certificate verified against
// the CA the script made, host name included). SCRAM is what managed clusters use; librdkafka
// before 2.6.1 cannot log in with it to Kafka 4, so these tests fail on such a library. Every
// served order must be in MySQL exactly once, Kafka must hold each order once (fetch de-duplicates,
// the idempotent producer adds no copy), and the stream's stored offsets must be the end offsets.
// The dev broker has no TLS and no SASL, so only a real broker can show the secured path; and the
// configuration failures a user meets first (a wrong CA, a wrong password with PLAIN or SCRAM) each
// end in one clear line and exit 1.

#include <gtest/gtest.h>

#include <sstream>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

void expect_exact_flow(const std::map<std::string, std::string>& env) {
  const auto data = sim_data(3, 400, 21);
  auto w = real_world(shared_kafka().bootstrap, data);
  const auto expected = expected_orders(*w, data);
  ASSERT_GT(expected.size(), 1100u);

  auto fetch = w->run(fetch_range(), with_partitions(4, env), 180s);
  ASSERT_EQ(fetch.exit_code, 0) << e2e::describe(fetch);
  EXPECT_NE(fetch.out.find("result: complete"), std::string::npos) << fetch.out;
  EXPECT_EQ(messages_in(w->bootstrap, w->topic), static_cast<int64_t>(expected.size()));

  auto stream = w->run({"stream", "--until-idle"}, env, 180s);
  ASSERT_EQ(stream.exit_code, 0) << e2e::describe(stream);
  EXPECT_EQ(check_mysql_exact(*w, expected), "");
}

TEST(RealKafkaFlow, EveryServedOrderReachesMysqlExactlyOnceOverPlaintext) { expect_exact_flow({}); }

TEST(RealKafkaFlow, EveryServedOrderReachesMysqlExactlyOnceOverSaslSsl) {
  const KafkaEndpoints& k = shared_kafka();
  expect_exact_flow(sasl_ssl_env(k, k.ca_file, k.password));
}

TEST(RealKafkaFlow, EveryServedOrderReachesMysqlExactlyOnceOverScramSha512) {
  const KafkaEndpoints& k = shared_kafka();
  expect_exact_flow(sasl_ssl_env(k, k.ca_file, k.password, "SCRAM-SHA-512"));
}

TEST(RealKafkaFlow, EveryServedOrderReachesMysqlExactlyOnceOverScramSha256) {
  const KafkaEndpoints& k = shared_kafka();
  expect_exact_flow(sasl_ssl_env(k, k.ca_file, k.password, "SCRAM-SHA-256"));
}

// The verdict lines of stderr: the command's own last word ("walmart-etl: ..." from main, or a
// CRITICAL log line). librdkafka's reports before it are details.
std::vector<std::string> verdict_lines(const std::string& err) {
  std::vector<std::string> out;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("walmart-etl: ", 0) == 0 || line.find(" critical ") != std::string::npos)
      out.push_back(line);
  }
  return out;
}

// fetch and stream with a broken security setting: exit 1 soon, one verdict line saying
// `reason`.
void expect_clear_failure(const std::map<std::string, std::string>& env,
                          const std::string& reason) {
  const auto data = sim_data(1, 20, 3);
  auto w = real_world(shared_kafka().bootstrap, data);
  for (const std::vector<std::string>& args :
       {fetch_range("2024-05-01", "2024-05-02"),
        std::vector<std::string>{"stream", "--until-idle"}}) {
    const auto started = std::chrono::steady_clock::now();
    auto r = w->run(args, with_partitions(2, env), 120s);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << e2e::describe(r);
    EXPECT_LT(took, 60s) << args[0] << " took too long to give up";
    const auto verdict = verdict_lines(r.err);
    ASSERT_EQ(verdict.size(), 1u) << args[0] << ": " << e2e::describe(r);
    EXPECT_NE(verdict[0].find(reason), std::string::npos)
        << args[0] << " verdict: " << verdict[0] << "\n"
        << e2e::describe(r);
  }
  EXPECT_THROW(topic_description(w->bootstrap, w->topic), std::runtime_error)
      << "nothing may reach the broker";
}

TEST(RealKafkaFlow, AWrongCaFailsWithOneClearLine) {
  const KafkaEndpoints& k = shared_kafka();
  // The system's public CAs did not sign the local broker's certificate.
  expect_clear_failure(sasl_ssl_env(k, "/etc/ssl/certs/ca-certificates.crt", k.password),
                       "certificate verify failed");
}

TEST(RealKafkaFlow, AWrongPasswordFailsWithOneClearLine) {
  const KafkaEndpoints& k = shared_kafka();
  expect_clear_failure(sasl_ssl_env(k, k.ca_file, k.password + "-wrong"),
                       "Authentication failed: Invalid username or password");
}

TEST(RealKafkaFlow, AWrongScramPasswordFailsWithOneClearLine) {
  const KafkaEndpoints& k = shared_kafka();
  for (const std::string mechanism : {"SCRAM-SHA-512", "SCRAM-SHA-256"}) {
    SCOPED_TRACE(mechanism);
    expect_clear_failure(sasl_ssl_env(k, k.ca_file, k.password + "-wrong", mechanism),
                         "Authentication failed during authentication due to invalid credentials "
                         "with SASL mechanism " +
                             mechanism);
  }
}

}  // namespace
}  // namespace etl::kafka_real

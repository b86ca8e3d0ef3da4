#pragma once
// The real Apache Kafka broker the tests in this folder run against, and the tests' own look at
// it through librdkafka (not the project's kafka module):
// - shared_kafka(): the broker scripts/test.sh started with scripts/kafka-local.sh (addresses in
//   ETL_TEST_KAFKA_*; defaults are the script's). Tests that only read and write their own fresh
//   topics share it.
// - PrivateBroker: a second broker of the same script, in its own state directory on free ports,
//   for tests that kill it (SIGKILL) or need broker-wide state of their own. It reuses the jars
//   the shared broker resolved, so it starts in seconds.
// - topic_description(): partitions, replication factor and configs as the broker reports them
//   (Metadata + DescribeConfigs).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace etl::kafka_real {

struct KafkaEndpoints {
  std::string bootstrap;       // PLAINTEXT, 127.0.0.1:port
  std::string sasl_bootstrap;  // SASL_SSL, localhost:port (the certificate's name)
  std::string ca_file;         // the CA that signed the broker's certificate
  std::string user;
  std::string password;
};

// The shared broker; throws std::runtime_error (with the command to start it) if it does not
// answer a metadata request.
const KafkaEndpoints& shared_kafka();

// WALMART_ETL_* settings for SASL_SSL with `mechanism` (PLAIN, SCRAM-SHA-512, SCRAM-SHA-256) over
// TLS, certificate verified against `ca_file` (host name included). The same properties as
// docs/operations.md.
std::map<std::string, std::string> sasl_ssl_env(const KafkaEndpoints& k, const std::string& ca_file,
                                                const std::string& password,
                                                const std::string& mechanism = "PLAIN");

// A free TCP port on 127.0.0.1 (e.g. for a stream's metrics endpoint).
int free_port();

class PrivateBroker {
 public:
  // Picks three free loopback ports and a fresh temporary state directory; starts it. `password`:
  // the SASL user's (default the script's).
  explicit PrivateBroker(const std::string& password = "etl-secret");
  // Stops it (SIGTERM, then SIGKILL); removes its directory unless the test failed (then the
  // broker's log is kept there and named on stderr).
  ~PrivateBroker();
  PrivateBroker(const PrivateBroker&) = delete;
  PrivateBroker& operator=(const PrivateBroker&) = delete;

  void start();  // `kafka-local.sh start`: returns once it answers; throws on failure
  void kill9();  // `kafka-local.sh kill`: SIGKILL, the on-disk log stays
  void stop();   // `kafka-local.sh stop`
  [[nodiscard]] const KafkaEndpoints& endpoints() const { return endpoints_; }
  [[nodiscard]] const std::string& bootstrap() const { return endpoints_.bootstrap; }
  [[nodiscard]] const std::string& state_dir() const { return dir_; }

 private:
  void script(const std::string& verb);
  std::string root_;  // the temporary directory: dir_ and the script's log
  std::string dir_;
  std::map<std::string, std::string> env_;
  KafkaEndpoints endpoints_;
};

struct TopicDescription {
  int partitions = 0;
  int replication_factor = 0;
  std::map<std::string, std::string> configs;  // every config the broker reports for the topic
};

// Throws std::runtime_error if the topic does not exist or a request fails.
TopicDescription topic_description(const std::string& bootstrap, const std::string& topic,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(15));

// partition -> {low, high} watermarks of every partition of the topic.
std::map<int32_t, std::pair<int64_t, int64_t>> watermarks(
    const std::string& bootstrap, const std::string& topic,
    std::chrono::milliseconds timeout = std::chrono::seconds(15));

// Creates a topic with the Admin API (for tests that need a topic shaped before fetch runs).
void create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                  const std::map<std::string, std::string>& configs,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Replaces the topic's configs (AlterConfigs: every config not named returns to the default).
void set_topic_configs(const std::string& bootstrap, const std::string& topic,
                       const std::map<std::string, std::string>& configs,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace etl::kafka_real

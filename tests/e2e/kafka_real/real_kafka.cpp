#include "e2e/kafka_real/real_kafka.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "kafka/rdkafka_handles.hpp"
#include "support/background_process.hpp"
#include "support/test_env.hpp"

namespace etl::kafka_real {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

using kafka::ConfPtr;
using kafka::EventPtr;
using kafka::MetadataPtr;
using kafka::NewTopicPtr;
using kafka::QueuePtr;
using KafkaPtr = kafka::KafkaHandlePtr;

KafkaPtr probe_client(const std::string& bootstrap) {
  ConfPtr conf(rd_kafka_conf_new());
  std::array<char, 512> err{};
  for (const auto& [k, v] : std::map<std::string, std::string>{{"bootstrap.servers", bootstrap},
                                                               {"log_level", "3"},
                                                               {"log.connection.close", "false"}}) {
    if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err.data(), err.size()) !=
        RD_KAFKA_CONF_OK)
      throw std::runtime_error("kafka probe: " + k + ": " + err.data());
  }
  KafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size()));
  if (!rk) throw std::runtime_error(std::string("kafka probe: ") + err.data());
  conf.release();  // owned by rk now
  return rk;
}

int ms(std::chrono::milliseconds t) { return static_cast<int>(t.count()); }

// Waits for the admin result event of type `type` on `q`.
EventPtr admin_result(rd_kafka_queue_t* q, rd_kafka_event_type_t type,
                      std::chrono::milliseconds timeout, const std::string& what) {
  EventPtr ev(rd_kafka_queue_poll(q, ms(timeout) + 2000));
  if (!ev) throw std::runtime_error(what + ": no answer");
  if (rd_kafka_event_type(ev.get()) != type)
    throw std::runtime_error(what + ": unexpected event " + rd_kafka_event_name(ev.get()));
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error(what + ": " + rd_kafka_event_error_string(ev.get()));
  return ev;
}

// An admin request on one resource: throws unless its one result has no error.
void expect_one_success(size_t n, rd_kafka_resp_err_t err, const char* reason,
                        const std::string& what) {
  if (n != 1 || err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(what + ": " +
                             (n != 1              ? std::string("no result")
                              : reason != nullptr ? reason
                                                  : ""));
  }
}

// Three distinct free TCP ports on 127.0.0.1 (bound together, so they differ, then released).
std::vector<int> free_ports(int n) {
  std::vector<int> fds;
  std::vector<int> ports;
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("no free port");
    fds.push_back(fd);
    ports.push_back(ntohs(a.sin_port));
  }
  for (const int fd : fds) ::close(fd);
  return ports;
}

}  // namespace

int free_port() { return free_ports(1).front(); }

const KafkaEndpoints& shared_kafka() {
  static const KafkaEndpoints k = [] {
    KafkaEndpoints e;
    e.bootstrap = env_or("ETL_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:39092");
    e.sasl_bootstrap = env_or("ETL_TEST_KAFKA_SASL_BOOTSTRAP", "localhost:39093");
    e.ca_file =
        env_or("ETL_TEST_KAFKA_CA", std::string(ETL_SOURCE_DIR) + "/.local/kafka/tls/ca.pem");
    e.user = env_or("ETL_TEST_KAFKA_SASL_USER", "etl");
    e.password = env_or("ETL_TEST_KAFKA_SASL_PASSWORD", "etl-secret");
    return e;
  }();
  auto rk = probe_client(k.bootstrap);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk.get(), 0, nullptr, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("no Apache Kafka broker answers at " + k.bootstrap +
                             ": run the tests through scripts/test.sh, or start one with "
                             "scripts/kafka-local.sh start");
  }
  rd_kafka_metadata_destroy(md);
  return k;
}

std::map<std::string, std::string> sasl_ssl_env(const KafkaEndpoints& k, const std::string& ca_file,
                                                const std::string& password,
                                                const std::string& mechanism) {
  return {
      {"WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS", k.sasl_bootstrap},
      {"WALMART_ETL_KAFKA__PROPERTIES__SECURITY_PROTOCOL", "SASL_SSL"},
      {"WALMART_ETL_KAFKA__PROPERTIES__SASL_MECHANISMS", mechanism},
      {"WALMART_ETL_KAFKA__PROPERTIES__SASL_USERNAME", k.user},
      {"WALMART_ETL_KAFKA__PROPERTIES__SASL_PASSWORD", password},
      {"WALMART_ETL_KAFKA__PROPERTIES__SSL_CA_LOCATION", ca_file},
      {"WALMART_ETL_KAFKA__PROPERTIES__SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https"},
  };
}

PrivateBroker::PrivateBroker(const std::string& password)
    : root_(test::make_temp_dir("etl-kafka-broker")), dir_(root_ + "/kafka") {
  const auto ports = free_ports(3);
  env_ = {{"ETL_KAFKA_DIR", dir_},
          {"ETL_KAFKA_PORT", std::to_string(ports[0])},
          {"ETL_KAFKA_SASL_PORT", std::to_string(ports[1])},
          {"ETL_KAFKA_CONTROLLER_PORT", std::to_string(ports[2])},
          {"ETL_KAFKA_HEAP", "384m"},
          {"ETL_KAFKA_SASL_PASSWORD", password}};
  endpoints_.bootstrap = "127.0.0.1:" + std::to_string(ports[0]);
  endpoints_.sasl_bootstrap = "localhost:" + std::to_string(ports[1]);
  endpoints_.ca_file = dir_ + "/tls/ca.pem";
  endpoints_.user = "etl";
  endpoints_.password = password;
  start();
}

PrivateBroker::~PrivateBroker() {
  try {
    stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "private broker: %s\n", e.what());
  }
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "private broker: keeping %s (its log is kafka/kafka.log)\n",
                 root_.c_str());
  } else {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
}

// Runs the script with env_ in its environment (not on a shell command line: the password is
// among them, and no secret may appear in a process's arguments), output appended to dir_.log.
void PrivateBroker::script(const std::string& verb) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (env_.count(entry.substr(0, entry.find('='))) == 0) env_text.push_back(entry);
  }
  for (const auto& [k, v] : env_) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_text) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string path = std::string(ETL_SOURCE_DIR) + "/scripts/kafka-local.sh";
  std::string arg = verb;
  std::array<char*, 3> argv{path.data(), arg.data(), nullptr};
  const std::string log = dir_ + ".log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc == 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (rc != 0) {
    throw std::runtime_error("kafka-local.sh " + verb + " failed (status " + std::to_string(rc) +
                             "):\n" + test::tail(test::read_text_file(dir_ + ".log")));
  }
}

void PrivateBroker::start() { script("start"); }
void PrivateBroker::kill9() { script("kill"); }
void PrivateBroker::stop() { script("stop"); }

TopicDescription topic_description(const std::string& bootstrap, const std::string& topic,
                                   std::chrono::milliseconds timeout) {
  auto rk = probe_client(bootstrap);
  TopicDescription out;
  {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk.get(), 0, t, &md, ms(timeout));
    rd_kafka_topic_destroy(t);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error("metadata of " + topic + ": " + rd_kafka_err2str(e));
    const MetadataPtr hold(md);
    if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error("topic " + topic + " does not exist");
    out.partitions = md->topics[0].partition_cnt;
    out.replication_factor = out.partitions > 0 ? md->topics[0].partitions[0].replica_cnt : 0;
  }
  QueuePtr q(rd_kafka_queue_new(rk.get()));
  rd_kafka_ConfigResource_t* res =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(rk.get(), &res, 1, nullptr, q.get());
  rd_kafka_ConfigResource_destroy(res);
  const EventPtr ev =
      admin_result(q.get(), RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, timeout, "describe " + topic);
  size_t n = 0;
  const rd_kafka_ConfigResource_t** rs = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
  expect_one_success(n, n == 1 ? rd_kafka_ConfigResource_error(rs[0]) : RD_KAFKA_RESP_ERR_NO_ERROR,
                     n == 1 ? rd_kafka_ConfigResource_error_string(rs[0]) : nullptr,
                     "describe configs of " + topic);
  size_t cnt = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(rs[0], &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    const char* v = rd_kafka_ConfigEntry_value(entries[i]);
    out.configs[rd_kafka_ConfigEntry_name(entries[i])] = v != nullptr ? v : "";
  }
  return out;
}

std::map<int32_t, std::pair<int64_t, int64_t>> watermarks(const std::string& bootstrap,
                                                          const std::string& topic,
                                                          std::chrono::milliseconds timeout) {
  const int partitions = topic_description(bootstrap, topic, timeout).partitions;
  auto rk = probe_client(bootstrap);
  std::map<int32_t, std::pair<int64_t, int64_t>> out;
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    const rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, ms(timeout));
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error("watermarks of " + topic + "[" + std::to_string(p) +
                               "]: " + rd_kafka_err2str(e));
    out[p] = {low, high};
  }
  return out;
}

void create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                  const std::map<std::string, std::string>& configs,
                  std::chrono::milliseconds timeout) {
  auto rk = probe_client(bootstrap);
  std::array<char, 512> err{};
  NewTopicPtr nt(rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err.data(), err.size()));
  if (!nt) throw std::runtime_error("new topic " + topic + ": " + err.data());
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(nt.get(), k.c_str(), v.c_str());
  QueuePtr q(rd_kafka_queue_new(rk.get()));
  rd_kafka_NewTopic_t* topics[] = {nt.get()};
  rd_kafka_CreateTopics(rk.get(), topics, 1, nullptr, q.get());
  const EventPtr ev =
      admin_result(q.get(), RD_KAFKA_EVENT_CREATETOPICS_RESULT, timeout, "create " + topic);
  size_t n = 0;
  const rd_kafka_topic_result_t** rs =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  expect_one_success(n, n == 1 ? rd_kafka_topic_result_error(rs[0]) : RD_KAFKA_RESP_ERR_NO_ERROR,
                     n == 1 ? rd_kafka_topic_result_error_string(rs[0]) : nullptr,
                     "create " + topic);
}

void set_topic_configs(const std::string& bootstrap, const std::string& topic,
                       const std::map<std::string, std::string>& configs,
                       std::chrono::milliseconds timeout) {
  auto rk = probe_client(bootstrap);
  rd_kafka_ConfigResource_t* res =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  for (const auto& [k, v] : configs) rd_kafka_ConfigResource_set_config(res, k.c_str(), v.c_str());
  QueuePtr q(rd_kafka_queue_new(rk.get()));
  rd_kafka_AlterConfigs(rk.get(), &res, 1, nullptr, q.get());
  rd_kafka_ConfigResource_destroy(res);
  const EventPtr ev =
      admin_result(q.get(), RD_KAFKA_EVENT_ALTERCONFIGS_RESULT, timeout, "alter " + topic);
  size_t n = 0;
  const rd_kafka_ConfigResource_t** rs =
      rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev.get()), &n);
  expect_one_success(n, n == 1 ? rd_kafka_ConfigResource_error(rs[0]) : RD_KAFKA_RESP_ERR_NO_ERROR,
                     n == 1 ? rd_kafka_ConfigResource_error_string(rs[0]) : nullptr,
                     "alter configs of " + topic);
}

}  // namespace etl::kafka_real

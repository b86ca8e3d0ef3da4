#pragma once
// Shared pieces of the stream tests (and the stream benchmark):
//  - OrderFeed: realistic order JSON from the API simulator's model (read only use of
//    tools/sim), several versions per order, plus poison messages;
//  - TopicWriter: produces to the dev broker and records where every message landed;
//  - the oracle: what every ods table must hold after the stream consumed those messages,
//    computed with the same OrderMapper, rendered as the text MySQL returns; and dump_tables()
//    reading the real tables in the same shape, so tests compare row by row;
//  - StreamProcess: the real binary started in the background (SIGKILL/SIGTERM at will);
//  - small helpers: free TCP port, GET over HTTP, a per-test config file.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "kafka/producer.hpp"
#include "support/private_server.hpp"
#include "support/test_env.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::stream_test {

using namespace std::chrono_literals;
using TextRow = std::vector<std::optional<std::string>>;

// ------------------------------------------------------------------------------------------------
// Messages

class OrderFeed {
 public:
  explicit OrderFeed(uint64_t seed = 42);
  // Order `index` as the API would show it `version` steps (6 h each) after its orderDate, with
  // the top-level request_time the fetcher adds. Later versions move line statuses forward.
  [[nodiscard]] std::string order_json(uint64_t index, int version) const;
  [[nodiscard]] std::string purchase_order_id(uint64_t index) const;
  // The same order with its lines removed ("orderLines": {"orderLine": []}): writes no
  // walmart_order row, only walmart_order_raw.
  [[nodiscard]] std::string order_without_lines_json(uint64_t index) const;

 private:
  uint64_t seed_;
  int64_t origin_ms_;
};

struct ProducedMessage {
  std::string key;
  std::string value;
  int32_t partition = -1;
  int64_t offset = -1;
};

// Produces with the idempotent producer; flush() waits for every acknowledgement and records
// partition/offset of each message (in production order).
inline constexpr const char* kFixtureAccount = "fixture-seller";

class TopicWriter {
 public:
  // compress=false: plain message sets (the dev broker's ~5 MB retention counts stored bytes,
  // and JSON compresses ~10x with lz4).
  TopicWriter(const std::string& bootstraps, std::string topic, bool compress = true);
  ~TopicWriter();
  void produce(std::string key, std::string value, int32_t partition = -1);
  void flush();
  // The `account` header of the messages produced from now on (kFixtureAccount by default);
  // nullopt: no header.
  void set_account(std::optional<std::string> account) { account_ = std::move(account); }
  [[nodiscard]] const std::vector<ProducedMessage>& messages() const { return messages_; }

 private:
  std::string topic_;
  std::optional<std::string> account_{kFixtureAccount};
  std::unique_ptr<kafka::Producer> producer_;
  std::vector<ProducedMessage> messages_;
  std::vector<std::unique_ptr<ProducedMessage>> in_flight_;
};

// A mixed workload: `orders` orders, about a third of them with 1-2 later versions (same key,
// produced later), plus poison messages (invalid JSON, a non-object, an order without a usable
// purchaseOrderId, duplicate line numbers), arrays of 2-3 orders (ids used nowhere else) and an
// order with no lines. Produces everything through `writer` (not flushed).
struct WorkloadCounts {
  size_t messages = 0;
  size_t poison = 0;
};
WorkloadCounts produce_workload(TopicWriter& writer, const OrderFeed& feed, uint64_t first_index,
                                size_t orders, uint64_t seed);

// ------------------------------------------------------------------------------------------------
// The oracle and the tables

struct Tables {
  std::vector<TextRow> orders;         // walmart_order, columns 1..51 (not load_time), by key
  std::vector<TextRow> charges;        // walmart_order_charge without load_time, by key
  std::vector<TextRow> raw;            // walmart_order_raw without load_time, by key
  std::vector<TextRow> dead_letters;   // source, record_index, topic, partition, offset, key,
                                       // purchaseOrderId, payload, error_class, error_message
  std::map<int32_t, int64_t> offsets;  // etl_kafka_offset of the group: partition -> next offset
};

// What the tables must hold after every message in `messages` (any order across partitions,
// production order within one) was consumed from `topic`.
Tables expected_tables(const std::vector<ProducedMessage>& messages, const std::string& topic);

Tables dump_tables(const config::MysqlConfig& mysql, const std::string& group);

// gtest assertions naming the first differences (table, key, column).
void expect_same_tables(const Tables& expected, const Tables& actual, const std::string& what);

// ------------------------------------------------------------------------------------------------
// The binary

struct StreamSettings {
  std::string bootstraps;
  std::string topic;
  std::string returns_topic;  // kafka.returns_topic (empty: the default)
  std::string group;
  config::MysqlConfig mysql;
  int parallelism = 1;
  int batch_size = 200;
  int batch_interval_ms = 500;
  bool group_commit = true;
  int metrics_port = 0;
  int max_retries = 2;
  int retry_backoff_initial_ms = 50;
  int retry_backoff_max_ms = 500;
  int max_pending_messages = 20000;
  std::string on_data_loss = "continue";
  int shutdown_timeout_s = 30;
  std::string default_account;  // stream.default_account
  // Non-empty: the privacy section hashes every personal field under this key.
  std::string privacy_hash_secret;
  std::string log_dir;
  std::string log_level = "info";  // logging.level
};

// Writes a config file for the binary into `dir` and returns its path.
std::string write_config(const std::string& dir, const StreamSettings& s);

class StreamProcess {
 public:
  // Starts `walmart-etl --config <config> stream <extra args>`; stdout+stderr go to `log_path`.
  StreamProcess(const std::string& config_path, const std::vector<std::string>& extra_args,
                std::string log_path);
  ~StreamProcess();  // SIGKILLs a process still running
  StreamProcess(const StreamProcess&) = delete;
  StreamProcess& operator=(const StreamProcess&) = delete;

  void signal(int sig);
  // Exit code, -1 on timeout (process still running), 128+N if killed by signal N.
  int wait(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running();
  [[nodiscard]] std::string log() const;
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_path_;
};

// One test's world: a dev broker with a fresh topic, a fresh database (init-db'd), a temp dir and
// a fresh group name; settings() points the binary at all of them.
struct StreamEnv {
  explicit StreamEnv(int partitions);
  ~StreamEnv();
  [[nodiscard]] StreamSettings settings() const;
  // Starts the binary with these settings; its log is <dir>/<name>.log.
  std::unique_ptr<StreamProcess> start(const StreamSettings& s,
                                       const std::vector<std::string>& args,
                                       const std::string& name) const;
  // Starts with --until-idle and waits for it; returns the exit code (fails the test on timeout).
  int run_until_idle(const StreamSettings& s, const std::string& name,
                     std::chrono::milliseconds timeout = 180s) const;
  [[nodiscard]] std::string log_of(const std::string& name) const;

  std::string topic;
  std::string group;
  std::string dir;
  std::unique_ptr<kafka::DevBroker> broker;
  std::unique_ptr<test::ScopedDatabase> db;
};

// The group's committed offsets in Kafka (partition -> next offset; absent: none).
std::map<int32_t, int64_t> kafka_committed(const std::string& bootstraps, const std::string& group,
                                           const std::string& topic, int partitions);

// A private server of the kind under test, for one test only (tests/support/private_server.hpp).
using PrivateDbServer = test::PrivateServer;

// True when etl_kafka_offset of `group` holds, for every partition in `messages`, the offset after
// its last message (everything produced was written).
bool all_written(const config::MysqlConfig& cfg, const std::string& group,
                 const std::vector<ProducedMessage>& messages);

int free_tcp_port();
// GET http://127.0.0.1:port/path -> {status, body}; status -1 when nothing answers.
std::pair<int, std::string> http_get(int port, const std::string& path);
// The value of an unlabelled (or exactly-labelled) sample in a Prometheus text page, if present.
std::optional<double> metric_value(const std::string& page, const std::string& sample);
// That sample read from the /metrics of a process on `port`; -1 when it does not answer or lacks
// it.
double metric(int port, const std::string& sample);

}  // namespace etl::stream_test

#pragma once
// One e2e test's world, all real and all started as a user would: `walmart-etl simulate-api`
// (--port 0 --port-file) and `walmart-etl dev-broker` (--bootstrap-file, a fresh topic) as
// background processes (or, instead of the dev broker, a running Apache Kafka broker), a fresh
// MariaDB database, a temp directory, and the WALMART_ETL_* environment that points the binary at
// them. Nothing else configures the binary.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/background_process.hpp"
#include "support/test_env.hpp"

namespace etl::e2e {

using test::BackgroundProcess;
using test::binary_path;
using test::read_text_file;
using test::tail;
using test::wait_for_file;

using namespace std::chrono_literals;

// A fixed simulated "now" in the past (frozen with --time-scale 0): the data of a run is
// reproducible, and every day of the range is complete.
inline constexpr const char* kFixedNow = "2024-05-02T17:05:41Z";

struct WorldOptions {
  std::vector<std::string> sim_args;  // appended to simulate-api --port 0 --port-file FILE
  int partitions = 8;                 // dev-broker --topic <topic>:<partitions>
  // Empty: start a dev-broker with the topic made. Else: this running broker (the local Apache
  // Kafka); the world's topic does not exist there until fetch creates it.
  std::string bootstrap;
};

class World {
 public:
  explicit World(const WorldOptions& options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // The environment for walmart-etl: simulator account "main", the dev broker and topic, the
  // group, MySQL database `db` (default: this world's), quick fetch retries, small pages and
  // 4 h windows (pagination and many windows on a small data set), no metrics port, short
  // Kafka session timeouts (restarts and takeovers), logs under dir/logs. `extra` wins.
  [[nodiscard]] std::map<std::string, std::string> env(
      const std::map<std::string, std::string>& extra = {}) const;
  [[nodiscard]] std::map<std::string, std::string> env_for(
      const config::MysqlConfig& db, const std::map<std::string, std::string>& extra = {}) const;

  // Runs walmart-etl in the world's directory.
  test::ProcessResult run(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& extra_env = {},
                          std::chrono::milliseconds timeout = 120s) const;
  // Starts walmart-etl in the background in the world's directory.
  std::unique_ptr<BackgroundProcess> start(
      const std::string& name, const std::vector<std::string>& args,
      const std::map<std::string, std::string>& extra_env = {}) const;

  // The simulator's ground truth now (GET /_sim/dump), one order per line.
  [[nodiscard]] std::string sim_dump() const;
  // POST /_sim/advance?simSeconds=N.
  void advance_sim(int64_t seconds) const;

  [[nodiscard]] const config::MysqlConfig& db() const { return db_->config(); }

  std::string dir;
  std::string topic;
  std::string group;
  std::string base_url;
  std::string bootstrap;
  std::unique_ptr<BackgroundProcess> sim;
  std::unique_ptr<BackgroundProcess> broker;

 private:
  std::unique_ptr<test::ScopedDatabase> db_;
};

// "YYYY-MM-DD" of a UTC epoch ms.
std::string utc_day(int64_t epoch_ms);

// Plain HTTP with libcurl (the test's own client): {status, body}; status -1 if nothing answered.
std::pair<long, std::string> http_call(const std::string& method, const std::string& url);

// "exit code N\nstdout:\n...\nstderr:\n..." for assertion messages.
std::string describe(const test::ProcessResult& r);

// Polls `ready` every `period` until true or the deadline passed; returns the last result.
bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds deadline,
                std::chrono::milliseconds period = 250ms);

}  // namespace etl::e2e

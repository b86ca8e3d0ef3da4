#pragma once
// Shared helpers for integration and e2e tests: where the test database server is (exported by
// scripts/test.sh, defaults match scripts/mariadb-local.sh), which kind of server it is, fresh
// database names, running the real binary with a deadline, and waiting without fixed sleeps.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace etl::test {

// The kind of server this test runs against: ETL_TEST_SERVER=mariadb (default) or mysql, set by
// the test's registration (cmake/EtlHelpers.cmake, SERVERS). Anything else throws.
enum class Server { mariadb, mysql };
Server server();
// "mariadb" or "mysql".
const char* server_name();

// 127.0.0.1:33306 root/'' unless ETL_TEST_MYSQL_HOST/PORT/USER/PASSWORD say otherwise
// (scripts/test.sh sets them from the server script's `env` verb).
// database = a fresh random name "etl_test_<suffix>" (not created).
// The first call in a process connects once and checks that the server is of the kind server()
// names (a MySQL-labelled test that reached MariaDB, or the reverse, fails here, loudly).
config::MysqlConfig test_mysql_config();

// The login scripts/mariadb-local.sh creates on first start in its directory `dir`: user
// walmart_etl and the random password it keeps in dir/walmart_etl.password. Throws when missing.
void use_private_mariadb_login(config::MysqlConfig& cfg, const std::string& dir);

// A random lowercase suffix, e.g. for topic and database names.
std::string random_suffix(size_t n = 10);

// Drops the database when the scope ends (best effort, logs failures).
class ScopedDatabase {
 public:
  explicit ScopedDatabase(config::MysqlConfig cfg);
  ~ScopedDatabase();
  ScopedDatabase(const ScopedDatabase&) = delete;
  ScopedDatabase& operator=(const ScopedDatabase&) = delete;
  [[nodiscard]] const config::MysqlConfig& config() const { return cfg_; }

 private:
  config::MysqlConfig cfg_;
};

struct ProcessResult {
  int exit_code = -1;  // -1: killed by the deadline
  std::string out;     // stdout
  std::string err;     // stderr
  bool timed_out = false;
};

// Runs the built walmart-etl with args and extra environment, in `cwd` (default: a fresh temp
// dir so no config/config.yml is picked up), killing it after `timeout`.
ProcessResult run_binary(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60),
                         const std::string& cwd = "");

// Environment that points the binary at the test MariaDB with the given database.
std::map<std::string, std::string> mysql_env(const config::MysqlConfig& cfg);

// Polls `ready` every 20 ms until it returns true or the deadline passes. Returns ready().
bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds deadline);

// A fresh temporary directory (removed by the caller if wanted).
std::string make_temp_dir(const std::string& prefix = "etl-test");

}  // namespace etl::test

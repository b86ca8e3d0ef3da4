#pragma once
// A private database server for one test only, of the kind under test (ETL_TEST_SERVER): the
// project's own script (scripts/mariadb-local.sh or scripts/mysql-local.sh) with a temporary
// directory and a free port, so a test can kill, stop or restart it without touching the shared
// server. The login is whatever the script's `env` verb prints.

#include <sys/types.h>

#include <string>

#include "config/config.hpp"

namespace etl::test {

class PrivateServer {
 public:
  // script_env: extra VAR=value words for the script, e.g. "ETL_MYSQL_TLS=off".
  explicit PrivateServer(std::string script_env = "");
  ~PrivateServer();
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  // Starts (or restarts) it; false if it did not start (the script's log is printed to stderr).
  bool start();
  // Starts it and creates the ods tables in config().database; false if it did not start.
  bool start_with_schema();
  // A clean shutdown through the script; false if the script failed.
  bool stop();
  void signal(int sig);  // to the server process (SIGKILL, SIGSTOP, SIGCONT)
  void kill9();          // SIGKILL and wait until it is gone
  // The server's address and login with one database name, the same on every call.
  [[nodiscard]] const config::MysqlConfig& config() const { return cfg_; }
  // The same with another database.
  [[nodiscard]] config::MysqlConfig config(const std::string& database) const;
  // What the script printed so far.
  [[nodiscard]] std::string log() const;
  // "MariaDB" or "MySQL", for messages.
  [[nodiscard]] const char* kind() const;
  // The server's data and runtime directory.
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  int run(const std::string& verb);
  void read_login();
  [[nodiscard]] pid_t pid() const;
  std::string script_env_;
  std::string dir_;
  int port_;
  config::MysqlConfig cfg_;
};

// A TCP port on 127.0.0.1 that nothing listens on right now.
int free_loopback_port();

}  // namespace etl::test

#include "support/private_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "mysql/schema.hpp"
#include "support/test_env.hpp"

namespace etl::test {

namespace {
bool is_mysql() { return server() == Server::mysql; }
std::string script() { return is_mysql() ? "mysql-local.sh" : "mariadb-local.sh"; }
std::string env_prefix() { return is_mysql() ? "ETL_MYSQL" : "ETL_MARIADB"; }
std::string pid_file() { return is_mysql() ? "mysql.pid" : "mariadb.pid"; }

// A value printed by the script's `env` verb: `export NAME=value` or `export NAME='value'`.
std::string env_value(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  const std::string key = "export " + name + "=";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::string v = line.substr(key.size());
    if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
    return v;
  }
  throw std::runtime_error(name + " missing from the output of " + script() + " env:\n" + text);
}
}  // namespace

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(a.sin_port);
}

PrivateServer::PrivateServer(std::string script_env)
    : script_env_(std::move(script_env)),
      dir_(make_temp_dir(is_mysql() ? "etl-mysql" : "etl-mariadb")),
      port_(free_loopback_port()),
      cfg_(test_mysql_config()) {
  cfg_.host = "127.0.0.1";
  cfg_.port = port_;
  cfg_.ssl_ca.clear();
}

PrivateServer::~PrivateServer() {
  signal(SIGCONT);
  run("stop");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

const char* PrivateServer::kind() const { return is_mysql() ? "MySQL" : "MariaDB"; }

int PrivateServer::run(const std::string& verb) {
  const std::string cmd = script_env_ + " " + env_prefix() + "_DIR='" + dir_ + "' " + env_prefix() +
                          "_PORT=" + std::to_string(port_) + " '" + ETL_SOURCE_DIR + "/scripts/" +
                          script() + "' " + verb + " >>'" + dir_ + "/script.log' 2>&1";
  return std::system(cmd.c_str());
}

void PrivateServer::read_login() {
  const std::string out_path = dir_ + "/env.out";
  const std::string cmd = script_env_ + " " + env_prefix() + "_DIR='" + dir_ + "' " + env_prefix() +
                          "_PORT=" + std::to_string(port_) + " '" + ETL_SOURCE_DIR + "/scripts/" +
                          script() + "' env >'" + out_path + "'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error(script() + " env failed");
  std::ifstream in(out_path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  cfg_.user = env_value(text, "WALMART_ETL_MYSQL__USER");
  cfg_.password = env_value(text, "WALMART_ETL_MYSQL__PASSWORD");
}

bool PrivateServer::start() {
  if (run("start") == 0) {
    read_login();
    return true;
  }
  std::cerr << "private " << kind() << " on port " << port_ << " did not start:\n" << log() << "\n";
  return false;
}

bool PrivateServer::start_with_schema() {
  if (!start()) return false;
  mysql::init_db(cfg_);
  return true;
}

bool PrivateServer::stop() { return run("stop") == 0; }

config::MysqlConfig PrivateServer::config(const std::string& database) const {
  config::MysqlConfig c = cfg_;
  c.database = database;
  return c;
}

std::string PrivateServer::log() const {
  std::ifstream in(dir_ + "/script.log");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

pid_t PrivateServer::pid() const {
  std::ifstream in(dir_ + "/" + pid_file());
  pid_t pid = 0;
  in >> pid;
  return pid;
}

void PrivateServer::signal(int sig) {
  if (const pid_t p = pid(); p > 0) ::kill(p, sig);
}

void PrivateServer::kill9() {
  const pid_t p = pid();
  if (p <= 0) return;
  ::kill(p, SIGKILL);
  wait_until([&] { return ::kill(p, 0) != 0; }, std::chrono::seconds(10));
}

}  // namespace etl::test

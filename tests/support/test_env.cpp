#include "support/test_env.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "mysql/connection.hpp"

extern char** environ;

namespace etl::test {

namespace {
std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

std::string random_suffix(size_t n) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(kChars[rng() % (sizeof(kChars) - 1)]);
  return s;
}

Server server() {
  const std::string s = env_or("ETL_TEST_SERVER", "mariadb");
  if (s == "mariadb") return Server::mariadb;
  if (s == "mysql") return Server::mysql;
  throw std::runtime_error("ETL_TEST_SERVER must be mariadb or mysql, not '" + s + "'");
}

const char* server_name() { return server() == Server::mysql ? "mysql" : "mariadb"; }

namespace {
// Once per process: the server behind ETL_TEST_MYSQL_* is the kind the test is registered for.
void check_server_kind(const config::MysqlConfig& cfg) {
  static std::once_flag once;
  std::call_once(once, [&] {
    auto conn = mysql::Connection::open(cfg, mysql::UseDatabase::none);
    const bool want_mariadb = server() == Server::mariadb;
    if (conn.is_mariadb() != want_mariadb) {
      throw std::runtime_error("this test runs on " + std::string(server_name()) +
                               " (ETL_TEST_SERVER) but ETL_TEST_MYSQL_* point at " +
                               conn.server_version() + " at " + conn.describe() +
                               ": export that server's address (scripts/test.sh does)");
    }
  });
}
}  // namespace

config::MysqlConfig test_mysql_config() {
  config::MysqlConfig cfg;
  cfg.host = env_or("ETL_TEST_MYSQL_HOST", "127.0.0.1");
  cfg.port = std::stoi(env_or("ETL_TEST_MYSQL_PORT", "33306"));
  cfg.user = env_or("ETL_TEST_MYSQL_USER", "root");
  cfg.password = env_or("ETL_TEST_MYSQL_PASSWORD", "");
  cfg.database = "etl_test_" + random_suffix();
  cfg.connect_timeout = std::chrono::seconds(5);
  check_server_kind(cfg);
  return cfg;
}

void use_private_mariadb_login(config::MysqlConfig& cfg, const std::string& dir) {
  std::ifstream in(dir + "/walmart_etl.password");
  std::string password;
  if (!(in >> password)) {
    throw std::runtime_error(dir + "/walmart_etl.password is missing: was the server started?");
  }
  cfg.user = "walmart_etl";
  cfg.password = password;
}

ScopedDatabase::ScopedDatabase(config::MysqlConfig cfg) : cfg_(std::move(cfg)) {}

ScopedDatabase::~ScopedDatabase() {
  try {
    auto conn = mysql::Connection::open(cfg_, mysql::UseDatabase::none);
    conn.execute("DROP DATABASE IF EXISTS " + mysql::quote_identifier(cfg_.database));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test: could not drop database %s: %s\n", cfg_.database.c_str(), e.what());
  }
}

std::map<std::string, std::string> mysql_env(const config::MysqlConfig& cfg) {
  return {{"WALMART_ETL_MYSQL__HOST", cfg.host},
          {"WALMART_ETL_MYSQL__PORT", std::to_string(cfg.port)},
          {"WALMART_ETL_MYSQL__USER", cfg.user},
          {"WALMART_ETL_MYSQL__PASSWORD", cfg.password},
          {"WALMART_ETL_MYSQL__DATABASE", cfg.database},
          {"WALMART_ETL_MYSQL__CONNECT_TIMEOUT_S", "5"}};
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

ProcessResult run_binary(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds timeout, const std::string& cwd) {
  const std::string dir = cwd.empty() ? make_temp_dir("etl-run") : cwd;
  const std::string out_path = dir + "/.stdout." + random_suffix(6);
  const std::string err_path = dir + "/.stderr." + random_suffix(6);

  std::vector<std::string> argv_s{ETL_BINARY_PATH};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    const std::string k = kv.substr(0, eq);
    if (k.rfind("WALMART_ETL_", 0) == 0) continue;  // tests state their config explicitly
    merged[k] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> envp_s;
  for (const auto& [k, v] : merged) envp_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : envp_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  pid_t pid = 0;
  ProcessResult result;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    result.err = "posix_spawn failed";
    return result;
  }
  posix_spawn_file_actions_destroy(&fa);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  if (cwd.empty()) std::filesystem::remove_all(dir);
  return result;
}

bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ready();
}

}  // namespace etl::test

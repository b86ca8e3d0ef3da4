// e2e: `walmart-etl dev-broker` as a separate process, used over TCP by this process (as fetch and
// stream use it): bootstrap file published atomically, topics pre-created, messages round-trip,
// SIGTERM -> exit 0 and the file removed; --help says it is in memory and not for production.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "support/kafka/kafka_test_support.hpp"

extern char** environ;

namespace etl::kafka {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Child {
  pid_t pid = -1;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

pid_t spawn(const fs::path& cwd, const std::vector<std::string>& args, const fs::path& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (out.string() + ".err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << args[0];
  return rc == 0 ? pid : -1;
}

// Waits for the child to exit within the timeout; returns its wait status or -1.
int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    std::this_thread::sleep_for(20ms);  // polling a child's exit, bounded by the deadline
  }
  return -1;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir() {
  const fs::path dir = fs::temp_directory_path() / test::random_topic("dev-broker-e2e");
  fs::create_directories(dir);
  return dir;
}

TEST(DevBrokerCli, ServesOtherProcessesOverTcpUntilSigterm) {
  const fs::path dir = fresh_dir();
  const std::string topic = test::random_topic("e2e");
  const fs::path boot = dir / "bootstrap.txt";
  Child child;
  child.pid = spawn(dir,
                    {ETL_BINARY_PATH, "dev-broker", "--brokers", "2", "--topic", topic + ":3",
                     "--bootstrap-file", boot.string()},
                    dir / "stdout.txt");
  ASSERT_GT(child.pid, 0);

  int status = 0;
  ASSERT_TRUE(test::wait_until(
      15s, [&] { return fs::exists(boot); },
      [&] {
        ASSERT_EQ(::waitpid(child.pid, &status, WNOHANG), 0) << slurp(dir / "stdout.txt.err");
        std::this_thread::sleep_for(20ms);
      }))
      << "no bootstrap file; stderr: " << slurp(dir / "stdout.txt.err");
  std::string address = slurp(boot);
  ASSERT_FALSE(address.empty());
  ASSERT_EQ(address.back(), '\n');
  address.pop_back();
  EXPECT_TRUE(std::regex_match(address, std::regex(R"(127\.0\.0\.1:\d+,127\.0\.0\.1:\d+)")))
      << address;
  EXPECT_EQ(slurp(dir / "stdout.txt"), address + "\n");

  config::KafkaConfig cfg;
  cfg.bootstrap_servers = {address};
  AdminClient admin(cfg);
  EXPECT_EQ(admin.partition_count(topic, 10s), 3);
  Producer producer(cfg);
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(producer.produce({topic, fmt::format("k{}", i), fmt::format("v{}", i)}));
  }
  const FlushResult flushed = producer.flush(30s);
  ASSERT_TRUE(flushed.complete()) << flushed.describe();
  const auto read = test::read_all(cfg, topic, 3, 100, 30s);
  EXPECT_EQ(read.size(), 100u);

  ASSERT_EQ(::kill(child.pid, SIGTERM), 0);
  status = wait_exit(child.pid, 15s);
  ASSERT_NE(status, -1) << "dev-broker did not stop on SIGTERM";
  child.pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(fs::exists(boot)) << "bootstrap file left behind";
  const std::string log = slurp(dir / "stdout.txt.err");
  EXPECT_NE(log.find("NOT FOR PRODUCTION"), std::string::npos) << log;
  fs::remove_all(dir);
}

TEST(DevBrokerCli, HelpSaysInMemoryAndNotForProduction) {
  const fs::path dir = fresh_dir();
  Child child;
  child.pid = spawn(dir, {ETL_BINARY_PATH, "dev-broker", "--help"}, dir / "help.txt");
  const int status = wait_exit(child.pid, 15s);
  child.pid = -1;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string help = slurp(dir / "help.txt");
  EXPECT_NE(help.find("NOT FOR PRODUCTION"), std::string::npos) << help;
  EXPECT_NE(help.find("in memory"), std::string::npos) << help;
  EXPECT_NE(help.find("5 MB"), std::string::npos) << help;
  EXPECT_NE(help.find("--bootstrap-file"), std::string::npos) << help;
  fs::remove_all(dir);
}

TEST(DevBrokerCli, BadTopicSpecIsAUsageError) {
  const fs::path dir = fresh_dir();
  Child child;
  child.pid =
      spawn(dir, {ETL_BINARY_PATH, "dev-broker", "--topic", "orders:zero"}, dir / "out.txt");
  const int status = wait_exit(child.pid, 15s);
  child.pid = -1;
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(slurp(dir / "out.txt.err").find("orders:zero"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace etl::kafka

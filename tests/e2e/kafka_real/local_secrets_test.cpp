// scripts/kafka-local.sh keeps its secrets to the user who runs it, on a private broker of its own
// with a password made for this test: while the script formats the storage, adds the SCRAM
// credentials and starts the broker, no process on the machine has the password in its
// arguments (ps shows them to every local user; every /proc/<pid>/cmdline is read every few
// milliseconds); afterwards the state directory is 0700 and nothing in it (server.properties
// with the SASL and keystore passwords, the TLS keys, the logs, the log segments of a topic
// written to) can be read by group or others. Then the same user logs in with SCRAM-SHA-512 and
// SCRAM-SHA-256, proving the credentials that never showed on a command line were set.

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"
#include "support/test_env.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

// The command lines (arguments joined by spaces) of every process that contain `needle`.
std::set<std::string> command_lines_with(const std::string& needle) {
  std::set<std::string> found;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return found;
  while (const dirent* e = ::readdir(proc)) {
    const std::string name = e->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in("/proc/" + name + "/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find(needle) == std::string::npos) continue;
    for (char& c : text) {
      if (c == '\0') c = ' ';
    }
    found.insert(name + ": " + text);
  }
  ::closedir(proc);
  return found;
}

// Every path under `dir` (itself included) that group or others may access.
std::vector<std::string> open_to_others(const std::string& dir) {
  std::vector<std::string> out;
  auto check = [&](const std::filesystem::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return;
    if ((st.st_mode & 077) != 0) {
      out.push_back(p.string() + " mode " + std::to_string(st.st_mode & 0777));
    }
  };
  check(dir);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) check(entry.path());
  return out;
}

TEST(KafkaLocalScript, KeepsItsSecretsPrivateAndOffEveryCommandLine) {
  const std::string password = "pw-" + test::random_suffix(16);
  std::atomic<bool> done{false};
  std::set<std::string> leaks;
  int scans = 0;
  std::thread watcher([&] {
    while (!done) {
      for (auto& l : command_lines_with(password)) leaks.insert(l);
      ++scans;
      std::this_thread::sleep_for(2ms);
    }
  });
  std::unique_ptr<PrivateBroker> broker;
  try {
    broker = std::make_unique<PrivateBroker>(password);
  } catch (...) {
    done = true;
    watcher.join();
    throw;
  }
  // A topic with data, so log segments exist and are checked too; the flow then uses SCRAM.
  const auto data = sim_data(1, 30, 5);
  auto w = real_world(broker->bootstrap(), data);
  const auto expected = expected_orders(*w, data);
  const KafkaEndpoints& k = broker->endpoints();
  auto fetch =
      w->run(fetch_range("2024-05-01", "2024-05-02"),
             with_partitions(2, sasl_ssl_env(k, k.ca_file, password, "SCRAM-SHA-512")), 120s);
  done = true;
  watcher.join();
  EXPECT_GT(scans, 100) << "the watcher barely ran";
  for (const auto& l : leaks) ADD_FAILURE() << "the password is in a command line: " << l;
  ASSERT_EQ(fetch.exit_code, 0) << e2e::describe(fetch);
  auto stream = w->run({"stream", "--until-idle"},
                       sasl_ssl_env(k, k.ca_file, password, "SCRAM-SHA-256"), 120s);
  ASSERT_EQ(stream.exit_code, 0) << e2e::describe(stream);
  EXPECT_EQ(check_mysql_exact(*w, expected), "");

  struct stat st {};
  ASSERT_EQ(::stat(broker->state_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << broker->state_dir();
  ASSERT_TRUE(std::filesystem::exists(broker->state_dir() + "/server.properties"));
  for (const auto& p : open_to_others(broker->state_dir())) ADD_FAILURE() << "readable: " << p;
}

}  // namespace
}  // namespace etl::kafka_real

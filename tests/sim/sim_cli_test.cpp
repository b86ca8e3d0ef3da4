// End-to-end: `walmart-etl simulate-api` as a user runs it — --dump/--dump-only, --port 0 with
// --port-file, a request over HTTP, SIGTERM stops it cleanly, bad flags exit 2.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "sim/sim_test_support.hpp"

extern char** environ;

namespace etl::walmart::sim::test {
namespace {

namespace fs = std::filesystem;

class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const kCurlEnvironment =
    ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

// A child process running the binary; killed (SIGKILL) and reaped if the test leaves early.
class Child {
 public:
  explicit Child(std::vector<std::string> args, const fs::path& stdout_file) {
    args.insert(args.begin(), ETL_BINARY_PATH);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, (stdout_file.string() + ".err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  [[nodiscard]] bool started() const { return pid_ > 0; }
  void signal(int sig) const { ::kill(pid_, sig); }
  // Exit code (128+signal if killed by one), or nullopt if still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

class SimCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sim_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(SimCli, DumpOnlyWritesTheGroundTruthAndExits) {
  const fs::path dump = dir_ / "truth.ndjson";
  Child child({"simulate-api", "--seed", "2024", "--orders-per-day", "400", "--days", "10", "--now",
               "2024-05-02T17:05:41.250Z", "--dump", dump.string(), "--dump-only"},
              dir_ / "out.txt");
  ASSERT_TRUE(child.started());
  ASSERT_EQ(child.wait(std::chrono::seconds(30)), 0) << slurp(dir_ / "out.txt.err");
  // The same data as an in-process simulator with the same flags.
  Simulator sim(test_options());
  std::ostringstream expected;
  EXPECT_EQ(sim.write_dump(expected), 4000U);
  EXPECT_EQ(slurp(dump), expected.str());
}

TEST_F(SimCli, ServesOnAFreePortAndStopsCleanlyOnSigterm) {
  const fs::path port_file = dir_ / "port";
  Child child({"simulate-api", "--port", "0", "--port-file", port_file.string(), "--client-id",
               "MyClientId", "--client-secret", "MySecret", "--now", "2024-05-02T17:05:41.250Z",
               "--time-scale", "0"},
              dir_ / "out.txt");
  ASSERT_TRUE(child.started());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!fs::exists(port_file) && std::chrono::steady_clock::now() < deadline) {
    ASSERT_FALSE(child.wait(std::chrono::milliseconds(20)).has_value())
        << slurp(dir_ / "out.txt.err");
  }
  ASSERT_TRUE(fs::exists(port_file));
  const int port = std::stoi(slurp(port_file));
  ASSERT_GT(port, 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_NE(slurp(dir_ / "out.txt").find("listening on " + base), std::string::npos);
  EXPECT_NE(slurp(dir_ / "out.txt").find("MySecret"), std::string::npos)
      << "prints the credentials";

  HttpClient client;
  EXPECT_TRUE(fetch_token(client, base).empty()) << "default credentials are refused";
  const std::string token = fetch_token(client, base, "MyClientId", "MySecret");
  ASSERT_FALSE(token.empty());
  const HttpResult page =
      client.get(base + "/v3/orders?shipNodeType=WFSFulfilled&limit=3", order_headers(token));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("\"nextCursor\":\"?limit=3&hasMoreElements=true"), std::string::npos);
  EXPECT_NE(client.get(base + "/_sim/clock").body.find("\"simNow\":\"2024-05-02T17:05:41.250Z\""),
            std::string::npos);

  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(std::chrono::seconds(10)), 0);
  EXPECT_FALSE(fs::exists(port_file)) << "port file removed on exit";
}

TEST_F(SimCli, BadFlagsExitWithUsageError) {
  Child child({"simulate-api", "--fail-rate", "2", "--port", "0"}, dir_ / "out.txt");
  ASSERT_TRUE(child.started());
  EXPECT_EQ(child.wait(std::chrono::seconds(10)), 2);
  EXPECT_NE(slurp(dir_ / "out.txt.err").find("--fail-rate"), std::string::npos);
  Child bad_now(
      {"simulate-api", "--now", "yesterday", "--dump-only", "--dump", (dir_ / "x").string()},
      dir_ / "out2.txt");
  EXPECT_EQ(bad_now.wait(std::chrono::seconds(10)), 2);
  EXPECT_NE(slurp(dir_ / "out2.txt.err").find("--now"), std::string::npos);
}

}  // namespace
}  // namespace etl::walmart::sim::test

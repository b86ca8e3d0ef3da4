// End-to-end: `walmart-etl simulate-api` as a user runs it — --dump/--dump-only, --port 0 with
// --port-file, a request over HTTP, SIGTERM stops it cleanly, bad flags exit 2.

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/background_process.hpp"
#include "support/sim/sim_test_support.hpp"

namespace etl::walmart::sim::test {
namespace {

namespace fs = std::filesystem;

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
  static std::string slurp(const fs::path& p) { return etl::test::read_text_file(p.string()); }
  // `walmart-etl <args>` in the test's directory; output in <dir>/<name>.out and .err.
  [[nodiscard]] std::unique_ptr<etl::test::BackgroundProcess> start(
      const std::string& name, const std::vector<std::string>& args) const {
    return std::make_unique<etl::test::BackgroundProcess>(
        name, args, std::map<std::string, std::string>{}, dir_.string());
  }
  fs::path dir_;
};

TEST_F(SimCli, DumpOnlyWritesTheGroundTruthAndExits) {
  const fs::path dump = dir_ / "truth.ndjson";
  auto child =
      start("sim", {"simulate-api", "--seed", "2024", "--orders-per-day", "400", "--days", "10",
                    "--now", "2024-05-02T17:05:41.250Z", "--dump", dump.string(), "--dump-only"});
  ASSERT_EQ(child->wait(std::chrono::seconds(30)), 0) << child->describe();
  // The same data as an in-process simulator with the same flags.
  Simulator sim(test_options());
  std::ostringstream expected;
  EXPECT_EQ(sim.write_dump(expected), 4000U);
  EXPECT_EQ(slurp(dump), expected.str());
}

TEST_F(SimCli, ServesOnAFreePortAndStopsCleanlyOnSigterm) {
  const fs::path port_file = dir_ / "port";
  auto child = start("sim", {"simulate-api", "--port", "0", "--port-file", port_file.string(),
                             "--client-id", "MyClientId", "--client-secret", "MySecret", "--now",
                             "2024-05-02T17:05:41.250Z", "--time-scale", "0"});
  const std::string port_text =
      etl::test::wait_for_file(port_file.string(), std::chrono::seconds(20));
  ASSERT_FALSE(port_text.empty()) << child->describe();
  const int port = std::stoi(port_text);
  ASSERT_GT(port, 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_NE(child->out().find("listening on " + base), std::string::npos) << child->describe();
  EXPECT_NE(child->out().find("MySecret"), std::string::npos) << "prints the credentials";

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

  EXPECT_EQ(child->stop(std::chrono::seconds(10)), 0) << "SIGTERM stops it cleanly";
  EXPECT_FALSE(fs::exists(port_file)) << "port file removed on exit";
}

TEST_F(SimCli, BadFlagsExitWithUsageError) {
  auto bad_rate = start("bad-rate", {"simulate-api", "--fail-rate", "2", "--port", "0"});
  EXPECT_EQ(bad_rate->wait(std::chrono::seconds(10)), 2);
  EXPECT_NE(bad_rate->err().find("--fail-rate"), std::string::npos) << bad_rate->describe();
  auto bad_now = start("bad-now", {"simulate-api", "--now", "yesterday", "--dump-only", "--dump",
                                   (dir_ / "x").string()});
  EXPECT_EQ(bad_now->wait(std::chrono::seconds(10)), 2);
  EXPECT_NE(bad_now->err().find("--now"), std::string::npos) << bad_now->describe();
}

}  // namespace
}  // namespace etl::walmart::sim::test

// The walmart-etl binary as a user runs it: `token` and `fetch` (one run and --follow) against
// `simulate-api` and `dev-broker` started by the test as separate processes (ports published
// through --port-file / --bootstrap-file), MariaDB for the watermark.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/utc_time.hpp"
#include "mysql/schema.hpp"
#include "mysql/watermark_store.hpp"
#include "support/background_process.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/test_env.hpp"
#include "walmart/http_client.hpp"

namespace etl::fetch_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A walmart-etl process in the background (stopped with SIGTERM, then SIGKILL, when destroyed).
std::unique_ptr<etl::test::BackgroundProcess> background(
    const std::vector<std::string>& args, const std::string& dir,
    const std::map<std::string, std::string>& env = {}) {
  return std::make_unique<etl::test::BackgroundProcess>(args[0], args, env, dir);
}

// simulate-api and dev-broker processes, and the environment that points walmart-etl at them.
class FetchCli : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& sim_args = {}) {
    dir_ = etl::test::make_temp_dir("fetch-cli");
    topic_ = random_name("orders");
    std::vector<std::string> args{"simulate-api",
                                  "--port",
                                  "0",
                                  "--port-file",
                                  dir_ + "/port",
                                  "--orders-per-day",
                                  "1500",
                                  "--days",
                                  "4",
                                  "--time-scale",
                                  "0"};
    args.insert(args.end(), sim_args.begin(), sim_args.end());
    sim_ = background(args, dir_);
    broker_ = background(std::vector<std::string>{"dev-broker", "--bootstrap-file",
                                                  dir_ + "/bootstrap", "--topic", topic_ + ":8"},
                         dir_);
    const std::string port = etl::test::wait_for_file(dir_ + "/port", seconds(20));
    bootstrap_ = etl::test::wait_for_file(dir_ + "/bootstrap", seconds(20));
    ASSERT_FALSE(port.empty()) << sim_->err();
    ASSERT_FALSE(bootstrap_.empty()) << broker_->err();
    base_url_ = "http://127.0.0.1:" + port;
    env_ = {{"WALMART_ETL_WALMART_TOKEN__BASE_URL", base_url_},
            {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "sim-client-id"},
            {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "sim-client-secret"},
            {"WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS", bootstrap_},
            {"WALMART_ETL_KAFKA__TOPIC", topic_},
            {"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "0"},
            {"WALMART_ETL_FETCH__BACKOFF_INITIAL_MS", "10"},
            {"WALMART_ETL_FETCH__BACKOFF_MAX_MS", "500"},
            {"WALMART_ETL_FETCH__METRICS_PORT", "0"},
            {"WALMART_ETL_LOGGING__DIR", ""}};
  }
  void TearDown() override {
    if (sim_) sim_->stop(seconds(10));
    if (broker_) broker_->stop(seconds(10));
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
    auto e = env_;
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }
  config::KafkaConfig kafka() const {
    config::KafkaConfig k;
    k.bootstrap_servers = {bootstrap_};
    return k;
  }
  // The simulator's ground truth, through its /_sim/dump route.
  std::map<std::string, DumpOrder> dump() const {
    walmart::HttpClient http(walmart::HttpOptions{});
    walmart::HttpResponse r;
    http.perform(walmart::HttpRequest{walmart::HttpMethod::get, base_url_ + "/_sim/dump", {}, {}},
                 r);
    EXPECT_EQ(r.status, 200);
    std::map<std::string, DumpOrder> out;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const auto at = line.find("\"purchaseOrderId\":\"");
      const auto start = at + 19;
      DumpOrder o;
      o.json = line;
      const auto type_at = line.find("\"shipNode\":{\"type\":\"");
      if (type_at != std::string::npos) {
        const auto t0 = type_at + 20;
        o.ship_node_type = line.substr(t0, line.find('"', t0) - t0);
      }
      out.emplace(line.substr(start, line.find('"', start) - start), std::move(o));
    }
    return out;
  }
  void advance_sim(int seconds_count) const {
    walmart::HttpClient http(walmart::HttpOptions{});
    walmart::HttpResponse r;
    http.perform(walmart::HttpRequest{walmart::HttpMethod::post,
                                      base_url_ + "/_sim/advance?simSeconds=" +
                                          std::to_string(seconds_count),
                                      {},
                                      {}},
                 r);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::string dir_;
  std::string topic_;
  std::string base_url_;
  std::string bootstrap_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<etl::test::BackgroundProcess> sim_;
  std::unique_ptr<etl::test::BackgroundProcess> broker_;
};

TEST_F(FetchCli, TokenPrintsTheExpiryAndTheTokenOnlyWhenAsked) {
  start();
  auto r = etl::test::run_binary({"token"}, env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("account main at " + base_url_ +
                       ": access token (Bearer) valid for 900 s, until "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("eyJ"), std::string::npos) << "the token was printed without --show";
  EXPECT_EQ(r.err.find("eyJ"), std::string::npos) << "the token was logged";

  r = etl::test::run_binary({"token", "--account", "main", "--show"}, env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\neyJ"), std::string::npos) << r.out;
}

TEST_F(FetchCli, RefusedCredentialsExitOneWithOneLine) {
  start();
  const auto r = etl::test::run_binary(
      {"token"}, env({{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "nope"}}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  const std::string expected_start =
      "walmart-etl: token: the credentials of Walmart account 'main' were refused by " + base_url_;
  EXPECT_EQ(r.err.rfind(expected_start, 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("nope"), std::string::npos) << "the secret leaked";

  const auto f = etl::test::run_binary(
      {"fetch", "--last-hours", "1"},
      env({{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "nope"}}));
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_NE(f.err.find("were refused by " + base_url_), std::string::npos) << f.err;
}

TEST_F(FetchCli, FetchRangeIntoTheDevBroker) {
  start({"--fail-rate", "0.1"});
  const int64_t day = day_start(now_epoch_ms()) - kDayMs;
  const std::string d = format_sql_datetime(day / 1000).substr(0, 10);
  const auto r = etl::test::run_binary({"fetch", "--start", d, "--end", d}, env(), seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("result: complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ship node type"), std::string::npos) << r.out;
  // Not a terminal: no progress line.
  EXPECT_EQ(r.err.find("orders/s |"), std::string::npos);

  std::map<std::string, DumpOrder> expected;
  for (auto& [id, o] : dump()) {
    const auto date_at = o.json.find("\"orderDate\":");
    const int64_t date = std::stoll(o.json.substr(date_at + 12, 13));
    if (date >= day && date < day + kDayMs) expected.emplace(id, o);
  }
  ASSERT_GT(expected.size(), 1000u);
  const auto got = read_topic(kafka(), topic_, expected.size(), seconds(60));
  EXPECT_EQ(compare_exactly_once(got, expected, ""), "");
}

TEST_F(FetchCli, UsageErrorsExitTwo) {
  start();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"fetch"},
           {"fetch", "--start", "2024-13-01"},
           {"fetch", "--start", "2024-05-02", "--end", "2024-05-01"},
           {"fetch", "--last-hours", "3", "--since-last"},
           {"fetch", "--start", "2024-05-01", "--ship-node-type", "Drone"},
           {"fetch", "--follow", "--interval", "soon"}}) {
    const auto r = etl::test::run_binary(args, env());
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_NE(r.err.find("walmart-etl: configuration error: fetch"), std::string::npos) << r.err;
  }
}

TEST_F(FetchCli, FollowPicksUpChangesAndStopsCleanlyOnSigterm) {
  start();
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  ASSERT_TRUE(mysql::init_db(db.config()).problems.empty());
  auto watermark = [&]() -> std::optional<int64_t> {
    mysql::WatermarkStore store(db.config());
    return store.load("main", "orders", "WFSFulfilled");
  };
  const std::string start_day = format_sql_datetime(now_epoch_ms() / 1000 - 86400).substr(0, 10);
  auto follow = background({"fetch", "--follow", "--interval", "1s", "--start", start_day}, dir_,
                           env(etl::test::mysql_env(db.config())));

  ASSERT_TRUE(etl::test::wait_until([&] { return watermark().has_value(); }, seconds(60)))
      << follow->err();
  const int64_t first_wm = *watermark();
  const auto before = dump();
  advance_sim(6 * 3600);  // six simulated hours: statuses change
  const auto after = dump();
  std::map<std::string, DumpOrder> changed;
  for (const auto& [id, o] : after) {
    const auto it = before.find(id);
    if (it == before.end() || it->second.json != o.json) changed.emplace(id, o);
  }
  ASSERT_GT(changed.size(), 50u);
  // A later cycle fetches them: its watermark passes the first one.
  ASSERT_TRUE(etl::test::wait_until([&] { return *watermark() > first_wm + 500; }, seconds(60)))
      << follow->err();
  ASSERT_TRUE(etl::test::wait_until(
      [&] {
        const auto w = watermark();
        return w &&
               *w > first_wm + 1500;  // one more cycle, certainly after the advance was visible
      },
      seconds(60)));

  const auto t = std::chrono::steady_clock::now();
  EXPECT_EQ(follow->stop(seconds(30)), 0) << follow->err();
  EXPECT_LT(std::chrono::steady_clock::now() - t, seconds(15));
  EXPECT_NE(follow->out().find("result: complete"), std::string::npos);

  // Every changed order's latest version in Kafka is the one the API shows now.
  const auto got = read_topic(kafka(), topic_, changed.size(), seconds(60));
  std::map<std::string, std::string> latest;
  for (const auto& m : got) latest[m.key] = m.value;
  size_t missing = 0;
  size_t stale = 0;
  for (const auto& [id, o] : changed) {
    const auto it = latest.find(id);
    if (it == latest.end()) {
      ++missing;
      continue;
    }
    const auto split = split_request_time(it->second);
    if (!split || split->order_json != o.json) ++stale;
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(stale, 0u);
}

}  // namespace
}  // namespace etl::fetch_test

#include "support/e2e/e2e_world.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

#include "common/utc_time.hpp"

namespace etl::e2e {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

World::World(const WorldOptions& options)
    : dir(test::make_temp_dir("etl-e2e")),
      topic("e2e_orders_" + test::random_suffix(8)),
      group("e2e_group_" + test::random_suffix(8)),
      db_(std::make_unique<test::ScopedDatabase>(test::test_mysql_config())) {
  std::filesystem::create_directories(dir + "/logs");
  std::vector<std::string> sim_args{"simulate-api", "--port", "0", "--port-file",
                                    dir + "/sim.port"};
  sim_args.insert(sim_args.end(), options.sim_args.begin(), options.sim_args.end());
  // The simulator and the broker log to their own files only through stdout/stderr.
  const std::map<std::string, std::string> quiet{{"WALMART_ETL_LOGGING__DIR", ""}};
  sim = std::make_unique<BackgroundProcess>("simulate-api", sim_args, quiet, dir);
  if (options.bootstrap.empty()) {
    broker = std::make_unique<BackgroundProcess>(
        "dev-broker",
        std::vector<std::string>{"dev-broker", "--bootstrap-file", dir + "/broker.bootstrap",
                                 "--topic", topic + ":" + std::to_string(options.partitions)},
        quiet, dir);
  }
  const std::string port = wait_for_file(dir + "/sim.port", 30s);
  if (port.empty())
    throw std::runtime_error("simulate-api published no port within 30 s\n" + sim->describe());
  bootstrap = broker ? wait_for_file(dir + "/broker.bootstrap", 30s) : options.bootstrap;
  if (bootstrap.empty()) {
    throw std::runtime_error("dev-broker published no bootstrap address within 30 s\n" +
                             broker->describe());
  }
  base_url = "http://127.0.0.1:" + port;
}

World::~World() {
  if (sim) sim->stop(10s);
  if (broker) broker->stop(10s);
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "e2e: keeping %s (logs and outputs of the failed test)\n", dir.c_str());
  } else {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

std::map<std::string, std::string> World::env(
    const std::map<std::string, std::string>& extra) const {
  return env_for(db(), extra);
}

std::map<std::string, std::string> World::env_for(
    const config::MysqlConfig& mysql, const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> e = test::mysql_env(mysql);
  const std::map<std::string, std::string> base{
      {"WALMART_ETL_WALMART_TOKEN__BASE_URL", base_url},
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "sim-client-id"},
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "sim-client-secret"},
      {"WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS", bootstrap},
      {"WALMART_ETL_KAFKA__TOPIC", topic},
      {"WALMART_ETL_KAFKA__CONSUMER_GROUP", group},
      {"WALMART_ETL_KAFKA__PROPERTIES__SESSION_TIMEOUT_MS", "6000"},
      {"WALMART_ETL_KAFKA__PROPERTIES__HEARTBEAT_INTERVAL_MS", "500"},
      {"WALMART_ETL_FETCH__LIMIT", "50"},
      {"WALMART_ETL_FETCH__WINDOW_MINUTES", "240"},
      {"WALMART_ETL_FETCH__BACKOFF_INITIAL_MS", "50"},
      {"WALMART_ETL_FETCH__BACKOFF_MAX_MS", "1000"},
      {"WALMART_ETL_STREAM__METRICS_PORT", "0"},
      {"WALMART_ETL_FETCH__METRICS_PORT", "0"},
      {"WALMART_ETL_STREAM__BATCH_SIZE", "500"},
      {"WALMART_ETL_STREAM__BATCH_INTERVAL_MS", "200"},
      {"WALMART_ETL_STREAM__STATUS_INTERVAL_S", "2"},
      {"WALMART_ETL_LOGGING__DIR", dir + "/logs"},
  };
  for (const auto& [k, v] : base) e[k] = v;
  for (const auto& [k, v] : extra) e[k] = v;
  return e;
}

test::ProcessResult World::run(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& extra_env,
                               std::chrono::milliseconds timeout) const {
  return test::run_binary(args, env(extra_env), timeout, dir);
}

std::unique_ptr<BackgroundProcess> World::start(
    const std::string& name, const std::vector<std::string>& args,
    const std::map<std::string, std::string>& extra_env) const {
  return std::make_unique<BackgroundProcess>(name, args, env(extra_env), dir);
}

std::string World::sim_dump() const {
  auto [status, body] = http_call("GET", base_url + "/_sim/dump");
  if (status != 200)
    throw std::runtime_error("GET /_sim/dump: HTTP " + std::to_string(status) + " " + body);
  return body;
}

void World::advance_sim(int64_t seconds) const {
  auto [status, body] =
      http_call("POST", base_url + "/_sim/advance?simSeconds=" + std::to_string(seconds));
  if (status != 200)
    throw std::runtime_error("POST /_sim/advance: HTTP " + std::to_string(status) + " " + body);
}

std::string utc_day(int64_t epoch_ms) { return format_sql_datetime(epoch_ms / 1000).substr(0, 10); }

std::pair<long, std::string> http_call(const std::string& method, const std::string& url) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {-1, "curl_easy_init failed"};
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) return {-1, curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return {status, body};
}

std::string describe(const test::ProcessResult& r) {
  return "exit code " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") +
         "\nstdout:\n" + tail(r.out) + "\nstderr:\n" + tail(r.err);
}

bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds deadline,
                std::chrono::milliseconds period) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(period);
  }
  return ready();
}

}  // namespace etl::e2e

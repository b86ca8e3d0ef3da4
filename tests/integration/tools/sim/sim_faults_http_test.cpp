// Integration tests: throttling (429 + headers) and each fault mode, over real HTTP.

#include <atomic>
#include <future>
#include <thread>

#include "support/sim/sim_test_support.hpp"

namespace etl::walmart::sim::test {
namespace {

constexpr const char* kOrdersPath = "/v3/orders?shipNodeType=WFSFulfilled&limit=50";

TEST(SimThrottle, TokenBucketPerEndpointWith429AndHeaders) {
  SimulatorOptions o = test_options();
  o.requests_per_minute = 60;  // one per second
  o.burst = 2;
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string token = fetch_token(client, sim->base_url());  // the token bucket's own
  ASSERT_FALSE(token.empty());
  const std::string url = sim->base_url() + kOrdersPath;

  const HttpResult a = client.get(url, order_headers(token));
  const HttpResult b = client.get(url, order_headers(token));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(a.header("x-current-token-count"), "1");
  EXPECT_EQ(b.header("x-current-token-count"), "0");

  const int64_t before = sim->clock().wall_epoch_ms();
  const HttpResult c = client.get(url, order_headers(token));
  const int64_t after = sim->clock().wall_epoch_ms();
  EXPECT_EQ(c.status, 429);
  EXPECT_EQ(error_code(c.body), "REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API");
  EXPECT_EQ(c.header("x-current-token-count"), "0");
  ASSERT_TRUE(c.has_header("x-next-replenishment-time"));
  const int64_t next = std::stoll(c.header("x-next-replenishment-time"));
  EXPECT_GE(next, before);
  EXPECT_LE(next, after + 1000) << "epoch ms of the next token, at most a second away";

  // Other endpoints have their own buckets.
  EXPECT_EQ(client
                .get(sim->base_url() + "/v3/orders/released?shipNodeType=WFSFulfilled",
                     order_headers(token))
                .status,
            200);

  // One second later there is one token again.
  sim->clock().advance_wall(std::chrono::milliseconds(1000));
  EXPECT_EQ(client.get(url, order_headers(token)).status, 200);
  EXPECT_EQ(client.get(url, order_headers(token)).status, 429);
}

TEST(SimFaults, FailRateGives500And503And504) {
  SimulatorOptions o = test_options();
  o.faults.fail_rate = 1.0;
  auto sim = start_simulator(o);
  HttpClient client;
  std::set<long> seen;
  for (int i = 0; i < 60; ++i) {
    const HttpResult r = client.get(sim->base_url() + kOrdersPath, order_headers("any"));
    ASSERT_EQ(r.curl_code, CURLE_OK);
    seen.insert(r.status);
    EXPECT_TRUE(r.has_header("x-current-token-count"));
    if (r.status == 500) {
      EXPECT_EQ(error_code(r.body), "SYSTEM_ERROR.GMP_GATEWAY_API");
    } else if (r.status == 504) {
      EXPECT_EQ(error_code(r.body), "DOWNSTREAM_SYSTEM_TIME_OUT.GMP_GATEWAY_API");
    } else if (r.status == 503) {
      EXPECT_TRUE(r.body.empty()) << "bare 503";
    }
  }
  EXPECT_EQ(seen, (std::set<long>{500, 503, 504}));
}

std::vector<long> status_sequence(uint64_t seed) {
  SimulatorOptions o = test_options();
  o.seed = seed;
  o.faults.fail_rate = 0.5;
  o.faults.token_endpoint = false;
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string token = fetch_token(client, sim->base_url());
  std::vector<long> statuses;
  for (int i = 0; i < 40; ++i) {
    statuses.push_back(client.get(sim->base_url() + kOrdersPath, order_headers(token)).status);
  }
  return statuses;
}

TEST(SimFaults, SameSeedSameFaultsInTheSameOrder) {
  const auto a = status_sequence(5);
  const auto b = status_sequence(5);
  const auto c = status_sequence(6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(std::count(a.begin(), a.end(), 200), 0);
  EXPECT_NE(std::count(a.begin(), a.end(), 200), 40);
}

TEST(SimFaults, DropClosesTheConnectionMidBody) {
  SimulatorOptions o = test_options();
  o.faults.drop_rate = 1.0;
  o.faults.token_endpoint = false;
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string token = fetch_token(client, sim->base_url());
  ASSERT_FALSE(token.empty()) << "token endpoint exempted";
  for (int i = 0; i < 3; ++i) {
    const HttpResult r = client.get(sim->base_url() + kOrdersPath, order_headers(token));
    EXPECT_EQ(r.curl_code, CURLE_PARTIAL_FILE) << curl_easy_strerror(r.curl_code);
    EXPECT_EQ(r.status, 200);
    ASSERT_TRUE(r.has_header("content-length"));
    EXPECT_LT(r.body.size(), std::stoull(r.header("content-length")));
    EXPECT_GT(r.body.size(), 0U);
  }
  // Errors are not dropped (only data is).
  EXPECT_EQ(client.get(sim->base_url() + "/v3/orders?limit=500", order_headers(token)).curl_code,
            CURLE_OK);
}

TEST(SimFaults, DropAppliesToTheTokenEndpointUnlessExempted) {
  SimulatorOptions o = test_options();
  o.faults.drop_rate = 1.0;
  auto sim = start_simulator(o);
  HttpClient client;
  EXPECT_TRUE(fetch_token(client, sim->base_url()).empty());
}

TEST(SimFaults, MalformedIsACompleteResponseWithATruncatedBody) {
  SimulatorOptions healthy = test_options();
  SimulatorOptions broken = test_options();
  broken.faults.malformed_rate = 1.0;
  broken.faults.token_endpoint = false;
  auto good = start_simulator(healthy);
  auto bad = start_simulator(broken);
  HttpClient client;
  const HttpResult full = client.get(good->base_url() + kOrdersPath,
                                     order_headers(fetch_token(client, good->base_url())));
  const HttpResult cut = client.get(bad->base_url() + kOrdersPath,
                                    order_headers(fetch_token(client, bad->base_url())));
  ASSERT_EQ(full.status, 200);
  ASSERT_EQ(cut.curl_code, CURLE_OK);
  EXPECT_EQ(cut.status, 200);
  EXPECT_EQ(std::to_string(cut.body.size()), cut.header("content-length"));
  EXPECT_LT(cut.body.size(), full.body.size());
  EXPECT_EQ(full.body.compare(0, cut.body.size(), cut.body), 0) << "a prefix of the real body";
  EXPECT_EQ(minified(cut.body), "<invalid json>");
}

TEST(SimFaults, LatencyDelaysEveryResponseAndStopInterruptsIt) {
  SimulatorOptions o = test_options();
  o.faults.latency = std::chrono::milliseconds(300);
  o.faults.token_endpoint = false;
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string token = fetch_token(client, sim->base_url());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(client.get(sim->base_url() + kOrdersPath, order_headers(token)).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));

  SimulatorOptions slow = test_options();
  slow.faults.latency = std::chrono::milliseconds(60'000);
  auto sleepy = start_simulator(slow);
  auto pending = std::async(std::launch::async, [url = sleepy->base_url() + kOrdersPath] {
    HttpClient c;
    return c.get(url, order_headers("x"));
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sleepy->request_count() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(sleepy->request_count(), 1U);
  const auto s0 = std::chrono::steady_clock::now();
  sleepy->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - s0, std::chrono::seconds(5)) << "stop() is prompt";
  pending.get();
}

}  // namespace
}  // namespace etl::walmart::sim::test

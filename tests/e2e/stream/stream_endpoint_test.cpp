// e2e: the metrics endpoint of the real `walmart-etl stream` held by an attacker on the network.
// 200 clients from 20 loopback addresses keep connections open (idle after an incomplete request,
// one byte every 3 s, an endless header) and open a new one whenever one is dropped; meanwhile
// /healthz, asked 200 times as a liveness probe does (a new connection each time), answers 200
// with a p99 under 100 ms, /metrics answers, and the process holds no more connections than its
// cap (64), dropping the others at once.

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "e2e/stream/stream_fixture.hpp"
#include "support/metrics/slow_clients.hpp"

namespace etl::stream_test {
namespace {

constexpr double kMaxConnections = 64;  // metrics::ConnectionLimits' default

TEST(StreamEndpoint, HealthAnsweredWithin100msWhile200SlowClientsHoldThePort) {
  StreamEnv env(2);
  StreamSettings s = env.settings();
  s.metrics_port = free_tcp_port();
  auto p = env.start(s, {}, "stream");
  ASSERT_TRUE(
      test::wait_until([&] { return http_get(s.metrics_port, "/healthz").first == 200; }, 60s))
      << p->log();

  test::SlowClientsOptions attack;
  attack.port = s.metrics_port;
  test::SlowClients clients(attack);
  const auto started = std::chrono::steady_clock::now();
  while (clients.connects() < 200 && std::chrono::steady_clock::now() - started < 10s) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_GE(clients.connects(), 200u);

  std::vector<std::chrono::microseconds> times;
  size_t not_ok = 0;
  double max_open = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = test::timed_get(s.metrics_port, "/healthz", 2000ms);
    if (r.status != 200) ++not_ok;
    times.push_back(r.elapsed);
    if (i % 20 == 0) {
      const auto m = test::timed_get(s.metrics_port, "/metrics", 2000ms);
      ASSERT_EQ(m.status, 200);
      max_open = std::max(max_open,
                          metric_value(m.body, "walmart_etl_http_connections_open").value_or(-1));
    }
    std::this_thread::sleep_for(10ms);
  }
  const auto p99 = test::percentile(times, 99);
  EXPECT_EQ(not_ok, 0u) << p->log();
  EXPECT_LT(p99, 100ms) << "p99 " << p99.count() << " us, p50 "
                        << test::percentile(times, 50).count() << " us, max "
                        << test::percentile(times, 100).count() << " us";
  EXPECT_GT(max_open, 0);
  EXPECT_LE(max_open, kMaxConnections);
  const auto page = test::timed_get(s.metrics_port, "/metrics").body;
  const double evicted =
      metric_value(page, "walmart_etl_http_connections_dropped_total{reason=\"evicted\"}")
          .value_or(-1);
  EXPECT_GE(evicted, 200 - kMaxConnections) << page;
  EXPECT_GT(metric_value(page, "walmart_etl_http_bad_requests_total").value_or(-1), 0) << page;
  EXPECT_GT(clients.dropped(), 200u - static_cast<uint64_t>(kMaxConnections));
  EXPECT_TRUE(p->running());
  p->signal(SIGTERM);
  EXPECT_EQ(p->wait(60s), 0) << p->log();
}

}  // namespace
}  // namespace etl::stream_test

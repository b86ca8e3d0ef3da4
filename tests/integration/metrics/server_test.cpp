// Integration: the metrics endpoint's event loop over real loopback sockets, in process: what it
// answers, keep-alive and pipelining, and that clients holding connections open (idle, trickling
// one byte at a time, sending an endless header) neither keep /healthz from being answered
// quickly nor hold more connections than the caps.

#include "metrics/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <thread>

#include "support/metrics/slow_clients.hpp"

namespace etl::metrics {
namespace {

using namespace std::chrono_literals;

MetricsEndpoints endpoints(std::atomic<bool>& healthy) {
  return MetricsEndpoints{[] { return std::string("# TYPE x_total counter\nx_total 7\n"); },
                          [&healthy] {
                            return HealthAnswer{healthy.load(), healthy ? "" : "kafka_down: test"};
                          }};
}

// Sends `bytes` on a new connection and reads until the server closes it or `timeout`.
std::string exchange(int port, const std::string& bytes,
                     std::chrono::milliseconds timeout = 3000ms) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
  std::string out;
  std::array<char, 4096> buf{};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) break;
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MetricsServer, AnswersGetAndHeadKeepsAliveAndRefusesTheRest) {
  std::atomic<bool> healthy{true};
  MetricsServer server("127.0.0.1", 0, endpoints(healthy));
  auto r = test::timed_get(server.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("x_total 7\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("walmart_etl_http_connections_open 1\n"), std::string::npos) << r.body;
  EXPECT_EQ(test::timed_get(server.port(), "/healthz").body, "ok\n");
  healthy = false;
  r = test::timed_get(server.port(), "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "unhealthy: kafka_down: test\n");
  EXPECT_EQ(test::timed_get(server.port(), "/other").status, 404);

  // Three pipelined requests on one kept-alive connection, the last one closing it.
  const std::string three =
      exchange(server.port(),
               "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
               "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(occurrences(three, "HTTP/1.1 503 "), 2u) << three;
  EXPECT_EQ(occurrences(three, "HTTP/1.1 200 "), 1u) << three;
  EXPECT_EQ(occurrences(three, "x_total"), 0u) << "HEAD has no body: " << three;
  EXPECT_EQ(occurrences(three, "Connection: close"), 1u) << three;

  const std::string post = exchange(server.port(), "POST /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405 ", 0), 0u) << post;
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos) << post;
  const std::string body =
      exchange(server.port(), "GET /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(body.rfind("HTTP/1.1 400 ", 0), 0u) << body;
  EXPECT_GE(server.counters().refused, 2u);
}

TEST(MetricsServer, ARequestTricklingInIsDroppedAtItsTotalDeadline) {
  std::atomic<bool> healthy{true};
  ServerOptions options;
  options.connections.request_timeout = 1000ms;
  MetricsServer server("127.0.0.1", 0, endpoints(healthy), options);
  test::SlowClientsOptions attack;
  attack.port = server.port();
  attack.idle = 0;
  attack.huge = 0;
  attack.trickle = 1;
  attack.trickle_period = 300ms;  // every read well within any per-read timeout
  attack.reconnect_after = 1h;
  const auto started = std::chrono::steady_clock::now();
  test::SlowClients client(attack);
  while (client.dropped() == 0 && std::chrono::steady_clock::now() - started < 10s) {
    std::this_thread::sleep_for(20ms);
  }
  const auto held = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(client.dropped(), 1u);
  EXPECT_GE(held, 900ms);
  EXPECT_LT(held, 4s) << "a deadline per read would let it hold the connection for ever";
  EXPECT_EQ(server.counters().timed_out, 1u);
}

// 200 connections from 20 addresses, each dropped one opened again 200 ms later: /healthz from
// a 21st address is answered within 100 ms (p99 over 200 requests), the server never holds more
// than its cap, and what is beyond it is dropped at once.
TEST(MetricsServer, HealthAnsweredQuicklyWhile200SlowClientsPressOnIt) {
  std::atomic<bool> healthy{true};
  MetricsServer server("127.0.0.1", 0, endpoints(healthy));
  const ConnectionLimits caps;
  test::SlowClientsOptions attack;
  attack.port = server.port();
  test::SlowClients clients(attack);
  const auto started = std::chrono::steady_clock::now();
  while (clients.connects() < 200 && std::chrono::steady_clock::now() - started < 10s) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_GE(clients.connects(), 200u);
  std::vector<std::chrono::microseconds> times;
  size_t failed = 0;
  uint64_t max_open = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = test::timed_get(server.port(), "/healthz", 2000ms);
    if (r.status != 200) ++failed;
    times.push_back(r.elapsed);
    max_open = std::max(max_open, server.counters().open);
    std::this_thread::sleep_for(10ms);
  }
  const auto p99 = test::percentile(times, 99);
  EXPECT_EQ(failed, 0u);
  EXPECT_LT(p99, 100ms) << "p99 " << p99.count() << " us, p50 "
                        << test::percentile(times, 50).count() << " us";
  EXPECT_LE(max_open, caps.max_connections);
  const ServerCounters c = server.counters();
  EXPECT_GE(c.evicted, 200u - caps.max_connections) << "connections beyond the cap are dropped";
  EXPECT_GT(clients.dropped(), 200u - caps.max_connections);
  EXPECT_GT(c.refused, 0u) << "the endless headers were refused (431)";
}

}  // namespace
}  // namespace etl::metrics

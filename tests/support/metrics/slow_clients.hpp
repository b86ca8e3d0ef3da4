#pragma once
// An attacker on the network against an HTTP port, for the tests of the metrics endpoint
// (integration/metrics in process, e2e/stream and e2e/fetch against the binary), and a probe
// that times a request the way a liveness check does.
//
// SlowClients holds many TCP connections open from one thread, from several loopback source
// addresses (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to lo, so each is a distinct
// client address to the server), each of one kind:
//   idle     sends an incomplete request (`GET /metrics HTTP/1.1` and one header), then nothing;
//   trickle  the same, then one byte every `trickle_period`;
//   huge     a request line and a header that never ends, 1 KiB every 10 ms.
// A connection the server closes (or resets) counts as dropped and is opened again after
// `reconnect_after`, so the pressure lasts as long as the object.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace etl::test {

struct SlowClientsOptions {
  int port = 0;
  size_t idle = 70;
  size_t trickle = 70;
  size_t huge = 60;
  size_t source_addresses = 20;  // 127.0.0.2 .. 127.0.0.(1 + n), round robin
  std::chrono::milliseconds trickle_period{3000};
  std::chrono::milliseconds reconnect_after{200};
};

class SlowClients {
 public:
  explicit SlowClients(const SlowClientsOptions& options);
  ~SlowClients();  // closes every connection
  SlowClients(const SlowClients&) = delete;
  SlowClients& operator=(const SlowClients&) = delete;

  [[nodiscard]] uint64_t connects() const noexcept { return connects_.load(); }
  // Connections the server closed or reset so far.
  [[nodiscard]] uint64_t dropped() const noexcept { return dropped_.load(); }
  // Connections the clients currently believe open.
  [[nodiscard]] size_t open() const noexcept { return open_.load(); }

 private:
  void run();
  SlowClientsOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> connects_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<size_t> open_{0};
  std::thread thread_;
};

struct TimedResponse {
  int status = -1;  // -1: no complete answer within the timeout
  std::string body;
  std::chrono::microseconds elapsed{0};  // connect to the last byte of the answer
};

// A new connection from 127.0.0.1, `GET path` (Connection: close), read to the end.
TimedResponse timed_get(int port, const std::string& path,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// A TCP port on 127.0.0.1 that nothing listens on right now (for a process to bind next).
int unused_tcp_port();

// The p-th percentile (0..100) of the elapsed times (a failed request counts as its timeout).
std::chrono::microseconds percentile(std::vector<std::chrono::microseconds> values, double p);

}  // namespace etl::test

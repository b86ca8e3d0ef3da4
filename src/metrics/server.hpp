#pragma once
// The HTTP endpoint of a long-running command (cpp-httplib): GET /metrics (Prometheus text
// format) and GET /healthz (200 "ok" / 503 with the reason). Runs on its own thread; the
// handlers only read thread-safe state through the callbacks given at construction.

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace etl::metrics {

struct HealthAnswer {
  bool healthy = true;
  std::string reason;
};

struct MetricsEndpoints {
  std::function<std::string()> metrics;  // body of /metrics
  std::function<HealthAnswer()> health;  // /healthz
};

class MetricsServer {
 public:
  // Binds bind:port (port 0: an ephemeral port, see port()) and starts serving. Throws
  // EtlError(fatal) when the address cannot be bound (e.g. in use), naming the config keys.
  MetricsServer(const std::string& bind, int port, const MetricsEndpoints& endpoints);
  ~MetricsServer();  // stops the server and joins its thread
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace etl::metrics

#pragma once
// The HTTP endpoint of a long-running command: GET/HEAD /metrics (Prometheus text format) and
// /healthz (200 "ok" / 503 with the reason). Anyone who can reach the port must not be able to
// keep these from being answered, so it is a small event loop on one thread (epoll, non-blocking
// sockets) rather than a thread per connection:
//  - every connection is served as its bytes arrive; a slow or idle one holds no thread;
//  - a request must arrive whole within a total deadline, a response be written within another,
//    a kept-alive connection idle no longer than a third (connection_table.hpp);
//  - at most `max_connections` connections, `max_per_address` per client address; a new
//    connection is always taken, the oldest waiting one of the address holding the most is
//    dropped for it;
//  - a request head is at most `max_head_bytes`; GET and HEAD only, no body (http_message.hpp).
// The body of an answer is rendered by the callbacks into memory first (they take the job's
// locks only for that), then written from that copy: no lock of the job is held while a socket
// is slow. The callbacks run on the server's thread and must not block.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "metrics/connection_table.hpp"
#include "metrics/http_message.hpp"

namespace etl::metrics {

struct HealthAnswer {
  bool healthy = true;
  std::string reason;
};

struct MetricsEndpoints {
  std::function<std::string()> metrics;  // body of /metrics
  std::function<HealthAnswer()> health;  // /healthz
};

struct ServerOptions {
  // The configuration section whose metrics_bind / metrics_port this server listens on, named in
  // the error when the address cannot be bound.
  std::string config_section = "stream";
  ConnectionLimits connections;
  RequestLimits requests;
};

// What the server has done since it started: appended to every /metrics page (the
// walmart_etl_http_* series), and summed up in a log line while it is under pressure.
struct ServerCounters {
  uint64_t open = 0;  // connections held now
  uint64_t accepted = 0;
  uint64_t requests = 0;   // answered, errors included
  uint64_t evicted = 0;    // dropped to make room for a newer connection
  uint64_t timed_out = 0;  // past their deadline
  uint64_t refused = 0;    // bad requests answered with an error and closed
};

// The walmart_etl_http_* series of `c` in the Prometheus text format.
std::string render_server_counters(const ServerCounters& c);

class MetricsServer {
 public:
  // Binds bind:port (port 0: an ephemeral port, see port()) and starts serving. Throws
  // EtlError(fatal) when the address cannot be bound (e.g. in use), naming the config keys.
  MetricsServer(const std::string& bind, int port, const MetricsEndpoints& endpoints,
                ServerOptions options = {});
  ~MetricsServer();  // stops the loop, closes every connection and joins the thread
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] ServerCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace etl::metrics

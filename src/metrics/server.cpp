#include "metrics/server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"

namespace etl::metrics {

struct MetricsServer::Impl {
  httplib::Server server;
};

MetricsServer::MetricsServer(const std::string& bind, int port, const MetricsEndpoints& endpoints)
    : impl_(std::make_unique<Impl>()) {
  auto& server = impl_->server;
  server.set_read_timeout(std::chrono::seconds(5));
  server.set_write_timeout(std::chrono::seconds(5));
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.Get("/metrics",
             [metrics = endpoints.metrics](const httplib::Request&, httplib::Response& res) {
               res.set_content(metrics ? metrics() : std::string(),
                               "text/plain; version=0.0.4; charset=utf-8");
             });
  server.Get("/healthz",
             [health = endpoints.health](const httplib::Request&, httplib::Response& res) {
               const HealthAnswer a = health ? health() : HealthAnswer{};
               res.status = a.healthy ? 200 : 503;
               res.set_content((a.healthy ? std::string("ok") : "unhealthy: " + a.reason) + "\n",
                               "text/plain; charset=utf-8");
             });
  if (port == 0) {
    port_ = server.bind_to_any_port(bind);
    if (port_ <= 0) {
      throw EtlError(
          ErrorClass::fatal, ErrorOrigin::config, 0,
          fmt::format("cannot listen on {} (stream.metrics_bind) for the metrics endpoint", bind));
    }
  } else {
    if (!server.bind_to_port(bind, port)) {
      throw EtlError(
          ErrorClass::fatal, ErrorOrigin::config, 0,
          fmt::format("cannot listen on {}:{} for the metrics endpoint (stream.metrics_bind/"
                      "stream.metrics_port): address in use or not available; set "
                      "stream.metrics_port to a free port, or 0 to disable it",
                      bind, port));
    }
    port_ = port;
  }
  thread_ = std::thread([this] {
    if (!impl_->server.listen_after_bind()) spdlog::warn("metrics endpoint stopped with an error");
  });
  // stop() is a no-op before listen_after_bind() has started: wait until it runs, so the
  // destructor can always stop it.
  for (int i = 0; i < 400 && !impl_->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  spdlog::info("metrics: http://{}:{}/metrics and /healthz", bind, port_);
}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace etl::metrics

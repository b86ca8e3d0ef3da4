#include "pipeline/fetch/fetch_monitor.hpp"

#include <chrono>

namespace etl::pipeline {

FetchMonitor::FetchMonitor(const config::Config& cfg, const std::vector<std::string>& accounts)
    : metrics_(accounts), health_(accounts, cfg.fetch.unhealthy_after, FetchHealth::Clock::now()) {
  if (cfg.fetch.metrics_port == 0) return;
  metrics::ServerOptions options;
  options.config_section = "fetch";
  server_ = std::make_unique<metrics::MetricsServer>(
      cfg.fetch.metrics_bind, cfg.fetch.metrics_port,
      metrics::MetricsEndpoints{[this] { return render(); },
                                [this] {
                                  const FetchHealthReport r = health();
                                  return metrics::HealthAnswer{r.healthy, r.reason};
                                }},
      options);
}

void FetchMonitor::record(const AccountOutcome& outcome) {
  const double now_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  metrics_.record(outcome, now_s);
  std::string failure;
  if (outcome.error) {
    failure = *outcome.error;
  } else if (outcome.result && !outcome.result->complete()) {
    failure = outcome.result->aborted ? *outcome.result->aborted : "incomplete (see its summary)";
  }
  health_.record(outcome.account, outcome.complete(), failure, FetchHealth::Clock::now());
}

FetchHealthReport FetchMonitor::health() const {
  FetchHealthReport r = health_.report(FetchHealth::Clock::now());
  metrics_.healthy.set(r.healthy ? 1 : 0);
  return r;
}

std::string FetchMonitor::render() const {
  (void)health();  // walmart_etl_fetch_healthy as of now
  return metrics_.registry.render();
}

}  // namespace etl::pipeline

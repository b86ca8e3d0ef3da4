#include "tools/sim/sim_options.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"

namespace etl::walmart::sim {
namespace {

void check_rate(double rate, const char* flag) {
  if (!(rate >= 0.0 && rate <= 1.0)) {
    throw ConfigError(fmt::format("{}: expected a fraction between 0 and 1, got {}", flag, rate));
  }
}

}  // namespace

void SimulatorOptions::validate() const {
  if (port < 0 || port > 65535)
    throw ConfigError(fmt::format("--port: {} is not a TCP port", port));
  if (client_id.empty() || client_id.find(':') != std::string::npos) {
    throw ConfigError("--client-id: must be non-empty and must not contain ':'");
  }
  if (client_secret.empty()) throw ConfigError("--client-secret: must be non-empty");
  if (token_ttl.count() <= 0) throw ConfigError("--token-ttl-s: must be positive");
  if (orders_per_day <= 0 || orders_per_day > 10'000'000) {
    throw ConfigError("--orders-per-day: must be between 1 and 10000000");
  }
  if (days < 0 || days > 3650) throw ConfigError("--days: must be between 0 and 3650");
  if (!(time_scale >= 0.0) || time_scale > 1e7) {
    throw ConfigError("--time-scale: must be between 0 and 10000000");
  }
  if (max_result_orders < 0) throw ConfigError("--max-result-orders: must be >= 0 (0: no cap)");
  if (requests_per_minute < 0) throw ConfigError("--rpm: must be >= 0 (0: no throttling)");
  if (burst < 0) throw ConfigError("--burst: must be >= 0");
  check_rate(faults.fail_rate, "--fail-rate");
  check_rate(faults.drop_rate, "--drop-rate");
  check_rate(faults.malformed_rate, "--malformed-rate");
  check_rate(faults.throttle_rate, "--throttle-rate");
  if (faults.throttle_hold.count() < 1 || faults.throttle_hold.count() > 600'000) {
    throw ConfigError("--throttle-hold-ms: must be between 1 and 600000");
  }
  if (faults.latency.count() < 0 || faults.latency.count() > 600'000) {
    throw ConfigError("--latency-ms: must be between 0 and 600000");
  }
  if (threads < 1 || threads > 256) throw ConfigError("--threads: must be between 1 and 256");
  if (sellers < 1 || sellers > 500) throw ConfigError("--sellers: must be between 1 and 500");
}

std::string SimulatorOptions::seller_client_id(int k) const {
  return k <= 1 ? client_id : fmt::format("{}-{}", client_id, k);
}

std::string SimulatorOptions::seller_client_secret(int k) const {
  return k <= 1 ? client_secret : fmt::format("{}-{}", client_secret, k);
}

int64_t SimulatorOptions::effective_burst() const noexcept {
  if (burst > 0) return burst;
  return std::max<int64_t>(1, requests_per_minute / 6);
}

}  // namespace etl::walmart::sim

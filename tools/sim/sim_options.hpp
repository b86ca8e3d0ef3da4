#pragma once
// Everything `walmart-etl simulate-api` can be told (see the README's flag table).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/sim/fault_injector.hpp"

namespace etl::walmart::sim {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (Simulator::port() tells which)
  std::string client_id = "sim-client-id";
  std::string client_secret = "sim-client-secret";
  // Sellers served: seller 1 has client_id/client_secret and seed; seller k > 1 has
  // "<client_id>-k" / "<client_secret>-k", seed + k - 1 and purchaseOrderIds of its own (never
  // another seller's), and every seller has its own tokens and throttling buckets.
  int sellers = 1;
  std::chrono::seconds token_ttl{900};

  uint64_t seed = 1;
  int64_t orders_per_day = 500;
  int64_t days = 30;                  // orders exist from now - days on
  std::optional<int64_t> now_ms;      // simulated start time; default: the real clock
  double time_scale = 1.0;            // simulated seconds per real second; 0 freezes the data
  int64_t max_result_orders = 10000;  // a first page matching more -> 400 (the API's cap)

  int64_t requests_per_minute = 60000;  // per endpoint; 0: no throttling
  int64_t burst = 0;                    // bucket size; 0: 10 seconds' worth (at least 1)

  FaultOptions faults;
  int threads = 8;  // HTTP worker threads (one per open connection)

  // Throws ConfigError naming the offending flag.
  void validate() const;
  [[nodiscard]] int64_t effective_burst() const noexcept;
  // Seller k's (1-based) credentials.
  [[nodiscard]] std::string seller_client_id(int k) const;
  [[nodiscard]] std::string seller_client_secret(int k) const;
};

}  // namespace etl::walmart::sim

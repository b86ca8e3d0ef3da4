#pragma once
// A local Walmart Marketplace API for demos, tests
// and benchmarks. Serves POST /v3/token, GET /v3/orders, /v3/orders/released and
// /v3/orders/{purchaseOrderId}, GET /v3/returns (return_query.hpp) and the reconciliation report
// (/v3/report/reconreport/availableReconFiles and reconFile, recon_routes.hpp) over HTTP with the
// documented headers, JSON shapes, pagination, errors and throttling, plus optional faults; and,
// outside Walmart's namespace, /_sim/clock, /_sim/advance, /_sim/dump and /_sim/returns_dump for
// test harnesses.
//
// Ownership: the Simulator owns its HTTP server and threads; stop() (or the destructor) stops
// accepting, interrupts injected latency and joins every thread. start() ignores SIGPIPE for
// the process (a client closing early must not kill the server).

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "tools/sim/order_model.hpp"
#include "tools/sim/sim_clock.hpp"
#include "tools/sim/sim_options.hpp"

namespace etl::walmart::sim {

class Simulator {
 public:
  // Validates the options (ConfigError). Does not bind yet.
  explicit Simulator(SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Binds host:port (port 0: a free port) and serves on background threads. Returns once the
  // socket is listening (clients may connect immediately). Throws EtlError if it cannot bind.
  void start();
  // Idempotent.
  void stop();

  [[nodiscard]] int port() const noexcept;
  [[nodiscard]] std::string base_url() const;  // "http://127.0.0.1:PORT"
  [[nodiscard]] const SimulatorOptions& options() const noexcept;
  [[nodiscard]] SimClock& clock() noexcept;
  [[nodiscard]] const SimClock& clock() const noexcept;
  [[nodiscard]] const OrderModel& model() const noexcept;  // seller 1's

  // The ground truth at the current simulated time: every order the API serves (created in the
  // last 180 days, every ship node type), rendered exactly as GET /v3/orders returns it by
  // default, one JSON object per line, in orderDate order (seller by seller, when --sellers > 1).
  // Returns the number of orders.
  size_t write_dump(std::ostream& out) const;
  // Same, into a file written atomically.
  size_t write_dump_file(const std::string& path) const;

  // Requests received on the Walmart endpoints so far.
  [[nodiscard]] uint64_t request_count() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace etl::walmart::sim

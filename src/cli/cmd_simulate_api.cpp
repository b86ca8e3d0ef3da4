// walmart-etl simulate-api: a local Walmart Marketplace API for demos, tests and benchmarks.
// Options only; the server is walmart::sim::Simulator (tools/sim/simulator.hpp).

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/cli_context.hpp"
#include "common/base64.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "common/utc_time.hpp"
#include "tools/sim/atomic_file.hpp"
#include "tools/sim/basic_auth.hpp"
#include "tools/sim/simulator.hpp"

namespace etl::cli {
namespace {

struct SimulateApiArgs {
  walmart::sim::SimulatorOptions options;
  int64_t token_ttl_s = 900;
  int64_t latency_ms = 0;
  int64_t throttle_hold_ms = 500;
  bool no_token_faults = false;
  std::string now;
  std::string port_file;
  std::string dump_file;
  bool dump_only = false;
};

// --now: an ISO 8601 date/timestamp (UTC unless an offset is given) or epoch milliseconds.
int64_t parse_now(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
      text.size() <= 15) {
    return std::stoll(text);
  }
  if (const auto ms = parse_iso8601_ms(text)) return *ms;
  throw ConfigError(
      "--now: expected an ISO 8601 time like 2024-05-02T17:05:41Z or epoch "
      "milliseconds, got '" +
      text + "'");
}

void print_banner(const walmart::sim::Simulator& sim) {
  const auto& o = sim.options();
  const std::string url = sim.base_url();
  const std::string basic = base64_encode(o.client_id + ":" + o.client_secret);
  std::printf(
      "Walmart Marketplace API simulator listening on %s\n"
      "  client id:      %s\n"
      "  client secret:  %s\n"
      "  Authorization:  Basic %s\n"
      "  data:           seed %llu, %lld orders/day from %s, clock x%g (now %s)\n"
      "  throttling:     %s\n"
      "  try:            curl -s -X POST '%s/v3/token' -H 'Authorization: Basic %s' "
      "-H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: application/json' "
      "-H 'WM_SVC.NAME: Walmart Marketplace' -H 'WM_QOS.CORRELATION_ID: 1234567890' "
      "-d 'grant_type=client_credentials'\n",
      url.c_str(), o.client_id.c_str(), o.client_secret.c_str(), basic.c_str(),
      static_cast<unsigned long long>(o.seed), static_cast<long long>(o.orders_per_day),
      format_iso8601(sim.model().origin_ms()).c_str(), o.time_scale,
      format_iso8601_ms(sim.clock().sim_now_ms()).c_str(),
      o.requests_per_minute == 0
          ? "off"
          : (std::to_string(o.requests_per_minute) +
             " requests/min per endpoint and seller, burst " + std::to_string(o.effective_burst()))
                .c_str(),
      url.c_str(), basic.c_str());
  for (int k = 2; k <= o.sellers; ++k) {
    if (k > 10 && k < o.sellers) {
      if (k == 11) std::printf("  ...\n");
      continue;
    }
    std::printf("  seller %d:       client id %s, client secret %s\n", k,
                o.seller_client_id(k).c_str(), o.seller_client_secret(k).c_str());
  }
  std::fflush(stdout);
}

}  // namespace

void add_simulate_api_command(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<SimulateApiArgs>();
  auto& o = args->options;
  auto* cmd = app.add_subcommand(
      "simulate-api",
      "Run a local Walmart Marketplace API (POST /v3/token, GET /v3/orders, /v3/orders/released,\n"
      "/v3/orders/{purchaseOrderId}) serving deterministic orders generated from --seed, with\n"
      "Walmart's headers, errors, pagination (nextCursor) and throttling, and optional faults.\n"
      "Needs no config file. Prints its URL and credentials; runs until SIGINT/SIGTERM.\n"
      "Simulator-only routes: GET /_sim/clock, POST /_sim/advance?simSeconds=N&wallSeconds=N,\n"
      "GET /_sim/dump (the ground truth now, one order per line).");
  cmd->option_defaults()->always_capture_default();
  cmd->add_option("--host", o.host, "Address to listen on (0.0.0.0 for every interface)");
  cmd->add_option("--port", o.port, "TCP port; 0 picks a free one (printed, and see --port-file)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--port-file", args->port_file,
                  "Write the port here (atomically) once listening; removed on exit")
      ->type_name("FILE");
  cmd->add_option("--client-id", o.client_id, "The client id POST /v3/token accepts");
  cmd->add_option("--client-secret", o.client_secret, "The client secret POST /v3/token accepts");
  cmd->add_option(
      "--sellers", o.sellers,
      "Seller accounts served (1..500): seller 1 is --client-id/--client-secret, seller "
      "K > 1 is <client-id>-K/<client-secret>-K, each with its own orders "
      "(purchaseOrderIds no other seller has), tokens and throttling (--rpm each); "
      "GET /_sim/dump?seller=K is seller K's ground truth");
  cmd->add_option("--token-ttl-s", args->token_ttl_s, "Access token lifetime, real seconds");
  cmd->add_option("--seed", o.seed, "Seed of the data and of the fault schedule");
  cmd->add_option("--orders-per-day", o.orders_per_day, "Orders created per simulated day");
  cmd->add_option("--days", o.days, "Days of orders that exist before --now");
  cmd->add_option("--now", args->now,
                  "Simulated start time: ISO 8601 (2024-05-02T17:05:41Z) or epoch ms; default: now")
      ->type_name("TIME");
  cmd->add_option("--time-scale", o.time_scale,
                  "Simulated seconds per real second (0 freezes the data; 3600: an hour a second)");
  cmd->add_option("--max-result-orders", o.max_result_orders,
                  "A query matching more orders gets 400 (Walmart: 10000); 0 = no cap");
  cmd->add_option("--rpm", o.requests_per_minute,
                  "Token bucket refill per endpoint, requests per minute; 0 = no throttling");
  cmd->add_option("--burst", o.burst, "Token bucket size; 0 = 10 seconds' worth of --rpm");
  cmd->add_option("--fail-rate", o.faults.fail_rate,
                  "Fraction of requests answered 500 SYSTEM_ERROR, bare 503 or 504 (equal parts)");
  cmd->add_option("--drop-rate", o.faults.drop_rate,
                  "Fraction of 200 responses whose connection is closed mid-body");
  cmd->add_option("--malformed-rate", o.faults.malformed_rate,
                  "Fraction of 200 responses with a truncated (invalid JSON) body");
  cmd->add_option("--throttle-rate", o.faults.throttle_rate,
                  "Fraction of order calls answered 429 whatever the pace (a gateway under load)");
  cmd->add_option("--throttle-hold-ms", args->throttle_hold_ms,
                  "X-Next-Replenishment-Time of those 429s, ms ahead");
  cmd->add_option("--latency-ms", args->latency_ms, "Delay added to every response, ms");
  cmd->add_flag("--no-token-faults", args->no_token_faults,
                "Never fault POST /v3/token (faults then hit order calls only)");
  cmd->add_option("--threads", o.threads, "HTTP worker threads (one per open connection)");
  cmd->add_option("--dump", args->dump_file,
                  "Write the ground truth at startup: every order the API serves, as it serves "
                  "it, one JSON per line (atomically)")
      ->type_name("FILE");
  cmd->add_flag("--dump-only", args->dump_only, "Write --dump and exit without serving");

  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      // The config file is optional here; only its logging section is used.
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "simulate-api");

      walmart::sim::SimulatorOptions options = args->options;
      options.token_ttl = std::chrono::seconds(args->token_ttl_s);
      options.faults.latency = std::chrono::milliseconds(args->latency_ms);
      options.faults.throttle_hold = std::chrono::milliseconds(args->throttle_hold_ms);
      options.faults.token_endpoint = !args->no_token_faults;
      if (!args->now.empty()) options.now_ms = parse_now(args->now);
      if (args->dump_only && args->dump_file.empty()) {
        throw ConfigError("--dump-only needs --dump FILE");
      }
      walmart::sim::Simulator sim(options);  // validates: ConfigError names the flag

      if (!args->dump_file.empty()) {
        const size_t n = sim.write_dump_file(args->dump_file);
        spdlog::info("simulate-api: wrote {} orders (as of {}) to {}", n,
                     format_iso8601_ms(sim.clock().sim_now_ms()), args->dump_file);
        if (args->dump_only) return static_cast<int>(ExitCode::ok);
      }

      sim.start();
      print_banner(sim);
      if (!args->port_file.empty()) {
        walmart::sim::write_file_atomically(args->port_file,
                                            [&](std::ostream& out) { out << sim.port() << '\n'; });
      }
      spdlog::info("simulate-api: serving on {}; stop with Ctrl-C / SIGTERM", sim.base_url());
      while (!wait_for_stop(std::chrono::milliseconds(200))) {
      }
      spdlog::info("simulate-api: stopping after {} requests", sim.request_count());
      sim.stop();
      if (!args->port_file.empty()) {
        std::error_code ec;
        std::filesystem::remove(args->port_file, ec);
      }
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli

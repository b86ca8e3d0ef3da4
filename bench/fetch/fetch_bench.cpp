// fetch benchmarks: orders/s from the API simulator (no throttling) through the fetch
// job into the dev broker, for >= 100,000 orders; the page parser alone; and the rate limit held
// against a throttling simulator (no 429 when fetch.requests_per_minute is below the server's).
//
// Everything runs in this process on 127.0.0.1: the simulator (its own HTTP threads), the dev
// broker (librdkafka's mock cluster) and the fetch job, so the figures include all three sharing
// the machine's cores. The dev broker keeps only ~5 MB per partition: with ~2.8 KB orders most of
// what a 100,000-order run produces is dropped by its retention after being acknowledged. That
// is irrelevant here (a produce benchmark counts acknowledgements) but means the topic cannot be
// read back afterwards.
//
//   fetch_bench --benchmark_counters_tabular=true     (scripts/bench-fetch.sh runs it)

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/utc_time.hpp"
#include "order/message_format.hpp"
#include "pipeline/fetch/fetch_job.hpp"
#include "tools/dev_broker/dev_broker.hpp"
#include "tools/sim/simulator.hpp"
#include "walmart/http_client.hpp"
#include "walmart/orders_page.hpp"

namespace {

using namespace etl;

constexpr int64_t kDayMs = 86'400'000;

int64_t today_noon() { return (now_epoch_ms() / kDayMs) * kDayMs + kDayMs / 2; }

walmart::sim::SimulatorOptions sim_options(int64_t orders_per_day, int64_t days, int64_t rpm) {
  walmart::sim::SimulatorOptions o;
  o.port = 0;
  o.seed = 11;
  o.orders_per_day = orders_per_day;
  o.days = days;
  o.now_ms = today_noon();
  o.time_scale = 0;
  o.requests_per_minute = rpm;
  return o;
}

config::Config fetch_config(const walmart::sim::Simulator& sim, const kafka::DevBroker& broker,
                            const std::string& topic) {
  config::Config cfg;
  cfg.walmart_token.base_url = sim.base_url();
  cfg.walmart_token.accounts["bench"] =
      config::WalmartAccount{sim.options().client_id, sim.options().client_secret, ""};
  cfg.kafka.bootstrap_servers = {broker.bootstraps()};
  cfg.kafka.topic = topic;
  cfg.fetch.requests_per_minute = 0;
  cfg.logging.dir = "";
  return cfg;
}

pipeline::FetchRequest days(int64_t first, int64_t last) {
  pipeline::FetchRequest r;
  r.mode = pipeline::FetchMode::date_range;
  r.start_day_ms = first;
  r.end_day_ms = last;
  return r;
}

// API simulator -> fetch -> dev broker, 4 whole days x 25,000 orders/day = 100,000 orders.
void BM_FetchEndToEnd(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  const auto concurrency = static_cast<int>(state.range(0));
  walmart::sim::Simulator sim(sim_options(25000, 8, 0));
  sim.start();
  kafka::DevBrokerOptions broker_options;
  broker_options.topics.push_back({"bench_orders", 16});
  kafka::DevBroker broker(broker_options);
  auto cfg = fetch_config(sim, broker, "bench_orders");
  cfg.fetch.concurrency = concurrency;
  const int64_t first = (today_noon() / kDayMs) * kDayMs - 5 * kDayMs;
  uint64_t orders = 0;
  uint64_t pages = 0;
  double seconds = 0;
  bool complete = true;
  for (auto _ : state) {
    const auto result = pipeline::run_fetch(cfg, days(first, first + 3 * kDayMs));
    complete = complete && result.complete();
    orders += result.orders();
    pages += result.totals().pages;
    seconds += result.elapsed_s;
  }
  if (!complete) state.SkipWithError("a fetch run was incomplete");
  state.counters["orders"] = benchmark::Counter(static_cast<double>(orders));
  state.counters["pages"] = benchmark::Counter(static_cast<double>(pages));
  state.counters["orders_per_s"] = benchmark::Counter(static_cast<double>(orders) / seconds);
  state.SetItemsProcessed(static_cast<int64_t>(orders));
}
BENCHMARK(BM_FetchEndToEnd)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The simulator throttles at 600 requests/min; fetch is limited to 540: no 429 may come back,
// and the achieved rate must stay at or below the configured one.
void BM_FetchHoldsTheRateLimit(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  auto options = sim_options(4000, 4, 600);
  options.burst = 2;  // hardly any slack: a burst above the pace is answered 429
  walmart::sim::Simulator sim(options);
  sim.start();
  kafka::DevBrokerOptions broker_options;
  broker_options.topics.push_back({"bench_rate", 4});
  kafka::DevBroker broker(broker_options);
  auto cfg = fetch_config(sim, broker, "bench_rate");
  cfg.fetch.requests_per_minute = static_cast<int>(state.range(0));
  cfg.fetch.window = std::chrono::minutes(120);
  const int64_t day = (today_noon() / kDayMs) * kDayMs - kDayMs;
  uint64_t throttled = 0;
  uint64_t requests = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto result = pipeline::run_fetch(cfg, days(day, day));
    if (!result.complete()) state.SkipWithError("the rate-limited run was incomplete");
    const pipeline::FetchCounters total = result.totals();
    throttled += total.throttled;
    requests += total.requests;
    seconds += result.elapsed_s;
  }
  state.counters["requests"] = benchmark::Counter(static_cast<double>(requests));
  state.counters["http_429"] = benchmark::Counter(static_cast<double>(throttled));
  // n requests paced 60/rpm s apart span n - 1 intervals.
  state.counters["achieved_rpm"] =
      benchmark::Counter(static_cast<double>(requests > 0 ? requests - 1 : 0) * 60.0 / seconds);
  state.counters["limit_rpm"] = benchmark::Counter(static_cast<double>(state.range(0)));
  if (throttled > 0) state.SkipWithError("fetch was throttled (429) below the server's limit");
}
BENCHMARK(BM_FetchHoldsTheRateLimit)
    ->Arg(540)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The page parser alone: 200-order pages as the simulator serves them, orders/s.
void BM_ParsePage(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  walmart::sim::Simulator sim(sim_options(25000, 3, 0));
  sim.start();
  walmart::HttpClient http(walmart::HttpOptions{});
  walmart::HttpResponse token;
  http.perform(
      walmart::HttpRequest{
          walmart::HttpMethod::post,
          sim.base_url() + "/v3/token",
          {"Authorization: Basic c2ltLWNsaWVudC1pZDpzaW0tY2xpZW50LXNlY3JldA==",
           "Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
           "WM_SVC.NAME: bench", "WM_QOS.CORRELATION_ID: 1"},
          "grant_type=client_credentials"},
      token);
  simdjson::dom::parser dom;
  const std::string access(std::string_view(dom.parse(token.body)["access_token"]));
  walmart::HttpResponse page;
  const int64_t day = (today_noon() / kDayMs) * kDayMs - kDayMs;
  http.perform(
      walmart::HttpRequest{
          walmart::HttpMethod::get,
          sim.base_url() + "/v3/orders?limit=200&createdStartDate=" + format_iso8601(day) +
              "&createdEndDate=" + format_iso8601(day + 3'600'000) + "&shipNodeType=WFSFulfilled",
          {"WM_SEC.ACCESS_TOKEN: " + access, "WM_SVC.NAME: bench", "WM_QOS.CORRELATION_ID: 2",
           "Accept: application/json"},
          {}},
      page);
  if (page.status != 200) {
    state.SkipWithError(
        ("GET /v3/orders answered " + std::to_string(page.status) + ": " + page.body.substr(0, 200))
            .c_str());
    return;
  }
  walmart::OrdersPageParser parser;
  walmart::OrdersPage parsed;
  std::string message;
  uint64_t orders = 0;
  for (auto _ : state) {
    if (const auto err = parser.parse(page.body, parsed)) {
      state.SkipWithError(err->describe().c_str());
      break;
    }
    for (const auto& o : parsed.orders) {
      order::build_order_message(o.json, "2024-05-01 00:00:00", message);
      benchmark::DoNotOptimize(message.data());
    }
    orders += parsed.orders.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(orders));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.body.size()));
  state.counters["orders_per_page"] = benchmark::Counter(static_cast<double>(parsed.orders.size()));
}
BENCHMARK(BM_ParsePage)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

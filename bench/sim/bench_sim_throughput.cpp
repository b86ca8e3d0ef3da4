// Orders served per second by the API simulator: one libcurl client (keep-alive) walks every page
// of a window with limit=200 following nextCursor, against an in-process simulator with no
// throttling and no faults. items_per_second is the figure (target: >= 50,000 orders/s).
// BM_RenderPage measures finding + rendering one cursor page alone (no HTTP), to tell where
// time goes.
//
//   bench_sim_throughput --benchmark_min_time=2

#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <memory>
#include <string>

#include "common/base64.hpp"
#include "tools/sim/basic_auth.hpp"
#include "tools/sim/order_query.hpp"
#include "tools/sim/simulator.hpp"

namespace {

using etl::walmart::sim::Simulator;
using etl::walmart::sim::SimulatorOptions;

constexpr int64_t kNow = 1714669541250;  // 2024-05-02T17:05:41.250Z

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

SimulatorOptions bench_options() {
  SimulatorOptions o;
  o.port = 0;
  o.now_ms = kNow;
  o.time_scale = 0.0;
  o.orders_per_day = 20000;
  o.days = 1;
  o.requests_per_minute = 0;
  o.max_result_orders = 0;
  o.threads = 2;
  return o;
}

std::string post_token(CURL* c, const std::string& base) {
  std::string body;
  std::unique_ptr<curl_slist, SlistDeleter> h(curl_slist_append(
      nullptr,
      ("Authorization: Basic " + etl::base64_encode("sim-client-id:sim-client-secret")).c_str()));
  curl_slist_append(h.get(), "WM_SVC.NAME: Walmart Marketplace");
  curl_slist_append(h.get(), "WM_QOS.CORRELATION_ID: bench");
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, (base + "/v3/token").c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, "grant_type=client_credentials");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  if (curl_easy_perform(c) != CURLE_OK) return {};
  const std::string key = "\"access_token\":\"";
  const size_t at = body.find(key);
  if (at == std::string::npos) return {};
  return body.substr(at + key.size(), body.find('"', at + key.size()) - at - key.size());
}

void BM_PaginateWindow(benchmark::State& state) {
  Simulator sim(bench_options());
  sim.start();
  const std::string base = sim.base_url();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  const std::string token = post_token(curl.get(), base);
  if (token.empty()) {
    state.SkipWithError("no token");
    return;
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, ("WM_SEC.ACCESS_TOKEN: " + token).c_str()));
  curl_slist_append(headers.get(), "WM_QOS.CORRELATION_ID: bench");
  curl_slist_append(headers.get(), "WM_SVC.NAME: Walmart Marketplace");
  curl_slist_append(headers.get(), "Accept: application/json");
  CURL* c = curl.get();
  curl_easy_reset(c);
  std::string body;
  body.reserve(1 << 20);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);

  const std::string first =
      base + "/v3/orders?createdStartDate=2024-05-01T17:05:42Z&limit=200&shipNodeType=WFSFulfilled";
  int64_t orders = 0, pages = 0, bytes = 0;
  for (auto _ : state) {
    std::string url = first;
    for (;;) {
      body.clear();
      curl_easy_setopt(c, CURLOPT_URL, url.c_str());
      long status = 0;
      if (curl_easy_perform(c) != CURLE_OK ||
          (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status), status != 200)) {
        state.SkipWithError("request failed");
        return;
      }
      ++pages;
      bytes += static_cast<int64_t>(body.size());
      // Count orders by their purchaseOrderId keys; the cursor sits in the meta at the start.
      for (size_t at = body.find("\"purchaseOrderId\""); at != std::string::npos;
           at = body.find("\"purchaseOrderId\"", at + 17)) {
        ++orders;
      }
      const size_t cur = body.find("\"nextCursor\":\"");
      if (cur == std::string::npos || cur > 1024) break;
      const size_t start = cur + 14;
      url = base + "/v3/orders" + body.substr(start, body.find('"', start) - start);
    }
  }
  state.SetItemsProcessed(orders);
  state.SetBytesProcessed(bytes);
  state.counters["pages"] =
      benchmark::Counter(static_cast<double>(pages), benchmark::Counter::kIsRate);
  sim.stop();
}
BENCHMARK(BM_PaginateWindow)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RenderPage(benchmark::State& state) {
  using namespace etl::walmart::sim;
  const OrderModel model(1, 20000, kNow - etl::kDayMs);
  // A cursor page (no counting of the whole window, as on every page after the first).
  const QueryParams params = parse_query_string(
      "?limit=200&hasMoreElements=true&soIndex=13000&poIndex=0&createdStartDate=2024-05-01T17:05:"
      "42Z"
      "&createdEndDate=2024-05-02T17:05:41.250Z&shipNodeType=WFSFulfilled");
  const OrderQuery q =
      std::get<OrderQuery>(parse_order_query(params, ListEndpoint::all_orders, kNow));
  const CursorIdentity id = cursor_identity(1);
  std::string body;
  int64_t orders = 0;
  for (auto _ : state) {
    body.clear();
    const Page page = find_page(model, q, kNow, 0);
    render_list_body(body, q, page, kNow, 1, id);
    orders += static_cast<int64_t>(page.orders.size());
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(orders);
}
BENCHMARK(BM_RenderPage)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  curl_global_cleanup();
  return 0;
}

#pragma once
// GET /v3/orders for one worker thread: one HttpClient (keep-alive) and one page parser, sharing
// the account's TokenProvider, the run's RateLimiter and ServerClock with the other workers.
//
// get_page() (through paced_request.hpp, shared with the returns client) sends every request with
// WM_SEC.ACCESS_TOKEN, WM_SVC.NAME, a fresh WM_QOS.CORRELATION_ID and Accept: application/json,
// through the rate limiter, and:
//  - 401: drops the token, gets a new one and retries once; a second 401 is fatal;
//  - 429: holds every worker until X-Next-Replenishment-Time (or Retry-After, or a backoff delay,
//         never beyond fetch.backoff_max_ms), tells the shared pace (which slows down only when a
//         lower pace would have avoided it, see pace_policy.hpp); retried up to
//         4 x fetch.max_retries times;
//  - 5xx, 408, transport failures (refused, reset, timeouts), truncated or malformed bodies:
//         retried with exponential backoff and jitter up to fetch.max_retries times;
//  - 404 CONTENT_NOT_FOUND: no orders (an empty window, not an error);
//  - 400, 403 and other answers: fatal, with the API's error code and description; a 400 naming
//         the query's start date has cause too_many_results (api_error.hpp).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "config/config.hpp"
#include "walmart/api_error.hpp"
#include "walmart/http_client.hpp"
#include "walmart/orders_page.hpp"
#include "walmart/paced_request.hpp"
#include "walmart/rate_limiter.hpp"
#include "walmart/request_counters.hpp"
#include "walmart/server_clock.hpp"
#include "walmart/token_provider.hpp"

namespace etl::walmart {

struct PageResult {
  enum class Kind {
    page,       // `page` holds the answer (views into this client's buffer)
    no_orders,  // 404 CONTENT_NOT_FOUND
    failed,     // `error` says why (class and cause); `api` holds the API's error body if any
  };
  Kind kind = Kind::failed;
  OrdersPage page;
  std::string request_time;  // "YYYY-MM-DD HH:MM:SS" UTC, when the page arrived
  Error error;
  std::optional<ApiErrorInfo> api;
  bool gave_up = false;  // retriable failures exhausted fetch.max_retries
};

struct OrdersClientShared {
  std::string base_url;
  std::string service_name;
  TokenProvider* tokens = nullptr;
  RateLimiter* limiter = nullptr;
  ServerClock* server_clock = nullptr;
  int max_retries = 6;
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  HttpOptions http;
};

OrdersClientShared orders_client_shared(const config::Config& cfg, TokenProvider& tokens,
                                        RateLimiter& limiter, ServerClock& clock);

class OrdersClient {
 public:
  explicit OrdersClient(OrdersClientShared shared);

  // Fetches base_url + target ("/v3/orders?..."); `context` names the window in messages.
  // `result` is reused; its page views stay valid until the next call. What the request cost is
  // added to `counters`.
  void get_page(const std::string& target, std::string_view context, PageResult& result,
                RequestCounters& counters);

 private:
  OrdersClientShared shared_;
  PacedShared paced_;
  HttpClient http_;
  HttpResponse response_;
  OrdersPageParser parser_;
};

}  // namespace etl::walmart

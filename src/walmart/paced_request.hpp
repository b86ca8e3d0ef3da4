#pragma once
// One GET of the Walmart API by one worker thread, with the house rules every endpoint family
// shares (orders_client.hpp lists them): the rate limiter's slot, the account's access token
// (refreshed once on a 401), a fresh correlation id, retries with backoff for retriable
// failures, 429 holds through the limiter, 404 CONTENT_NOT_FOUND as "nothing there".
// What a 200 body means is the caller's: `accept` parses it, and an Error it returns (a truncated
// or malformed body) is retried like a transport failure.
// One rate limiter per account and endpoint family: the caller passes the family's limiter.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "walmart/api_error.hpp"
#include "walmart/http_client.hpp"
#include "walmart/rate_limiter.hpp"
#include "walmart/request_counters.hpp"
#include "walmart/server_clock.hpp"
#include "walmart/token_provider.hpp"

namespace etl::walmart {

struct PacedShared {
  std::string base_url;
  std::string service_name;
  TokenProvider* tokens = nullptr;
  RateLimiter* limiter = nullptr;
  ServerClock* server_clock = nullptr;
  int max_retries = 6;
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  // The Accept header: JSON for the pages; the report download also takes the zip.
  std::string accept = "application/json";
};

struct PacedResult {
  enum class Kind { body, not_found, failed };
  Kind kind = Kind::failed;
  std::string request_time;  // "YYYY-MM-DD HH:MM:SS" UTC, when the accepted body arrived
  Error error;
  std::optional<ApiErrorInfo> api;
  bool gave_up = false;  // retriable failures exhausted max_retries
};

// accept(body): nullopt when the 200 body is usable (the caller keeps what it parsed), else the
// (retriable) reason to ask again.
using AcceptBody = std::function<std::optional<Error>(const std::string& body)>;

void paced_get(const PacedShared& shared, HttpClient& http, HttpResponse& response,
               const std::string& target, std::string_view context, const AcceptBody& accept,
               PacedResult& result, RequestCounters& counters);

}  // namespace etl::walmart

#pragma once
// GET /v3/returns for one worker thread: one HttpClient and one page parser, on the account's
// TokenProvider and the returns family's own RateLimiter (one limiter per account and endpoint
// family: returns never spend the orders' pace), with the rules of paced_request.hpp.
//
// Paging: Walmart's nextCursor for returns is offset based ("?limit=10&offset=10" plus, maybe,
// the seller id) and is not documented to carry the request's filters. The client therefore
// sends the cursor's parameters followed by every filter of the first request the cursor does
// not name (the cursor wins where both name a parameter): right whether the server echoes the
// filters into the cursor or not. A missing, null or empty nextCursor ends the listing, and so
// does an empty page.
//
// Offset paging over a list that changes between calls can skip or repeat a return (a newer
// return shifts the offsets); callers page inside a closed returnLastModified window (its end in
// the past) and write idempotently, which makes repeats harmless.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "walmart/http_client.hpp"
#include "walmart/paced_request.hpp"
#include "walmart/returns_page.hpp"

namespace etl::walmart {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes a query value (unreserved characters stay; '+' becomes %2B, so an offset
// "+0000" survives).
std::string encode_query_value(std::string_view v);
// "/v3/returns?k=v&..." for the first page.
std::string returns_target(const QueryPairs& filters);
// The page after the one whose nextCursor is `cursor` (see above).
std::string next_returns_target(std::string_view cursor, const QueryPairs& filters);
// The filters of one closed window of last-modified times, [start_ms, end_ms] inclusive, in the
// ISO form Walmart documents ("2026-12-01T00:00:00.000Z"), with limit (1..200).
QueryPairs last_modified_window(int64_t start_ms, int64_t end_ms, int limit);

struct ReturnsPageResult {
  enum class Kind { page, no_returns, failed };
  Kind kind = Kind::failed;
  ReturnsPage page;          // views into the client's buffer, valid until the next call
  std::string request_time;  // "YYYY-MM-DD HH:MM:SS" UTC, when the page arrived
  Error error;
  std::optional<ApiErrorInfo> api;
  bool gave_up = false;
};

class ReturnsClient {
 public:
  ReturnsClient(PacedShared shared, HttpOptions http);

  void get_page(const std::string& target, std::string_view context, ReturnsPageResult& result,
                RequestCounters& counters);

  // Every page of `filters`, first to last, each handed to on_page (which may stop the listing by
  // returning false). Returns nullopt when the listing ended (or was stopped), else the failure.
  std::optional<Error> read_all(const QueryPairs& filters, std::string_view context,
                                const std::function<bool(const ReturnsPageResult&)>& on_page,
                                RequestCounters& counters);

 private:
  PacedShared shared_;
  HttpClient http_;
  HttpResponse response_;
  ReturnsPageParser parser_;
  ReturnsPageResult result_;
};

// The shared part for a returns client from the configuration (as orders_client_shared).
PacedShared returns_client_shared(const config::Config& cfg, TokenProvider& tokens,
                                  RateLimiter& returns_limiter, ServerClock& clock);

}  // namespace etl::walmart

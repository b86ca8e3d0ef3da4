#pragma once
// GET /v3/returns: parameters, filtering and offset pagination, independent of HTTP so the rules
// are unit-testable.
//
// Rules (documented in the README):
//  - Filters: returnOrderId, customerOrderId, status (a line's status), returnCreationStartDate/
//    EndDate, returnLastModifiedStartDate/EndDate (ISO 8601 date or date-time, zones "Z", "+00:00",
//    "+0000"; bounds inclusive; a Start without its End is refused, as Walmart documents).
//    returnType, replacementInfo, isWFSEnabled and sellerId are accepted and do not filter.
//  - limit: default 10, 1..200 (more is refused with 400).
//  - Order: newest returnOrderDate first (then returnOrderId, descending).
//  - nextCursor: "?limit=L&offset=O" followed by the filters of the request; "" on the last
//    page. A client may send the cursor alone or together with the filters again (the cursor's
//    values win); both give the same pages.
//  - Nothing matches: 404 CONTENT_NOT_FOUND. An offset past the end: 200 with an empty list.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tools/sim/error_bodies.hpp"
#include "tools/sim/order_model.hpp"
#include "tools/sim/query_string.hpp"
#include "tools/sim/return_model.hpp"

namespace etl::walmart::sim {

inline constexpr int kReturnsDefaultLimit = 10;
inline constexpr int kReturnsMaxLimit = 200;

struct ReturnQuery {
  int limit = kReturnsDefaultLimit;
  int64_t offset = 0;
  std::optional<std::string> return_order_id;
  std::optional<uint64_t> customer_order_id;
  std::optional<std::string> status;
  std::optional<int64_t> created_start_ms, created_end_ms;
  std::optional<int64_t> modified_start_ms, modified_end_ms;
  bool matches_nothing = false;  // an id the simulator never issues
  // The filter parameters as given, echoed into nextCursor.
  std::vector<std::pair<std::string, std::string>> echo;
};

using ReturnQueryOrError = std::variant<ReturnQuery, ApiError>;
ReturnQueryOrError parse_return_query(const QueryParams& params);

struct ReturnPage {
  int64_t total_count = 0;
  std::vector<ReturnSkeleton> returns;  // this page's
  std::string next_cursor;              // "" on the last page
};

// Every return of `model` (the seller's; seed its seed) served at now that matches, newest first,
// sliced at the query's offset and limit.
ReturnPage find_return_page(const OrderModel& model, uint64_t seed, const ReturnQuery& query,
                            int64_t now_ms);

// Every return served at now, in order index order (the ground truth for tests).
std::vector<ReturnSkeleton> all_returns(const OrderModel& model, uint64_t seed, int64_t now_ms);

// The 200 body: {"meta":{"totalCount":..,"limit":..,"nextCursor":".."},"returnOrders":[..]}.
void render_return_page(std::string& out, const ReturnQuery& query, const ReturnPage& page,
                        int64_t now_ms);

}  // namespace etl::walmart::sim

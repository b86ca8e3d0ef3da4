#pragma once
// GET /v3/orders and /v3/orders/released: parameters, filtering and pagination, independent of
// HTTP so the rules are unit-testable.
//
// Window rules (documented in the README):
//  - createdStartDate defaults to now-7d, or to now-180d when purchaseOrderId, customerOrderId or
//    a lastModified bound is given (so an incremental fetch by lastModified sees older orders);
//    createdEndDate defaults to now. Bounds are inclusive. Only orders created in the last 180
//    days (simulated clock) are served; an earlier start is silently clamped.
//  - The first call counts every match (list.meta.totalCount); more than `max_total` -> 400.
//  - nextCursor = "?limit=..&hasMoreElements=true&soIndex=<totalCount>&poIndex=<next order
//    index>&partnerId=..&sellerId=..&createdStartDate=..&createdEndDate=<frozen>&<other filters
//    as given>&shipNodeType=..": GET /v3/orders + cursor continues from poIndex with the window
//    frozen, so orders created meanwhile never shift pages. Absent on the last page.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tools/sim/error_bodies.hpp"
#include "tools/sim/order_model.hpp"
#include "tools/sim/order_render.hpp"
#include "tools/sim/query_string.hpp"

namespace etl::walmart::sim {

inline constexpr int64_t kServedWindowMs = 180 * kDayMs;
inline constexpr int64_t kDefaultCreatedWindowMs = 7 * kDayMs;
inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 200;

enum class ListEndpoint { all_orders, released };

struct OrderQuery {
  ListEndpoint endpoint = ListEndpoint::all_orders;
  int limit = kDefaultLimit;
  int64_t created_start_ms = 0;    // inclusive, after defaults (before the 180-day clamp)
  int64_t created_end_ms = 0;      // inclusive, after defaults
  std::string created_start_text;  // what goes into the cursor
  std::string created_end_text;
  std::optional<int64_t> modified_start_ms;
  std::optional<int64_t> modified_end_ms;
  std::optional<int64_t> from_expected_ship_ms;
  std::optional<int64_t> to_expected_ship_ms;
  ShipNodeType ship_node = ShipNodeType::seller_fulfilled;
  std::optional<LineStatus> status;
  std::optional<uint16_t> sku_product;
  std::optional<uint64_t> purchase_order_id;
  std::optional<uint64_t> customer_order_id;
  std::optional<bool> replacement_order;  // orderType filter
  std::optional<uint8_t> shipping_program;
  bool matches_nothing = false;  // e.g. an unknown sku or a non-numeric id: 404, not 400
  RenderOptions render;

  bool from_cursor = false;
  int64_t cursor_total = 0;        // soIndex
  uint64_t cursor_next_index = 0;  // poIndex

  // Filter parameters echoed into nextCursor, in the order given (dates, limit, shipNodeType and
  // cursor keys excluded: they are written explicitly).
  std::vector<std::pair<std::string, std::string>> echo;
};

using QueryOrError = std::variant<OrderQuery, ApiError>;

// Validates and interprets the parameters at simulated time now_ms.
QueryOrError parse_order_query(const QueryParams& params, ListEndpoint endpoint, int64_t now_ms);

// The filter predicate (without the created-date window, which the index range handles).
bool order_matches(const OrderSkeleton& order, const OrderQuery& query, int64_t now_ms);

struct Page {
  int64_t total_count = 0;  // all matches in the window (first call) or soIndex (cursor)
  bool over_cap = false;    // first call found more than max_total matches
  std::vector<OrderSkeleton> orders;
  std::optional<uint64_t> next_index;  // first match not on this page
};

// max_total: the "at most N orders per query" cap (0 = none).
Page find_page(const OrderModel& model, const OrderQuery& query, int64_t now_ms, int64_t max_total);

struct CursorIdentity {
  std::string partner_id;
  std::string seller_id;
};
CursorIdentity cursor_identity(uint64_t seed);

// The nextCursor for the page after `page` (call only when page.next_index is set).
std::string encode_next_cursor(const OrderQuery& query, const Page& page,
                               const CursorIdentity& identity);

// The full 200 body: {"list":{"meta":{...},"elements":{"order":[...]}}}.
void render_list_body(std::string& out, const OrderQuery& query, const Page& page, int64_t now_ms,
                      uint64_t seed, const CursorIdentity& identity);

}  // namespace etl::walmart::sim

#pragma once
// Windows of the orders timeline and the query of their first page.
//
// A requested range [start, end] is cut into windows of at most fetch.window_minutes (the
// planner, pipeline/fetch/window_plan.hpp, decides the rest). Bounds are sent
// as full UTC timestamps with Z and treated as inclusive on both sides (whether the API's are is
// not documented): neighbouring windows share their boundary instant, so an order placed exactly
// there is fetched twice and de-duplicated rather than possibly lost. A window whose totalCount
// exceeds the cap is halved (again sharing the midpoint) until it fits.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace etl::walmart {

// Which timestamp the window filters on.
enum class DateFilter {
  created,        // createdStartDate / createdEndDate  (--start/--end, --last-hours)
  last_modified,  // lastModifiedStartDate / lastModifiedEndDate  (--since-last)
};

struct OrderWindow {
  std::string ship_node_type;
  int64_t start_ms = 0;     // inclusive
  int64_t end_ms = 0;       // inclusive
  int depth = 0;            // how many halvings led here
  int rejected_splits = 0;  // halvings caused by a 400 on the date range (not by totalCount)
  // The range ends "now": the end parameter is not sent, so the server counts up to its own now
  // (end_ms is the client's estimate, used only to split). Only the last window of such a range.
  bool open_end = false;

  [[nodiscard]] int64_t length_ms() const noexcept { return end_ms - start_ms; }
  // "SellerFulfilled 2024-05-01T00:00:00Z..2024-05-01T01:00:00Z" (for logs and errors)
  [[nodiscard]] std::string describe() const;
};

// Cuts [start_ms, end_ms] into windows of at most window_ms for one ship-node type. With
// open_end the last window is sent without its end parameter.
std::vector<OrderWindow> cut_windows(std::string_view ship_node_type, int64_t start_ms,
                                     int64_t end_ms, int64_t window_ms, bool open_end = false);

// The two halves [start, mid] and [mid, end] (the second keeps open_end).
std::pair<OrderWindow, OrderWindow> halve(const OrderWindow& w);

// "2024-05-01T00:00:00Z", or with milliseconds when they are not zero.
std::string format_api_time(int64_t epoch_ms);

// "/v3/orders?limit=200&createdStartDate=...&createdEndDate=...&shipNodeType=..." (path + query).
std::string first_page_target(const OrderWindow& w, DateFilter filter, int limit);

// "/v3/orders" + the cursor verbatim ('?' added when the cursor lacks it).
std::string cursor_target(std::string_view cursor);

// The query parameter that carries the window's start ("createdStartDate" or
// "lastModifiedStartDate"); a 400 naming it is the API's "too many orders" (api_error.hpp).
std::string_view start_param(DateFilter filter) noexcept;
std::string_view end_param(DateFilter filter) noexcept;

}  // namespace etl::walmart

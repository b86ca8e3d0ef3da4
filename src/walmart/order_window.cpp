#include "walmart/order_window.hpp"

#include <fmt/format.h>

#include "common/utc_time.hpp"

namespace etl::walmart {

std::string OrderWindow::describe() const {
  return fmt::format("{} {}..{}", ship_node_type, format_api_time(start_ms),
                     open_end ? std::string("now") : format_api_time(end_ms));
}

std::vector<OrderWindow> cut_windows(std::string_view ship_node_type, int64_t start_ms,
                                     int64_t end_ms, int64_t window_ms, bool open_end) {
  std::vector<OrderWindow> out;
  if (end_ms < start_ms || window_ms <= 0) return out;
  int64_t s = start_ms;
  while (true) {
    const int64_t e = end_ms - s > window_ms ? s + window_ms : end_ms;
    out.push_back(OrderWindow{std::string(ship_node_type), s, e, 0, 0, false});
    if (e >= end_ms) {
      out.back().open_end = open_end;
      break;
    }
    s = e;
  }
  return out;
}

std::pair<OrderWindow, OrderWindow> halve(const OrderWindow& w) {
  const int64_t mid = w.start_ms + (w.end_ms - w.start_ms) / 2;
  OrderWindow a = w;
  OrderWindow b = w;
  a.end_ms = mid;
  a.open_end = false;
  b.start_ms = mid;
  a.depth = b.depth = w.depth + 1;
  return {std::move(a), std::move(b)};
}

std::string format_api_time(int64_t epoch_ms) {
  return epoch_ms % 1000 == 0 ? format_iso8601(epoch_ms) : format_iso8601_ms(epoch_ms);
}

std::string_view start_param(DateFilter filter) noexcept {
  return filter == DateFilter::created ? "createdStartDate" : "lastModifiedStartDate";
}
std::string_view end_param(DateFilter filter) noexcept {
  return filter == DateFilter::created ? "createdEndDate" : "lastModifiedEndDate";
}

std::string first_page_target(const OrderWindow& w, DateFilter filter, int limit) {
  // Timestamps contain only [0-9T:.Z-], ship-node types only letters and digits: no escaping.
  if (w.open_end) {
    return fmt::format("/v3/orders?limit={}&{}={}&shipNodeType={}", limit, start_param(filter),
                       format_api_time(w.start_ms), w.ship_node_type);
  }
  return fmt::format("/v3/orders?limit={}&{}={}&{}={}&shipNodeType={}", limit, start_param(filter),
                     format_api_time(w.start_ms), end_param(filter), format_api_time(w.end_ms),
                     w.ship_node_type);
}

std::string cursor_target(std::string_view cursor) {
  std::string out = "/v3/orders";
  if (cursor.empty() || cursor.front() != '?') out.push_back('?');
  out.append(cursor);
  return out;
}

}  // namespace etl::walmart

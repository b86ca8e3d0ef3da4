#include "pipeline/fetch/range_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/utc_time.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

namespace {
constexpr int64_t kHourMs = 3'600'000;
}  // namespace

std::optional<TypeRange> plan_range(const FetchRequest& request, const std::string& ship_node_type,
                                    int64_t server_now_ms, std::optional<int64_t> watermark_ms,
                                    int64_t overlap_ms) {
  TypeRange r;
  r.ship_node_type = ship_node_type;
  const int64_t now = server_now_ms;
  switch (request.mode) {
    case FetchMode::date_range: {
      r.start_ms = request.start_day_ms.value_or(0);
      const int64_t last_day = request.end_day_ms ? *request.end_day_ms : (now / kDayMs) * kDayMs;
      const int64_t end_exclusive = last_day + kDayMs;
      if (end_exclusive > now) {
        r.end_ms = now;
        r.open_end = true;
      } else {
        r.end_ms = end_exclusive - 1;
      }
      break;
    }
    case FetchMode::last_hours:
      r.end_ms = now;
      r.start_ms = now - static_cast<int64_t>(request.last_hours) * kHourMs;
      r.open_end = true;
      break;
    case FetchMode::since_last:
      if (watermark_ms) {
        r.start_ms = *watermark_ms - overlap_ms;
      } else if (request.start_day_ms) {
        r.start_ms = *request.start_day_ms;
      } else {
        return std::nullopt;
      }
      r.end_ms = now;
      r.open_end = true;
      r.start_ms = std::min(r.start_ms, r.end_ms);
      break;
  }
  return r;
}

std::string describe_range(const TypeRange& range) {
  return fmt::format("{}..{}", walmart::format_api_time(range.start_ms),
                     range.open_end
                         ? fmt::format("now ({})", walmart::format_api_time(range.end_ms))
                         : walmart::format_api_time(range.end_ms));
}

}  // namespace etl::pipeline

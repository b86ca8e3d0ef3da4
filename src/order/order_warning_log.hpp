#pragma once
// Logs an order's conversion warnings (spec: "counted as a conversion warning, with order id and
// field in the log"). Kept apart from the mapping, which does no I/O.

#include <string_view>

#include "order/order_types.hpp"

namespace etl::order {

// One spdlog warning per recorded warning: order id, JSON path, detail and `source` (e.g.
// "walmart_order_raw/2@1234" or "orders.json:17").
void log_conversion_warnings(const ParsedOrder& order, std::string_view source);

}  // namespace etl::order

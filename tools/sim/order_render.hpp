#pragma once
// Renders one simulated order as the Walmart API's JSON order object, in the
// state it has at simulated time `now`. Every invented detail (names, charges, tracking, which
// optional fields are null or absent) is drawn from (seed, index) before anything time-dependent
// is looked at, so only statuses, statusDate, tracking and the placeholder e-mail change as the
// clock advances.

#include <cstdint>
#include <string>

#include "tools/sim/order_model.hpp"

namespace etl::walmart::sim {

struct RenderOptions {
  bool product_info = false;      // productInfo=true: item.imageUrl and item.weight
  bool replacement_info = false;  // replacementInfo=true: orderType, originalCustomerOrderID
};

// Appends the order object to out.
void render_order(std::string& out, const OrderSkeleton& order, int64_t now_ms,
                  const RenderOptions& options, uint64_t seed);

[[nodiscard]] std::string render_order(const OrderSkeleton& order, int64_t now_ms,
                                       const RenderOptions& options, uint64_t seed);

}  // namespace etl::walmart::sim

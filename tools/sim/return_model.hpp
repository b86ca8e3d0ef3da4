#pragma once
// The simulator's returns, derived from its orders like everything else (nothing stored): a
// share of the delivered lines of an order is returned some days after delivery — every line the
// order model refunds, and about one delivered line in twelve besides — as one return order per
// customer order. Each returned line follows its own timeline:
//   INITIATED (RETURN_INITIATED) -> INITIATED (RETURN_IN_TRANSIT) -> DELIVERED
//   (DELIVERED_AT_RETURN_CENTER) -> COMPLETED (REFUND_ISSUED), or
//   INITIATED (RETURN_INITIATED) -> COMPLETED (RETURN_CANCELLED) for about one in eight;
// some lines return fewer units than were ordered (partial). What is shown at simulated time
// `now` is every event at or before `now`, so statuses and last-modified times move as the clock
// advances. Ids: returnOrderId is "9" followed by the purchaseOrderId on 17 digits.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tools/sim/order_model.hpp"

namespace etl::walmart::sim {

// No return event is later than this after its order's orderDate.
inline constexpr int64_t kMaxReturnSpanMs = 45 * kDayMs;

enum class ReturnStep : uint8_t {
  initiated,
  in_transit,
  at_return_center,
  refund_issued,
  cancelled
};
std::string_view event_tag(ReturnStep s) noexcept;    // RETURN_INITIATED, ...
std::string_view line_status(ReturnStep s) noexcept;  // INITIATED, DELIVERED, COMPLETED
std::string_view event_description(ReturnStep s) noexcept;

struct ReturnEvent {
  ReturnStep step = ReturnStep::initiated;
  int64_t at_ms = 0;
};

struct ReturnLineSkeleton {
  uint8_t order_line = 0;  // 0-based line of the order (its lineNumber - 1)
  uint8_t quantity = 1;    // units returned (<= the order line's quantity)
  uint8_t reason = 0;      // index into return_reasons()
  uint8_t event_count = 1;
  std::array<ReturnEvent, 4> events{};  // ascending; events[0] is RETURN_INITIATED

  // Index of the last event at or before now (events[0] must be <= now).
  [[nodiscard]] size_t shown(int64_t now_ms) const noexcept;
};

struct ReturnSkeleton {
  OrderSkeleton order;
  int64_t created_ms = 0;  // returnOrderDate: every line's RETURN_INITIATED
  int64_t return_by_ms = 0;
  int64_t tax_rate_bp = 0;  // the tax rate of the refunded prices, in basis points
  uint8_t line_count = 0;
  std::array<ReturnLineSkeleton, 4> lines{};

  [[nodiscard]] bool exists_at(int64_t now_ms) const noexcept { return created_ms <= now_ms; }
  // The newest event at or before now (what returnLastModified filters compare).
  [[nodiscard]] int64_t last_modified_ms(int64_t now_ms) const noexcept;
  // True when a line shows this line status (INITIATED / DELIVERED / COMPLETED) at now.
  [[nodiscard]] bool has_status(std::string_view status, int64_t now_ms) const noexcept;
  [[nodiscard]] std::string return_order_id() const;
};

std::span<const std::string_view> return_reasons() noexcept;

// The return of order `o` (seed: the seller's), if any of its lines is returned.
std::optional<ReturnSkeleton> return_of(const OrderSkeleton& o, uint64_t seed) noexcept;

// The purchaseOrderId a returnOrderId names (nullopt when it is not one the simulator issues).
std::optional<uint64_t> purchase_order_id_of_return(std::string_view return_order_id) noexcept;

// The return order as GET /v3/returns renders it at `now` (a JSON object appended to out).
void render_return(std::string& out, const ReturnSkeleton& r, int64_t now_ms);

}  // namespace etl::walmart::sim

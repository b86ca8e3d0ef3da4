#pragma once
// The simulator's compact order model. Nothing is stored: order number `index` (0, 1, 2, ...)
// is a pure function of (seed, orders_per_day, origin). Orders are placed at a steady rate from
// `origin` on, in index order (orderDate never decreases with the index), and exist once the
// simulated clock has reached their orderDate. Each line carries a fixed timeline of status
// events (Created -> Acknowledged -> Shipped -> Delivered [-> Refund], or -> Cancelled); the
// state shown at simulated time `now` is the last event at or before `now`. So as the clock
// advances, statuses and lastModified move and new orders appear, without any mutable state.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/utc_time.hpp"

namespace etl::walmart::sim {

inline constexpr int64_t kSecondMs = 1000;
inline constexpr int64_t kHourMs = 3'600'000;
// No line changes later than this after its orderDate (lets lastModified filters prune by date).
inline constexpr int64_t kMaxLifetimeMs = 30 * kDayMs;

enum class ShipNodeType : uint8_t { seller_fulfilled, wfs_fulfilled, tpl_fulfilled };
std::string_view to_string(ShipNodeType t) noexcept;
std::optional<ShipNodeType> parse_ship_node_type(std::string_view s) noexcept;

enum class LineStatus : uint8_t { created, acknowledged, shipped, delivered, cancelled, refund };
std::string_view to_string(LineStatus s) noexcept;
std::optional<LineStatus> parse_line_status(std::string_view s) noexcept;

struct LineEvent {
  LineStatus status = LineStatus::created;
  int64_t at_ms = 0;
};

struct LineSkeleton {
  uint16_t product = 0;  // index into catalog products()
  uint8_t quantity = 1;
  bool partial_cancel = false;  // once shipped, one unit shows as a second status: Cancelled
  uint8_t event_count = 1;
  std::array<LineEvent, 5> events{};  // ascending; events[0] is Created at orderDate
};

// What the shown state of one line is at a given simulated time.
struct LineState {
  LineStatus status = LineStatus::created;
  int64_t status_date_ms = 0;
  int64_t ship_ms = 0;  // Shipped event time, when the line has shipped
  bool shows_partial_cancel = false;
};

struct OrderSkeleton {
  uint64_t index = 0;
  int64_t order_date_ms = 0;
  uint64_t purchase_order_id = 0;  // 15 digits
  uint64_t customer_order_id = 0;  // 13 digits
  ShipNodeType ship_node = ShipNodeType::wfs_fulfilled;
  bool replacement = false;              // orderType REPLACEMENT
  bool nocx_until_first_change = false;  // customerEmailId is nocxemail@... until a line moves
  bool nocx_forever = false;
  int64_t estimated_ship_ms = 0;
  int64_t estimated_delivery_ms = 0;
  uint8_t shipping_program = 0;  // 0: none, else index+1 into the program list
  uint8_t line_count = 1;
  std::array<LineSkeleton, 4> lines{};

  [[nodiscard]] LineState line_state(size_t line, int64_t now_ms) const noexcept;
  // Latest status change at or before now (>= orderDate): the lastModified filters use this.
  [[nodiscard]] int64_t last_modified_ms(int64_t now_ms) const noexcept;
  // The status filter: true if any line shows this status (including a partial Cancelled).
  [[nodiscard]] bool has_line_status(LineStatus s, int64_t now_ms) const noexcept;
  [[nodiscard]] bool has_sku(uint16_t product) const noexcept;
  [[nodiscard]] bool shows_nocx_email(int64_t now_ms) const noexcept;
};

std::string_view shipping_program_name(uint8_t program) noexcept;  // "" for 0
std::optional<uint8_t> parse_shipping_program(std::string_view s) noexcept;

class OrderModel {
 public:
  // origin_ms: no order is placed before it (rounded up to a whole second). orders_per_day > 0.
  // id_block: the purchaseOrderIds of block k are those block 0 of the same seed would give
  // orders k * 2^40 onwards, so the models of one seed with different blocks (the simulator's
  // sellers, each with its own `seed` for the rest of the data but `id_seed` shared) never share
  // an id while they hold fewer than 2^40 orders each (up to kMaxIdBlocks blocks).
  OrderModel(uint64_t seed, int64_t orders_per_day, int64_t origin_ms,
             std::optional<uint64_t> id_seed = std::nullopt, uint32_t id_block = 0);
  static constexpr uint32_t kMaxIdBlocks = 800;

  [[nodiscard]] uint64_t seed() const noexcept { return seed_; }
  [[nodiscard]] int64_t origin_ms() const noexcept { return origin_ms_; }
  [[nodiscard]] int64_t orders_per_day() const noexcept { return orders_per_day_; }

  [[nodiscard]] int64_t order_date_ms(uint64_t index) const noexcept;
  [[nodiscard]] OrderSkeleton skeleton(uint64_t index) const noexcept;

  // Smallest index whose orderDate >= t.
  [[nodiscard]] uint64_t first_index_at_or_after(int64_t t_ms) const noexcept;
  // Largest index whose orderDate <= t, if any.
  [[nodiscard]] std::optional<uint64_t> last_index_at_or_before(int64_t t_ms) const noexcept;

  [[nodiscard]] uint64_t purchase_order_id(uint64_t index) const noexcept;
  [[nodiscard]] uint64_t customer_order_id(uint64_t index) const noexcept;
  // Inverse of the id bijections (nullopt when the number is not one this model issues).
  [[nodiscard]] std::optional<uint64_t> index_of_purchase_order_id(uint64_t id) const noexcept;
  [[nodiscard]] std::optional<uint64_t> index_of_customer_order_id(uint64_t id) const noexcept;

 private:
  uint64_t seed_;
  int64_t orders_per_day_;
  int64_t origin_ms_;
  uint64_t po_offset_;
  uint64_t co_offset_;
};

// Parses a non-empty string of decimal digits that fits in uint64.
std::optional<uint64_t> parse_decimal_u64(std::string_view s) noexcept;

}  // namespace etl::walmart::sim

#include "tools/sim/order_model.hpp"

#include <algorithm>
#include <array>
#include <numeric>

#include "tools/sim/catalog.hpp"
#include "tools/sim/rng.hpp"

namespace etl::walmart::sim {
namespace {

using u128 = unsigned __int128;

// Stream domains (never reuse one for another purpose, or datasets change).
constexpr uint64_t kDomainSkeleton = 1;
constexpr uint64_t kDomainOrderDate = 2;
constexpr uint64_t kDomainIdOffsets = 3;

// Purchase order ids: 15 digits, a bijection of the index (so they are unique and invertible).
constexpr uint64_t kPoBase = 100'000'000'000'000ULL;
constexpr uint64_t kPoModulus = 900'000'000'000'000ULL;
constexpr uint64_t kPoMultiplier = 25'214'903'917ULL;
// Customer order ids: 13 digits.
constexpr uint64_t kCoBase = 1'000'000'000'000ULL;
constexpr uint64_t kCoModulus = 9'000'000'000'000ULL;
constexpr uint64_t kCoMultiplier = 829'348'951ULL;

constexpr uint64_t mod_inverse(uint64_t a, uint64_t m) {
  __int128 t = 0, new_t = 1, r = m, new_r = a;
  while (new_r != 0) {
    const __int128 q = r / new_r;
    const __int128 tt = t - q * new_t;
    t = new_t;
    new_t = tt;
    const __int128 rr = r - q * new_r;
    r = new_r;
    new_r = rr;
  }
  if (t < 0) t += m;
  return static_cast<uint64_t>(t);
}

static_assert(std::gcd(kPoMultiplier, kPoModulus) == 1);
static_assert(std::gcd(kCoMultiplier, kCoModulus) == 1);
constexpr uint64_t kPoInverse = mod_inverse(kPoMultiplier, kPoModulus);
constexpr uint64_t kCoInverse = mod_inverse(kCoMultiplier, kCoModulus);
static_assert(static_cast<uint64_t>(u128{kPoInverse} * kPoMultiplier % kPoModulus) == 1);
static_assert(static_cast<uint64_t>(u128{kCoInverse} * kCoMultiplier % kCoModulus) == 1);

constexpr std::array kShippingPrograms = {std::string_view{"TWO_DAY"},
                                          std::string_view{"THREE_DAY"},
                                          std::string_view{"THREE_TO_FIVE_DAY"}};

constexpr std::array kStatusNames = {
    std::string_view{"Created"},   std::string_view{"Acknowledged"}, std::string_view{"Shipped"},
    std::string_view{"Delivered"}, std::string_view{"Cancelled"},    std::string_view{"Refund"}};

int64_t floor_to_second(int64_t ms) noexcept { return ms - (((ms % 1000) + 1000) % 1000); }

}  // namespace

std::string_view to_string(ShipNodeType t) noexcept {
  switch (t) {
    case ShipNodeType::seller_fulfilled:
      return "SellerFulfilled";
    case ShipNodeType::wfs_fulfilled:
      return "WFSFulfilled";
    case ShipNodeType::tpl_fulfilled:
      return "3PLFulfilled";
  }
  return "SellerFulfilled";
}

std::optional<ShipNodeType> parse_ship_node_type(std::string_view s) noexcept {
  if (s == "SellerFulfilled") return ShipNodeType::seller_fulfilled;
  if (s == "WFSFulfilled") return ShipNodeType::wfs_fulfilled;
  if (s == "3PLFulfilled") return ShipNodeType::tpl_fulfilled;
  return std::nullopt;
}

std::string_view to_string(LineStatus s) noexcept { return kStatusNames[static_cast<size_t>(s)]; }

std::optional<LineStatus> parse_line_status(std::string_view s) noexcept {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) return static_cast<LineStatus>(i);
  }
  return std::nullopt;
}

std::string_view shipping_program_name(uint8_t program) noexcept {
  if (program == 0 || program > kShippingPrograms.size()) return {};
  return kShippingPrograms[program - 1];
}

std::optional<uint8_t> parse_shipping_program(std::string_view s) noexcept {
  for (size_t i = 0; i < kShippingPrograms.size(); ++i) {
    if (kShippingPrograms[i] == s) return static_cast<uint8_t>(i + 1);
  }
  return std::nullopt;
}

std::optional<uint64_t> parse_decimal_u64(std::string_view s) noexcept {
  if (s.empty() || s.size() > 20) return std::nullopt;
  u128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > UINT64_MAX) return std::nullopt;
  return static_cast<uint64_t>(v);
}

// ---- OrderSkeleton -------------------------------------------------------------------------

LineState OrderSkeleton::line_state(size_t line, int64_t now_ms) const noexcept {
  const LineSkeleton& l = lines[line];
  LineState st;
  st.status = l.events[0].status;
  st.status_date_ms = l.events[0].at_ms;
  for (size_t i = 1; i < l.event_count && l.events[i].at_ms <= now_ms; ++i) {
    st.status = l.events[i].status;
    st.status_date_ms = l.events[i].at_ms;
    if (st.status == LineStatus::shipped) st.ship_ms = l.events[i].at_ms;
  }
  st.shows_partial_cancel =
      l.partial_cancel && (st.status == LineStatus::shipped || st.status == LineStatus::delivered ||
                           st.status == LineStatus::refund);
  return st;
}

int64_t OrderSkeleton::last_modified_ms(int64_t now_ms) const noexcept {
  int64_t lm = order_date_ms;
  for (size_t i = 0; i < line_count; ++i) lm = std::max(lm, line_state(i, now_ms).status_date_ms);
  return lm;
}

bool OrderSkeleton::has_line_status(LineStatus s, int64_t now_ms) const noexcept {
  for (size_t i = 0; i < line_count; ++i) {
    const LineState st = line_state(i, now_ms);
    if (st.status == s) return true;
    if (s == LineStatus::cancelled && st.shows_partial_cancel) return true;
  }
  return false;
}

bool OrderSkeleton::has_sku(uint16_t product) const noexcept {
  for (size_t i = 0; i < line_count; ++i) {
    if (lines[i].product == product) return true;
  }
  return false;
}

bool OrderSkeleton::shows_nocx_email(int64_t now_ms) const noexcept {
  if (nocx_forever) return true;
  if (!nocx_until_first_change) return false;
  return last_modified_ms(now_ms) == order_date_ms;
}

// ---- OrderModel ----------------------------------------------------------------------------

OrderModel::OrderModel(uint64_t seed, int64_t orders_per_day, int64_t origin_ms,
                       std::optional<uint64_t> id_seed, uint32_t id_block)
    : seed_(seed),
      orders_per_day_(orders_per_day < 1 ? 1 : orders_per_day),
      // Whole seconds, so that no order (orderDate is floored to seconds) predates the origin.
      origin_ms_(origin_ms + ((1000 - ((origin_ms % 1000) + 1000) % 1000) % 1000)),
      // Block k shifts the index by k * 2^40 inside the id bijection (k * 2^40 < kPoModulus for
      // every k < kMaxIdBlocks).
      po_offset_(static_cast<uint64_t>(
          (static_cast<u128>(stream_key(id_seed.value_or(seed), kDomainIdOffsets, 0) % kPoModulus) +
           static_cast<u128>(id_block) * (uint64_t{1} << 40) % kPoModulus * kPoMultiplier) %
          kPoModulus)),
      co_offset_(stream_key(seed, kDomainIdOffsets, 1) % kCoModulus) {}

int64_t OrderModel::order_date_ms(uint64_t index) const noexcept {
  // Even spacing plus jitter smaller than the spacing keeps orderDate non-decreasing in index.
  const int64_t spacing = kDayMs / orders_per_day_;
  const int64_t base = static_cast<int64_t>((static_cast<u128>(index) * kDayMs) /
                                            static_cast<u128>(orders_per_day_));
  const int64_t jitter = spacing > 1
                             ? static_cast<int64_t>(stream_key(seed_, kDomainOrderDate, index) %
                                                    static_cast<uint64_t>(spacing))
                             : 0;
  return floor_to_second(origin_ms_ + base + jitter);
}

uint64_t OrderModel::first_index_at_or_after(int64_t t_ms) const noexcept {
  if (order_date_ms(0) >= t_ms) return 0;
  uint64_t lo = 0;  // order_date(lo) < t
  uint64_t hi = 1;
  while (order_date_ms(hi) < t_ms) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {  // order_date(lo) < t <= order_date(hi)
    const uint64_t mid = lo + (hi - lo) / 2;
    if (order_date_ms(mid) < t_ms) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

std::optional<uint64_t> OrderModel::last_index_at_or_before(int64_t t_ms) const noexcept {
  const uint64_t first_after = first_index_at_or_after(t_ms + 1);
  if (first_after == 0) return std::nullopt;
  return first_after - 1;
}

uint64_t OrderModel::purchase_order_id(uint64_t index) const noexcept {
  const u128 v = (static_cast<u128>(index % kPoModulus) * kPoMultiplier + po_offset_) % kPoModulus;
  return kPoBase + static_cast<uint64_t>(v);
}

uint64_t OrderModel::customer_order_id(uint64_t index) const noexcept {
  const u128 v = (static_cast<u128>(index % kCoModulus) * kCoMultiplier + co_offset_) % kCoModulus;
  return kCoBase + static_cast<uint64_t>(v);
}

std::optional<uint64_t> OrderModel::index_of_purchase_order_id(uint64_t id) const noexcept {
  if (id < kPoBase || id >= kPoBase + kPoModulus) return std::nullopt;
  const uint64_t x = (id - kPoBase + kPoModulus - po_offset_) % kPoModulus;
  return static_cast<uint64_t>(static_cast<u128>(x) * kPoInverse % kPoModulus);
}

std::optional<uint64_t> OrderModel::index_of_customer_order_id(uint64_t id) const noexcept {
  if (id < kCoBase || id >= kCoBase + kCoModulus) return std::nullopt;
  const uint64_t x = (id - kCoBase + kCoModulus - co_offset_) % kCoModulus;
  return static_cast<uint64_t>(static_cast<u128>(x) * kCoInverse % kCoModulus);
}

OrderSkeleton OrderModel::skeleton(uint64_t index) const noexcept {
  OrderSkeleton o;
  o.index = index;
  o.order_date_ms = order_date_ms(index);
  o.purchase_order_id = purchase_order_id(index);
  o.customer_order_id = customer_order_id(index);

  // The skeleton depends only on (seed, index): conditional draws are fine here.
  Rng r(stream_key(seed_, kDomainSkeleton, index));
  const double node = r.unit();
  o.ship_node = node < 0.65   ? ShipNodeType::wfs_fulfilled
                : node < 0.90 ? ShipNodeType::seller_fulfilled
                              : ShipNodeType::tpl_fulfilled;
  const double lines = r.unit();
  o.line_count = lines < 0.55 ? 1 : lines < 0.80 ? 2 : lines < 0.92 ? 3 : 4;
  o.replacement = r.chance(0.02);
  const double email = r.unit();
  o.nocx_until_first_change = email < 0.06;
  o.nocx_forever = email >= 0.06 && email < 0.065;
  o.estimated_ship_ms = (o.order_date_ms / kHourMs) * kHourMs + r.between(20, 48) * kHourMs;
  o.estimated_delivery_ms = o.estimated_ship_ms + r.between(2, 6) * kDayMs;
  o.shipping_program = r.chance(0.4) ? static_cast<uint8_t>(r.between(1, 3)) : 0;

  const double fate = r.unit();
  const bool stuck = fate < 0.01;  // never acknowledged: stays Created (released)
  const bool cancel_all = fate >= 0.01 && fate < 0.05;
  const bool wfs = o.ship_node == ShipNodeType::wfs_fulfilled;
  const int64_t ack_at =
      o.order_date_ms + (wfs ? r.between(60, 1800) : r.between(300, int64_t{4} * 3600)) * kSecondMs;
  const int64_t cancel_all_at = o.order_date_ms + r.between(1800, int64_t{20} * 3600) * kSecondMs;
  const int64_t ship_base = ack_at + r.between(int64_t{2} * 3600, int64_t{2} * 86400) * kSecondMs;

  const auto products_count = static_cast<uint64_t>(products().size());
  for (size_t i = 0; i < o.line_count; ++i) {
    LineSkeleton& l = o.lines[i];
    l.product = static_cast<uint16_t>(r.below(products_count));
    const double q = r.unit();
    l.quantity = q < 0.75 ? 1 : q < 0.90 ? 2 : static_cast<uint8_t>(r.between(3, 5));
    l.events[0] = {LineStatus::created, o.order_date_ms};
    size_t n = 1;
    const double line_fate = r.unit();
    const int64_t ship_at = ship_base + r.between(0, 86400) * kSecondMs;
    const int64_t deliver_at = ship_at + r.between(86400, int64_t{5} * 86400) * kSecondMs;
    const int64_t refund_at =
        deliver_at + r.between(int64_t{2} * 86400, int64_t{20} * 86400) * kSecondMs;
    const int64_t line_cancel_at = ack_at + r.between(600, 86400) * kSecondMs;
    if (stuck) {
      // only Created
    } else if (cancel_all) {
      if (ack_at < cancel_all_at) l.events[n++] = {LineStatus::acknowledged, ack_at};
      l.events[n++] = {LineStatus::cancelled, cancel_all_at};
    } else if (line_fate < 0.03) {
      l.events[n++] = {LineStatus::acknowledged, ack_at};
      l.events[n++] = {LineStatus::cancelled, line_cancel_at};
    } else {
      l.events[n++] = {LineStatus::acknowledged, ack_at};
      l.events[n++] = {LineStatus::shipped, ship_at};
      l.events[n++] = {LineStatus::delivered, deliver_at};
      if (line_fate > 0.97) l.events[n++] = {LineStatus::refund, refund_at};
      l.partial_cancel = l.quantity >= 2 && line_fate > 0.03 && line_fate < 0.23;
    }
    l.event_count = static_cast<uint8_t>(n);
  }
  return o;
}

}  // namespace etl::walmart::sim

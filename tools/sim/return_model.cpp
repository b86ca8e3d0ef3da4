#include "tools/sim/return_model.hpp"

#include <algorithm>
#include <span>

#include "common/utc_time.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/json_writer.hpp"
#include "tools/sim/rng.hpp"

namespace etl::walmart::sim {

namespace {

constexpr uint64_t kDomainReturn = 60;
constexpr double kExtraReturnShare = 0.08;  // delivered lines returned besides the refunds
constexpr double kCancelShare = 0.12;
constexpr double kPartialShare = 0.4;

constexpr std::array<std::string_view, 8> kReasons{
    "DAMAGED",          "DEFECTIVE",      "NO_LONGER_WANTED", "WRONG_SIZE/POOR_FIT",
    "NOT_AS_DESCRIBED", "INCORRECT_ITEM", "ARRIVED_LATE",     "BOUGHT_ANOTHER_SIZE_OR_COLOR"};

std::optional<int64_t> event_at(const LineSkeleton& l, LineStatus s) noexcept {
  for (size_t i = 0; i < l.event_count; ++i) {
    if (l.events[i].status == s) return l.events[i].at_ms;
  }
  return std::nullopt;
}

}  // namespace

std::string_view event_tag(ReturnStep s) noexcept {
  switch (s) {
    case ReturnStep::initiated:
      return "RETURN_INITIATED";
    case ReturnStep::in_transit:
      return "RETURN_IN_TRANSIT";
    case ReturnStep::at_return_center:
      return "DELIVERED_AT_RETURN_CENTER";
    case ReturnStep::refund_issued:
      return "REFUND_ISSUED";
    case ReturnStep::cancelled:
      return "RETURN_CANCELLED";
  }
  return "RETURN_INITIATED";
}

std::string_view line_status(ReturnStep s) noexcept {
  switch (s) {
    case ReturnStep::initiated:
    case ReturnStep::in_transit:
      return "INITIATED";
    case ReturnStep::at_return_center:
      return "DELIVERED";
    case ReturnStep::refund_issued:
    case ReturnStep::cancelled:
      return "COMPLETED";
  }
  return "INITIATED";
}

std::string_view event_description(ReturnStep s) noexcept {
  switch (s) {
    case ReturnStep::initiated:
      return "Return initiated for MARKET_PLACE";
    case ReturnStep::in_transit:
      return "A MARKET_PLACE Return in Transit";
    case ReturnStep::at_return_center:
      return "A MARKET_PLACE Return delivered";
    case ReturnStep::refund_issued:
      return "Refund issued";
    case ReturnStep::cancelled:
      return "Return cancelled";
  }
  return "";
}

std::span<const std::string_view> return_reasons() noexcept { return kReasons; }

size_t ReturnLineSkeleton::shown(int64_t now_ms) const noexcept {
  size_t i = 0;
  while (i + 1 < event_count && events[i + 1].at_ms <= now_ms) ++i;
  return i;
}

int64_t ReturnSkeleton::last_modified_ms(int64_t now_ms) const noexcept {
  int64_t lm = created_ms;
  for (size_t k = 0; k < line_count; ++k) {
    lm = std::max(lm, lines[k].events[lines[k].shown(now_ms)].at_ms);
  }
  return lm;
}

bool ReturnSkeleton::has_status(std::string_view status, int64_t now_ms) const noexcept {
  for (size_t k = 0; k < line_count; ++k) {
    if (line_status(lines[k].events[lines[k].shown(now_ms)].step) == status) return true;
  }
  return false;
}

std::string ReturnSkeleton::return_order_id() const {
  std::string digits = std::to_string(order.purchase_order_id);
  return "9" + std::string(17 - std::min<size_t>(17, digits.size()), '0') + digits;
}

std::optional<uint64_t> purchase_order_id_of_return(std::string_view id) noexcept {
  if (id.size() != 18 || id[0] != '9') return std::nullopt;
  return parse_decimal_u64(id.substr(1));
}

std::optional<ReturnSkeleton> return_of(const OrderSkeleton& o, uint64_t seed) noexcept {
  Rng r(stream_key(seed, kDomainReturn, o.index));
  ReturnSkeleton ret;
  ret.order = o;
  ret.tax_rate_bp = r.between(600, 1025);
  int64_t delivered_last = 0;
  std::array<std::optional<int64_t>, 4> refund_at{};
  for (size_t i = 0; i < o.line_count; ++i) {
    const LineSkeleton& l = o.lines[i];
    const auto delivered = event_at(l, LineStatus::delivered);
    const double draw = r.unit();
    if (!delivered) continue;
    const auto refund = event_at(l, LineStatus::refund);
    if (!refund && draw >= kExtraReturnShare) continue;
    ReturnLineSkeleton& rl = ret.lines[ret.line_count];
    rl.order_line = static_cast<uint8_t>(i);
    refund_at[ret.line_count] = refund;
    ++ret.line_count;
    delivered_last = std::max(delivered_last, *delivered);
  }
  if (ret.line_count == 0) return std::nullopt;
  ret.created_ms = delivered_last + r.between(3600, int64_t{6} * 86400) * kSecondMs;
  ret.return_by_ms = delivered_last + 30 * kDayMs;
  for (size_t k = 0; k < ret.line_count; ++k) {
    ReturnLineSkeleton& rl = ret.lines[k];
    const uint8_t ordered = o.lines[rl.order_line].quantity;
    rl.quantity = ordered >= 2 && r.unit() < kPartialShare
                      ? static_cast<uint8_t>(r.between(1, ordered - 1))
                      : ordered;
    rl.reason = static_cast<uint8_t>(r.below(kReasons.size()));
    const bool cancel = !refund_at[k] && r.unit() < kCancelShare;
    const int64_t t0 = ret.created_ms;
    rl.events[0] = {ReturnStep::initiated, t0};
    if (cancel) {
      rl.events[1] = {ReturnStep::cancelled, t0 + r.between(7200, int64_t{2} * 86400) * kSecondMs};
      rl.event_count = 2;
      continue;
    }
    const int64_t t1 = t0 + r.between(int64_t{6} * 3600, int64_t{30} * 3600) * kSecondMs;
    const int64_t t2 = t1 + r.between(86400, int64_t{4} * 86400) * kSecondMs;
    int64_t t3 = t2 + r.between(3600, int64_t{2} * 86400) * kSecondMs;
    if (refund_at[k]) t3 = std::max(t3, *refund_at[k]);
    rl.events[1] = {ReturnStep::in_transit, t1};
    rl.events[2] = {ReturnStep::at_return_center, t2};
    rl.events[3] = {ReturnStep::refund_issued, t3};
    rl.event_count = 4;
  }
  return ret;
}

void render_return(std::string& out, const ReturnSkeleton& r, int64_t now_ms) {
  const auto catalog = products();
  JsonWriter w(out);
  const std::string id = r.return_order_id();
  struct LineMoney {
    int64_t price = 0;
    int64_t tax = 0;
  };
  std::array<LineMoney, 4> money{};
  int64_t total_refund = 0;
  for (size_t k = 0; k < r.line_count; ++k) {
    const ReturnLineSkeleton& l = r.lines[k];
    const Product& p = catalog[r.order.lines[l.order_line].product];
    money[k].price = p.unit_price_cents;
    money[k].tax = (p.unit_price_cents * r.tax_rate_bp + 5000) / 10000;
    if (l.events[l.shown(now_ms)].step != ReturnStep::cancelled) {
      total_refund += (money[k].price + money[k].tax) * l.quantity;
    }
  }
  auto amount = [&](std::string_view key, int64_t cents) {
    w.key(key);
    w.begin_object();
    w.key("currencyAmount");
    w.money(cents);
    w.field("currencyUnit", "USD");
    w.end_object();
  };
  w.begin_object();
  w.field("returnOrderId", id);
  w.field("customerEmailId", std::to_string(r.order.customer_order_id) + "@relay.walmart.com");
  w.field("customerOrderId", std::to_string(r.order.customer_order_id));
  w.field("refundMode", "POST_DELIVERY");
  w.field("returnOrderDate", format_iso8601_ms(r.created_ms));
  w.field("returnByDate", format_iso8601_ms(r.return_by_ms));
  amount("totalRefundAmount", total_refund);
  w.key("returnLineGroups");
  w.begin_array();
  w.begin_object();
  w.field_int("groupNo", 1);
  w.key("returnLines");
  w.begin_array();
  for (size_t k = 0; k < r.line_count; ++k) {
    w.begin_object();
    w.field_int("returnOrderLineNumber", static_cast<int64_t>(k + 1));
    w.end_object();
  }
  w.end_array();
  w.key("labels");
  w.begin_array();
  w.begin_object();
  w.field("labelImageURL", "https://sim.invalid/labels/" + id + ".png");
  w.key("carrierInfoList");
  w.begin_array();
  w.begin_object();
  w.field("carrierId", "11");
  w.field("carrierName", "FEDEX");
  w.field("serviceType", "FedEx Ground");
  w.field("trackingNo", "7856" + id.substr(6));
  w.end_object();
  w.end_array();
  w.end_object();
  w.end_array();
  w.key("returnExpectedFlag");
  w.boolean(true);
  w.end_object();
  w.end_array();
  w.key("returnOrderLines");
  w.begin_array();
  for (size_t k = 0; k < r.line_count; ++k) {
    const ReturnLineSkeleton& l = r.lines[k];
    const Product& p = catalog[r.order.lines[l.order_line].product];
    const size_t shown = l.shown(now_ms);
    const ReturnStep step = l.events[shown].step;
    const bool refunded = step == ReturnStep::refund_issued;
    const bool cancelled = step == ReturnStep::cancelled;
    w.begin_object();
    w.field_int("returnOrderLineNumber", static_cast<int64_t>(k + 1));
    w.field_int("salesOrderLineNumber", l.order_line + 1);
    w.field("purchaseOrderId", std::to_string(r.order.purchase_order_id));
    w.field_int("purchaseOrderLineNumber", l.order_line + 1);
    w.field("returnReason", kReasons[l.reason]);
    w.key("item");
    w.begin_object();
    w.field("sku", p.sku);
    w.field("productName", p.name);
    w.end_object();
    w.key("charges");
    w.begin_array();
    w.begin_object();
    w.field("chargeCategory", "PRODUCT");
    w.field("chargeName", "ItemPrice");
    amount("chargePerUnit", money[k].price);
    w.key("isDiscount");
    w.boolean(false);
    w.key("isBillable");
    w.boolean(true);
    w.key("tax");
    w.begin_array();
    w.begin_object();
    w.field("taxName", "Tax1");
    amount("taxPerUnit", money[k].tax);
    w.end_object();
    w.end_array();
    w.end_object();
    w.end_array();
    amount("unitPrice", money[k].price);
    w.key("chargeTotals");
    w.begin_array();
    for (const auto& [name, cents] :
         {std::pair<std::string_view, int64_t>{"lineSubTotal", money[k].price * l.quantity},
          {"lineTotalTaxes", money[k].tax * l.quantity},
          {"lineTotal", (money[k].price + money[k].tax) * l.quantity}}) {
      w.begin_object();
      w.field("name", name);
      amount("value", cents);
      w.end_object();
    }
    w.end_array();
    w.key("quantity");
    w.begin_object();
    w.field("unitOfMeasure", "EACH");
    w.field_int("measurementValue", l.quantity);
    w.end_object();
    w.field_int("cancellableQty", step == ReturnStep::initiated ? l.quantity : 0);
    w.field_int("refundedQty", refunded ? l.quantity : 0);
    w.field_int("rechargeableQty", 0);
    if (refunded) w.field("refundChannel", "SELLER_AUTO_REFUND");
    w.field("status", line_status(step));
    w.field("statusTime", format_iso8601_ms(l.events[shown].at_ms));
    w.field("currentDeliveryStatus", step == ReturnStep::initiated || cancelled ? "NOT_SHIPPED"
                                     : step == ReturnStep::in_transit           ? "IN_TRANSIT"
                                                                                : "DELIVERED");
    w.field("currentRefundStatus", refunded    ? "REFUND_COMPLETED"
                                   : cancelled ? "REFUND_CANCELLED"
                                               : "REFUND_PENDING");
    w.key("currentTrackingStatuses");
    w.begin_array();
    w.begin_object();
    w.field("status", line_status(step));
    w.field("statusTime", format_iso8601_ms(l.events[shown].at_ms));
    w.key("quantity");
    w.begin_object();
    w.field("unitOfMeasure", "EACH");
    w.field_int("measurementValue", l.quantity);
    w.end_object();
    w.end_object();
    w.end_array();
    w.key("returnTrackingDetail");
    w.begin_array();
    for (size_t e = 0; e <= shown; ++e) {
      w.begin_object();
      w.field_int("sequenceNo", static_cast<int64_t>(e));
      w.field("eventTag", event_tag(l.events[e].step));
      w.field("eventDescription", event_description(l.events[e].step));
      w.field("eventTime", format_iso8601_ms(l.events[e].at_ms));
      w.end_object();
    }
    w.end_array();
    w.key("returnExpectedFlag");
    w.boolean(true);
    w.key("isKeepIt");
    w.boolean(false);
    w.key("lastItem");
    w.boolean(k + 1 == r.line_count);
    w.end_object();
  }
  w.end_array();
  w.key("returnChannel");
  w.begin_object();
  w.field("channelName", "ONLINE");
  w.end_object();
  w.end_object();
}

}  // namespace etl::walmart::sim

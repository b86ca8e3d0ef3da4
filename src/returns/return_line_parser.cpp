// A return order line read field by field: the line, its item, its charges and their taxes, its
// charge totals (docs/data-model.md, "Returns": walmart_return_line and walmart_return_charge).
// Keys not listed here are validated and skipped (they stay in the archive).
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "returns/return_value_readers.hpp"

namespace etl::returns::detail {

namespace {

// --- charges -----------------------------------------------------------------------------

enum TaxKey { kTaxName, kTaxPerUnit, kExcessTax };
constexpr std::array<std::string_view, 3> kTaxKeys{"taxName", "taxPerUnit", "excessTax"};

void add_cents(const PathSeg& p, FieldReader& r, OptCents& sum, const OptCents& v) {
  if (!v) return;
  const int64_t total = sum.value_or(0) + *v;
  if (total > order::kMaxDecimal10_2Cents || total < -order::kMaxDecimal10_2Cents) {
    r.warn(p, "sum of the taxes is out of range (DECIMAL(10,2))");
    return;
  }
  sum = total;
}

Step parse_taxes(FieldReader& r, od::value& v, const PathSeg& p, ReturnChargeRow& c) {
  return list_of(r, v, p, "taxes", [&](od::value& ev, const PathSeg& ep, int) -> Step {
    Step s;
    if (!element_is_object(r, ev, ep, "a tax", s)) return s;
    OptText name;
    OptCents per_unit, excess;
    s = r.fields(ev, ep, kTaxKeys, [&](int k, od::value& fv) -> Step {
      const PathSeg fp = ep.child(kTaxKeys[static_cast<size_t>(k)]);
      switch (k) {
        case kTaxName:
          return text(r, fv, fp, width::tax_names, name);
        case kTaxPerUnit:
          return money(r, fv, fp, per_unit, nullptr);
        default:
          return money(r, fv, fp, excess, nullptr);
      }
    });
    if (s != Step::ok) return s;
    add_cents(ep, r, c.tax_per_unit, per_unit);
    add_cents(ep, r, c.excess_tax, excess);
    if (name) {
      std::string joined = c.tax_names ? *c.tax_names + "," + *name : *name;
      if (joined.size() > width::tax_names) {
        r.warn(ep, "tax names cut to " + std::to_string(width::tax_names) + " bytes");
        size_t n = width::tax_names;
        while (n > 0 && (static_cast<unsigned char>(joined[n]) & 0xC0) == 0x80) --n;
        joined.resize(n);
      }
      c.tax_names = std::move(joined);
    }
    return Step::ok;
  });
}

enum ChargeKey {
  kChargeCategory,
  kChargeName,
  kChargePerUnit,
  kIsDiscount,
  kIsBillable,
  kTax,
  kExcessCharge
};
constexpr std::array<std::string_view, 7> kChargeKeys{
    "chargeCategory", "chargeName", "chargePerUnit", "isDiscount",
    "isBillable",     "tax",        "excessCharge"};

Step parse_charge(FieldReader& r, od::value& v, const PathSeg& p, int index, ReturnDraft& d) {
  Step s;
  if (!element_is_object(r, v, p, "a charge", s)) return s;
  std::vector<ReturnChargeRow>& charges = d.out->charges;
  charges.emplace_back();
  const size_t ci = charges.size() - 1;
  charges[ci].charge_seq = index + 1;
  return r.fields(v, p, kChargeKeys, [&](int k, od::value& fv) -> Step {
    ReturnChargeRow& c = charges[ci];
    const PathSeg fp = p.child(kChargeKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kChargeCategory:
        return text(r, fv, fp, width::code, c.charge_category);
      case kChargeName:
        return text(r, fv, fp, width::charge_name, c.charge_name);
      case kChargePerUnit:
        return money(r, fv, fp, c.charge_per_unit, &c.currency);
      case kIsDiscount:
        return flag(r, fv, fp, c.is_discount);
      case kIsBillable:
        return flag(r, fv, fp, c.is_billable);
      case kTax:
        return parse_taxes(r, fv, fp, c);
      default:
        return money(r, fv, fp, c.excess_charge, nullptr);
    }
  });
}

// --- line ------------------------------------------------------------------------------------

enum ChargeTotalKey { kTotalName, kTotalValue };
constexpr std::array<std::string_view, 2> kChargeTotalKeys{"name", "value"};

OptCents* charge_total_column(ReturnLineRow& l, std::string_view name) {
  if (name == "lineUnitPrice") return &l.line_unit_price;
  if (name == "lineProductTaxes") return &l.line_product_taxes;
  if (name == "lineTotalTaxes") return &l.line_total_taxes;
  if (name == "lineRestockingFee") return &l.line_restocking_fee;
  if (name == "lineShippingFee") return &l.line_shipping_fee;
  if (name == "lineSubTotal") return &l.line_sub_total;
  if (name == "lineTotal") return &l.line_total;
  return nullptr;
}

Step parse_charge_totals(FieldReader& r, od::value& v, const PathSeg& p, ReturnLineRow& l) {
  return list_of(r, v, p, "charge totals", [&](od::value& ev, const PathSeg& ep, int) -> Step {
    Step s;
    if (!element_is_object(r, ev, ep, "a charge total", s)) return s;
    OptText name;
    OptCents amount;
    s = r.fields(ev, ep, kChargeTotalKeys, [&](int k, od::value& fv) -> Step {
      const PathSeg fp = ep.child(kChargeTotalKeys[static_cast<size_t>(k)]);
      if (k == kTotalName) return text(r, fv, fp, width::code, name);
      return money(r, fv, fp, amount, nullptr);
    });
    if (s != Step::ok) return s;
    if (name) {
      if (OptCents* col = charge_total_column(l, *name); col != nullptr) *col = amount;
    }
    return Step::ok;
  });
}

enum ItemKey { kSku, kProductName, kCondition, kItemWeight };
constexpr std::array<std::string_view, 4> kItemKeys{"sku", "productName", "condition",
                                                    "itemWeight"};

Step parse_item(FieldReader& r, od::value& v, const PathSeg& p, ReturnLineRow& l) {
  return r.object(v, p, kItemKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kItemKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kSku:
        return text(r, fv, fp, width::sku, l.sku);
      case kProductName:
        return long_text(r, fv, fp, l.product_name);
      case kCondition:
        return text(r, fv, fp, width::condition, l.item_condition);
      default:
        return measure(r, fv, fp, l.item_weight, l.item_weight_unit);
    }
  });
}

enum LineKey {
  kReturnOrderLineNumber,
  kSalesOrderLineNumber,
  kPurchaseOrderId,
  kPurchaseOrderLineNumber,
  kSellerOrderId,
  kReturnReason,
  kItem,
  kCharges,
  kUnitPrice,
  kChargeTotals,
  kQuantity,
  kCancellableQty,
  kRefundedQty,
  kRechargeableQty,
  kRefundChannel,
  kStatus,
  kStatusTime,
  kCurrentDeliveryStatus,
  kCurrentRefundStatus,
  kCurrentTrackingStatuses,
  kReturnTrackingDetail,
  kReturnExpectedFlag,
  kIsKeepIt,
  kLastItem,
  kIsReturnForException,
  kIsFastReplacement,
  kExceptionItemType,
  kLineRechargeReason,
  kLineReturnCancellationReason
};
constexpr std::array<std::string_view, 29> kLineKeys{"returnOrderLineNumber",
                                                     "salesOrderLineNumber",
                                                     "purchaseOrderId",
                                                     "purchaseOrderLineNumber",
                                                     "sellerOrderId",
                                                     "returnReason",
                                                     "item",
                                                     "charges",
                                                     "unitPrice",
                                                     "chargeTotals",
                                                     "quantity",
                                                     "cancellableQty",
                                                     "refundedQty",
                                                     "rechargeableQty",
                                                     "refundChannel",
                                                     "status",
                                                     "statusTime",
                                                     "currentDeliveryStatus",
                                                     "currentRefundStatus",
                                                     "currentTrackingStatuses",
                                                     "returnTrackingDetail",
                                                     "returnExpectedFlag",
                                                     "isKeepIt",
                                                     "lastItem",
                                                     "isReturnForException",
                                                     "isFastReplacement",
                                                     "exceptionItemType",
                                                     "rechargeReason",
                                                     "returnCancellationReason"};

Step parse_line_field(FieldReader& r, int k, od::value& fv, const PathSeg& fp, size_t li,
                      ReturnDraft& d) {
  ReturnLineRow& l = d.out->lines[li];
  switch (k) {
    case kReturnOrderLineNumber: {
      LineMeta& m = d.lines_meta[li];
      std::string problem;
      if (Step s = r.identifier(fv, fp, IntWidth::int32, m.line_number, problem); s != Step::ok) {
        return s;
      }
      m.problem = m.line_number ? std::string()
                                : render_path(fp) + ": " + (problem.empty() ? "is null" : problem);
      return Step::ok;
    }
    case kSalesOrderLineNumber:
      return r.integer(fv, fp, IntWidth::int32, l.sales_order_line_number);
    case kPurchaseOrderId:
      return r.integer(fv, fp, IntWidth::bigint, l.purchase_order_id);
    case kPurchaseOrderLineNumber:
      return r.integer(fv, fp, IntWidth::int32, l.purchase_order_line_number);
    case kSellerOrderId:
      return text(r, fv, fp, width::seller_order_id, l.seller_order_id);
    case kReturnReason:
      return text(r, fv, fp, width::reason, l.return_reason);
    case kItem:
      return parse_item(r, fv, fp, l);
    case kCharges:
      return list_of(r, fv, fp, "charges", [&](od::value& ev, const PathSeg& ep, int i) -> Step {
        return parse_charge(r, ev, ep, i, d);
      });
    case kUnitPrice:
      return money(r, fv, fp, l.unit_price, &l.currency);
    case kChargeTotals:
      return parse_charge_totals(r, fv, fp, l);
    case kQuantity:
      return measure(r, fv, fp, l.quantity, l.quantity_unit);
    case kCancellableQty:
      return r.integer(fv, fp, IntWidth::int32, l.cancellable_qty);
    case kRefundedQty:
      return r.decimal(fv, fp, l.refunded_qty);
    case kRechargeableQty:
      return r.decimal(fv, fp, l.rechargeable_qty);
    case kRefundChannel:
      return text(r, fv, fp, width::code, l.refund_channel);
    case kStatus:
      return text(r, fv, fp, width::code, l.status);
    case kStatusTime:
      return instant(r, fv, fp, l.status_time, &d);
    case kCurrentDeliveryStatus:
      return text(r, fv, fp, width::code, l.current_delivery_status);
    case kCurrentRefundStatus:
      return text(r, fv, fp, width::code, l.current_refund_status);
    case kCurrentTrackingStatuses:
      return parse_current_statuses(r, fv, fp, d);
    case kReturnTrackingDetail:
      return list_of(r, fv, fp, "tracking events",
                     [&](od::value& ev, const PathSeg& ep, int i) -> Step {
                       return parse_event(r, ev, ep, i, d);
                     });
    case kReturnExpectedFlag:
      return flag(r, fv, fp, l.return_expected_flag);
    case kIsKeepIt:
      return flag(r, fv, fp, l.is_keep_it);
    case kLastItem:
      return flag(r, fv, fp, l.last_item);
    case kIsReturnForException:
      return flag(r, fv, fp, l.is_return_for_exception);
    case kIsFastReplacement:
      return flag(r, fv, fp, l.is_fast_replacement);
    case kExceptionItemType:
      return text(r, fv, fp, width::code, l.exception_item_type);
    case kLineRechargeReason:
      return text(r, fv, fp, width::reason, l.recharge_reason);
    default:
      return text(r, fv, fp, width::reason, l.return_cancellation_reason);
  }
}

Step parse_line(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind != Kind::object) {
    if (d.structure_problem.empty()) {
      d.structure_problem =
          render_path(p) + ": expected a return order line object, found " + kind_name(t.kind);
    }
    return t.kind == Kind::array ? r.walk(v, p.depth) : Step::ok;
  }
  ParsedReturn& o = *d.out;
  o.lines.emplace_back();
  const size_t li = o.lines.size() - 1;
  d.lines_meta.emplace_back();
  d.lines_meta[li].path = render_path(p);
  d.lines_meta[li].charge_begin = o.charges.size();
  d.lines_meta[li].tracking_begin = o.tracking.size();
  bool number_seen = false;
  const Step s = r.fields(v, p, kLineKeys, [&](int k, od::value& fv) -> Step {
    if (k == kReturnOrderLineNumber) number_seen = true;
    return parse_line_field(r, k, fv, p.child(kLineKeys[static_cast<size_t>(k)]), li, d);
  });
  LineMeta& m = d.lines_meta[li];
  m.charge_end = o.charges.size();
  m.tracking_end = o.tracking.size();
  if (!number_seen) m.problem = m.path + ".returnOrderLineNumber: is missing";
  return s;
}

}  // namespace

Step parse_lines(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;  // a return with no lines
  if (t.kind != Kind::object && t.kind != Kind::array) {
    d.structure_problem =
        render_path(p) + ": expected a list of return order lines, found " + kind_name(t.kind);
    return Step::ok;
  }
  return r.list(v, t, p, [&](od::value& ev, const PathSeg& ep, int) -> Step {
    return parse_line(r, ev, ep, d);
  });
}

}  // namespace etl::returns::detail

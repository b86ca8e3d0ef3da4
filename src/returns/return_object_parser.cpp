// The returns data contract read field by field: one small function per JSON object of a return
// order (the order, a line, a charge, a tax, a tracking event, a line group), each a switch over
// that object's keys. Read top to bottom it is the column mapping of docs/data-model.md
// ("Returns"). Keys not listed here are validated and skipped (they stay in the archive).
#include "returns/return_object_parser.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "order/message_format.hpp"
#include "order/value_conversions.hpp"
#include "returns/return_values.hpp"

namespace etl::returns::detail {

namespace {

using order::detail::IntWidth;
using order::detail::Kind;
using order::detail::kind_name;
using order::detail::render_path;
using order::detail::Token;

// Longest text read for a date-time or a flag before it is interpreted.
constexpr size_t kShortTextChars = 64;
constexpr size_t kTextMaxBytes = 65'535;

std::string shown(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 64));
  if (s.size() > 64) out += "...";
  out += '"';
  return out;
}

Step text(FieldReader& r, od::value& v, const PathSeg& p, size_t max_chars, OptText& out) {
  order::OptText t;
  if (Step s = r.text(v, p, max_chars, t); s != Step::ok) return s;
  if (t) {
    out.emplace(*t);
  } else {
    out.reset();
  }
  return Step::ok;
}

Step long_text(FieldReader& r, od::value& v, const PathSeg& p, OptText& out) {
  order::OptText t;
  if (Step s = r.text_max_bytes(v, p, kTextMaxBytes, t); s != Step::ok) return s;
  if (t) {
    out.emplace(*t);
  } else {
    out.reset();
  }
  return Step::ok;
}

void note_instant(ReturnDraft& d, const OptMs& at) {
  if (at && (!d.newest || *at > *d.newest)) d.newest = at;
}

// A date-time (return_values.hpp: ISO 8601 in any of its documented forms, or epoch ms).
Step instant(FieldReader& r, od::value& v, const PathSeg& p, OptMs& out, ReturnDraft* d) {
  order::OptText t;
  out.reset();
  if (Step s = r.text(v, p, kShortTextChars, t); s != Step::ok) return s;
  if (!t) return Step::ok;
  out = instant_ms_from_text(*t);
  if (!out) {
    r.warn(p, "not an ISO 8601 date-time or epoch milliseconds: " + shown(*t));
  } else if (d != nullptr) {
    note_instant(*d, out);
  }
  return Step::ok;
}

Step flag(FieldReader& r, od::value& v, const PathSeg& p, OptBool& out) {
  order::OptText t;
  out.reset();
  if (Step s = r.text(v, p, kShortTextChars, t); s != Step::ok) return s;
  if (!t) return Step::ok;
  out = flag_from_text(*t);
  if (!out) r.warn(p, "not a boolean: " + shown(*t));
  return Step::ok;
}

enum MoneyKey { kCurrencyAmount, kCurrencyUnit };
constexpr std::array<std::string_view, 2> kMoneyKeys{"currencyAmount", "currencyUnit"};

// {currencyAmount, currencyUnit}: the amount exactly, to the cent.
Step money(FieldReader& r, od::value& v, const PathSeg& p, OptCents& amount, OptText* currency) {
  return r.object(v, p, kMoneyKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kMoneyKeys[static_cast<size_t>(k)]);
    if (k == kCurrencyAmount) return r.decimal(fv, fp, amount);
    if (currency == nullptr) return r.walk(fv, fp.depth);
    return text(r, fv, fp, width::currency, *currency);
  });
}

enum MeasureKey { kMeasurementValue, kUnitOfMeasure };
constexpr std::array<std::string_view, 2> kMeasureKeys{"measurementValue", "unitOfMeasure"};

// {measurementValue, unitOfMeasure}: the value to two decimals (quantities, weights).
Step measure(FieldReader& r, od::value& v, const PathSeg& p, OptCents& value, OptText& unit) {
  return r.object(v, p, kMeasureKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kMeasureKeys[static_cast<size_t>(k)]);
    if (k == kMeasurementValue) return r.decimal(fv, fp, value);
    return text(r, fv, fp, width::unit, unit);
  });
}

// A list (a single object counts as a one-element list); null is an empty list; anything else
// warns. h(element, path, index) sees every element.
template <class H>
Step list_of(FieldReader& r, od::value& v, const PathSeg& p, const char* what, H&& h) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;
  if (t.kind != Kind::object && t.kind != Kind::array) {
    r.warn(p, std::string("expected a list of ") + what + ", found " + kind_name(t.kind));
    return Step::ok;
  }
  return r.list(v, t, p, h);
}

// An element of a list that must be an object: null is skipped, anything else warns.
// Returns true (with s = ok) when the caller should read the object.
bool element_is_object(FieldReader& r, od::value& v, const PathSeg& p, const char* what, Step& s) {
  Token t;
  s = r.token(v, t);
  if (s != Step::ok || t.kind == Kind::null) return false;
  if (t.kind != Kind::object) {
    r.warn(p, std::string("expected ") + what + " object, found " + kind_name(t.kind));
    s = r.walk(v, p.depth);
    return false;
  }
  return true;
}

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

// --- tracking ------------------------------------------------------------------------------

enum EventKey { kSequenceNo, kEventTag, kEventDescription, kEventTime };
constexpr std::array<std::string_view, 4> kEventKeys{"sequenceNo", "eventTag", "eventDescription",
                                                     "eventTime"};

Step parse_event(FieldReader& r, od::value& v, const PathSeg& p, int index, ReturnDraft& d) {
  Step s;
  if (!element_is_object(r, v, p, "a tracking event", s)) return s;
  std::vector<ReturnTrackingRow>& events = d.out->tracking;
  events.emplace_back();
  const size_t ei = events.size() - 1;
  events[ei].event_seq = index + 1;
  return r.fields(v, p, kEventKeys, [&](int k, od::value& fv) -> Step {
    ReturnTrackingRow& e = events[ei];
    const PathSeg fp = p.child(kEventKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kSequenceNo:
        return r.integer(fv, fp, IntWidth::bigint, e.sequence_no);
      case kEventTag:
        return text(r, fv, fp, width::event_tag, e.event_tag);
      case kEventDescription:
        return text(r, fv, fp, width::event_description, e.event_description);
      default:
        return instant(r, fv, fp, e.event_time, &d);
    }
  });
}

// currentTrackingStatuses: only their statusTime counts (the version); the rest is archived.
Step parse_current_statuses(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  return list_of(r, v, p, "tracking statuses", [&](od::value& ev, const PathSeg& ep, int) -> Step {
    Step s;
    if (!element_is_object(r, ev, ep, "a tracking status", s)) return s;
    using Keys1 = std::array<std::string_view, 1>;
    return r.fields(ev, ep, Keys1{"statusTime"}, [&](int, od::value& fv) -> Step {
      OptMs at;
      return instant(r, fv, ep.child("statusTime"), at, &d);
    });
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

// --- line groups (labels and carriers) -------------------------------------------------------

enum GroupKey { kGroupNo, kReturnLines, kLabels };
constexpr std::array<std::string_view, 3> kGroupKeys{"groupNo", "returnLines", "labels"};
enum LabelKey { kLabelImageUrl, kCarrierInfoList };
constexpr std::array<std::string_view, 2> kLabelKeys{"labelImageURL", "carrierInfoList"};
enum CarrierKey { kCarrierName, kTrackingNo };
constexpr std::array<std::string_view, 2> kCarrierKeys{"carrierName", "trackingNo"};

Step parse_label(FieldReader& r, od::value& v, const PathSeg& p, LineGroup& g) {
  Step s;
  if (!element_is_object(r, v, p, "a label", s)) return s;
  return r.fields(v, p, kLabelKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kLabelKeys[static_cast<size_t>(k)]);
    if (k == kLabelImageUrl) return text(r, fv, fp, width::label_url, g.label_url);
    return list_of(r, fv, fp, "carriers", [&](od::value& cv, const PathSeg& cp, int ci) -> Step {
      if (ci != 0) return r.walk(cv, cp.depth);  // the first carrier has columns
      Step cs;
      if (!element_is_object(r, cv, cp, "a carrier", cs)) return cs;
      return r.fields(cv, cp, kCarrierKeys, [&](int ck, od::value& xv) -> Step {
        const PathSeg xp = cp.child(kCarrierKeys[static_cast<size_t>(ck)]);
        if (ck == kCarrierName) return text(r, xv, xp, width::carrier, g.carrier_name);
        return text(r, xv, xp, width::tracking_no, g.tracking_no);
      });
    });
  });
}

Step parse_group(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  Step s;
  if (!element_is_object(r, v, p, "a line group", s)) return s;
  d.groups.emplace_back();
  const size_t gi = d.groups.size() - 1;
  return r.fields(v, p, kGroupKeys, [&](int k, od::value& fv) -> Step {
    LineGroup& g = d.groups[gi];
    const PathSeg fp = p.child(kGroupKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kGroupNo:
        return r.integer(fv, fp, IntWidth::bigint, g.group_no);
      case kReturnLines:
        return list_of(r, fv, fp, "lines", [&](od::value& ev, const PathSeg& ep, int) -> Step {
          Step es;
          if (!element_is_object(r, ev, ep, "a line reference", es)) return es;
          using Keys1 = std::array<std::string_view, 1>;
          return r.fields(ev, ep, Keys1{"returnOrderLineNumber"}, [&](int, od::value& nv) -> Step {
            OptInt n;
            if (Step ns = r.integer(nv, ep.child("returnOrderLineNumber"), IntWidth::int32, n);
                ns != Step::ok) {
              return ns;
            }
            if (n) g.line_numbers.push_back(*n);
            return Step::ok;
          });
        });
      default:
        return list_of(r, fv, fp, "labels", [&](od::value& ev, const PathSeg& ep, int li) -> Step {
          if (li != 0) return r.walk(ev, ep.depth);  // the first label has columns
          return parse_label(r, ev, ep, g);
        });
    }
  });
}

// --- return order ------------------------------------------------------------------------------

enum ReturnKey {
  kReturnOrderId,
  kCustomerEmailId,
  kCustomerName,
  kCustomerOrderId,
  kReturnOrderDate,
  kReturnByDate,
  kRefundMode,
  kTotalRefundAmount,
  kReturnType,
  kReplacementCustomerOrderId,
  kReturnChannel,
  kReturnLineGroups,
  kReturnOrderLines,
  kRequestTime
};
constexpr std::array<std::string_view, 14> kReturnKeys{
    "returnOrderId",    "customerEmailId",
    "customerName",     "customerOrderId",
    "returnOrderDate",  "returnByDate",
    "refundMode",       "totalRefundAmount",
    "returnType",       "replacementCustomerOrderId",
    "returnChannel",    "returnLineGroups",
    "returnOrderLines", order::kRequestTimeField};

enum NameKey { kFirstName, kLastName };
constexpr std::array<std::string_view, 2> kNameKeys{"firstName", "lastName"};

Step parse_return_order_id(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  d.id_seen = true;
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) {
    d.id_problem = "is null";
    return Step::ok;
  }
  if (t.kind != Kind::string && t.kind != Kind::number) {
    d.id_problem = std::string("expected a string, found ") + kind_name(t.kind);
    return t.kind == Kind::object || t.kind == Kind::array ? r.walk(v, p.depth) : Step::ok;
  }
  order::OptText text_value;
  // Read without a cut, then check: an id is never silently shortened.
  if (Step s = r.text_max_bytes(v, p, kTextMaxBytes, text_value); s != Step::ok) return s;
  std::string id(text_value.value_or(std::string_view()));
  if (id.empty()) {
    d.id_problem = "is empty";
  } else if (order::count_code_points(id) > width::return_order_id) {
    d.id_problem = "longer than " + std::to_string(width::return_order_id) + " characters";
  } else if (std::any_of(id.begin(), id.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    d.id_problem = "holds a control character";
  } else {
    d.id = std::move(id);
  }
  return Step::ok;
}

}  // namespace

Step parse_return_object(FieldReader& r, od::object& obj, int depth, ReturnDraft& d) {
  const PathSeg root{nullptr, {}, -1, depth};
  ReturnHeaderRow& h = d.out->header;
  return r.fields(obj, root, kReturnKeys, [&](int k, od::value& v) -> Step {
    const PathSeg p = root.child(kReturnKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kReturnOrderId:
        return parse_return_order_id(r, v, p, d);
      case kCustomerEmailId:
        return text(r, v, p, width::email, h.customer_email_id);
      case kCustomerName:
        return r.object(v, p, kNameKeys, [&](int nk, od::value& nv) -> Step {
          const PathSeg np = p.child(kNameKeys[static_cast<size_t>(nk)]);
          return text(r, nv, np, width::name,
                      nk == kFirstName ? h.customer_first_name : h.customer_last_name);
        });
      case kCustomerOrderId:
        return r.integer(v, p, IntWidth::bigint, h.customer_order_id);
      case kReturnOrderDate:
        return instant(r, v, p, h.return_order_date, &d);
      case kReturnByDate:
        return instant(r, v, p, h.return_by_date, nullptr);  // a deadline, not an event
      case kRefundMode:
        return text(r, v, p, width::code, h.refund_mode);
      case kTotalRefundAmount:
        return money(r, v, p, h.total_refund_amount, &h.total_refund_currency);
      case kReturnType:
        return text(r, v, p, width::code, h.return_type);
      case kReplacementCustomerOrderId:
        return text(r, v, p, width::return_order_id, h.replacement_customer_order_id);
      case kReturnChannel: {
        using Keys1 = std::array<std::string_view, 1>;
        return r.object(v, p, Keys1{"channelName"}, [&](int, od::value& cv) -> Step {
          return text(r, cv, p.child("channelName"), width::code, h.return_channel);
        });
      }
      case kReturnLineGroups:
        return list_of(r, v, p, "line groups", [&](od::value& ev, const PathSeg& ep, int) -> Step {
          return parse_group(r, ev, ep, d);
        });
      case kReturnOrderLines:
        return parse_lines(r, v, p, d);
      default: {
        // request_time: "YYYY-MM-DD HH:MM:SS" (UTC), appended by fetch; ISO forms are accepted.
        return instant(r, v, p, h.request_time, nullptr);
      }
    }
  });
}

}  // namespace etl::returns::detail

// Why one file of this size: it is the data contract read field by field - one small function per
// JSON object of an order (the order, shippingInfo, postalAddress, orderLines, charges, statuses,
// ...), each a switch over that object's keys. Read top to bottom it is the column mapping of
// docs/data-model.md; split by object it would scatter one order's shape over many files.
#include "order/order_object_parser.hpp"

#include <array>
#include <string_view>

#include "order/message_format.hpp"
#include "order/order_row_fields.hpp"

namespace etl::order::detail {

namespace {

using Keys1 = std::array<std::string_view, 1>;

// --- key tables: the index of a key is its case label below ---------------------------------
enum OrderKey {
  kPurchaseOrderId,
  kCustomerOrderId,
  kCustomerEmailId,
  kOrderDate,
  kShippingInfo,
  kOrderLines,
  kShipNode,
  kRequestTime
};
constexpr std::array<std::string_view, 8> kOrderKeys{
    "purchaseOrderId", "customerOrderId", "customerEmailId", "orderDate",
    "shippingInfo",    "orderLines",      "shipNode",        kRequestTimeField};

enum ShippingKey {
  kPhone,
  kEstimatedDeliveryDate,
  kEstimatedShipDate,
  kMethodCode,
  kPostalAddress
};
constexpr std::array<std::string_view, 5> kShippingKeys{
    "phone", "estimatedDeliveryDate", "estimatedShipDate", "methodCode", "postalAddress"};

enum AddressKey { kName, kAddress1, kAddress2, kCity, kState, kPostalCode, kCountry, kAddressType };
constexpr std::array<std::string_view, 8> kAddressKeys{
    "name", "address1", "address2", "city", "state", "postalCode", "country", "addressType"};

enum ShipNodeKey { kNodeType, kNodeName, kNodeId };
constexpr std::array<std::string_view, 3> kShipNodeKeys{"type", "name", "id"};

enum LineKey {
  kLineNumber,
  kItem,
  kCharges,
  kOrderLineQuantity,
  kStatusDate,
  kOrderLineStatuses,
  kFulfillment
};
constexpr std::array<std::string_view, 7> kLineKeys{
    "lineNumber",        "item",       "charges", "orderLineQuantity", "statusDate",
    "orderLineStatuses", "fulfillment"};

enum ItemKey { kProductName, kSku, kCondition };
constexpr std::array<std::string_view, 3> kItemKeys{"productName", "sku", "condition"};

enum QuantityKey { kAmount, kUnitOfMeasurement };
constexpr std::array<std::string_view, 2> kQuantityKeys{"amount", "unitOfMeasurement"};

enum FulfillmentKey { kFulfillmentOption, kShipMethod, kStoreId, kShippingProgramType };
constexpr std::array<std::string_view, 4> kFulfillmentKeys{"fulfillmentOption", "shipMethod",
                                                           "storeId", "shippingProgramType"};

enum ChargeKey { kChargeType, kChargeName, kChargeAmount, kTax };
constexpr std::array<std::string_view, 4> kChargeKeys{"chargeType", "chargeName", "chargeAmount",
                                                      "tax"};

enum MoneyKey { kCurrency, kMoneyAmount };
constexpr std::array<std::string_view, 2> kMoneyKeys{"currency", "amount"};

enum TaxKey { kTaxName, kTaxAmount };
constexpr std::array<std::string_view, 2> kTaxKeys{"taxName", "taxAmount"};

constexpr Keys1 kAmountOnly{"amount"};

enum StatusKey { kStatus, kStatusQuantity, kCancellationReason, kTrackingInfo };
constexpr std::array<std::string_view, 4> kStatusKeys{"status", "statusQuantity",
                                                      "cancellationReason", "trackingInfo"};

enum TrackingKey { kShipDateTime, kCarrierName, kCarrierMethodCode, kTrackingNumber, kTrackingUrl };
constexpr std::array<std::string_view, 5> kTrackingKeys{
    "shipDateTime", "carrierName", "carrierMethodCode", "trackingNumber", "trackingURL"};

enum CarrierKey { kCarrier, kOtherCarrier };
constexpr std::array<std::string_view, 2> kCarrierKeys{"carrier", "otherCarrier"};

// --- order level -----------------------------------------------------------------------------

Step parse_postal_address(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& h) {
  return r.object(v, p, kAddressKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kAddressKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kName:
        return r.text(fv, fp, width::recipient_name, h.recipient_name);
      case kAddress1:
        return r.text(fv, fp, width::address1, h.address1);
      case kAddress2:
        return r.text(fv, fp, width::address2, h.address2);
      case kCity:
        return r.text(fv, fp, width::city, h.city);
      case kState:
        return r.text(fv, fp, width::state, h.state);
      case kPostalCode:
        return r.text(fv, fp, width::postal_code, h.postal_code);
      case kCountry:
        return r.text(fv, fp, width::country, h.country);
      default:
        return r.text(fv, fp, width::address_type, h.address_type);
    }
  });
}

Step parse_shipping_info(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& h) {
  return r.object(v, p, kShippingKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kShippingKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kPhone:
        return r.text(fv, fp, width::phone, h.phone);
      case kEstimatedDeliveryDate:
        return r.epoch_ms(fv, fp, h.estimated_delivery_date, h.estimated_delivery_date_formatted);
      case kEstimatedShipDate:
        return r.epoch_ms(fv, fp, h.estimated_ship_date, h.estimated_ship_date_formatted);
      case kMethodCode:
        return r.text(fv, fp, width::method_code, h.method_code);
      default:
        return parse_postal_address(r, fv, fp, h);
    }
  });
}

Step parse_ship_node(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& h) {
  return r.object(v, p, kShipNodeKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kShipNodeKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kNodeType:
        return r.text(fv, fp, width::ship_node_type, h.ship_node_type);
      case kNodeName:
        return r.text(fv, fp, width::ship_node_name, h.ship_node_name);
      default:
        return r.text(fv, fp, width::ship_node_id, h.ship_node_id);
    }
  });
}

Step parse_purchase_order_id(FieldReader& r, od::value& v, const PathSeg& p, OrderDraft& d) {
  d.po_seen = true;
  if (Step s = r.identifier(v, p, IntWidth::bigint, d.po_id, d.po_problem); s != Step::ok) return s;
  if (!d.po_id && d.po_problem.empty()) d.po_problem = "is null";
  if (d.po_id && *d.po_id <= 0) {
    d.po_problem = "not a positive integer: " + std::to_string(*d.po_id);
    d.po_id.reset();
  }
  return Step::ok;
}

// Records the first structural problem of the order's lines (makes the message a bad record).
void structure_problem(OrderDraft& d, const PathSeg& p, const std::string& detail) {
  if (d.structure_problem.empty()) d.structure_problem = render_path(p) + ": " + detail;
}

// --- line level ------------------------------------------------------------------------------

Step parse_money(FieldReader& r, od::value& v, const PathSeg& p, OptText* currency,
                 OptCents& amount) {
  return r.object(v, p, kMoneyKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kMoneyKeys[static_cast<size_t>(k)]);
    if (k == kMoneyAmount) return r.decimal(fv, fp, amount);
    if (currency == nullptr) return r.walk(fv, fp.depth);  // tax currency: no column
    return r.text(fv, fp, width::currency, *currency);
  });
}

Step parse_charge(FieldReader& r, od::value& v, const PathSeg& p, int index, OrderLineRow& row,
                  OrderDraft& d) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;  // no charge at this position (and no row)
  if (t.kind != Kind::object) {
    r.warn(p, std::string("expected a charge object, found ") + kind_name(t.kind));
    return r.walk(v, p.depth);
  }
  std::vector<ChargeRow>& charges = d.out->charges;
  charges.emplace_back();
  ChargeRow& c = charges.back();  // stable: no other charge is added while this one is read
  c.charge_seq = index + 1;
  Step s = r.fields(v, p, kChargeKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kChargeKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kChargeType:
        return r.text(fv, fp, width::charge_type, c.charge_type);
      case kChargeName:
        return r.text(fv, fp, width::charge_name, c.charge_name);
      case kChargeAmount:
        return parse_money(r, fv, fp, &c.currency, c.charge_amount);
      default:
        return r.object(fv, fp, kTaxKeys, [&](int tk, od::value& tv) -> Step {
          const PathSeg tp = fp.child(kTaxKeys[static_cast<size_t>(tk)]);
          if (tk == kTaxName) return r.text(tv, tp, width::tax_name, c.tax_name);
          return parse_money(r, tv, tp, nullptr, c.tax_amount);
        });
    }
  });
  if (s != Step::ok) return s;  // the message is bad: the partial row does not matter
  if (index == 0) {             // "first" charge = element [0]
    row.charge_type = c.charge_type;
    row.charge_name = c.charge_name;
    row.charge_amount = c.charge_amount;
    row.currency = c.currency;
    row.tax_amount = c.tax_amount;
    row.tax_name = c.tax_name;
  }
  return Step::ok;
}

Step parse_charges(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& row,
                   OrderDraft& d) {
  return r.object(v, p, Keys1{"charge"}, [&](int, od::value& cv) -> Step {
    const PathSeg cp = p.child("charge");
    Token t;
    if (Step s = r.token(cv, t); s != Step::ok) return s;
    if (t.kind == Kind::null) return Step::ok;
    if (t.kind != Kind::object && t.kind != Kind::array) {
      r.warn(cp, std::string("expected a list of charges, found ") + kind_name(t.kind));
      return Step::ok;
    }
    return r.list(cv, t, cp, [&](od::value& ev, const PathSeg& ep, int i) -> Step {
      return parse_charge(r, ev, ep, i, row, d);
    });
  });
}

Step parse_tracking_info(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& row) {
  return r.object(v, p, kTrackingKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kTrackingKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kShipDateTime:
        return r.epoch_ms(fv, fp, row.ship_date_time, row.ship_date_time_formatted);
      case kCarrierName: {
        // carrier, or otherCarrier when carrier is null, empty or absent.
        OptText carrier, other;
        Step s = r.object(fv, fp, kCarrierKeys, [&](int ck, od::value& cv) -> Step {
          const PathSeg cp = fp.child(kCarrierKeys[static_cast<size_t>(ck)]);
          return r.text(cv, cp, width::carrier_name, ck == kCarrier ? carrier : other);
        });
        row.carrier_name = (carrier && !carrier->empty()) ? carrier : other;
        return s;
      }
      case kCarrierMethodCode:
        return r.text(fv, fp, width::carrier_method_code, row.carrier_method_code);
      case kTrackingNumber:
        return r.text(fv, fp, width::tracking_number, row.tracking_number);
      default:
        return r.text(fv, fp, width::tracking_url, row.tracking_url);
    }
  });
}

Step parse_first_status(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& row) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;
  if (t.kind != Kind::object) {
    r.warn(p, std::string("expected an order line status object, found ") + kind_name(t.kind));
    return r.walk(v, p.depth);
  }
  return r.fields(v, p, kStatusKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kStatusKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kStatus:
        return r.text(fv, fp, width::order_line_status, row.order_line_status);
      case kStatusQuantity:
        return r.object(fv, fp, kAmountOnly, [&](int, od::value& av) -> Step {
          return r.integer(av, fp.child("amount"), IntWidth::int32, row.status_quantity);
        });
      case kCancellationReason:
        return r.text(fv, fp, width::cancellation_reason, row.cancellation_reason);
      default:
        return parse_tracking_info(r, fv, fp, row);
    }
  });
}

Step parse_statuses(FieldReader& r, od::value& v, const PathSeg& p, OrderLineRow& row) {
  return r.object(v, p, Keys1{"orderLineStatus"}, [&](int, od::value& sv) -> Step {
    const PathSeg sp = p.child("orderLineStatus");
    Token t;
    if (Step s = r.token(sv, t); s != Step::ok) return s;
    if (t.kind == Kind::null) return Step::ok;
    if (t.kind != Kind::object && t.kind != Kind::array) {
      r.warn(sp, std::string("expected a list of statuses, found ") + kind_name(t.kind));
      return Step::ok;
    }
    return r.list(sv, t, sp, [&](od::value& ev, const PathSeg& ep, int i) -> Step {
      if (i == 0) return parse_first_status(r, ev, ep, row);
      return r.walk(ev, ep.depth);  // only the first status has columns
    });
  });
}

Step parse_line(FieldReader& r, od::value& v, const PathSeg& p, int index, bool in_array,
                OrderDraft& d) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind != Kind::object) {
    structure_problem(d, p,
                      std::string("expected an order line object, found ") + kind_name(t.kind));
    return t.kind == Kind::array ? r.walk(v, p.depth) : Step::ok;
  }
  ParsedOrder& o = *d.out;
  o.lines.emplace_back();
  OrderLineRow& row = o.lines.back();  // stable: no other line is added while this one is read
  const size_t mi = d.lines_meta->size();
  d.lines_meta->emplace_back();
  (*d.lines_meta)[mi].json_index = index;
  (*d.lines_meta)[mi].in_array = in_array;
  (*d.lines_meta)[mi].charge_begin = o.charges.size();
  bool line_number_seen = false;
  Step s = r.fields(v, p, kLineKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kLineKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kLineNumber: {
        line_number_seen = true;
        LineMeta& m = (*d.lines_meta)[mi];
        std::string problem;
        if (Step st = r.identifier(fv, fp, IntWidth::int32, m.line_number, problem);
            st != Step::ok) {
          return st;
        }
        if (!m.line_number)
          m.problem = render_path(fp) + ": " + (problem.empty() ? "is null" : problem);
        return Step::ok;
      }
      case kItem:
        return r.object(fv, fp, kItemKeys, [&](int ik, od::value& iv) -> Step {
          const PathSeg ip = fp.child(kItemKeys[static_cast<size_t>(ik)]);
          switch (ik) {
            case kProductName:
              return r.text_max_bytes(iv, ip, kTextMaxBytes, row.product_name);
            case kSku:
              return r.text(iv, ip, width::sku, row.sku);
            default:
              return r.text(iv, ip, width::product_condition, row.product_condition);
          }
        });
      case kCharges:
        return parse_charges(r, fv, fp, row, d);
      case kOrderLineQuantity:
        return r.object(fv, fp, kQuantityKeys, [&](int qk, od::value& qv) -> Step {
          const PathSeg qp = fp.child(kQuantityKeys[static_cast<size_t>(qk)]);
          if (qk == kAmount) return r.integer(qv, qp, IntWidth::int32, row.quantity);
          return r.text(qv, qp, width::unit_of_measurement, row.unit_of_measurement);
        });
      case kStatusDate:
        return r.epoch_ms(fv, fp, row.status_date, row.status_date_formatted);
      case kOrderLineStatuses:
        return parse_statuses(r, fv, fp, row);
      default:
        return r.object(fv, fp, kFulfillmentKeys, [&](int fk, od::value& xv) -> Step {
          const PathSeg xp = fp.child(kFulfillmentKeys[static_cast<size_t>(fk)]);
          switch (fk) {
            case kFulfillmentOption:
              return r.text(xv, xp, width::fulfillment_option, row.fulfillment_option);
            case kShipMethod:
              return r.text(xv, xp, width::ship_method, row.ship_method);
            case kStoreId:
              return r.text(xv, xp, width::store_id, row.store_id);
            default:
              return r.text(xv, xp, width::shipping_program_type, row.shipping_program_type);
          }
        });
    }
  });
  LineMeta& m = (*d.lines_meta)[mi];
  m.charge_end = o.charges.size();
  if (!line_number_seen) m.problem = render_path(p) + ".lineNumber: is missing";
  return s;
}

Step parse_order_lines(FieldReader& r, od::value& v, const PathSeg& p, OrderDraft& d) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;  // an order with zero lines
  if (t.kind != Kind::object) {
    structure_problem(
        d, p, std::string("expected an object holding orderLine, found ") + kind_name(t.kind));
    return t.kind == Kind::array ? r.walk(v, p.depth) : Step::ok;
  }
  return r.fields(v, p, Keys1{"orderLine"}, [&](int, od::value& lv) -> Step {
    const PathSeg lp = p.child("orderLine");
    Token lt;
    if (Step s = r.token(lv, lt); s != Step::ok) return s;
    if (lt.kind == Kind::null) return Step::ok;
    if (lt.kind != Kind::object && lt.kind != Kind::array) {
      structure_problem(d, lp,
                        std::string("expected a list of order lines, found ") + kind_name(lt.kind));
      return Step::ok;
    }
    d.out->lines.reserve(4);
    d.out->charges.reserve(4);
    const bool in_array = lt.kind == Kind::array;
    return r.list(lv, lt, lp, [&](od::value& ev, const PathSeg& ep, int i) -> Step {
      return parse_line(r, ev, ep, i, in_array, d);
    });
  });
}

}  // namespace

Step parse_order_object(FieldReader& r, od::object& obj, int depth, OrderDraft& d) {
  const PathSeg root{nullptr, {}, -1, depth};
  OrderLineRow& h = d.header;
  return r.fields(obj, root, kOrderKeys, [&](int k, od::value& v) -> Step {
    const PathSeg p = root.child(kOrderKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kPurchaseOrderId:
        return parse_purchase_order_id(r, v, p, d);
      case kCustomerOrderId:
        return r.integer(v, p, IntWidth::bigint, h.customer_order_id);
      case kCustomerEmailId:
        return r.text(v, p, width::customer_email_id, h.customer_email_id);
      case kOrderDate:
        return r.epoch_ms(v, p, h.order_date, h.order_date_formatted);
      case kShippingInfo:
        return parse_shipping_info(r, v, p, h);
      case kOrderLines:
        return parse_order_lines(r, v, p, d);
      case kShipNode:
        return parse_ship_node(r, v, p, h);
      default:
        return r.datetime(v, p, h.request_time);
    }
  });
}

}  // namespace etl::order::detail

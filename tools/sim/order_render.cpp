// Why one file of this size: it writes one simulated order as the Walmart API's JSON - every
// object and field of the real answer, in its order, with the values drawn from the order's seed.
// Kept whole so the rendered shape can be compared with the API's in one reading.
#include "tools/sim/order_render.hpp"

#include <array>
#include <charconv>
#include <string_view>

#include "tools/sim/catalog.hpp"
#include "tools/sim/json_writer.hpp"
#include "tools/sim/rng.hpp"

namespace etl::walmart::sim {
namespace {

constexpr uint64_t kDomainOrderDetails = 10;
constexpr uint64_t kDomainLineDetails = 11;

// An optional field is shown with a value, as an explicit null, or not at all.
enum class Presence : uint8_t { value, null, absent };

Presence draw_presence(Rng& r, double p_value, double p_null) {
  const double u = r.unit();
  if (u < p_value) return Presence::value;
  if (u < p_value + p_null) return Presence::null;
  return Presence::absent;
}

struct MethodCode {
  std::string_view code;         // shippingInfo.methodCode / trackingInfo.methodCode
  std::string_view ship_method;  // fulfillment.shipMethod
};
constexpr std::array kMethodCodes = {
    MethodCode{"Standard", "STANDARD"}, MethodCode{"Value", "VALUE"},
    MethodCode{"Express", "EXPEDITED"}, MethodCode{"OneDay", "ONE_DAY"},
    MethodCode{"Freight", "FREIGHT"},   MethodCode{"WhiteGlove", "WHITE_GLOVE"}};

constexpr std::array kRefundReasons = {
    std::string_view{"ItemNotAsAdvertised"}, std::string_view{"DamagedItem"},
    std::string_view{"WrongItem"}, std::string_view{"CustomerChangedMind"}};

void append_digits(std::string& out, uint64_t v, int width) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(res.ptr - buf); pad > 0; --pad) out.push_back('0');
  out.append(buf, res.ptr);
}

std::string digits(uint64_t v, int width = 0) {
  std::string s;
  append_digits(s, v, width);
  return s;
}

std::string hex_upper(uint64_t a, uint64_t b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[static_cast<size_t>(15 - i)] = kHex[(a >> (4 * i)) & 0xF];
    s[static_cast<size_t>(31 - i)] = kHex[(b >> (4 * i)) & 0xF];
  }
  return s;
}

// Everything about the order that does not depend on time, drawn in one fixed sequence.
struct OrderDetails {
  std::string email;
  std::string phone;
  std::string_view recipient;
  std::string_view address1;
  std::string_view address2;
  Presence address2_presence;
  const Place* place;
  Presence address_type_presence;
  bool commercial;
  size_t method;
  bool carrier_method_name_null;
  bool has_order_summary;
  const NamedNode* node;
  bool node_bare;
  uint64_t original_customer_order_id;
  bool uom_ea;
  bool ship_to_store;
  std::string store_id;
};

OrderDetails draw_order_details(const OrderSkeleton& o, uint64_t seed) {
  Rng r(stream_key(seed, kDomainOrderDetails, o.index));
  OrderDetails d;
  const uint64_t e1 = r.next();
  const uint64_t e2 = r.next();
  d.email = hex_upper(e1, e2) + "@relay.walmart.com";
  d.phone = digits(static_cast<uint64_t>(r.between(2012000000, 9899999999)));
  const auto names = recipient_names();
  d.recipient = names[r.below(names.size())];
  const auto streets = street_lines();
  d.address1 = streets[r.below(streets.size())];
  const auto seconds = second_address_lines();
  d.address2 = seconds[r.below(seconds.size())];
  d.address2_presence = draw_presence(r, 0.35, 0.35);
  const auto pl = places();
  d.place = &pl[r.below(pl.size())];
  d.address_type_presence = draw_presence(r, 0.9, 0.0);
  d.commercial = r.chance(0.1);
  const double m = r.unit();
  d.method = m < 0.60 ? 0 : m < 0.75 ? 1 : m < 0.90 ? 2 : m < 0.97 ? 3 : m < 0.99 ? 4 : 5;
  d.carrier_method_name_null = r.chance(0.25);
  d.has_order_summary = r.chance(0.3);
  const auto sellers = seller_ship_nodes();
  const auto tpls = tpl_ship_nodes();
  const uint64_t node_draw = r.next();
  d.node = o.ship_node == ShipNodeType::tpl_fulfilled ? &tpls[node_draw % tpls.size()]
                                                      : &sellers[node_draw % sellers.size()];
  d.node_bare = r.chance(0.2);
  d.original_customer_order_id = 1'000'000'000'000ULL + r.below(9'000'000'000'000ULL);
  d.uom_ea = r.chance(0.1);
  d.ship_to_store = r.chance(0.05);
  d.store_id = digits(static_cast<uint64_t>(r.between(1, 5999)));
  return d;
}

struct LineDetails {
  Presence tax;
  int64_t tax_rate_bp;
  bool shipping_charge;
  int64_t shipping_cents;
  bool fee_charge;
  int64_t fee_cents;
  bool discount_keys;
  Presence cancellation_reason;
  std::string_view reason;
  bool tracking_null_when_unshipped;
  int carrier_mode;  // 0 carrier, 1 otherCarrier, 2 carrier:null + otherCarrier, 3 carrier +
                     // otherCarrier:null
  std::string_view carrier;
  std::string_view other_carrier;
  uint64_t tracking_a;
  uint64_t tracking_b;
  bool carrier_method_code;
  bool refund_null;
  uint64_t refund_id;
  std::string_view refund_reason;
  Presence store_id;
  Presence shipping_program;
  bool condition;
  uint64_t image_id;
};

LineDetails draw_line_details(const OrderSkeleton& o, size_t line, uint64_t seed) {
  Rng r(stream_key(seed, kDomainLineDetails, o.index * 4 + line));
  LineDetails d;
  d.tax = draw_presence(r, 0.8, 0.1);
  d.tax_rate_bp = r.between(600, 1025);
  d.shipping_charge = r.chance(0.3);
  static constexpr int64_t kShipping[] = {0, 499, 599, 700, 999};
  d.shipping_cents = r.pick(kShipping);
  d.fee_charge = r.chance(0.05);
  static constexpr int64_t kFees[] = {30, 99, 150, 200};
  d.fee_cents = r.pick(kFees);
  d.discount_keys = r.chance(0.2);
  d.cancellation_reason = draw_presence(r, 0.6, 0.2);
  const auto reasons = cancellation_reasons();
  d.reason = reasons[r.below(reasons.size())];
  d.tracking_null_when_unshipped = r.chance(0.3);
  const double c = r.unit();
  d.carrier_mode = c < 0.6 ? 0 : c < 0.8 ? 1 : c < 0.9 ? 2 : 3;
  const auto cs = carriers();
  d.carrier = cs[r.below(cs.size())];
  const auto others = other_carriers();
  d.other_carrier = others[r.below(others.size())];
  d.tracking_a = r.next();
  d.tracking_b = r.next();
  d.carrier_method_code = r.chance(0.1);
  d.refund_null = r.chance(0.15);
  d.refund_id = r.below(1'000'000'000'000ULL);
  d.refund_reason = kRefundReasons[r.below(kRefundReasons.size())];
  d.store_id = draw_presence(r, 0.0, 0.3);
  d.shipping_program = draw_presence(r, 0.0, 0.3);
  d.condition = r.chance(0.4);
  d.image_id = r.next();
  return d;
}

std::string tracking_number(std::string_view carrier, const LineDetails& d) {
  if (carrier == "UPS") {
    static constexpr char kAlnum[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    std::string s = "1Z";
    uint64_t v = d.tracking_a;
    for (int i = 0; i < 16; ++i) {
      s.push_back(kAlnum[v % 33]);
      v /= 33;
      if (i == 11) v = d.tracking_b;
    }
    return s;
  }
  if (carrier == "FedEx") return digits(d.tracking_a % 1'000'000'000'000ULL, 12);
  return "9400" + digits(d.tracking_a % 1'000'000'000'000'000ULL, 18);
}

void write_money_object(JsonWriter& w, int64_t cents) {
  w.begin_object();
  w.field("currency", "USD");
  w.key("amount");
  w.money(cents);
  w.end_object();
}

void write_tax(JsonWriter& w, int64_t cents) {
  w.begin_object();
  w.field("taxName", "Tax1");
  w.key("taxAmount");
  write_money_object(w, cents);
  w.end_object();
}

void write_quantity(JsonWriter& w, std::string_view uom, unsigned amount) {
  w.begin_object();
  w.field("unitOfMeasurement", uom);
  w.field("amount", digits(amount));
  w.end_object();
}

void write_total(JsonWriter& w, int64_t cents) {
  w.begin_object();
  w.key("currencyAmount");
  w.money(cents);
  w.field("currencyUnit", "USD");
  w.end_object();
}

struct Totals {
  int64_t charges = 0;
  int64_t taxes = 0;
};

void write_line(JsonWriter& w, const OrderSkeleton& o, const OrderDetails& od, size_t index,
                int64_t now_ms, const RenderOptions& options, uint64_t seed, Totals& totals) {
  const LineSkeleton& l = o.lines[index];
  const LineDetails d = draw_line_details(o, index, seed);
  const Product& p = products()[l.product];
  const LineState st = o.line_state(index, now_ms);
  const std::string_view uom = od.uom_ea ? "EA" : "EACH";
  const MethodCode& method = kMethodCodes[od.method];

  w.begin_object();
  w.field("lineNumber", digits(index + 1));

  w.key("item");
  w.begin_object();
  w.field("productName", p.name);
  w.field("sku", p.sku);
  if (d.condition) w.field("condition", p.condition);
  if (options.product_info) {
    std::string url = "https://i5.walmartimages.com/asr/";
    url += hex_upper(d.image_id, o.purchase_order_id);
    url += ".jpeg";
    w.field("imageUrl", url);
    w.key("weight");
    w.begin_object();
    w.field("value", p.weight_pounds);
    w.field("unit", "Pounds");
    w.end_object();
  }
  w.end_object();

  const int64_t product_cents = p.unit_price_cents * l.quantity;
  const int64_t tax_cents = (product_cents * d.tax_rate_bp + 5000) / 10000;
  w.key("charges");
  w.begin_object();
  w.key("charge");
  w.begin_array();
  w.begin_object();
  w.field("chargeType", "PRODUCT");
  w.field("chargeName", "ItemPrice");
  w.key("chargeAmount");
  write_money_object(w, product_cents);
  totals.charges += product_cents;
  if (d.tax == Presence::value) {
    w.key("tax");
    write_tax(w, tax_cents);
    totals.taxes += tax_cents;
  } else if (d.tax == Presence::null) {
    w.field_null("tax");
  }
  if (d.discount_keys) {
    w.field_null("discountType");
    w.field_null("isDiscount");
  }
  w.end_object();
  if (d.shipping_charge) {
    w.begin_object();
    w.field("chargeType", "SHIPPING");
    w.field("chargeName", "Shipping");
    w.key("chargeAmount");
    write_money_object(w, d.shipping_cents);
    totals.charges += d.shipping_cents;
    if (d.shipping_cents > 0 && d.tax == Presence::value) {
      const int64_t ship_tax = (d.shipping_cents * d.tax_rate_bp + 5000) / 10000;
      w.key("tax");
      write_tax(w, ship_tax);
      totals.taxes += ship_tax;
    }
    w.end_object();
  }
  if (d.fee_charge) {
    w.begin_object();
    w.field("chargeType", "FEE");
    w.field("chargeName", "Fee");
    w.key("chargeAmount");
    write_money_object(w, d.fee_cents);
    totals.charges += d.fee_cents;
    w.field_null("tax");
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.key("orderLineQuantity");
  write_quantity(w, uom, l.quantity);
  w.field_int("statusDate", st.status_date_ms);

  const bool shipped = st.status == LineStatus::shipped || st.status == LineStatus::delivered ||
                       st.status == LineStatus::refund;
  w.key("orderLineStatuses");
  w.begin_object();
  w.key("orderLineStatus");
  w.begin_array();
  w.begin_object();
  w.field("status", to_string(st.status));
  w.key("statusQuantity");
  write_quantity(w, uom, l.quantity - (st.shows_partial_cancel ? 1U : 0U));
  if (st.status == LineStatus::cancelled) {
    if (d.cancellation_reason == Presence::value) {
      w.field("cancellationReason", d.reason);
    } else if (d.cancellation_reason == Presence::null) {
      w.field_null("cancellationReason");
    }
  }
  if (shipped) {
    w.key("trackingInfo");
    w.begin_object();
    w.field_int("shipDateTime", st.ship_ms);
    w.key("carrierName");
    w.begin_object();
    std::string_view carrier = d.carrier;
    switch (d.carrier_mode) {
      case 0:
        w.field("carrier", d.carrier);
        break;
      case 1:
        w.field("otherCarrier", d.other_carrier);
        carrier = d.other_carrier;
        break;
      case 2:
        w.field_null("carrier");
        w.field("otherCarrier", d.other_carrier);
        carrier = d.other_carrier;
        break;
      default:
        w.field("carrier", d.carrier);
        w.field_null("otherCarrier");
        break;
    }
    w.end_object();
    w.field("methodCode", method.code);
    if (d.carrier_method_code) w.field_int("carrierMethodCode", 19);
    const std::string number = tracking_number(carrier, d);
    w.field("trackingNumber", number);
    std::string url = "https://www.walmart.com/tracking?tracking_id=";
    url += number;
    url += "&order_id=";
    append_digits(url, o.purchase_order_id, 0);
    w.field("trackingURL", url);
    w.end_object();
  } else if (d.tracking_null_when_unshipped) {
    w.field_null("trackingInfo");
  }
  w.end_object();
  if (st.shows_partial_cancel) {
    w.begin_object();
    w.field("status", "Cancelled");
    w.key("statusQuantity");
    write_quantity(w, uom, 1);
    w.field("cancellationReason", "CUSTOMER_REQUESTED_SELLER_TO_CANCEL");
    w.end_object();
  }
  w.end_array();
  w.end_object();

  if (st.status == LineStatus::refund) {
    w.key("refund");
    w.begin_object();
    w.field("refundId", digits(d.refund_id, 12));
    w.field("refundComments", "Refund issued: " + std::string(d.refund_reason));
    w.key("refundCharges");
    w.begin_object();
    w.key("refundCharge");
    w.begin_array();
    w.begin_object();
    w.field("refundReason", d.refund_reason);
    w.key("charge");
    w.begin_object();
    w.field("chargeType", "PRODUCT");
    w.field("chargeName", "Item Price");
    w.key("chargeAmount");
    write_money_object(w, -product_cents);
    if (d.tax == Presence::value) {
      w.key("tax");
      write_tax(w, -tax_cents);
    } else {
      w.field_null("tax");
    }
    w.end_object();
    w.end_object();
    w.end_array();
    w.end_object();
    w.end_object();
  } else if (d.refund_null) {
    w.field_null("refund");
  }

  w.key("fulfillment");
  w.begin_object();
  w.field("fulfillmentOption", od.ship_to_store ? "S2S" : "S2H");
  w.field("shipMethod", method.ship_method);
  if (od.ship_to_store) {
    w.field("storeId", od.store_id);
  } else if (d.store_id == Presence::null) {
    w.field_null("storeId");
  }
  w.field_int("pickUpDateTime", o.estimated_delivery_ms);
  if (o.shipping_program != 0) {
    w.field("shippingProgramType", shipping_program_name(o.shipping_program));
  } else if (d.shipping_program == Presence::null) {
    w.field_null("shippingProgramType");
  }
  w.end_object();

  w.end_object();
}

}  // namespace

void render_order(std::string& out, const OrderSkeleton& o, int64_t now_ms,
                  const RenderOptions& options, uint64_t seed) {
  const OrderDetails od = draw_order_details(o, seed);
  JsonWriter w(out);
  w.begin_object();
  w.field("purchaseOrderId", digits(o.purchase_order_id));
  w.field("customerOrderId", digits(o.customer_order_id));
  w.field("customerEmailId", o.shows_nocx_email(now_ms)
                                 ? std::string_view{"nocxemail@walmartone.com"}
                                 : std::string_view{od.email});
  if (options.replacement_info) {
    w.field("orderType", o.replacement ? "REPLACEMENT" : "REGULAR");
    if (o.replacement) w.field("originalCustomerOrderID", digits(od.original_customer_order_id));
  }
  w.field_int("orderDate", o.order_date_ms);

  w.key("shippingInfo");
  w.begin_object();
  w.field("phone", od.phone);
  w.field_int("estimatedDeliveryDate", o.estimated_delivery_ms);
  w.field_int("estimatedShipDate", o.estimated_ship_ms);
  w.field("methodCode", kMethodCodes[od.method].code);
  w.key("postalAddress");
  w.begin_object();
  w.field("name", od.recipient);
  w.field("address1", od.address1);
  if (od.address2_presence == Presence::value) {
    w.field("address2", od.address2);
  } else if (od.address2_presence == Presence::null) {
    w.field_null("address2");
  }
  w.field("city", od.place->city);
  w.field("state", od.place->state);
  w.field("postalCode", od.place->postal_code);
  w.field("country", "USA");
  if (od.address_type_presence == Presence::value) {
    w.field("addressType", od.commercial ? "COMMERCIAL" : "RESIDENTIAL");
  }
  w.end_object();
  if (od.carrier_method_name_null) w.field_null("carrierMethodName");
  w.end_object();

  Totals totals;
  w.key("orderLines");
  w.begin_object();
  w.key("orderLine");
  w.begin_array();
  for (size_t i = 0; i < o.line_count; ++i) write_line(w, o, od, i, now_ms, options, seed, totals);
  w.end_array();
  w.end_object();

  if (od.has_order_summary) {
    w.key("orderSummary");
    w.begin_object();
    w.key("totalAmount");
    write_total(w, totals.charges + totals.taxes);
    w.key("orderSubTotals");
    w.begin_array();
    w.begin_object();
    w.field("subTotalType", "totalCharges");
    w.key("totalAmount");
    write_total(w, totals.charges);
    w.end_object();
    w.begin_object();
    w.field("subTotalType", "totalTaxes");
    w.key("totalAmount");
    write_total(w, totals.taxes);
    w.end_object();
    w.end_array();
    w.end_object();
  }

  w.key("shipNode");
  w.begin_object();
  w.field("type", to_string(o.ship_node));
  if (o.ship_node != ShipNodeType::wfs_fulfilled && !od.node_bare) {
    w.field("name", od.node->name);
    w.field("id", od.node->id);
  }
  w.end_object();
  w.end_object();
}

std::string render_order(const OrderSkeleton& order, int64_t now_ms, const RenderOptions& options,
                         uint64_t seed) {
  std::string out;
  out.reserve(4096);
  render_order(out, order, now_ms, options, seed);
  return out;
}

}  // namespace etl::walmart::sim

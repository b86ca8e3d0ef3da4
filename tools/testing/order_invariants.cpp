#include "tools/testing/order_invariants.hpp"

#include <fmt/format.h>

#include <limits>

#include "order/order_row_fields.hpp"
#include "order/value_conversions.hpp"

namespace etl::order {

namespace {

bool valid_utf8(std::string_view s) noexcept {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else
      return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

class Checker {
 public:
  explicit Checker(const ParsedOrder& o) : o_(o) {}

  void inside(std::string_view v, const char* what) {
    if (!problem.empty()) return;
    const char* a = o_.arena.get();
    if (v.data() < a || v.data() + v.size() > a + o_.arena_used) {
      problem = fmt::format("{} is outside the arena", what);
    } else if (!valid_utf8(v)) {
      problem = fmt::format("{} is not valid UTF-8", what);
    }
  }
  void text(const OptText& t, size_t width, const char* what) {
    if (!t || !problem.empty()) return;
    inside(*t, what);
    if (problem.empty() && count_code_points(*t) > width) {
      problem = fmt::format("{} has more than {} characters", what, width);
    }
  }
  void cents(const OptCents& c, const char* what) {
    if (c && (*c > kMaxDecimal10_2Cents || *c < -kMaxDecimal10_2Cents) && problem.empty()) {
      problem = fmt::format("{} outside DECIMAL(10,2)", what);
    }
  }
  void stamp(const OptEpochSeconds& s, const OptInt& raw, const char* what) {
    if (!problem.empty() || !s) return;
    if (*s < kMinTimestampSeconds || *s > kMaxTimestampSeconds) {
      problem = fmt::format("{} outside TIMESTAMP range", what);
    } else if (!raw || timestamp_seconds_from_epoch_ms(*raw) != s) {
      problem = fmt::format("{} does not match its epoch-ms column", what);
    }
  }
  void int32(const OptInt& v, const char* what) {
    if (v &&
        (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) &&
        problem.empty()) {
      problem = fmt::format("{} outside INT", what);
    }
  }

  std::string problem;

 private:
  const ParsedOrder& o_;
};

std::string check_order(const ParsedOrder& o) {
  if (!o.arena || o.arena_size == 0 || o.arena_used != o.arena_size) return "arena not set";
  Checker c(o);
  c.inside(o.raw_json, "raw_json");
  if (o.raw_json.data() != o.arena.get()) return "raw_json does not start the arena";
  if (o.raw_json.size() < 2 || o.raw_json.front() != '{' || o.raw_json.back() != '}') {
    return "raw_json is not an object's text";
  }
  c.inside(o.purchase_order_id_text, "purchase_order_id_text");
  if (o.purchase_order_id <= 0) return "purchase_order_id not positive";
  if (o.purchase_order_id_text != std::to_string(o.purchase_order_id)) {
    return "purchase_order_id_text does not match purchase_order_id";
  }
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLineRow& l = o.lines[i];
    if (l.purchase_order_id != o.purchase_order_id) return "line purchase_order_id differs";
    if (i > 0 && l.line_number <= o.lines[i - 1].line_number) return "lines not strictly sorted";
    if (l.request_time != o.request_time) return "line request_time differs from the order's";
    if (l.source_file) return "source_file set by the mapper";
    c.text(l.customer_email_id, width::customer_email_id, "customerEmailId");
    c.text(l.ship_node_type, width::ship_node_type, "shipNode_type");
    c.text(l.ship_node_name, width::ship_node_name, "shipNode_name");
    c.text(l.ship_node_id, width::ship_node_id, "shipNode_id");
    c.text(l.phone, width::phone, "phone");
    c.text(l.method_code, width::method_code, "methodCode");
    c.text(l.recipient_name, width::recipient_name, "recipient_name");
    c.text(l.address1, width::address1, "address1");
    c.text(l.address2, width::address2, "address2");
    c.text(l.city, width::city, "city");
    c.text(l.state, width::state, "state");
    c.text(l.postal_code, width::postal_code, "postalCode");
    c.text(l.country, width::country, "country");
    c.text(l.address_type, width::address_type, "addressType");
    c.text(l.sku, width::sku, "sku");
    c.text(l.product_name, kTextMaxBytes, "productName");
    if (l.product_name && l.product_name->size() > kTextMaxBytes)
      return "productName over 65535 bytes";
    c.text(l.product_condition, width::product_condition, "product_condition");
    c.text(l.unit_of_measurement, width::unit_of_measurement, "unitOfMeasurement");
    c.text(l.fulfillment_option, width::fulfillment_option, "fulfillmentOption");
    c.text(l.ship_method, width::ship_method, "shipMethod");
    c.text(l.store_id, width::store_id, "storeId");
    c.text(l.shipping_program_type, width::shipping_program_type, "shippingProgramType");
    c.text(l.charge_type, width::charge_type, "chargeType");
    c.text(l.charge_name, width::charge_name, "chargeName");
    c.text(l.currency, width::currency, "currency");
    c.text(l.tax_name, width::tax_name, "taxName");
    c.text(l.order_line_status, width::order_line_status, "orderLineStatus");
    c.text(l.cancellation_reason, width::cancellation_reason, "cancellationReason");
    c.text(l.carrier_name, width::carrier_name, "carrierName");
    c.text(l.carrier_method_code, width::carrier_method_code, "carrierMethodCode");
    c.text(l.tracking_number, width::tracking_number, "trackingNumber");
    c.text(l.tracking_url, width::tracking_url, "trackingURL");
    c.cents(l.charge_amount, "chargeAmount");
    c.cents(l.tax_amount, "taxAmount");
    c.int32(l.quantity, "quantity");
    c.int32(l.status_quantity, "statusQuantity");
    c.stamp(l.order_date_formatted, l.order_date, "orderDate_formatted");
    c.stamp(l.estimated_delivery_date_formatted, l.estimated_delivery_date,
            "estimatedDeliveryDate_formatted");
    c.stamp(l.estimated_ship_date_formatted, l.estimated_ship_date, "estimatedShipDate_formatted");
    c.stamp(l.status_date_formatted, l.status_date, "statusDate_formatted");
    c.stamp(l.ship_date_time_formatted, l.ship_date_time, "shipDateTime_formatted");
    if (!c.problem.empty()) return fmt::format("line {}: {}", l.line_number, c.problem);
    // The first-charge columns are the charge with charge_seq 1 of this line, or NULL.
    const ChargeRow* first = nullptr;
    for (const ChargeRow& ch : o.charges) {
      if (ch.line_number == l.line_number && ch.charge_seq == 1) first = &ch;
    }
    if (first != nullptr
            ? (l.charge_type != first->charge_type || l.charge_name != first->charge_name ||
               l.charge_amount != first->charge_amount || l.currency != first->currency ||
               l.tax_amount != first->tax_amount || l.tax_name != first->tax_name)
            : (l.charge_type || l.charge_name || l.charge_amount || l.currency || l.tax_amount ||
               l.tax_name)) {
      return fmt::format("line {}: first-charge columns differ from charge 1", l.line_number);
    }
  }
  size_t line = 0;
  for (size_t i = 0; i < o.charges.size(); ++i) {
    const ChargeRow& ch = o.charges[i];
    if (ch.purchase_order_id != o.purchase_order_id) return "charge purchase_order_id differs";
    while (line < o.lines.size() && o.lines[line].line_number != ch.line_number) ++line;
    if (line == o.lines.size()) return "charges not in line order or for an unknown line";
    if (ch.charge_seq < 1) return "charge_seq < 1";
    if (i > 0 && o.charges[i - 1].line_number == ch.line_number &&
        o.charges[i - 1].charge_seq >= ch.charge_seq) {
      return "charge_seq not increasing within a line";
    }
    c.text(ch.charge_type, width::charge_type, "charge.chargeType");
    c.text(ch.charge_name, width::charge_name, "charge.chargeName");
    c.text(ch.currency, width::currency, "charge.currency");
    c.text(ch.tax_name, width::tax_name, "charge.taxName");
    c.cents(ch.charge_amount, "charge.chargeAmount");
    c.cents(ch.tax_amount, "charge.taxAmount");
    if (!c.problem.empty()) return c.problem;
  }
  for (const ConversionWarning& w : o.warnings) {
    if (w.field.empty() || w.detail.empty()) return "warning without field or detail";
  }
  return {};
}

}  // namespace

std::string find_invariant_violation(const MessageParseResult& r) {
  if (r.bad) {
    if (r.bad->reason.empty()) return "bad record without a reason";
    if (!r.orders.empty()) return "bad record with orders";
    if (r.conversion_warnings != 0) return "bad record with conversion warnings";
    return {};
  }
  size_t recorded = 0;
  for (const ParsedOrder& o : r.orders) {
    if (std::string p = check_order(o); !p.empty()) {
      return fmt::format("order {}: {}", o.purchase_order_id, p);
    }
    recorded += o.warnings.size();
  }
  if (recorded > r.conversion_warnings + r.orders.size()) return "conversion_warnings undercounted";
  return {};
}

}  // namespace etl::order

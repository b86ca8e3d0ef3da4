#pragma once
// Helpers for the order mapping tests: fixtures, rendering rows as column-name -> value maps (so a
// test can assert every column at once), and small JSON text edits.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

#include "common/utc_time.hpp"
#include "order/order_mapper.hpp"
#include "tools/testing/order_invariants.hpp"

namespace etl::order::test {

using ColumnMap = std::map<std::string, std::string>;
inline const std::string kNull = "NULL";

inline std::string fixture_path(std::string_view name) {
  return std::string(ETL_SOURCE_DIR) + "/tests/fixtures/orders/" + std::string(name);
}

inline std::string read_fixture(std::string_view name) {
  std::ifstream in(fixture_path(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string show(const OptText& t) { return t ? std::string(*t) : kNull; }
inline std::string show(const OptInt& v) { return v ? std::to_string(*v) : kNull; }
// DECIMAL(10,2) cents as the SQL literal, e.g. 2499 -> "24.99", -1 -> "-0.01".
inline std::string show_cents(const OptCents& c) {
  if (!c) return kNull;
  const int64_t a = *c < 0 ? -*c : *c;
  std::string s = (*c < 0 ? "-" : "") + std::to_string(a / 100) + ".";
  s += static_cast<char>('0' + (a % 100) / 10);
  s += static_cast<char>('0' + a % 10);
  return s;
}
inline std::string show_time(const OptInt& secs) {
  return secs ? etl::format_sql_datetime(*secs) : kNull;
}

// All 51 columns the mapper produces (52 = load_time is the server's), by their table names.
inline ColumnMap columns(const OrderLineRow& r) {
  return {
      {"purchaseOrderId", std::to_string(r.purchase_order_id)},
      {"customerOrderId", show(r.customer_order_id)},
      {"customerEmailId", show(r.customer_email_id)},
      {"orderDate", show(r.order_date)},
      {"orderDate_formatted", show_time(r.order_date_formatted)},
      {"shipNode_type", show(r.ship_node_type)},
      {"shipNode_name", show(r.ship_node_name)},
      {"shipNode_id", show(r.ship_node_id)},
      {"source_file", show(r.source_file)},
      {"phone", show(r.phone)},
      {"estimatedDeliveryDate", show(r.estimated_delivery_date)},
      {"estimatedDeliveryDate_formatted", show_time(r.estimated_delivery_date_formatted)},
      {"estimatedShipDate", show(r.estimated_ship_date)},
      {"estimatedShipDate_formatted", show_time(r.estimated_ship_date_formatted)},
      {"methodCode", show(r.method_code)},
      {"recipient_name", show(r.recipient_name)},
      {"address1", show(r.address1)},
      {"address2", show(r.address2)},
      {"city", show(r.city)},
      {"state", show(r.state)},
      {"postalCode", show(r.postal_code)},
      {"country", show(r.country)},
      {"addressType", show(r.address_type)},
      {"lineNumber", std::to_string(r.line_number)},
      {"sku", show(r.sku)},
      {"productName", show(r.product_name)},
      {"product_condition", show(r.product_condition)},
      {"quantity", show(r.quantity)},
      {"unitOfMeasurement", show(r.unit_of_measurement)},
      {"statusDate", show(r.status_date)},
      {"statusDate_formatted", show_time(r.status_date_formatted)},
      {"fulfillmentOption", show(r.fulfillment_option)},
      {"shipMethod", show(r.ship_method)},
      {"storeId", show(r.store_id)},
      {"shippingProgramType", show(r.shipping_program_type)},
      {"chargeType", show(r.charge_type)},
      {"chargeName", show(r.charge_name)},
      {"chargeAmount", show_cents(r.charge_amount)},
      {"currency", show(r.currency)},
      {"taxAmount", show_cents(r.tax_amount)},
      {"taxName", show(r.tax_name)},
      {"orderLineStatus", show(r.order_line_status)},
      {"statusQuantity", show(r.status_quantity)},
      {"cancellationReason", show(r.cancellation_reason)},
      {"shipDateTime", show(r.ship_date_time)},
      {"shipDateTime_formatted", show_time(r.ship_date_time_formatted)},
      {"carrierName", show(r.carrier_name)},
      {"carrierMethodCode", show(r.carrier_method_code)},
      {"trackingNumber", show(r.tracking_number)},
      {"trackingURL", show(r.tracking_url)},
      {"request_time", show_time(r.request_time)},
  };
}

inline ColumnMap columns(const ChargeRow& c) {
  return {
      {"purchaseOrderId", std::to_string(c.purchase_order_id)},
      {"lineNumber", std::to_string(c.line_number)},
      {"chargeSeq", std::to_string(c.charge_seq)},
      {"chargeType", show(c.charge_type)},
      {"chargeName", show(c.charge_name)},
      {"chargeAmount", show_cents(c.charge_amount)},
      {"currency", show(c.currency)},
      {"taxName", show(c.tax_name)},
      {"taxAmount", show_cents(c.tax_amount)},
  };
}

// `base` with the given columns replaced.
inline ColumnMap with(ColumnMap base, const ColumnMap& changes) {
  for (const auto& [k, v] : changes) {
    EXPECT_TRUE(base.count(k)) << "unknown column " << k;
    base[k] = v;
  }
  return base;
}

// `json` with the single occurrence of `from` replaced by `to` (fails the test otherwise).
inline std::string replace_once(std::string json, std::string_view from, std::string_view to) {
  const size_t at = json.find(from);
  EXPECT_NE(at, std::string::npos) << "not found: " << from;
  if (at == std::string::npos) return json;
  EXPECT_EQ(json.find(from, at + 1), std::string::npos) << "ambiguous: " << from;
  json.replace(at, from.size(), to);
  return json;
}

// Parses and checks the invariants; the caller asserts the rest.
inline MessageParseResult parse(std::string_view json) {
  static thread_local OrderMapper mapper;
  MessageParseResult r = mapper.parse_message(json);
  EXPECT_EQ(find_invariant_violation(r), "");
  return r;
}

// Parses a message expected to hold exactly one good order.
inline ParsedOrder parse_single(std::string_view json) {
  MessageParseResult r = parse(json);
  EXPECT_FALSE(r.bad) << (r.bad ? r.bad->reason : "");
  EXPECT_EQ(r.orders.size(), 1u);
  if (r.orders.size() != 1) return ParsedOrder{};
  return std::move(r.orders.front());
}

// Parses a message expected to be a bad record; returns the reason.
inline std::string parse_bad(std::string_view json) {
  MessageParseResult r = parse(json);
  EXPECT_TRUE(r.bad.has_value()) << "expected a bad record";
  EXPECT_TRUE(r.orders.empty());
  return r.bad ? r.bad->reason : std::string();
}

// Whether the order has a warning on exactly this JSON path (detail containing `needle`).
inline bool has_warning(const ParsedOrder& o, std::string_view path, std::string_view needle = "") {
  for (const auto& w : o.warnings) {
    if (w.field == path && w.detail.find(needle) != std::string::npos) return true;
  }
  return false;
}

inline std::string warnings_text(const ParsedOrder& o) {
  std::string s;
  for (const auto& w : o.warnings) s += w.field + ": " + w.detail + "\n";
  return s;
}

}  // namespace etl::order::test

#pragma once
// Visitors over the text columns of the row types (order_types.hpp) and the column widths of the
// data contract (docs/data-model.md). Used by the mapper to relocate views into an order's arena,
// and by tests and the fuzz target to check that every view lies inside the arena.

#include <cstddef>

#include "order/order_types.hpp"

namespace etl::order {

// VARCHAR widths in characters (Unicode code points), as docs/data-model.md lists them.
namespace width {
inline constexpr size_t customer_email_id = 100;
inline constexpr size_t ship_node_type = 50;
inline constexpr size_t ship_node_name = 100;
inline constexpr size_t ship_node_id = 50;
inline constexpr size_t source_file = 100;
inline constexpr size_t phone = 64;  // a keyed hash (privacy) is 64 hex digits
inline constexpr size_t method_code = 50;
inline constexpr size_t recipient_name = 100;
inline constexpr size_t address1 = 200;
inline constexpr size_t address2 = 200;
inline constexpr size_t city = 100;
inline constexpr size_t state = 50;
inline constexpr size_t postal_code = 64;  // as phone
inline constexpr size_t country = 10;
inline constexpr size_t address_type = 20;
inline constexpr size_t sku = 50;
inline constexpr size_t product_condition = 50;
inline constexpr size_t unit_of_measurement = 20;
inline constexpr size_t fulfillment_option = 50;
inline constexpr size_t ship_method = 50;
inline constexpr size_t store_id = 50;
inline constexpr size_t shipping_program_type = 50;
inline constexpr size_t charge_type = 50;
inline constexpr size_t charge_name = 100;
inline constexpr size_t currency = 10;
inline constexpr size_t tax_name = 50;
inline constexpr size_t order_line_status = 50;
inline constexpr size_t cancellation_reason = 200;
inline constexpr size_t carrier_name = 100;
inline constexpr size_t carrier_method_code = 50;
inline constexpr size_t tracking_number = 100;
inline constexpr size_t tracking_url = 500;
}  // namespace width

// productName is TEXT: never cut to a width, only to TEXT's byte limit on a code-point boundary.
inline constexpr size_t kTextMaxBytes = 65'535;

// Calls f(OptText&) for every text column of an order-line row, source_file included.
template <class Row, class F>
void for_each_text_column(Row& r, F&& f) {
  f(r.customer_email_id);
  f(r.ship_node_type);
  f(r.ship_node_name);
  f(r.ship_node_id);
  f(r.source_file);
  f(r.phone);
  f(r.method_code);
  f(r.recipient_name);
  f(r.address1);
  f(r.address2);
  f(r.city);
  f(r.state);
  f(r.postal_code);
  f(r.country);
  f(r.address_type);
  f(r.sku);
  f(r.product_name);
  f(r.product_condition);
  f(r.unit_of_measurement);
  f(r.fulfillment_option);
  f(r.ship_method);
  f(r.store_id);
  f(r.shipping_program_type);
  f(r.charge_type);
  f(r.charge_name);
  f(r.currency);
  f(r.tax_name);
  f(r.order_line_status);
  f(r.cancellation_reason);
  f(r.carrier_name);
  f(r.carrier_method_code);
  f(r.tracking_number);
  f(r.tracking_url);
}

// Calls f(OptText&) for every text column of a charge row.
template <class F>
void for_each_text_column_of_charge(ChargeRow& c, F&& f) {
  f(c.charge_type);
  f(c.charge_name);
  f(c.currency);
  f(c.tax_name);
}

// Copies the order-level columns (those that come from the order, not the line: 2-23 and 51)
// from `from` to `to`. purchaseOrderId and source_file are set separately.
inline void copy_order_level_columns(const OrderLineRow& from, OrderLineRow& to) {
  to.customer_order_id = from.customer_order_id;
  to.customer_email_id = from.customer_email_id;
  to.order_date = from.order_date;
  to.order_date_formatted = from.order_date_formatted;
  to.ship_node_type = from.ship_node_type;
  to.ship_node_name = from.ship_node_name;
  to.ship_node_id = from.ship_node_id;
  to.phone = from.phone;
  to.estimated_delivery_date = from.estimated_delivery_date;
  to.estimated_delivery_date_formatted = from.estimated_delivery_date_formatted;
  to.estimated_ship_date = from.estimated_ship_date;
  to.estimated_ship_date_formatted = from.estimated_ship_date_formatted;
  to.method_code = from.method_code;
  to.recipient_name = from.recipient_name;
  to.address1 = from.address1;
  to.address2 = from.address2;
  to.city = from.city;
  to.state = from.state;
  to.postal_code = from.postal_code;
  to.country = from.country;
  to.address_type = from.address_type;
  to.request_time = from.request_time;
}

}  // namespace etl::order

#pragma once
// The output of the returns mapping (return_mapper.hpp) and the input of the returns writer
// (mysql/return_writer.hpp): the rows of the returns tables (docs/data-model.md, "Returns"),
// already converted. Rows own their text (std::string): returns are few next to orders, so the
// arena of the order rows is not worth its complexity here. NULL is std::nullopt everywhere.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "order/order_types.hpp"

namespace etl::returns {

using OptInt = std::optional<int64_t>;
using OptText = std::optional<std::string>;
using OptCents = std::optional<int64_t>;  // DECIMAL(10,2) as hundredths, exact
using OptMs = std::optional<int64_t>;     // a UTC instant as epoch milliseconds: DATETIME(3)
using OptBool = std::optional<bool>;      // TINYINT: 1 or 0
using order::ConversionWarning;

// VARCHAR widths in characters, as the sql/walmart_return*.sql files declare them.
namespace width {
inline constexpr size_t return_order_id = 50;
inline constexpr size_t email = 100;
inline constexpr size_t name = 100;
inline constexpr size_t code = 50;  // enums and short codes (status, refundMode, channel, ...)
inline constexpr size_t currency = 10;
inline constexpr size_t reason = 200;
inline constexpr size_t sku = 50;
inline constexpr size_t condition = 100;
inline constexpr size_t unit = 20;
inline constexpr size_t charge_name = 100;
inline constexpr size_t tax_names = 200;
inline constexpr size_t event_tag = 100;
inline constexpr size_t event_description = 500;
inline constexpr size_t carrier = 100;
inline constexpr size_t tracking_no = 100;
inline constexpr size_t label_url = 500;
inline constexpr size_t seller_order_id = 50;
}  // namespace width

// ods.walmart_return: one row per return order.
struct ReturnHeaderRow {
  std::string return_order_id;
  OptInt customer_order_id;  // BIGINT: joins walmart_order.customerOrderId
  OptText customer_email_id;
  OptText customer_first_name;
  OptText customer_last_name;
  OptMs return_order_date;
  OptMs return_by_date;
  OptText refund_mode;
  OptCents total_refund_amount;
  OptText total_refund_currency;
  OptText return_type;
  OptText replacement_customer_order_id;
  OptText return_channel;
  // The return's status derived from its lines: their common status, MIXED when they differ.
  OptText status;
  // The newest instant anywhere in the return (dates, line statusTime, tracking eventTime,
  // currentTrackingStatuses statusTime): the version the writer compares (see ParsedReturn).
  OptMs last_event_at;
  OptMs request_time;  // the message's request_time (when fetch read the page)
};

// ods.walmart_return_line: one row per return order line.
struct ReturnLineRow {
  int32_t return_order_line_number = 0;
  OptInt sales_order_line_number;     // INT: joins recon "Customer Order line #"
  OptInt purchase_order_id;           // BIGINT: joins walmart_order.purchaseOrderId
  OptInt purchase_order_line_number;  // INT: joins walmart_order.lineNumber
  OptText seller_order_id;
  OptText return_reason;
  OptText sku;
  OptText product_name;  // TEXT
  OptText item_condition;
  OptCents item_weight;
  OptText item_weight_unit;
  OptCents unit_price;
  OptText currency;  // unitPrice's currency
  OptCents quantity;
  OptText quantity_unit;
  OptInt cancellable_qty;
  OptCents refunded_qty;
  OptCents rechargeable_qty;
  OptText refund_channel;
  OptText status;
  OptMs status_time;
  OptText current_delivery_status;
  OptText current_refund_status;
  OptBool return_expected_flag;
  OptBool is_keep_it;
  OptBool last_item;
  OptBool is_return_for_exception;
  OptBool is_fast_replacement;
  OptText exception_item_type;
  OptText recharge_reason;
  OptText return_cancellation_reason;
  // chargeTotals by name (other names stay in the archive).
  OptCents line_unit_price;
  OptCents line_product_taxes;
  OptCents line_total_taxes;
  OptCents line_restocking_fee;
  OptCents line_shipping_fee;
  OptCents line_sub_total;
  OptCents line_total;
  // From returnLineGroups: the group holding this line and its first label's first carrier.
  OptInt group_no;
  OptText carrier_name;
  OptText tracking_no;
  OptText label_url;
};

// ods.walmart_return_charge: every charge of every line, its taxes summed.
struct ReturnChargeRow {
  int32_t return_order_line_number = 0;
  int32_t charge_seq = 0;  // 1-based position in the line's charges list
  OptText charge_category;
  OptText charge_name;
  OptCents charge_per_unit;
  OptText currency;
  OptBool is_discount;
  OptBool is_billable;
  OptCents tax_per_unit;  // sum of tax[].taxPerUnit (NULL when the charge has no usable tax)
  OptCents excess_tax;    // sum of tax[].excessTax
  OptText tax_names;      // tax[].taxName joined by ','
  OptCents excess_charge;
};

// ods.walmart_return_tracking: the tracking history of every line.
struct ReturnTrackingRow {
  int32_t return_order_line_number = 0;
  int32_t event_seq = 0;  // 1-based position in returnTrackingDetail (the key: always present)
  OptInt sequence_no;     // the API's sequenceNo (ordering; may be missing)
  OptText event_tag;
  OptText event_description;
  OptMs event_time;
};

class ParsedReturn {
 public:
  std::string return_order_id;
  ReturnHeaderRow header;
  std::vector<ReturnLineRow> lines;  // sorted by return_order_line_number
  std::vector<ReturnChargeRow> charges;
  std::vector<ReturnTrackingRow> tracking;
  std::string raw_json;  // the return order object's JSON text, as received
  std::vector<ConversionWarning> warnings;
};

}  // namespace etl::returns

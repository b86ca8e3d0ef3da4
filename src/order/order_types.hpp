#pragma once
// The output of the order mapping (src/order/order_mapper.hpp) and the input of the MySQL sink:
// the rows of the data contract (docs/data-model.md), already converted.
//
// Ownership: every std::string_view in a ParsedOrder points into that ParsedOrder's own arena,
// a heap buffer that never moves. A ParsedOrder can be moved (views stay valid) but not copied.
// NULL is std::nullopt everywhere.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::order {

using OptInt = std::optional<int64_t>;
using OptText = std::optional<std::string_view>;
// DECIMAL(10,2) held exactly as hundredths (cents); never a binary float.
using OptCents = std::optional<int64_t>;
// A UTC instant as epoch seconds, already checked to be inside the column's range.
using OptEpochSeconds = std::optional<int64_t>;

// One row of ods.walmart_order: one order line. Field order = column order of the table.
struct OrderLineRow {
  int64_t purchase_order_id = 0;         // 1  purchaseOrderId BIGINT NOT NULL
  OptInt customer_order_id;              // 2  customerOrderId BIGINT
  OptText customer_email_id;             // 3  VARCHAR(100)
  OptInt order_date;                     // 4  BIGINT epoch ms
  OptEpochSeconds order_date_formatted;  // 5  TIMESTAMP NULL
  OptText ship_node_type;                // 6  VARCHAR(50)
  OptText ship_node_name;                // 7  VARCHAR(100)
  OptText ship_node_id;                  // 8  VARCHAR(50)
  OptText source_file;                   // 9  VARCHAR(100) (set by the caller, see below)
  OptText phone;                         // 10 VARCHAR(64)
  OptInt estimated_delivery_date;        // 11 BIGINT
  OptEpochSeconds estimated_delivery_date_formatted;  // 12 TIMESTAMP NULL
  OptInt estimated_ship_date;                         // 13 BIGINT
  OptEpochSeconds estimated_ship_date_formatted;      // 14 TIMESTAMP NULL
  OptText method_code;                                // 15 VARCHAR(50)
  OptText recipient_name;                             // 16 VARCHAR(100)
  OptText address1;                                   // 17 VARCHAR(200)
  OptText address2;                                   // 18 VARCHAR(200)
  OptText city;                                       // 19 VARCHAR(100)
  OptText state;                                      // 20 VARCHAR(50)
  OptText postal_code;                                // 21 VARCHAR(64)
  OptText country;                                    // 22 VARCHAR(10)
  OptText address_type;                               // 23 VARCHAR(20)
  int32_t line_number = 0;                            // 24 lineNumber INT NOT NULL
  OptText sku;                                        // 25 VARCHAR(50)
  OptText product_name;                               // 26 TEXT (cut only at 65,535 bytes)
  OptText product_condition;                          // 27 VARCHAR(50)
  OptInt quantity;                                    // 28 INT
  OptText unit_of_measurement;                        // 29 VARCHAR(20)
  OptInt status_date;                                 // 30 BIGINT
  OptEpochSeconds status_date_formatted;              // 31 TIMESTAMP NULL
  OptText fulfillment_option;                         // 32 VARCHAR(50)
  OptText ship_method;                                // 33 VARCHAR(50)
  OptText store_id;                                   // 34 VARCHAR(50)
  OptText shipping_program_type;                      // 35 VARCHAR(50)
  OptText charge_type;                                // 36 VARCHAR(50)  first charge
  OptText charge_name;                                // 37 VARCHAR(100)
  OptCents charge_amount;                             // 38 DECIMAL(10,2)
  OptText currency;                                   // 39 VARCHAR(10)
  OptCents tax_amount;                                // 40 DECIMAL(10,2)
  OptText tax_name;                                   // 41 VARCHAR(50)
  OptText order_line_status;                          // 42 VARCHAR(50)  first status
  OptInt status_quantity;                             // 43 INT
  OptText cancellation_reason;                        // 44 VARCHAR(200)
  OptInt ship_date_time;                              // 45 BIGINT
  OptEpochSeconds ship_date_time_formatted;           // 46 TIMESTAMP NULL
  OptText carrier_name;                               // 47 VARCHAR(100) carrier, else otherCarrier
  OptText carrier_method_code;                        // 48 VARCHAR(50)
  OptText tracking_number;                            // 49 VARCHAR(100)
  OptText tracking_url;                               // 50 VARCHAR(500)
  OptEpochSeconds request_time;                       // 51 DATETIME (UTC)
  // 52 load_time: written by the server (UTC session), not carried here.
};

// One row of ods.walmart_order_charge: every charge of every line.
struct ChargeRow {
  int64_t purchase_order_id = 0;
  int32_t line_number = 0;
  int32_t charge_seq = 0;  // 1-based position of the charge within its line
  OptText charge_type;     // VARCHAR(50)
  OptText charge_name;     // VARCHAR(100)
  OptCents charge_amount;  // DECIMAL(10,2)
  OptText currency;        // VARCHAR(10)
  OptText tax_name;        // VARCHAR(50)
  OptCents tax_amount;     // DECIMAL(10,2)
};

// A value that had to become NULL (or be cut) while converting; logged and counted.
struct ConversionWarning {
  std::string field;   // JSON path, e.g. "orderLines.orderLine[1].orderLineQuantity.amount"
  std::string detail;  // e.g. "not an integer: \"1.0\""
};

class ParsedOrder {
 public:
  ParsedOrder() = default;
  ParsedOrder(ParsedOrder&&) noexcept = default;
  ParsedOrder& operator=(ParsedOrder&&) noexcept = default;
  ParsedOrder(const ParsedOrder&) = delete;
  ParsedOrder& operator=(const ParsedOrder&) = delete;

  int64_t purchase_order_id = 0;
  std::string_view purchase_order_id_text;  // as in the JSON (normalised digits)
  std::vector<OrderLineRow> lines;          // sorted by line_number; may be empty
  std::vector<ChargeRow> charges;           // in line order, then charge order
  std::string_view raw_json;                // the order object's JSON text (for walmart_order_raw)
  OptEpochSeconds request_time;             // the message's request_time, if valid
  std::vector<ConversionWarning> warnings;

  // Storage for every string_view above. Allocated once by the mapper; never reallocated.
  std::unique_ptr<char[]> arena;
  size_t arena_size = 0;
  size_t arena_used = 0;

  // Sets source_file on every line (the view must outlive this order, e.g. a string literal or
  // a string owned by the caller for the order's lifetime).
  void set_source_file(std::string_view source_file) noexcept {
    for (auto& l : lines) l.source_file = source_file;
  }
};

}  // namespace etl::order

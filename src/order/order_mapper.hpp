#pragma once
// The order mapping: one Kafka message value (or one file record) -> the rows of the data
// contract (docs/data-model.md), or a bad-record reason for the dead letter.
// Pure: no I/O, no logging (see order_warning_log.hpp for logging the warnings).
//
// Input: an order object, or a JSON array of order objects. Each order may carry a top-level
// "request_time": "YYYY-MM-DD HH:MM:SS" (UTC).
//
// Behaviour the callers rely on (tests in tests/unit/order pin each point):
// - Any key order is accepted. Duplicate keys: the LAST occurrence wins (as in MySQL's JSON type,
//   Python's json and most JSON libraries); earlier occurrences are still validated.
// - The whole message is bad (MessageParseResult::bad, no orders) when: it is not valid JSON
//   (including trailing content, invalid numbers/literals/escapes anywhere, nesting deeper than
//   kMaxNestingDepth); it is not an object or an array of objects; an order has no usable
//   purchaseOrderId (a positive integer fitting BIGINT, as a JSON integer or a string of digits);
//   orderLines (an object) or orderLines.orderLine (a list) is neither null nor of its type, or
//   an orderLine element is not an object; a line has no usable lineNumber (an INT, as a JSON
//   integer or a string of digits); two lines of one order share a lineNumber.
// - An empty array message gives no orders and no bad record.
// - Every other value that cannot be converted becomes NULL and is recorded in
//   ParsedOrder::warnings with its JSON path; so is every text cut to its column width, and every
//   _formatted column left NULL because the epoch is outside TIMESTAMP's range (0 means "no
//   date": NULL without a warning). At most kMaxRecordedWarnings are recorded per order (then one
//   summary entry); MessageParseResult::conversion_warnings counts them all.
// - "first" charge/status = element [0] of the list; a null element there leaves those columns
//   NULL. Every charge that is an object becomes a ChargeRow with charge_seq = its 1-based
//   position in the JSON list (null elements make no row; other non-objects warn, no row).
// - Each ParsedOrder owns one arena allocated after its object was read: the order's exact JSON
//   text (raw_json) followed by the strings that had escapes, decoded. All views point into it,
//   so its size is exact and it cannot overflow.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "order/order_types.hpp"

namespace etl::order {

inline constexpr int kMaxNestingDepth = 100;
inline constexpr size_t kMaxRecordedWarnings = 1000;

struct BadRecord {
  std::string reason;                        // names the field and the order
  std::optional<int64_t> purchase_order_id;  // the order's id when it was usable
};

struct MessageParseResult {
  std::vector<ParsedOrder> orders;  // empty if bad
  std::optional<BadRecord> bad;     // set => the whole message goes to the dead letter
  size_t conversion_warnings = 0;   // total over orders
};

// One per thread, reused: owns the simdjson parser and the padded input buffer. Not thread-safe.
// The returned orders own their data (each ParsedOrder's arena) and stay valid after later calls.
class OrderMapper {
 public:
  OrderMapper();
  ~OrderMapper();
  OrderMapper(OrderMapper&&) noexcept;
  OrderMapper& operator=(OrderMapper&&) noexcept;
  OrderMapper(const OrderMapper&) = delete;
  OrderMapper& operator=(const OrderMapper&) = delete;

  // bytes: one Kafka message value / one file record: an order object, or an array of orders.
  MessageParseResult parse_message(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace etl::order

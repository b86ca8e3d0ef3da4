#pragma once
// The returns mapping: one Kafka message value (or one file record) -> the rows of the returns
// tables (docs/data-model.md, "Returns"), or a bad-record reason for the dead letter.
// Pure: no I/O, no logging. Built on the order mapping's validating field reader
// (order/field_reader.hpp): the same JSON rules, text widths, exact decimals and warnings.
//
// Input, every shape a saved page or a message can have:
//  - a returns page: an object with a "returnOrders" list (its "meta" is ignored);
//  - one return order object (the Kafka message of `fetch`: it may carry a top-level
//    "request_time": "YYYY-MM-DD HH:MM:SS", UTC, as orders do);
//  - a JSON array of return order objects.
//
// Behaviour the callers rely on (tests/unit/returns pin each point):
//  - The whole message is bad (ReturnParseResult::bad) when it is not valid JSON (trailing
//    content, invalid literals or escapes anywhere, nesting deeper than order::kMaxNestingDepth),
//    when it is not an object or an array, when returnOrders is not a list, or when an element of
//    the list is not an object.
//  - One return order is bad (an Outcome with `bad` set and the order's own JSON text) when it has
//    no usable returnOrderId (a non-empty string or integer of at most 50 characters), when
//    returnOrderLines is neither null nor a list of objects, when a line has no usable
//    returnOrderLineNumber (an INT), or when two lines share one. The other returns of the same
//    page are still mapped: a page never loses good returns to a bad one.
//  - Every other value that cannot be converted becomes NULL with a ConversionWarning naming its
//    JSON path; text longer than its column is cut (and warned).
//  - Duplicate keys: the last occurrence wins (as for orders).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "returns/return_types.hpp"

namespace etl::returns {

struct ReturnBadRecord {
  std::string reason;                          // names the field and the return
  std::optional<std::string> return_order_id;  // when it was usable
  std::string raw_json;                        // the return's own JSON (empty: the message)
};

struct ReturnOutcome {
  std::optional<ParsedReturn> ok;
  std::optional<ReturnBadRecord> bad;
};

struct ReturnParseResult {
  std::vector<ReturnOutcome> returns;  // in message order; empty when `bad`
  std::optional<ReturnBadRecord> bad;  // set => the whole message goes to the dead letter
  size_t conversion_warnings = 0;      // total over the returns mapped
};

// One per thread, reused (owns the simdjson parser and buffers). Not thread-safe.
class ReturnMapper {
 public:
  ReturnMapper();
  ~ReturnMapper();
  ReturnMapper(ReturnMapper&&) noexcept;
  ReturnMapper& operator=(ReturnMapper&&) noexcept;
  ReturnMapper(const ReturnMapper&) = delete;
  ReturnMapper& operator=(const ReturnMapper&) = delete;

  ReturnParseResult parse_message(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace etl::returns

#pragma once
// Internal to the order mapping: which JSON path feeds which column (docs/data-model.md). Reads one
// order object into an OrderDraft; the mapper then checks identifiers, orders the lines and moves
// the text into the order's arena (order_mapper.cpp).

#include <optional>
#include <string>
#include <vector>

#include "order/field_reader.hpp"
#include "order/order_types.hpp"

namespace etl::order::detail {

struct LineMeta {
  int json_index = 0;                  // position in orderLines.orderLine
  bool in_array = false;               // false: orderLine was a single object
  std::optional<int64_t> line_number;  // usable lineNumber (INT)
  std::string problem;                 // why the line is unusable: "<path>: <detail>"
  size_t charge_begin = 0;             // this line's charges in ParsedOrder::charges
  size_t charge_end = 0;
};

// The state of one order while its object is read. lines/charges/warnings go straight into
// `out`; order-level columns are collected in `header` and copied to every line at the end.
struct OrderDraft {
  ParsedOrder* out = nullptr;
  std::vector<LineMeta>* lines_meta = nullptr;  // reused across orders by the mapper
  OrderLineRow header;
  bool po_seen = false;
  std::optional<int64_t> po_id;
  std::string po_problem;         // set when purchaseOrderId is present but unusable
  std::string structure_problem;  // first "lines are not where they must be" problem, with path
};

// obj: the order object; depth: its nesting depth in the message (1 or 2).
Step parse_order_object(FieldReader& r, od::object& obj, int depth, OrderDraft& d);

}  // namespace etl::order::detail

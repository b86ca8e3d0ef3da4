#pragma once
// Internal to the returns mapping: which JSON path feeds which column (docs/data-model.md,
// "Returns"). Reads one return order object into a ReturnDraft; the mapper then checks the
// identifiers, orders the lines and derives the header status and version (return_mapper.cpp).

#include <optional>
#include <string>
#include <vector>

#include "order/field_reader.hpp"
#include "returns/return_types.hpp"

namespace etl::returns::detail {

using order::detail::FieldReader;
using order::detail::PathSeg;
using order::detail::Step;
namespace od = simdjson::ondemand;

struct LineMeta {
  std::string path;                    // JSON path of the line, for reasons
  std::optional<int64_t> line_number;  // usable returnOrderLineNumber (INT)
  std::string problem;                 // why the line is unusable: "<path>: <detail>"
  size_t charge_begin = 0, charge_end = 0;
  size_t tracking_begin = 0, tracking_end = 0;
};

// One entry of returnLineGroups: which lines ship under which label.
struct LineGroup {
  OptInt group_no;
  std::vector<int64_t> line_numbers;
  OptText carrier_name;
  OptText tracking_no;
  OptText label_url;
};

struct ReturnDraft {
  ParsedReturn* out = nullptr;
  std::vector<LineMeta> lines_meta;
  std::vector<LineGroup> groups;
  bool id_seen = false;
  std::optional<std::string> id;
  std::string id_problem;         // set when returnOrderId is present but unusable
  std::string structure_problem;  // first "lines are not where they must be" problem
  OptMs newest;                   // the newest instant read anywhere in the return
};

// obj: the return order object; depth: its nesting depth in the message.
Step parse_return_object(FieldReader& r, od::object& obj, int depth, ReturnDraft& d);

// The objects inside it, each read where its file says.
// returnOrderLines (return_line_parser.cpp): the lines with their items, charges and taxes.
Step parse_lines(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d);
// An element of returnTrackingDetail (return_tracking_parser.cpp); index: its place in the list.
Step parse_event(FieldReader& r, od::value& v, const PathSeg& p, int index, ReturnDraft& d);
// currentTrackingStatuses (return_tracking_parser.cpp).
Step parse_current_statuses(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d);
// An element of returnLineGroups (return_group_parser.cpp).
Step parse_group(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d);

}  // namespace etl::returns::detail

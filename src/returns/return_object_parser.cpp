// The returns data contract read field by field: one small function per JSON object of a return
// order, each a switch over that object's keys. This file reads the return order itself (the
// header row); its lines, charges and taxes are read in return_line_parser.cpp, their tracking
// events in return_tracking_parser.cpp, the line groups in return_group_parser.cpp, the values
// they all hold in return_value_readers.cpp. Read top to bottom they are the column mapping of
// docs/data-model.md ("Returns"). Keys not listed here are validated and skipped (they stay in the
// archive).
#include "returns/return_object_parser.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "returns/return_value_readers.hpp"

namespace etl::returns::detail {

namespace {

enum ReturnKey {
  kReturnOrderId,
  kCustomerEmailId,
  kCustomerName,
  kCustomerOrderId,
  kReturnOrderDate,
  kReturnByDate,
  kRefundMode,
  kTotalRefundAmount,
  kReturnType,
  kReplacementCustomerOrderId,
  kReturnChannel,
  kReturnLineGroups,
  kReturnOrderLines,
  kRequestTime
};
constexpr std::array<std::string_view, 14> kReturnKeys{
    "returnOrderId",    "customerEmailId",
    "customerName",     "customerOrderId",
    "returnOrderDate",  "returnByDate",
    "refundMode",       "totalRefundAmount",
    "returnType",       "replacementCustomerOrderId",
    "returnChannel",    "returnLineGroups",
    "returnOrderLines", order::kRequestTimeField};

enum NameKey { kFirstName, kLastName };
constexpr std::array<std::string_view, 2> kNameKeys{"firstName", "lastName"};

Step parse_return_order_id(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  d.id_seen = true;
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) {
    d.id_problem = "is null";
    return Step::ok;
  }
  if (t.kind != Kind::string && t.kind != Kind::number) {
    d.id_problem = std::string("expected a string, found ") + kind_name(t.kind);
    return t.kind == Kind::object || t.kind == Kind::array ? r.walk(v, p.depth) : Step::ok;
  }
  order::OptText text_value;
  // Read without a cut, then check: an id is never silently shortened.
  if (Step s = r.text_max_bytes(v, p, kTextMaxBytes, text_value); s != Step::ok) return s;
  std::string id(text_value.value_or(std::string_view()));
  if (id.empty()) {
    d.id_problem = "is empty";
  } else if (order::count_code_points(id) > width::return_order_id) {
    d.id_problem = "longer than " + std::to_string(width::return_order_id) + " characters";
  } else if (std::any_of(id.begin(), id.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    d.id_problem = "holds a control character";
  } else {
    d.id = std::move(id);
  }
  return Step::ok;
}

}  // namespace

Step parse_return_object(FieldReader& r, od::object& obj, int depth, ReturnDraft& d) {
  const PathSeg root{nullptr, {}, -1, depth};
  ReturnHeaderRow& h = d.out->header;
  return r.fields(obj, root, kReturnKeys, [&](int k, od::value& v) -> Step {
    const PathSeg p = root.child(kReturnKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kReturnOrderId:
        return parse_return_order_id(r, v, p, d);
      case kCustomerEmailId:
        return text(r, v, p, width::email, h.customer_email_id);
      case kCustomerName:
        return r.object(v, p, kNameKeys, [&](int nk, od::value& nv) -> Step {
          const PathSeg np = p.child(kNameKeys[static_cast<size_t>(nk)]);
          return text(r, nv, np, width::name,
                      nk == kFirstName ? h.customer_first_name : h.customer_last_name);
        });
      case kCustomerOrderId:
        return r.integer(v, p, IntWidth::bigint, h.customer_order_id);
      case kReturnOrderDate:
        return instant(r, v, p, h.return_order_date, &d);
      case kReturnByDate:
        return instant(r, v, p, h.return_by_date, nullptr);  // a deadline, not an event
      case kRefundMode:
        return text(r, v, p, width::code, h.refund_mode);
      case kTotalRefundAmount:
        return money(r, v, p, h.total_refund_amount, &h.total_refund_currency);
      case kReturnType:
        return text(r, v, p, width::code, h.return_type);
      case kReplacementCustomerOrderId:
        return text(r, v, p, width::return_order_id, h.replacement_customer_order_id);
      case kReturnChannel: {
        using Keys1 = std::array<std::string_view, 1>;
        return r.object(v, p, Keys1{"channelName"}, [&](int, od::value& cv) -> Step {
          return text(r, cv, p.child("channelName"), width::code, h.return_channel);
        });
      }
      case kReturnLineGroups:
        return list_of(r, v, p, "line groups", [&](od::value& ev, const PathSeg& ep, int) -> Step {
          return parse_group(r, ev, ep, d);
        });
      case kReturnOrderLines:
        return parse_lines(r, v, p, d);
      default: {
        // request_time: "YYYY-MM-DD HH:MM:SS" (UTC), appended by fetch; ISO forms are accepted.
        return instant(r, v, p, h.request_time, nullptr);
      }
    }
  });
}

}  // namespace etl::returns::detail

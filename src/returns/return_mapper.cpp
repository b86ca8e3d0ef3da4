#include "returns/return_mapper.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <numeric>

#include "common/padded_buffer.hpp"
#include "order/field_reader.hpp"
#include "order/json_text.hpp"
#include "returns/return_object_parser.hpp"

namespace etl::returns {

using detail::FieldReader;
using detail::PathSeg;
using detail::ReturnDraft;
using detail::Step;
using order::detail::Kind;
using order::detail::kind_name;
using order::detail::Token;
namespace od = simdjson::ondemand;

namespace {

enum class Outcome { ok, bad, restart };

Outcome set_bad(ReturnParseResult& r, std::string reason) {
  r.returns.clear();
  r.conversion_warnings = 0;
  r.bad = ReturnBadRecord{std::move(reason), std::nullopt, {}};
  return Outcome::bad;
}

// "return 1234", "return 1234 (element [2])", "return at element [2]", "return".
std::string return_label(int index, const std::optional<std::string>& id) {
  std::string s = "return";
  if (id) s += " " + *id;
  if (index >= 0) {
    s += id ? " (element [" : " at element [";
    s += std::to_string(index);
    s += id ? "])" : "]";
  }
  return s;
}

// The header status: the lines' common status, MIXED when they differ, NULL without lines or
// when no line has one.
OptText derived_status(const std::vector<ReturnLineRow>& lines) {
  OptText status;
  for (const ReturnLineRow& l : lines) {
    if (!l.status) continue;
    if (!status) {
      status = l.status;
    } else if (*status != *l.status) {
      return std::string("MIXED");
    }
  }
  return status;
}

}  // namespace

struct ReturnMapper::Impl {
  od::parser parser;
  PaddedBuffer input{simdjson::SIMDJSON_PADDING};
  std::unique_ptr<char[]> scratch;
  size_t scratch_capacity = 0;
  FieldReader reader;

  void load(std::string_view bytes) {
    input.assign(bytes);
    const size_t need = bytes.size() + 64;  // decoded strings never exceed the raw bytes
    if (need > scratch_capacity) {
      scratch_capacity = std::max(need, scratch_capacity + scratch_capacity / 2);
      scratch = std::make_unique_for_overwrite<char[]>(scratch_capacity);
    }
  }

  Outcome run(bool last_wins, ReturnParseResult& r);
  Outcome is_page(bool last_wins, bool& page, ReturnParseResult& r);
  Outcome parse_list(od::document& doc, od::array& arr, int depth, ReturnParseResult& r);
  Outcome parse_one(od::document& doc, od::object& obj, const char* begin, int index, int depth,
                    ReturnParseResult& r);
  const char* object_end(od::document& doc, const char* begin) const;
  void finalize(ParsedReturn& o, ReturnDraft& d, std::string_view raw, int index,
                ReturnParseResult& r);
  Outcome trailing_check(od::document& doc, ReturnParseResult& r);
  Outcome fail(ReturnParseResult& r) { return set_bad(r, reader.failure()); }
};

// A first, shallow pass over an object message: is it a page (a returnOrders member) or one
// return order?
Outcome ReturnMapper::Impl::is_page(bool last_wins, bool& page, ReturnParseResult& r) {
  od::document doc;
  if (auto e = parser.iterate(input.data(), input.size(), input.capacity()).get(doc)) {
    return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) {
    return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
  }
  reader.begin_message(input.data(), last_wins);
  page = false;
  const PathSeg root{nullptr, {}, -1, 1};
  using Keys1 = std::array<std::string_view, 1>;
  const Step s = reader.fields(obj, root, Keys1{"returnOrders"}, [&](int, od::value& v) -> Step {
    page = true;
    return reader.walk(v, 2);
  });
  if (s == Step::restart) return Outcome::restart;
  if (s == Step::fail) return fail(r);
  return Outcome::ok;
}

Outcome ReturnMapper::Impl::run(bool last_wins, ReturnParseResult& r) {
  const char* buf = input.data();
  const size_t len = input.size();
  size_t b = 0;
  while (b < len && order::json_text::is_ws(buf[b])) ++b;
  if (b == len) return set_bad(r, "empty message: no JSON value");
  if (buf[b] != '{' && buf[b] != '[') {
    return set_bad(r,
                   "message is not a JSON object or array: expected a returns page, a return "
                   "order object or an array of return orders");
  }
  bool page = false;
  if (buf[b] == '{') {
    if (Outcome o = is_page(last_wins, page, r); o != Outcome::ok) return o;
  }
  reader.begin_message(buf, last_wins);
  od::document doc;
  if (auto e = parser.iterate(buf, len, input.capacity()).get(doc)) {
    if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
      return set_bad(r,
                     "invalid JSON: the message does not end with the bracket closing its "
                     "first one (truncated, or content after the JSON value)");
    }
    return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
  }
  if (buf[b] == '[') {
    od::array arr;
    if (auto e = doc.get_array().get(arr)) {
      return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
    }
    if (Outcome o = parse_list(doc, arr, 2, r); o != Outcome::ok) return o;
    return trailing_check(doc, r);
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) {
    return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
  }
  if (!page) {
    if (Outcome o = parse_one(doc, obj, buf + b, -1, 1, r); o != Outcome::ok) return o;
    return trailing_check(doc, r);
  }
  // A page: returnOrders is read; meta and any other member are validated and skipped.
  const PathSeg root{nullptr, {}, -1, 1};
  using Keys1 = std::array<std::string_view, 1>;
  Outcome inner = Outcome::ok;
  const Step s = reader.fields(obj, root, Keys1{"returnOrders"}, [&](int, od::value& v) -> Step {
    Token t;
    if (Step st = reader.token(v, t); st != Step::ok) return st;
    if (t.kind == Kind::null) return Step::ok;
    if (t.kind != Kind::array) {
      inner = set_bad(r, std::string("returnOrders: expected a list of return orders, found ") +
                             kind_name(t.kind));
      return reader.walk(v, 2);
    }
    od::array arr;
    if (auto e = v.get_array().get(arr)) return reader.fail_json(e);
    inner = parse_list(doc, arr, 3, r);
    return inner == Outcome::ok ? Step::ok : Step::fail;
  });
  if (inner != Outcome::ok) return inner;
  if (s == Step::restart) return Outcome::restart;
  if (s == Step::fail) return fail(r);
  return trailing_check(doc, r);
}

Outcome ReturnMapper::Impl::parse_list(od::document& doc, od::array& arr, int depth,
                                       ReturnParseResult& r) {
  int index = 0;
  for (auto elem : arr) {
    od::value ev;
    if (auto e = std::move(elem).get(ev)) return (reader.fail_json(e), fail(r));
    Token t;
    if (reader.token(ev, t) != Step::ok) return fail(r);
    if (t.kind != Kind::object) {
      return set_bad(r, "element [" + std::to_string(index) + "] is " + kind_name(t.kind) +
                            ", expected a return order object");
    }
    od::object obj;
    if (auto e = ev.get_object().get(obj)) return (reader.fail_json(e), fail(r));
    if (Outcome o = parse_one(doc, obj, t.text.data(), index, depth, r); o != Outcome::ok) {
      return o;
    }
    ++index;
  }
  return Outcome::ok;
}

Outcome ReturnMapper::Impl::trailing_check(od::document& doc, ReturnParseResult& r) {
  const char* loc = nullptr;
  if (doc.current_location().get(loc) == simdjson::SUCCESS) {
    return set_bad(r, "invalid JSON: trailing content after the JSON value at byte " +
                          std::to_string(loc - input.data()));
  }
  return Outcome::ok;
}

Outcome ReturnMapper::Impl::parse_one(od::document& doc, od::object& obj, const char* begin,
                                      int index, int depth, ReturnParseResult& r) {
  ReturnDraft d;
  ParsedReturn o;
  d.out = &o;
  reader.begin_order(&o.warnings, scratch.get(), scratch_capacity);
  const Step s = detail::parse_return_object(reader, obj, depth, d);
  if (s == Step::restart) return Outcome::restart;
  if (s == Step::fail) return fail(r);
  const char* end = object_end(doc, begin);
  if (end == nullptr) return set_bad(r, "internal error: could not delimit the return order");
  finalize(o, d, std::string_view(begin, static_cast<size_t>(end - begin)), index, r);
  return Outcome::ok;
}

const char* ReturnMapper::Impl::object_end(od::document& doc, const char* begin) const {
  const char* loc = nullptr;
  const char* p = input.data() + input.size();
  if (doc.current_location().get(loc) == simdjson::SUCCESS && loc >= begin && loc <= p) p = loc;
  while (p > begin && order::json_text::is_ws(p[-1])) --p;
  if (p <= begin || p[-1] != '}') return nullptr;
  return p;
}

void ReturnMapper::Impl::finalize(ParsedReturn& o, ReturnDraft& d, std::string_view raw, int index,
                                  ReturnParseResult& r) {
  ReturnOutcome out;
  auto bad = [&](std::string reason) {
    out.bad = ReturnBadRecord{std::move(reason), d.id, std::string(raw)};
    r.returns.push_back(std::move(out));
  };
  if (!d.id_seen) return bad(return_label(index, {}) + ": returnOrderId: is missing");
  if (!d.id) {
    return bad(return_label(index, {}) + ": returnOrderId: " +
               (d.id_problem.empty() ? std::string("is null") : d.id_problem));
  }
  const std::string label = return_label(index, d.id);
  if (!d.structure_problem.empty()) return bad(label + ": " + d.structure_problem);
  for (const detail::LineMeta& m : d.lines_meta) {
    if (!m.problem.empty()) return bad(label + ": " + m.problem);
  }
  // Lines by returnOrderLineNumber; two lines with one number make the return bad.
  const size_t n = o.lines.size();
  std::vector<size_t> perm(n);
  std::iota(perm.begin(), perm.end(), size_t{0});
  std::stable_sort(perm.begin(), perm.end(), [&](size_t a, size_t b) {
    return *d.lines_meta[a].line_number < *d.lines_meta[b].line_number;
  });
  for (size_t i = 1; i < n; ++i) {
    const detail::LineMeta& a = d.lines_meta[perm[i - 1]];
    const detail::LineMeta& b = d.lines_meta[perm[i]];
    if (*a.line_number == *b.line_number) {
      return bad(label + ": " + a.path + " and " + b.path + " both have returnOrderLineNumber " +
                 std::to_string(*a.line_number));
    }
  }
  std::vector<ReturnLineRow> lines;
  std::vector<ReturnChargeRow> charges;
  std::vector<ReturnTrackingRow> tracking;
  lines.reserve(n);
  for (size_t k : perm) {
    const detail::LineMeta& m = d.lines_meta[k];
    const auto number = static_cast<int32_t>(*m.line_number);
    ReturnLineRow line = std::move(o.lines[k]);
    line.return_order_line_number = number;
    for (const detail::LineGroup& g : d.groups) {
      if (std::find(g.line_numbers.begin(), g.line_numbers.end(), number) == g.line_numbers.end()) {
        continue;
      }
      line.group_no = g.group_no;
      line.carrier_name = g.carrier_name;
      line.tracking_no = g.tracking_no;
      line.label_url = g.label_url;
      break;
    }
    lines.push_back(std::move(line));
    for (size_t c = m.charge_begin; c < m.charge_end; ++c) {
      charges.push_back(std::move(o.charges[c]));
      charges.back().return_order_line_number = number;
    }
    for (size_t e = m.tracking_begin; e < m.tracking_end; ++e) {
      tracking.push_back(std::move(o.tracking[e]));
      tracking.back().return_order_line_number = number;
    }
  }
  o.lines = std::move(lines);
  o.charges = std::move(charges);
  o.tracking = std::move(tracking);
  o.return_order_id = *d.id;
  o.header.return_order_id = *d.id;
  o.header.status = derived_status(o.lines);
  o.header.last_event_at = d.newest;
  o.raw_json = std::string(raw);
  r.conversion_warnings += reader.warning_count();
  out.ok = std::move(o);
  r.returns.push_back(std::move(out));
}

ReturnMapper::ReturnMapper() : impl_(std::make_unique<Impl>()) {}
ReturnMapper::~ReturnMapper() = default;
ReturnMapper::ReturnMapper(ReturnMapper&&) noexcept = default;
ReturnMapper& ReturnMapper::operator=(ReturnMapper&&) noexcept = default;

ReturnParseResult ReturnMapper::parse_message(std::string_view bytes) {
  Impl& m = *impl_;
  m.load(bytes);
  ReturnParseResult r;
  if (m.run(false, r) == Outcome::restart) {
    // A key repeated somewhere: read the whole message again, letting the last occurrence win.
    r = ReturnParseResult{};
    if (m.run(true, r) == Outcome::restart) {
      set_bad(r, "internal error: duplicate-key restart loop");
    }
  }
  return r;
}

}  // namespace etl::returns

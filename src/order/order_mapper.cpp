#include "order/order_mapper.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <numeric>

#include "common/padded_buffer.hpp"
#include "order/field_reader.hpp"
#include "order/json_text.hpp"
#include "order/order_object_parser.hpp"
#include "order/order_row_fields.hpp"

namespace etl::order {

using detail::FieldReader;
using detail::LineMeta;
using detail::OrderDraft;
using detail::Step;
namespace od = simdjson::ondemand;

namespace {

enum class Outcome { ok, bad, restart };

Outcome set_bad(MessageParseResult& r, std::string reason,
                std::optional<int64_t> purchase_order_id = std::nullopt) {
  r.orders.clear();
  r.conversion_warnings = 0;
  r.bad = BadRecord{std::move(reason), purchase_order_id};
  return Outcome::bad;
}

// "order 123", "order 123 (array element [2])", "order at array element [2]", "order".
std::string order_label(int index, const std::optional<int64_t>& id) {
  std::string s = "order";
  if (id) s += " " + std::to_string(*id);
  if (index >= 0) {
    s += id ? " (array element [" : " at array element [";
    s += std::to_string(index);
    s += id ? "])" : "]";
  }
  return s;
}

std::string line_path(const LineMeta& m) {
  return m.in_array ? "orderLines.orderLine[" + std::to_string(m.json_index) + "]"
                    : std::string("orderLines.orderLine");
}

// What the message's first value is, for the reason of a message that is not an object or an
// array: a literal counts only when the whole word is there ("true", not "this is not JSON").
std::string first_value_kind(std::string_view rest) {
  auto literal = [&](std::string_view word) {
    return rest.starts_with(word) && (rest.size() == word.size() ||
                                      !std::isalnum(static_cast<unsigned char>(rest[word.size()])));
  };
  const char c = rest.front();
  if (c == '"') return "a string";
  if (literal("true") || literal("false")) return "a boolean";
  if (literal("null")) return "null";
  if (c == '-' || (c >= '0' && c <= '9')) return "a number";
  std::string shown;  // printable ASCII only: the reason is stored as utf8mb4 text
  for (char ch : rest.substr(0, 16)) {
    const auto u = static_cast<unsigned char>(ch);
    shown += u >= 0x20 && u < 0x7f ? ch : '?';
  }
  return "not JSON (it starts with \"" + shown + "\")";
}

}  // namespace

struct OrderMapper::Impl {
  od::parser parser;
  PaddedBuffer input{simdjson::SIMDJSON_PADDING};  // the message being mapped
  std::unique_ptr<char[]> scratch;                 // decoded strings of the order being read
  size_t scratch_capacity = 0;
  std::vector<LineMeta> lines_meta;
  std::vector<size_t> perm;
  FieldReader reader;

  void load(std::string_view bytes) {
    input.assign(bytes);
    // Decoded strings of one order never exceed its raw bytes; +64 for the normalised id.
    const size_t scratch_need = bytes.size() + 64;
    if (scratch_need > scratch_capacity) {
      scratch_capacity = std::max(scratch_need, scratch_capacity + scratch_capacity / 2);
      scratch = std::make_unique_for_overwrite<char[]>(scratch_capacity);
    }
  }

  Outcome run(bool last_wins, MessageParseResult& r);
  Outcome parse_one(od::document& doc, od::object& obj, const char* begin, int index, int depth,
                    MessageParseResult& r);
  const char* order_end(od::document& doc, const char* begin);
  Outcome finalize(ParsedOrder& o, OrderDraft& d, const char* begin, const char* end, int index,
                   MessageParseResult& r);
  Outcome trailing_check(od::document& doc, MessageParseResult& r);
};

Outcome OrderMapper::Impl::run(bool last_wins, MessageParseResult& r) {
  const char* buf = input.data();
  const size_t len = input.size();
  reader.begin_message(buf, last_wins);
  size_t b = 0;
  while (b < len && json_text::is_ws(buf[b])) ++b;
  if (b == len) return set_bad(r, "empty message: no JSON value");
  if (buf[b] != '{' && buf[b] != '[') {
    return set_bad(r, "message is " + first_value_kind(std::string_view(buf + b, len - b)) +
                          ", expected an order object or an array of order objects");
  }
  od::document doc;
  if (auto e = parser.iterate(buf, len, input.capacity()).get(doc)) {
    if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
      // Stage 1 checks that the last token closes the first one; say what that means here.
      return set_bad(r,
                     "invalid JSON: the message does not end with the bracket closing its "
                     "first one (truncated, or content after the JSON value)");
    }
    return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
  }
  if (buf[b] == '{') {
    od::object obj;
    if (auto e = doc.get_object().get(obj)) {
      return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
    }
    if (Outcome o = parse_one(doc, obj, buf + b, -1, 1, r); o != Outcome::ok) return o;
    return trailing_check(doc, r);
  }
  od::array arr;
  if (auto e = doc.get_array().get(arr)) {
    return set_bad(r, std::string("invalid JSON: ") + simdjson::error_message(e));
  }
  int index = 0;
  for (auto elem : arr) {
    od::value ev;
    if (auto e = std::move(elem).get(ev))
      return set_bad(r, (reader.fail_json(e), reader.failure()));
    detail::Token t;
    if (reader.token(ev, t) != Step::ok) return set_bad(r, reader.failure());
    if (t.kind != detail::Kind::object) {
      return set_bad(r, "array element [" + std::to_string(index) + "] is " +
                            detail::kind_name(t.kind) + ", expected an order object");
    }
    od::object obj;
    if (auto e = ev.get_object().get(obj))
      return set_bad(r, (reader.fail_json(e), reader.failure()));
    if (Outcome o = parse_one(doc, obj, t.text.data(), index, 2, r); o != Outcome::ok) return o;
    ++index;
  }
  return trailing_check(doc, r);
}

Outcome OrderMapper::Impl::trailing_check(od::document& doc, MessageParseResult& r) {
  const char* loc = nullptr;
  if (doc.current_location().get(loc) == simdjson::SUCCESS) {
    return set_bad(r, "invalid JSON: trailing content after the JSON value at byte " +
                          std::to_string(loc - input.data()));
  }
  return Outcome::ok;
}

Outcome OrderMapper::Impl::parse_one(od::document& doc, od::object& obj, const char* begin,
                                     int index, int depth, MessageParseResult& r) {
  ParsedOrder order;
  lines_meta.clear();
  OrderDraft d;
  d.out = &order;
  d.lines_meta = &lines_meta;
  reader.begin_order(&order.warnings, scratch.get(), scratch_capacity);
  const Step s = detail::parse_order_object(reader, obj, depth, d);
  if (s == Step::restart) return Outcome::restart;
  if (s == Step::fail) {
    return set_bad(r, reader.failure(), d.po_id);
  }
  const char* end = order_end(doc, begin);
  if (end == nullptr)
    return set_bad(r, "internal error: could not delimit " + order_label(index, d.po_id));
  return finalize(order, d, begin, end, index, r);
}

// The order object ends before the next token (',' or ']' or trailing content) or at the end of
// the input; only whitespace lies between.
const char* OrderMapper::Impl::order_end(od::document& doc, const char* begin) {
  const char* loc = nullptr;
  const char* p = input.data() + input.size();
  if (doc.current_location().get(loc) == simdjson::SUCCESS && loc >= begin && loc <= p) p = loc;
  while (p > begin && json_text::is_ws(p[-1])) --p;
  if (p <= begin || p[-1] != '}') return nullptr;
  return p;
}

Outcome OrderMapper::Impl::finalize(ParsedOrder& o, OrderDraft& d, const char* begin,
                                    const char* end, int index, MessageParseResult& r) {
  // 1. Identifiers and line structure (bad records).
  if (!d.po_seen) return set_bad(r, order_label(index, {}) + ": purchaseOrderId: is missing");
  if (!d.po_id) return set_bad(r, order_label(index, {}) + ": purchaseOrderId: " + d.po_problem);
  const int64_t id = *d.po_id;
  const std::string label = order_label(index, d.po_id);
  if (!d.structure_problem.empty()) {
    return set_bad(r, label + ": " + d.structure_problem, id);
  }
  for (const LineMeta& m : lines_meta) {
    if (!m.problem.empty()) return set_bad(r, label + ": " + m.problem, id);
  }
  char* id_text = reader.scratch_alloc(20);
  if (id_text == nullptr) return set_bad(r, "internal error: order scratch buffer exhausted");
  const auto id_end = std::to_chars(id_text, id_text + 20, id).ptr;
  o.purchase_order_id = id;
  o.purchase_order_id_text = std::string_view(id_text, static_cast<size_t>(id_end - id_text));

  // 2. Lines sorted by lineNumber (usually already are); two lines with one number are bad.
  const size_t n = o.lines.size();
  bool sorted = true;
  for (size_t i = 1; i < n; ++i) {
    if (*lines_meta[i].line_number <= *lines_meta[i - 1].line_number) sorted = false;
  }
  if (!sorted) {
    perm.resize(n);
    std::iota(perm.begin(), perm.end(), size_t{0});
    std::stable_sort(perm.begin(), perm.end(), [&](size_t a, size_t b) {
      return *lines_meta[a].line_number < *lines_meta[b].line_number;
    });
    for (size_t i = 1; i < n; ++i) {
      const LineMeta& a = lines_meta[perm[i - 1]];
      const LineMeta& b = lines_meta[perm[i]];
      if (*a.line_number == *b.line_number) {
        return set_bad(r,
                       label + ": " + line_path(a) + " and " + line_path(b) +
                           " both have lineNumber " + std::to_string(*a.line_number),
                       id);
      }
    }
    std::vector<OrderLineRow> lines;
    std::vector<ChargeRow> charges;
    std::vector<LineMeta> meta;
    lines.reserve(n);
    charges.reserve(o.charges.size());
    meta.reserve(n);
    for (size_t k : perm) {
      lines.push_back(std::move(o.lines[k]));
      LineMeta m = lines_meta[k];
      const size_t begin_new = charges.size();
      for (size_t c = m.charge_begin; c < m.charge_end; ++c) charges.push_back(o.charges[c]);
      m.charge_begin = begin_new;
      m.charge_end = charges.size();
      meta.push_back(std::move(m));
    }
    o.lines = std::move(lines);
    o.charges = std::move(charges);
    lines_meta = std::move(meta);
  }

  // 3. Order-level columns on every line; keys on every charge.
  for (size_t i = 0; i < n; ++i) {
    OrderLineRow& row = o.lines[i];
    copy_order_level_columns(d.header, row);
    row.purchase_order_id = id;
    row.line_number = static_cast<int32_t>(*lines_meta[i].line_number);
    for (size_t c = lines_meta[i].charge_begin; c < lines_meta[i].charge_end; ++c) {
      o.charges[c].purchase_order_id = id;
      o.charges[c].line_number = row.line_number;
    }
  }
  o.request_time = d.header.request_time;

  // 4. One arena per order: [raw order JSON | decoded strings]. Every view is relocated into it.
  const size_t raw_len = static_cast<size_t>(end - begin);
  const size_t extra = reader.scratch_used();
  const char* scratch_begin = reader.scratch();
  o.arena_size = raw_len + extra;
  o.arena_used = o.arena_size;
  o.arena = std::make_unique_for_overwrite<char[]>(o.arena_size);
  char* arena = o.arena.get();
  std::memcpy(arena, begin, raw_len);
  if (extra != 0) std::memcpy(arena + raw_len, scratch_begin, extra);
  bool stray = false;
  auto relocate = [&](std::string_view& t) {
    const char* p = t.data();
    if (p >= begin && p + t.size() <= end) {
      t = std::string_view(arena + (p - begin), t.size());
    } else if (p >= scratch_begin && p + t.size() <= scratch_begin + extra) {
      t = std::string_view(arena + raw_len + (p - scratch_begin), t.size());
    } else {
      stray = true;  // a bug: a view outside the order's bytes
    }
  };
  auto relocate_opt = [&](OptText& t) {
    if (t) relocate(*t);
  };
  for (OrderLineRow& row : o.lines) for_each_text_column(row, relocate_opt);
  for (ChargeRow& c : o.charges) for_each_text_column_of_charge(c, relocate_opt);
  relocate(o.purchase_order_id_text);
  o.raw_json = std::string_view(arena, raw_len);
  if (stray) return set_bad(r, "internal error: a text view outside " + label, id);

  r.conversion_warnings += reader.warning_count();
  r.orders.push_back(std::move(o));
  return Outcome::ok;
}

OrderMapper::OrderMapper() : impl_(std::make_unique<Impl>()) {}
OrderMapper::~OrderMapper() = default;
OrderMapper::OrderMapper(OrderMapper&&) noexcept = default;
OrderMapper& OrderMapper::operator=(OrderMapper&&) noexcept = default;

MessageParseResult OrderMapper::parse_message(std::string_view bytes) {
  Impl& m = *impl_;
  m.load(bytes);
  MessageParseResult r;
  if (m.run(false, r) == Outcome::restart) {
    // A key repeated somewhere: read the whole message again, letting the last occurrence win.
    r = MessageParseResult{};
    if (m.run(true, r) == Outcome::restart)
      set_bad(r, "internal error: duplicate-key restart loop");
  }
  return r;
}

}  // namespace etl::order

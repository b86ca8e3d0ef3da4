#include "order/field_reader.hpp"

#include <fmt/format.h>

#include "common/utc_time.hpp"
#include "order/value_conversions.hpp"

namespace etl::order::detail {

namespace {

// A value quoted for a warning or a reason, cut to 60 bytes on a code-point boundary.
std::string show(const Token& t, std::string_view text) {
  constexpr size_t kMax = 60;
  const size_t n = prefix_bytes_on_boundary(text, kMax);
  std::string s;
  if (t.kind == Kind::string) s += '"';
  s.append(text.substr(0, n));
  if (n < text.size()) s += "...";
  if (t.kind == Kind::string) s += '"';
  return s;
}

const char* problem_text(ConversionProblem p) noexcept {
  switch (p) {
    case ConversionProblem::not_integer:
      return "not an integer";
    case ConversionProblem::not_number:
      return "not a number";
    case ConversionProblem::out_of_range:
      return "out of range";
    case ConversionProblem::none:
      break;
  }
  return "ok";
}

// Earliest DATETIME value (1000-01-01 00:00:00 UTC) as epoch seconds.
const int64_t kMinDatetimeSeconds = etl::days_from_civil(1000, 1, 1) * 86400;

}  // namespace

std::string render_path(const PathSeg& p) {
  const PathSeg* chain[64];
  size_t n = 0;
  for (const PathSeg* s = &p; s != nullptr && n < 64; s = s->parent) chain[n++] = s;
  std::string out;
  for (size_t i = n; i-- > 0;) {
    const PathSeg& s = *chain[i];
    if (!s.name.empty()) {
      if (!out.empty()) out += '.';
      out.append(s.name);
    }
    if (s.index >= 0) fmt::format_to(std::back_inserter(out), "[{}]", s.index);
  }
  return out.empty() ? std::string("(order)") : out;
}

const char* kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::string:
      return "a string";
    case Kind::number:
      return "a number";
    case Kind::true_value:
    case Kind::false_value:
      return "a boolean";
    case Kind::null:
      return "null";
    case Kind::object:
      return "an object";
    case Kind::array:
      return "an array";
  }
  return "a value";
}

Step FieldReader::fail(std::string reason) {
  failure_ = std::move(reason);
  return Step::fail;
}

Step FieldReader::fail_json(simdjson::error_code e) {
  const char* at = last_token_ != nullptr ? last_token_ : message_begin_;
  return fail(fmt::format("invalid JSON near byte {}: {}", at - message_begin_,
                          simdjson::error_message(e)));
}

void FieldReader::warn(const PathSeg& p, std::string detail) {
  ++warning_count_;
  if (warning_count_ <= kMaxRecordedWarnings) {
    warnings_->push_back({render_path(p), std::move(detail)});
  } else if (warning_count_ == kMaxRecordedWarnings + 1) {
    warnings_->push_back({"(order)", "further conversion warnings of this order not recorded"});
  }
}

Step FieldReader::token(od::value& v, Token& t) {
  const std::string_view raw = json_text::trim_ws_right(v.raw_json_token());
  last_token_ = raw.data();
  if (raw.empty()) return fail_json(simdjson::TAPE_ERROR);
  switch (raw[0]) {
    case '"':
      if (raw.size() < 2 || raw.back() != '"') return fail_json(simdjson::STRING_ERROR);
      t = {Kind::string, raw.substr(1, raw.size() - 2)};
      return Step::ok;
    case '{':
      t = {Kind::object, raw.substr(0, 1)};
      return Step::ok;
    case '[':
      t = {Kind::array, raw.substr(0, 1)};
      return Step::ok;
    case 't':
      if (raw != "true") return fail_json(simdjson::T_ATOM_ERROR);
      t = {Kind::true_value, raw};
      return Step::ok;
    case 'f':
      if (raw != "false") return fail_json(simdjson::F_ATOM_ERROR);
      t = {Kind::false_value, raw};
      return Step::ok;
    case 'n':
      if (raw != "null") return fail_json(simdjson::N_ATOM_ERROR);
      t = {Kind::null, raw};
      return Step::ok;
    default:
      if (!json_text::is_number(raw)) return fail_json(simdjson::NUMBER_ERROR);
      t = {Kind::number, raw};
      return Step::ok;
  }
}

Step FieldReader::read_key(od::field& f, const char* value_start, std::string_view& key) {
  const char* b = f.key().raw();
  last_token_ = b;
  const char* e = value_start;
  while (e > b && json_text::is_ws(e[-1])) --e;  // blanks after ':'
  if (e > b && e[-1] == ':') --e;
  while (e > b && json_text::is_ws(e[-1])) --e;  // blanks before ':'
  if (e <= b || e[-1] != '"') return fail_json(simdjson::TAPE_ERROR);
  const std::string_view raw(b, static_cast<size_t>(e - 1 - b));
  if (!json_text::has_backslash(raw)) {
    key = raw;
    return Step::ok;
  }
  if (raw.size() <= sizeof key_buf_) {
    const auto n = json_text::unescape(raw, key_buf_);
    if (!n) return fail_json(simdjson::STRING_ERROR);
    key = std::string_view(key_buf_, *n);
    return Step::ok;
  }
  // Longer than any known key could be even fully escaped: validate only, match nothing.
  if (!json_text::escapes_valid(raw)) return fail_json(simdjson::STRING_ERROR);
  key = std::string_view();
  return Step::ok;
}

Step FieldReader::walk(od::value& v, int depth) {
  Token t;
  if (Step s = token(v, t); s != Step::ok) return s;
  switch (t.kind) {
    case Kind::string:
      if (json_text::has_backslash(t.text) && !json_text::escapes_valid(t.text)) {
        return fail_json(simdjson::STRING_ERROR);
      }
      return Step::ok;
    case Kind::object: {
      if (depth > kMaxNestingDepth) {
        return fail(fmt::format("JSON nested deeper than {} levels", kMaxNestingDepth));
      }
      od::object o;
      if (auto e = v.get_object().get(o)) return fail_json(e);
      for (auto f : o) {
        od::field fl;
        if (auto e = std::move(f).get(fl)) return fail_json(e);
        od::value& fv = fl.value();
        std::string_view key;
        if (Step s = read_key(fl, fv.raw_json_token().data(), key); s != Step::ok) return s;
        if (Step s = walk(fv, depth + 1); s != Step::ok) return s;
      }
      return Step::ok;
    }
    case Kind::array: {
      if (depth > kMaxNestingDepth) {
        return fail(fmt::format("JSON nested deeper than {} levels", kMaxNestingDepth));
      }
      od::array a;
      if (auto e = v.get_array().get(a)) return fail_json(e);
      for (auto elem : a) {
        od::value ev;
        if (auto e = std::move(elem).get(ev)) return fail_json(e);
        if (Step s = walk(ev, depth + 1); s != Step::ok) return s;
      }
      return Step::ok;
    }
    default:
      return Step::ok;  // numbers and literals were validated by token()
  }
}

Step FieldReader::string_content(const Token& t, std::string_view& out) {
  if (!json_text::has_backslash(t.text)) {
    out = t.text;
    return Step::ok;
  }
  // Decoding never grows the text, so scratch (sized from the message) always has room.
  char* dst = scratch_alloc(t.text.size());
  if (dst == nullptr) return fail("internal error: order scratch buffer exhausted");
  const auto n = json_text::unescape(t.text, dst);
  if (!n) return fail_json(simdjson::STRING_ERROR);
  scratch_used_ -= t.text.size() - *n;  // give back what decoding saved
  out = std::string_view(dst, *n);
  return Step::ok;
}

void FieldReader::put_text(const PathSeg& p, std::string_view s, size_t limit, bool limit_in_bytes,
                           OptText& out) {
  const size_t n =
      limit_in_bytes ? prefix_bytes_on_boundary(s, limit) : prefix_bytes_for_code_points(s, limit);
  if (n < s.size()) {
    if (limit_in_bytes) {
      warn(p, fmt::format("cut to {} bytes (was {} bytes)", n, s.size()));
    } else {
      warn(p, fmt::format("cut to {} characters (was {})", limit, count_code_points(s)));
    }
    s = s.substr(0, n);
  }
  out = s;
}

Step FieldReader::text(od::value& v, const PathSeg& p, size_t max_chars, OptText& out) {
  return limited_text(v, p, max_chars, false, out);
}

Step FieldReader::text_max_bytes(od::value& v, const PathSeg& p, size_t max_bytes, OptText& out) {
  return limited_text(v, p, max_bytes, true, out);
}

Step FieldReader::limited_text(od::value& v, const PathSeg& p, size_t limit, bool limit_in_bytes,
                               OptText& out) {
  Token t;
  if (Step s = token(v, t); s != Step::ok) return s;
  switch (t.kind) {
    case Kind::null:
      out.reset();
      return Step::ok;
    case Kind::object:
    case Kind::array:
      out.reset();
      warn(p, std::string("expected a string, found ") + kind_name(t.kind));
      return walk(v, p.depth);
    case Kind::string: {
      std::string_view s;
      if (Step st = string_content(t, s); st != Step::ok) return st;
      put_text(p, s, limit, limit_in_bytes, out);
      return Step::ok;
    }
    default:  // numbers with their own text, true/false as text
      put_text(p, t.text, limit, limit_in_bytes, out);
      return Step::ok;
  }
}

Step FieldReader::identifier(od::value& v, const PathSeg& p, IntWidth w,
                             std::optional<int64_t>& out, std::string& problem) {
  out.reset();
  problem.clear();
  Token t;
  if (Step s = token(v, t); s != Step::ok) return s;
  IntConversion c;
  std::string_view text = t.text;
  const size_t mark = scratch_used_;
  switch (t.kind) {
    case Kind::null:
      return Step::ok;  // NULL: no value and no problem
    case Kind::object:
    case Kind::array:
    case Kind::true_value:
    case Kind::false_value:
      problem = std::string("expected an integer, found ") + kind_name(t.kind);
      return t.kind == Kind::object || t.kind == Kind::array ? walk(v, p.depth) : Step::ok;
    case Kind::number:
      c = integer_from_json_number(text);
      break;
    case Kind::string:
      if (Step s = string_content(t, text); s != Step::ok) return s;
      c = integer_from_string(text);
      break;
  }
  scratch_used_ = mark;  // a decoded copy is not kept
  if (w == IntWidth::int32) c = narrow_to_int32(c);
  if (c.problem != ConversionProblem::none) {
    problem = fmt::format("{} ({}): {}", problem_text(c.problem),
                          w == IntWidth::int32 ? "INT" : "BIGINT", show(t, t.text));
    return Step::ok;
  }
  out = c.value;
  return Step::ok;
}

Step FieldReader::integer(od::value& v, const PathSeg& p, IntWidth w, OptInt& out) {
  std::optional<int64_t> value;
  std::string problem;
  if (Step s = identifier(v, p, w, value, problem); s != Step::ok) return s;
  out = value;
  if (!problem.empty()) warn(p, std::move(problem));
  return Step::ok;
}

Step FieldReader::decimal(od::value& v, const PathSeg& p, OptCents& out) {
  out.reset();
  Token t;
  if (Step s = token(v, t); s != Step::ok) return s;
  DecimalConversion c;
  std::string_view text = t.text;
  const size_t mark = scratch_used_;
  switch (t.kind) {
    case Kind::null:
      return Step::ok;
    case Kind::object:
    case Kind::array:
      warn(p, std::string("expected a decimal number, found ") + kind_name(t.kind));
      return walk(v, p.depth);
    case Kind::true_value:
    case Kind::false_value:
      warn(p, std::string("expected a decimal number, found ") + kind_name(t.kind));
      return Step::ok;
    case Kind::number:
      c = cents_from_json_number(text);
      break;
    case Kind::string:
      if (Step s = string_content(t, text); s != Step::ok) return s;
      c = cents_from_string(text);
      break;
  }
  scratch_used_ = mark;
  if (c.problem != ConversionProblem::none) {
    warn(p, fmt::format("{} (DECIMAL(10,2)): {}", problem_text(c.problem), show(t, t.text)));
    return Step::ok;
  }
  out = c.cents;
  return Step::ok;
}

Step FieldReader::epoch_ms(od::value& v, const PathSeg& p, OptInt& raw,
                           OptEpochSeconds& formatted) {
  if (Step s = integer(v, p, IntWidth::bigint, raw); s != Step::ok) return s;
  formatted.reset();
  if (!raw || *raw == 0) return Step::ok;  // 0 is "no date": NULL without a warning
  formatted = timestamp_seconds_from_epoch_ms(*raw);
  if (!formatted) {
    warn(p, fmt::format("_formatted is NULL: {} ms is outside the TIMESTAMP range "
                        "1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC",
                        *raw));
  }
  return Step::ok;
}

Step FieldReader::datetime(od::value& v, const PathSeg& p, OptEpochSeconds& out) {
  out.reset();
  Token t;
  if (Step s = token(v, t); s != Step::ok) return s;
  switch (t.kind) {
    case Kind::null:
      return Step::ok;
    case Kind::string: {
      std::string_view s;
      const size_t mark = scratch_used_;
      if (Step st = string_content(t, s); st != Step::ok) return st;
      out = etl::parse_sql_datetime(s);
      scratch_used_ = mark;
      if (out && *out < kMinDatetimeSeconds) out.reset();
      if (!out) warn(p, "not a \"YYYY-MM-DD HH:MM:SS\" datetime: " + show(t, t.text));
      return Step::ok;
    }
    case Kind::object:
    case Kind::array:
      warn(p, std::string("expected a datetime string, found ") + kind_name(t.kind));
      return walk(v, p.depth);
    default:
      warn(p, std::string("expected a datetime string, found ") + kind_name(t.kind));
      return Step::ok;
  }
}

}  // namespace etl::order::detail

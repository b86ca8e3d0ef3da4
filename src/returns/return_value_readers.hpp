#pragma once
// The value readers every object of a return uses (return_value_readers.cpp): text cut to its
// column, date-times, flags, money and measures, lists and their object elements. Internal to
// the return object parser (return_object_parser.hpp).

#include <cstddef>
#include <string>

#include "order/message_format.hpp"
#include "order/value_conversions.hpp"
#include "returns/return_object_parser.hpp"

namespace etl::returns::detail {

using order::detail::IntWidth;
using order::detail::Kind;
using order::detail::kind_name;
using order::detail::render_path;
using order::detail::Token;

constexpr size_t kTextMaxBytes = 65'535;

Step text(FieldReader& r, od::value& v, const PathSeg& p, size_t max_chars, OptText& out);

// Text of up to kTextMaxBytes bytes.
Step long_text(FieldReader& r, od::value& v, const PathSeg& p, OptText& out);

// A date-time (return_values.hpp: ISO 8601 in any of its documented forms, or epoch ms); with
// d, the instant counts for the return's version (ReturnDraft::newest).
Step instant(FieldReader& r, od::value& v, const PathSeg& p, OptMs& out, ReturnDraft* d);

Step flag(FieldReader& r, od::value& v, const PathSeg& p, OptBool& out);

// {currencyAmount, currencyUnit}: the amount exactly, to the cent.
Step money(FieldReader& r, od::value& v, const PathSeg& p, OptCents& amount, OptText* currency);

// {measurementValue, unitOfMeasure}: the value to two decimals (quantities, weights).
Step measure(FieldReader& r, od::value& v, const PathSeg& p, OptCents& value, OptText& unit);

// A list (a single object counts as a one-element list); null is an empty list; anything else
// warns. h(element, path, index) sees every element.
template <class H>
Step list_of(FieldReader& r, od::value& v, const PathSeg& p, const char* what, H&& h) {
  Token t;
  if (Step s = r.token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;
  if (t.kind != Kind::object && t.kind != Kind::array) {
    r.warn(p, std::string("expected a list of ") + what + ", found " + kind_name(t.kind));
    return Step::ok;
  }
  return r.list(v, t, p, h);
}

// An element of a list that must be an object: null is skipped, anything else warns.
// Returns true (with s = ok) when the caller should read the object.
bool element_is_object(FieldReader& r, od::value& v, const PathSeg& p, const char* what, Step& s);

}  // namespace etl::returns::detail

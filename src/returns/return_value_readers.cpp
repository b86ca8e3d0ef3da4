// The value readers every object of a return uses (return_value_readers.hpp).
#include "returns/return_value_readers.hpp"

#include <array>
#include <string>
#include <string_view>

#include "returns/return_values.hpp"

namespace etl::returns::detail {

namespace {

// Longest text read for a date-time or a flag before it is interpreted.
constexpr size_t kShortTextChars = 64;

std::string shown(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 64));
  if (s.size() > 64) out += "...";
  out += '"';
  return out;
}

void note_instant(ReturnDraft& d, const OptMs& at) {
  if (at && (!d.newest || *at > *d.newest)) d.newest = at;
}

enum MoneyKey { kCurrencyAmount, kCurrencyUnit };
constexpr std::array<std::string_view, 2> kMoneyKeys{"currencyAmount", "currencyUnit"};

enum MeasureKey { kMeasurementValue, kUnitOfMeasure };
constexpr std::array<std::string_view, 2> kMeasureKeys{"measurementValue", "unitOfMeasure"};

}  // namespace

Step text(FieldReader& r, od::value& v, const PathSeg& p, size_t max_chars, OptText& out) {
  order::OptText t;
  if (Step s = r.text(v, p, max_chars, t); s != Step::ok) return s;
  if (t) {
    out.emplace(*t);
  } else {
    out.reset();
  }
  return Step::ok;
}

Step long_text(FieldReader& r, od::value& v, const PathSeg& p, OptText& out) {
  order::OptText t;
  if (Step s = r.text_max_bytes(v, p, kTextMaxBytes, t); s != Step::ok) return s;
  if (t) {
    out.emplace(*t);
  } else {
    out.reset();
  }
  return Step::ok;
}

// A date-time (return_values.hpp: ISO 8601 in any of its documented forms, or epoch ms).
Step instant(FieldReader& r, od::value& v, const PathSeg& p, OptMs& out, ReturnDraft* d) {
  order::OptText t;
  out.reset();
  if (Step s = r.text(v, p, kShortTextChars, t); s != Step::ok) return s;
  if (!t) return Step::ok;
  out = instant_ms_from_text(*t);
  if (!out) {
    r.warn(p, "not an ISO 8601 date-time or epoch milliseconds: " + shown(*t));
  } else if (d != nullptr) {
    note_instant(*d, out);
  }
  return Step::ok;
}

Step flag(FieldReader& r, od::value& v, const PathSeg& p, OptBool& out) {
  order::OptText t;
  out.reset();
  if (Step s = r.text(v, p, kShortTextChars, t); s != Step::ok) return s;
  if (!t) return Step::ok;
  out = flag_from_text(*t);
  if (!out) r.warn(p, "not a boolean: " + shown(*t));
  return Step::ok;
}

// {currencyAmount, currencyUnit}: the amount exactly, to the cent.
Step money(FieldReader& r, od::value& v, const PathSeg& p, OptCents& amount, OptText* currency) {
  return r.object(v, p, kMoneyKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kMoneyKeys[static_cast<size_t>(k)]);
    if (k == kCurrencyAmount) return r.decimal(fv, fp, amount);
    if (currency == nullptr) return r.walk(fv, fp.depth);
    return text(r, fv, fp, width::currency, *currency);
  });
}

// {measurementValue, unitOfMeasure}: the value to two decimals (quantities, weights).
Step measure(FieldReader& r, od::value& v, const PathSeg& p, OptCents& value, OptText& unit) {
  return r.object(v, p, kMeasureKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kMeasureKeys[static_cast<size_t>(k)]);
    if (k == kMeasurementValue) return r.decimal(fv, fp, value);
    return text(r, fv, fp, width::unit, unit);
  });
}

// An element of a list that must be an object: null is skipped, anything else warns.
// Returns true (with s = ok) when the caller should read the object.
bool element_is_object(FieldReader& r, od::value& v, const PathSeg& p, const char* what, Step& s) {
  Token t;
  s = r.token(v, t);
  if (s != Step::ok || t.kind == Kind::null) return false;
  if (t.kind != Kind::object) {
    r.warn(p, std::string("expected ") + what + " object, found " + kind_name(t.kind));
    s = r.walk(v, p.depth);
    return false;
  }
  return true;
}

}  // namespace etl::returns::detail

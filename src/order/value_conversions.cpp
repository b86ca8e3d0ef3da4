#include "order/value_conversions.hpp"

#include <limits>

namespace etl::order {

namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Parses [-]digits (at least one digit, nothing else) into int64 with overflow detection.
IntConversion parse_signed_digits(std::string_view s) noexcept {
  IntConversion r;
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  if (i == s.size()) return {0, ConversionProblem::not_integer};
  // Magnitude limit: 9223372036854775807, or ...808 when negative.
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t acc = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return {0, ConversionProblem::not_integer};
    const auto d = static_cast<uint64_t>(s[i] - '0');
    if (acc > (limit - d) / 10) overflow = true;  // keep scanning: "9...9x" is not_integer
    if (!overflow) acc = acc * 10 + d;
  }
  if (overflow) return {0, ConversionProblem::out_of_range};
  r.value = negative ? static_cast<int64_t>(0 - acc) : static_cast<int64_t>(acc);
  return r;
}

std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A decimal literal split into its parts. digits_* point into the source text.
struct DecimalParts {
  bool negative = false;
  std::string_view int_digits;
  std::string_view frac_digits;
  int64_t exponent = 0;  // saturated to +-1e12, far beyond any meaningful scale
};

// Grammar: [+-]? (digits (. digits*)? | . digits) ([eE] [+-]? digits)?
bool split_decimal(std::string_view s, bool allow_plus, DecimalParts& p) noexcept {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && (s[i] == '-' || (allow_plus && s[i] == '+'))) {
    p.negative = s[i] == '-';
    ++i;
  }
  const size_t int_start = i;
  while (i < n && is_digit(s[i])) ++i;
  p.int_digits = s.substr(int_start, i - int_start);
  if (i < n && s[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (i < n && is_digit(s[i])) ++i;
    p.frac_digits = s.substr(frac_start, i - frac_start);
  }
  if (p.int_digits.empty() && p.frac_digits.empty()) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    const size_t exp_start = i;
    int64_t e = 0;
    while (i < n && is_digit(s[i])) {
      if (e < 1'000'000'000'000) e = e * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_start) return false;
    p.exponent = exp_negative ? -e : e;
  }
  return i == n;
}

// Exact rounding of digits x 10^exponent to hundredths, half away from zero.
DecimalConversion round_to_cents(const DecimalParts& p) noexcept {
  // The significant digits are D = int_digits ++ frac_digits; the value is 0.D x 10^point where
  // point = len(int_digits) + exponent (the number of digits before the decimal point).
  auto digit_at = [&](size_t k) -> char {  // k-th digit of D
    return k < p.int_digits.size() ? p.int_digits[k] : p.frac_digits[k - p.int_digits.size()];
  };
  const size_t total = p.int_digits.size() + p.frac_digits.size();
  size_t first = 0;  // skip leading zeros
  while (first < total && digit_at(first) == '0') ++first;
  if (first == total) return {0, ConversionProblem::none};  // zero, whatever the exponent
  // After dropping `first` leading zeros: point' = point - first.
  const int64_t point =
      static_cast<int64_t>(p.int_digits.size()) + p.exponent - static_cast<int64_t>(first);
  // The cents integer has point' + 2 digits (the first one non-zero).
  const int64_t cent_digits = point + 2;
  if (cent_digits > 10) return {0, ConversionProblem::out_of_range};  // >= 10^10 cents
  int64_t cents = 0;
  char round_digit = '0';
  if (cent_digits < 0) {
    cents = 0;  // below half a cent
  } else {
    for (int64_t k = 0; k < cent_digits; ++k) {
      const size_t idx = first + static_cast<size_t>(k);
      cents = cents * 10 + (idx < total ? digit_at(idx) - '0' : 0);
    }
    const size_t round_idx = first + static_cast<size_t>(cent_digits);
    if (round_idx < total) round_digit = digit_at(round_idx);
  }
  if (round_digit >= '5') ++cents;  // the first dropped digit decides half away from zero
  if (cents > kMaxDecimal10_2Cents) return {0, ConversionProblem::out_of_range};
  return {p.negative ? -cents : cents, ConversionProblem::none};
}

}  // namespace

IntConversion integer_from_json_number(std::string_view number) noexcept {
  for (char c : number) {
    if (c == '.' || c == 'e' || c == 'E') return {0, ConversionProblem::not_integer};
  }
  return parse_signed_digits(number);
}

IntConversion integer_from_string(std::string_view s) noexcept {
  return parse_signed_digits(trim_spaces(s));
}

IntConversion narrow_to_int32(IntConversion v) noexcept {
  if (v.problem != ConversionProblem::none) return v;
  if (v.value < std::numeric_limits<int32_t>::min() ||
      v.value > std::numeric_limits<int32_t>::max()) {
    return {0, ConversionProblem::out_of_range};
  }
  return v;
}

DecimalConversion cents_from_json_number(std::string_view number) noexcept {
  DecimalParts p;
  if (!split_decimal(number, false, p)) return {0, ConversionProblem::not_number};
  return round_to_cents(p);
}

DecimalConversion cents_from_string(std::string_view s) noexcept {
  DecimalParts p;
  if (!split_decimal(trim_spaces(s), true, p)) return {0, ConversionProblem::not_number};
  return round_to_cents(p);
}

size_t prefix_bytes_for_code_points(std::string_view s, size_t max_chars) noexcept {
  if (s.size() <= max_chars) return s.size();  // bytes >= code points: nothing to cut
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {  // a code point starts here
      if (chars == max_chars) return i;
      ++chars;
    }
  }
  return s.size();
}

size_t count_code_points(std::string_view s) noexcept {
  size_t chars = 0;
  for (char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return chars;
}

size_t prefix_bytes_on_boundary(std::string_view s, size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s.size();
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

std::optional<int64_t> timestamp_seconds_from_epoch_ms(int64_t ms) noexcept {
  // Floor division (negative values round toward -infinity).
  int64_t secs = ms / 1000;
  if (ms % 1000 != 0 && ms < 0) --secs;
  if (secs < kMinTimestampSeconds || secs > kMaxTimestampSeconds) return std::nullopt;
  return secs;
}

}  // namespace etl::order

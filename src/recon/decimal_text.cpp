#include "recon/decimal_text.hpp"

namespace etl::recon {

namespace {

// At most 18 significant digits once scaled (integer digits + scale): below int64's 9.2e18, so
// the accumulation below cannot overflow.
constexpr size_t kMaxScaledDigits = 18;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<int64_t> fail(std::string* why, const char* reason) {
  if (why != nullptr) *why = reason;
  return std::nullopt;
}

// The integer part with optional thousands separators: "1234", "1,234", "12,345,678".
bool read_integer_part(std::string_view s, std::string& digits) {
  if (s.empty()) return true;  // ".5"
  if (s.find(',') == std::string_view::npos) {
    for (char c : s) {
      if (!is_digit(c)) return false;
      digits += c;
    }
    return true;
  }
  // Groups: the first of 1-3 digits, every later one exactly 3.
  size_t pos = 0;
  bool first = true;
  while (pos <= s.size()) {
    const size_t comma = s.find(',', pos);
    const std::string_view group =
        s.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (group.empty() || group.size() > 3 || (!first && group.size() != 3)) return false;
    for (char c : group) {
      if (!is_digit(c)) return false;
      digits += c;
    }
    first = false;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_scaled_decimal(std::string_view text, int scale, std::string* why) {
  if (scale < 0 || scale > 6) return fail(why, "unsupported scale");
  std::string_view s = trim(text);
  if (s.empty()) return fail(why, "empty");
  bool negative = false;
  if (s.front() == '(') {
    if (s.back() != ')') return fail(why, "unbalanced parenthesis");
    negative = true;
    s = trim(s.substr(1, s.size() - 2));
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
      return fail(why, "a sign inside parentheses");
    }
  } else if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (!s.empty() && s.front() == '$') s.remove_prefix(1);
  if (s.empty()) return fail(why, "no digits");
  const size_t dot = s.find('.');
  const std::string_view int_part = s.substr(0, dot);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (dot != std::string_view::npos &&
      frac_part.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail(why, "not a decimal number");
  }
  std::string digits;
  if (!read_integer_part(int_part, digits)) return fail(why, "not a decimal number");
  if (digits.empty() && frac_part.empty()) return fail(why, "no digits");
  // Leading zeros do not count towards the size limit.
  const size_t significant = digits.find_first_not_of('0');
  if (significant != std::string::npos &&
      digits.size() - significant + static_cast<size_t>(scale) > kMaxScaledDigits) {
    return fail(why, "too large");
  }
  int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  for (size_t i = 0; i < frac_part.size(); ++i) {
    if (static_cast<int>(i) < scale) {
      value = value * 10 + (frac_part[i] - '0');
    } else if (frac_part[i] != '0') {
      return fail(why, "more fraction digits than the column holds");
    }
  }
  for (auto i = static_cast<int>(frac_part.size()); i < scale; ++i) value *= 10;
  return negative ? -value : value;
}

std::string format_scaled_decimal(int64_t value, int scale) {
  const bool negative = value < 0;
  // Negate as unsigned: -INT64_MIN does not fit in int64.
  uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

std::optional<int64_t> parse_whole_number(std::string_view text, std::string* why) {
  std::string_view s = trim(text);
  if (s.empty()) return fail(why, "empty");
  const size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of('0') != std::string_view::npos) {
      return fail(why, "not a whole number");
    }
    s = s.substr(0, dot);
    if (s.empty()) return fail(why, "not a whole number");
  }
  const size_t significant = s.find_first_not_of('0');
  if (significant != std::string_view::npos && s.size() - significant > kMaxScaledDigits) {
    return fail(why, "too large");
  }
  int64_t value = 0;
  for (char c : s) {
    if (!is_digit(c)) return fail(why, "not a whole number");
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace etl::recon

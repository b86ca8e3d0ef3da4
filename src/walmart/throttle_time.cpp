#include "walmart/throttle_time.hpp"

#include <array>
#include <cctype>

#include "common/utc_time.hpp"

namespace etl::walmart {

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// "123" or "123.456" -> (integer part, fraction in ms); nullopt if not a plain number.
struct Number {
  int64_t whole = 0;
  int64_t frac_ms = 0;
  size_t digits = 0;
};
std::optional<Number> parse_number(std::string_view s) noexcept {
  Number n;
  size_t i = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    if (n.digits >= 18) return std::nullopt;
    n.whole = n.whole * 10 + (s[i] - '0');
    ++n.digits;
  }
  if (n.digits == 0) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    ++i;
    int64_t scale = 100;
    for (; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      n.frac_ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return n;
}

int month_index(std::string_view m) noexcept {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (m == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool two_digits(std::string_view s, size_t pos, int& out) noexcept {
  if (pos + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])) ||
      !std::isdigit(static_cast<unsigned char>(s[pos + 1]))) {
    return false;
  }
  out = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
  return true;
}

}  // namespace

std::optional<int64_t> parse_http_date(std::string_view value) noexcept {
  std::string_view s = trim(value);
  if (const auto comma = s.find(','); comma != std::string_view::npos)
    s = trim(s.substr(comma + 1));
  // "06 Nov 1994 08:49:37 GMT"
  if (s.size() < 20) return std::nullopt;
  int day = 0;
  if (!two_digits(s, 0, day) || s[2] != ' ') return std::nullopt;
  const int month = month_index(s.substr(3, 3));
  if (month == 0 || s[6] != ' ') return std::nullopt;
  int y1 = 0;
  int y2 = 0;
  if (!two_digits(s, 7, y1) || !two_digits(s, 9, y2) || s[11] != ' ') return std::nullopt;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!two_digits(s, 12, hh) || s[14] != ':' || !two_digits(s, 15, mm) || s[17] != ':' ||
      !two_digits(s, 18, ss)) {
    return std::nullopt;
  }
  const std::string_view zone = trim(s.substr(20));
  if (!zone.empty() && zone != "GMT" && zone != "UTC" && zone != "Z") return std::nullopt;
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  const int64_t days =
      days_from_civil(y1 * 100 + y2, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hh) * 60 + mm) * 60000LL + ss * 1000LL;
}

std::optional<int64_t> parse_token_count(std::string_view value) noexcept {
  const auto n = parse_number(trim(value));
  if (!n || n->frac_ms != 0) return std::nullopt;
  return n->whole;
}

std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now_ms) noexcept {
  const std::string_view s = trim(value);
  if (const auto n = parse_number(s)) return now_ms + n->whole * 1000 + n->frac_ms;
  return parse_http_date(s);
}

std::optional<int64_t> parse_replenishment_time(std::string_view value, int64_t now_ms) noexcept {
  const std::string_view s = trim(value);
  if (s.empty()) return std::nullopt;
  if (const auto n = parse_number(s)) {
    if (n->whole >= 100'000'000'000LL) return n->whole;                    // epoch ms
    if (n->whole >= 1'000'000'000LL) return n->whole * 1000 + n->frac_ms;  // epoch seconds
    return now_ms + n->whole * 1000 + n->frac_ms;                          // seconds from now
  }
  if (const auto iso = parse_iso8601_ms(s)) return iso;
  return parse_http_date(s);
}

}  // namespace etl::walmart

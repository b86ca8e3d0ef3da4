#include "recon/report_dates.hpp"

#include <fmt/format.h>

namespace etl::recon {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// 1-`max_digits` digits (exactly `max_digits` when `exact`), consumed from the front of s.
std::optional<int> take_number(std::string_view& s, size_t max_digits, bool exact) {
  size_t n = 0;
  int value = 0;
  while (n < s.size() && n < max_digits && s[n] >= '0' && s[n] <= '9') {
    value = value * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0 || (exact && n != max_digits)) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid_day(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const int max = kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  return d <= max;
}

std::optional<std::string> iso(int y, int m, int d) {
  if (!valid_day(y, m, d)) return std::nullopt;
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

// Reads a day from the front of s (leaving the rest).
std::optional<std::string> take_day(std::string_view& s) {
  std::string_view t = s;
  const auto first = take_number(t, 4, false);
  if (!first) return std::nullopt;
  const size_t consumed = s.size() - t.size();
  if (consumed == 4 && !t.empty() && t.front() == '-') {
    // YYYY-MM-DD
    t.remove_prefix(1);
    const auto m = take_number(t, 2, true);
    if (!m || !take_char(t, '-')) return std::nullopt;
    const auto d = take_number(t, 2, true);
    if (!d) return std::nullopt;
    s = t;
    return iso(*first, *m, *d);
  }
  // M/D/YYYY
  if (consumed > 2 || !take_char(t, '/')) return std::nullopt;
  const auto d = take_number(t, 2, false);
  if (!d || !take_char(t, '/')) return std::nullopt;
  const auto y = take_number(t, 4, true);
  if (!y) return std::nullopt;
  s = t;
  return iso(*y, *first, *d);
}

}  // namespace

std::optional<std::string> parse_report_day(std::string_view text) {
  std::string_view s = trim(text);
  auto day = take_day(s);
  if (!day || !s.empty()) return std::nullopt;
  return day;
}

std::optional<std::string> parse_report_timestamp(std::string_view text) {
  std::string_view s = trim(text);
  auto day = take_day(s);
  if (!day) return std::nullopt;
  if (s.empty()) return *day + " 00:00:00";
  if (s.front() != ' ' && s.front() != 'T') return std::nullopt;
  s.remove_prefix(1);
  const auto h = take_number(s, 2, false);
  if (!h || !take_char(s, ':')) return std::nullopt;
  const auto mi = take_number(s, 2, true);
  if (!mi) return std::nullopt;
  int sec = 0;
  if (take_char(s, ':')) {
    const auto se = take_number(s, 2, true);
    if (!se) return std::nullopt;
    sec = *se;
  }
  if (!s.empty() || *h > 23 || *mi > 59 || sec > 59) return std::nullopt;
  return fmt::format("{} {:02}:{:02}:{:02}", *day, *h, *mi, sec);
}

std::optional<std::string> parse_report_date(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.size() == 8 && s.find_first_not_of("0123456789") == std::string_view::npos) {
    const auto num = [&](size_t pos, size_t n) {
      int v = 0;
      for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
      return v;
    };
    if (auto mmdd = iso(num(4, 4), num(0, 2), num(2, 2))) return mmdd;
    return iso(num(0, 4), num(4, 2), num(6, 2));
  }
  return parse_report_day(s);
}

std::string to_api_report_date(std::string_view iso_day) {
  // "YYYY-MM-DD": positions 0-3 year, 5-6 month, 8-9 day.
  if (iso_day.size() != 10) return std::string(iso_day);
  return fmt::format("{}{}{}", iso_day.substr(5, 2), iso_day.substr(8, 2), iso_day.substr(0, 4));
}

}  // namespace etl::recon

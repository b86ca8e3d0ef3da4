#include "returns/return_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "common/utc_time.hpp"

namespace etl::returns {

namespace {

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<int64_t> instant_ms_from_text(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  // Epoch milliseconds: digits only (an optional '-' for instants before 1970).
  const std::string_view digits = s.front() == '-' ? s.substr(1) : s;
  if (all_digits(digits) && digits.size() <= 15) {
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
  }
  // A zone without a colon ("+0000", "-0530") or with the '+' decoded to a space (" 0000"):
  // rewritten to "+HH:MM" for the ISO parser. Only after a time (position 19 or later).
  if (s.size() >= 24) {
    const std::string_view tail = s.substr(s.size() - 5);
    const char sign = tail[0];
    if ((sign == '+' || sign == '-' || sign == ' ') && all_digits(tail.substr(1))) {
      std::string fixed(s.substr(0, s.size() - 5));
      fixed += sign == '-' ? '-' : '+';
      fixed.append(tail.substr(1, 2));
      fixed += ':';
      fixed.append(tail.substr(3, 2));
      return parse_iso8601_ms(fixed);
    }
  }
  return parse_iso8601_ms(s);
}

std::optional<bool> flag_from_text(std::string_view s) noexcept {
  if (iequals(s, "true") || iequals(s, "y") || s == "1") return true;
  if (iequals(s, "false") || iequals(s, "n") || s == "0") return false;
  return std::nullopt;
}

bool format_datetime_ms(int64_t epoch_ms, char* out) noexcept {
  // DATETIME: 1000-01-01 .. 9999-12-31.
  constexpr int64_t kMinMs = -30'610'224'000'000;  // 1000-01-01 00:00:00 UTC
  constexpr int64_t kMaxMs = 253'402'300'799'999;  // 9999-12-31 23:59:59.999 UTC
  if (epoch_ms < kMinMs || epoch_ms > kMaxMs) return false;
  int64_t secs = epoch_ms / 1000;
  int64_t ms = epoch_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  if (!format_sql_datetime(secs, out)) return false;
  out[19] = '.';
  out[20] = static_cast<char>('0' + ms / 100);
  out[21] = static_cast<char>('0' + (ms / 10) % 10);
  out[22] = static_cast<char>('0' + ms % 10);
  return true;
}

}  // namespace etl::returns

#include "common/utc_time.hpp"

#include <cstdio>

namespace etl {

int64_t now_epoch_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Howard Hinnant's civil-date algorithms (public domain).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil civil_from_days(int64_t z) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t floor_div(int64_t a, int64_t b) noexcept {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

void put2(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

bool format_sql_datetime(int64_t epoch_seconds, char* out) noexcept {
  const int64_t days = floor_div(epoch_seconds, 86400);
  const int64_t secs = epoch_seconds - days * 86400;
  const Civil c = civil_from_days(days);
  if (c.y < 0 || c.y > 9999) return false;
  const auto y = static_cast<unsigned>(c.y);
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + (y / 100) % 10);
  out[2] = static_cast<char>('0' + (y / 10) % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  put2(out + 5, c.m);
  out[7] = '-';
  put2(out + 8, c.d);
  out[10] = ' ';
  put2(out + 11, static_cast<unsigned>(secs / 3600));
  out[13] = ':';
  put2(out + 14, static_cast<unsigned>((secs / 60) % 60));
  out[16] = ':';
  put2(out + 17, static_cast<unsigned>(secs % 60));
  return true;
}

std::string format_sql_datetime(int64_t epoch_seconds) {
  char buf[19];
  if (!format_sql_datetime(epoch_seconds, buf)) return {};
  return std::string(buf, 19);
}

std::string format_iso8601(int64_t epoch_ms) {
  std::string s = format_sql_datetime(floor_div(epoch_ms, 1000));
  if (s.empty()) return s;
  s[10] = 'T';
  s.push_back('Z');
  return s;
}

std::string format_iso8601_ms(int64_t epoch_ms) {
  const int64_t secs = floor_div(epoch_ms, 1000);
  const int64_t ms = epoch_ms - secs * 1000;
  std::string s = format_sql_datetime(secs);
  if (s.empty()) return s;
  s[10] = 'T';
  char frac[6];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
  s += frac;
  s.push_back('Z');
  return s;
}

std::optional<int64_t> parse_date(std::string_view s) noexcept {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m))
    return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400;
}

std::optional<int64_t> parse_sql_datetime(std::string_view s) noexcept {
  if (s.size() != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':') return std::nullopt;
  const auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  int hh, mm, ss;
  if (!digits(s, 11, 2, hh) || !digits(s, 14, 2, mm) || !digits(s, 17, 2, ss)) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return *day + int64_t{hh} * 3600 + int64_t{mm} * 60 + ss;
}

std::optional<int64_t> parse_iso8601_ms(std::string_view s) noexcept {
  if (s.size() < 10) return std::nullopt;
  const auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  int64_t ms = *day * 1000;
  if (s.size() == 10) return ms;
  if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
  int hh, mm, ss = 0;
  if (!digits(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mm)) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  ms += (hh * 3600LL + mm * 60LL + ss) * 1000LL;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100, frac = 0;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    ms += frac;
  }
  if (pos == s.size()) return ms;
  if (s[pos] == 'Z' && pos + 1 == s.size()) return ms;
  if ((s[pos] == '+' || s[pos] == '-') && s.size() - pos == 6 && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om)) return std::nullopt;
    const int64_t off = (oh * 60LL + om) * 60000LL;
    return s[pos] == '+' ? ms - off : ms + off;
  }
  return std::nullopt;
}

}  // namespace etl

#include "order/json_text.hpp"

#include <cstdint>

namespace etl::order::json_text {

namespace {
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads 4 hex digits at s[i..i+4). Returns -1 when malformed.
int32_t read_hex4(std::string_view s, size_t i) noexcept {
  if (i + 4 > s.size()) return -1;
  int32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const int h = hex_value(s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

size_t put_utf8(uint32_t cp, char* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Decodes the escape starting at content[i] == '\\'. On success sets cp and the escape length.
bool decode_escape(std::string_view s, size_t i, uint32_t& cp, size_t& len) noexcept {
  if (i + 1 >= s.size()) return false;
  switch (s[i + 1]) {
    case '"':
      cp = '"';
      len = 2;
      return true;
    case '\\':
      cp = '\\';
      len = 2;
      return true;
    case '/':
      cp = '/';
      len = 2;
      return true;
    case 'b':
      cp = '\b';
      len = 2;
      return true;
    case 'f':
      cp = '\f';
      len = 2;
      return true;
    case 'n':
      cp = '\n';
      len = 2;
      return true;
    case 'r':
      cp = '\r';
      len = 2;
      return true;
    case 't':
      cp = '\t';
      len = 2;
      return true;
    case 'u': {
      const int32_t hi = read_hex4(s, i + 2);
      if (hi < 0) return false;
      if (hi >= 0xDC00 && hi <= 0xDFFF) return false;  // lone low surrogate
      if (hi >= 0xD800 && hi <= 0xDBFF) {
        // Must be followed by \uDC00..\uDFFF.
        if (i + 12 > s.size() || s[i + 6] != '\\' || s[i + 7] != 'u') return false;
        const int32_t lo = read_hex4(s, i + 8);
        if (lo < 0xDC00 || lo > 0xDFFF) return false;
        cp = 0x10000 + ((static_cast<uint32_t>(hi) - 0xD800) << 10) +
             (static_cast<uint32_t>(lo) - 0xDC00);
        len = 12;
        return true;
      }
      cp = static_cast<uint32_t>(hi);
      len = 6;
      return true;
    }
    default:
      return false;
  }
}
}  // namespace

bool is_number(std::string_view s) noexcept {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < n && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t start = i;
    while (i < n && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

bool escapes_valid(std::string_view s) noexcept {
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len;
    if (!decode_escape(s, i, cp, len)) return false;
    i += len;
  }
  return true;
}

std::optional<size_t> unescape(std::string_view s, char* out) noexcept {
  size_t o = 0;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      out[o++] = s[i++];
      continue;
    }
    uint32_t cp;
    size_t len;
    if (!decode_escape(s, i, cp, len)) return std::nullopt;
    o += put_utf8(cp, out + o);  // never more bytes than the escape itself (len >= 2, 6 or 12)
    i += len;
  }
  return o;
}

}  // namespace etl::order::json_text

#pragma once
// Strict checks on raw JSON token text, used because simdjson On-Demand does not validate what
// it only skips (numbers, literals, escapes). Pure functions, no allocation.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace etl::order::json_text {

// JSON insignificant whitespace: space, tab, line feed, carriage return.
constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view trim_ws_right(std::string_view s) noexcept {
  size_t n = s.size();
  while (n > 0 && is_ws(s[n - 1])) --n;
  return s.substr(0, n);
}

// Whether s contains a backslash (an escape). Inline and 8 bytes at a time (SWAR): it runs on
// every key and string of every order.
inline bool has_backslash(std::string_view s) noexcept {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  constexpr uint64_t kBackslashes = kOnes * static_cast<uint8_t>('\\');
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    w ^= kBackslashes;                                  // a backslash byte becomes 0
    if (((w - kOnes) & ~w & kHighs) != 0) return true;  // exact test for a zero byte
  }
  bool found = false;
  for (; i < s.size(); ++i) found |= s[i] == '\\';
  return found;
}

// RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_number(std::string_view s) noexcept;

// Checks every escape sequence in the content of a JSON string (the bytes between the quotes):
// \" \\ \/ \b \f \n \r \t \uXXXX, with UTF-16 surrogates only as a high+low pair.
bool escapes_valid(std::string_view s) noexcept;

// Unescapes s, the content of a JSON string, into out, which must have room for s.size() bytes
// (unescaping never grows the text). Returns the number of bytes written, or nullopt
// when an escape is invalid (same rules as escapes_valid). Input bytes are copied as they are
// (the input is already UTF-8 validated by simdjson's stage 1).
std::optional<size_t> unescape(std::string_view s, char* out) noexcept;

}  // namespace etl::order::json_text

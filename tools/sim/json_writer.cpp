#include "tools/sim/json_writer.hpp"

#include <charconv>

namespace etl::walmart::sim {

void JsonWriter::integer(int64_t v) {
  separate();
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, res.ptr);
  need_comma_ = true;
}

std::string format_money(int64_t cents) {
  std::string s;
  uint64_t abs = cents < 0 ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  if (cents < 0) s.push_back('-');
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, abs / 100);
  s.append(buf, res.ptr);
  const auto frac = static_cast<unsigned>(abs % 100);
  if (frac != 0) {
    s.push_back('.');
    s.push_back(static_cast<char>('0' + frac / 10));
    if (frac % 10 != 0) s.push_back(static_cast<char>('0' + frac % 10));
  }
  return s;
}

void JsonWriter::money(int64_t cents) {
  separate();
  out_.append(format_money(cents));
  need_comma_ = true;
}

void JsonWriter::append_escaped(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(v.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"", 2);
        break;
      case '\\':
        out.append("\\\\", 2);
        break;
      case '\n':
        out.append("\\n", 2);
        break;
      case '\r':
        out.append("\\r", 2);
        break;
      case '\t':
        out.append("\\t", 2);
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, 6);
      }
    }
  }
  out.append(v.data() + run_start, v.size() - run_start);
  out.push_back('"');
}

}  // namespace etl::walmart::sim

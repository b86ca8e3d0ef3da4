#include "tools/sim/query_string.hpp"

namespace etl::walmart::sim {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

}  // namespace

QueryParams parse_query_string(std::string_view query) {
  QueryParams params;
  while (!query.empty() && query.front() == '?') query.remove_prefix(1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view part = query.substr(pos, amp - pos);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      std::string key = decode(part.substr(0, eq));
      while (!key.empty() && key.front() == '?') key.erase(0, 1);
      std::string value =
          eq == std::string_view::npos ? std::string() : decode(part.substr(eq + 1));
      params.emplace(std::move(key), std::move(value));
    }
    pos = amp + 1;
  }
  return params;
}

std::string encode_query_value(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~' || c == ':';
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

QueryParams normalize_keys(const QueryParams& params) {
  QueryParams out;
  for (const auto& [key, value] : params) {
    size_t skip = 0;
    while (skip < key.size() && key[skip] == '?') ++skip;
    out.emplace(key.substr(skip), value);
  }
  return out;
}

const std::string* find_param(const QueryParams& params, std::string_view key) {
  const auto it = params.find(std::string(key));
  return it == params.end() ? nullptr : &it->second;
}

}  // namespace etl::walmart::sim

#include "pipeline/account_shard.hpp"

#include <fmt/format.h>

#include <charconv>

#include "common/error.hpp"

namespace etl::pipeline {

namespace {
constexpr uint32_t kMaxShards = 1024;

bool parse_u32(std::string_view s, uint32_t& out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

uint64_t fnv1a64(std::string_view text) noexcept {
  uint64_t h = 14695981039346656037ULL;  // offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;  // FNV prime
  }
  return h;
}

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard s;
  if (slash == std::string_view::npos || !parse_u32(text.substr(0, slash), s.index) ||
      !parse_u32(text.substr(slash + 1), s.count) || s.count == 0 || s.count > kMaxShards ||
      s.index >= s.count) {
    throw ConfigError(
        fmt::format("fetch --shard: expected K/N with 0 <= K < N <= {} (e.g. 0/4 .. 3/4), got '{}'",
                    kMaxShards, text));
  }
  return s;
}

bool in_shard(std::string_view account, const Shard& shard) noexcept {
  return fnv1a64(account) % shard.count == shard.index;
}

std::vector<std::string> shard_accounts(const std::vector<std::string>& names, const Shard& shard) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (in_shard(n, shard)) out.push_back(n);
  }
  return out;
}

}  // namespace etl::pipeline

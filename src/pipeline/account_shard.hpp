#pragma once
// `fetch --shard K/N`: which accounts one of N fetch processes takes. An account belongs to shard
// fnv1a64(name) mod N, so N processes started with 0/N .. N-1/N cover every configured account
// exactly once, on any machine and in any release (FNV-1a is fixed by its definition; std::hash is
// not). Adding an account moves no other; changing N reshuffles them (each still exactly once).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace etl::pipeline {

struct Shard {
  uint32_t index = 0;  // K, 0-based
  uint32_t count = 1;  // N
};

// 64-bit FNV-1a of the bytes of `text`.
uint64_t fnv1a64(std::string_view text) noexcept;

// "K/N" with 0 <= K < N <= 1024 -> Shard. Throws ConfigError naming the flag and what it expects.
Shard parse_shard(std::string_view text);

[[nodiscard]] bool in_shard(std::string_view account, const Shard& shard) noexcept;

// The accounts of `names` that belong to `shard`, in the given order.
std::vector<std::string> shard_accounts(const std::vector<std::string>& names, const Shard& shard);

}  // namespace etl::pipeline

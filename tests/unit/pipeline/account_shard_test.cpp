// fetch --shard K/N: the stable hash, the flag's parsing, and that N shards cover every account
// exactly once.
#include "pipeline/account_shard.hpp"

#include <gtest/gtest.h>

#include <map>

#include "common/error.hpp"

namespace etl::pipeline {
namespace {

TEST(AccountShard, Fnv1a64MatchesTheReferenceValues) {
  // The published FNV-1a 64 test vectors: the hash must never change between releases or hosts.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(AccountShard, ParsesKOverNAndRefusesEverythingElse) {
  const Shard s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(parse_shard("0/1").count, 1u);
  for (const char* bad : {"", "1", "/2", "1/", "2/2", "3/2", "-1/2", "0/0", "a/b", "1/2/3",
                          "0/1025", " 0/2", "0/2 "}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("fetch --shard: expected K/N"), std::string::npos)
          << e.what();
    }
  }
}

TEST(AccountShard, NShardsCoverEveryAccountExactlyOnce) {
  std::vector<std::string> names;
  for (int i = 0; i < 500; ++i) names.push_back("seller-" + std::to_string(i));
  for (uint32_t n : {1u, 2u, 3u, 7u, 16u}) {
    std::map<std::string, int> seen;
    size_t largest = 0;
    for (uint32_t k = 0; k < n; ++k) {
      const auto part = shard_accounts(names, Shard{k, n});
      largest = std::max(largest, part.size());
      for (const auto& a : part) {
        ++seen[a];
        EXPECT_TRUE(in_shard(a, Shard{k, n}));
      }
    }
    ASSERT_EQ(seen.size(), names.size()) << n << " shards";
    for (const auto& [name, times] : seen) EXPECT_EQ(times, 1) << name << " with " << n;
    // Spread: no shard holds more than twice its fair share of 500 names.
    EXPECT_LE(largest, 2 * names.size() / n + 1) << n;
  }
}

TEST(AccountShard, AShardDependsOnlyOnTheNameNotOnTheOtherAccounts) {
  const Shard s{1, 4};
  const auto alone = shard_accounts({"brand-us"}, s);
  const auto among = shard_accounts({"agency-1", "brand-us", "zeta"}, s);
  const bool in = std::find(among.begin(), among.end(), "brand-us") != among.end();
  EXPECT_EQ(!alone.empty(), in);
}

}  // namespace
}  // namespace etl::pipeline

// Runs the mapping over the fuzz seed corpus (tests/fixtures/orders and fuzz/corpus, which also
// keeps any crash reproducer found by fuzz/order_mapper_fuzz.cpp) with the normal compiler, and
// checks the invariants the fuzz target checks. Also each input's truncations and a byte-flipped
// copy, so a short deterministic "fuzz" runs in every ctest.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "order/order_mapper.hpp"
#include "tools/testing/order_invariants.hpp"

namespace etl::order {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_files() {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/fixtures/orders", "fuzz/corpus"}) {
    const fs::path p = fs::path(ETL_SOURCE_DIR) / dir;
    if (!fs::exists(p)) continue;
    for (const auto& e : fs::directory_iterator(p)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(OrderFuzzRegression, CorpusKeepsTheInvariants) {
  const auto files = corpus_files();
  ASSERT_GE(files.size(), 10u) << "seed corpus missing";
  OrderMapper mapper;
  size_t good = 0;
  for (const auto& f : files) {
    const std::string bytes = read(f);
    MessageParseResult r = mapper.parse_message(bytes);
    EXPECT_EQ(find_invariant_violation(r), "") << f;
    good += r.bad ? 0 : 1;
    // Cheap deterministic mutations of every seed.
    for (size_t n = 0; n < bytes.size(); n += 1 + bytes.size() / 64) {
      EXPECT_EQ(find_invariant_violation(mapper.parse_message(bytes.substr(0, n))), "")
          << f << " cut " << n;
      std::string flipped = bytes;
      flipped[n] = static_cast<char>(flipped[n] ^ 0x20);
      EXPECT_EQ(find_invariant_violation(mapper.parse_message(flipped)), "") << f << " flip " << n;
    }
  }
  EXPECT_GE(good, 5u) << "most seeds should be valid orders";
}

}  // namespace
}  // namespace etl::order

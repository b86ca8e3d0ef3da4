// libFuzzer target over the `load` input splitter (src/pipeline/load/input_records.hpp). Beyond "no
// crash, no sanitizer report" it aborts when the split breaks what the loader relies on
// (tests/support/load/split_check.hpp): every record is the input's slice at its offset with the
// right line, and reading the input a few bytes at a time gives exactly the records of reading it
// whole. The chunk and layout-probe sizes come from the input's length, so every seed is a plain
// `load` input file (fuzz/split_corpus/).
//
// Build and run: see fuzz/README.md.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/load/split_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t chunk = 1 + size % 61;
  const size_t probe = size % 3 == 0 ? 1 + size % 17 : etl::pipeline::kLayoutProbeBytes;
  if (const std::string v = etl::pipeline::test::find_split_violation(text, chunk, probe);
      !v.empty()) {
    std::fprintf(stderr, "split invariant violated (chunk %zu, probe %zu): %s\n", chunk, probe,
                 v.c_str());
    std::abort();
  }
  return 0;
}

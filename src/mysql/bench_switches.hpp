#pragma once
// Switches that turn single statements of BatchWriter::write off, to measure what each one costs
// the server (bench/stream/stream_bench.cpp, scripts/bench-stream.sh --suspects). They exist only
// in a benchmark build (`-DETL_BENCH_SWITCHES=ON`, never a release or test build): there the
// environment variable ETL_BENCH_SKIP, a comma-separated list of the names below, is read once.
// Turning a statement off gives up a guarantee (an account check, a fence, the replacement of an
// older version), which is harmless only for the benchmark's fresh tables. In every other build
// skipped() is a constant false and the compiler drops the checks.

namespace etl::mysql::bench {

enum class Skip : unsigned {
  new_order_path = 1u << 0,  // "new_path": every order goes the upsert way (the previous writer)
  guard_select = 1u << 1,    // "guard_select": the read of the claimed ids' stored accounts
  claim = 1u << 2,           // "claim": the claim INSERT of bare archive rows (and its release)
  delete_charges = 1u << 3,  // "delete_charges": the DELETE of an order's charges
  delete_lines = 1u << 4,    // "delete_lines": the DELETE of lines a new version lacks
  upsert_lines = 1u << 5,    // "upsert_lines": lines by plain INSERT instead of the upsert
  fence = 1u << 6,           // "fence": the offset fence (offsets are then not stored at all)
};

#ifdef ETL_BENCH_SWITCHES
[[nodiscard]] bool skipped(Skip s) noexcept;
#else
[[nodiscard]] constexpr bool skipped(Skip /*s*/) noexcept { return false; }
#endif

}  // namespace etl::mysql::bench

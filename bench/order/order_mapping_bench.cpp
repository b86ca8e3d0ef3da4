// Mapping throughput (MB/s of message bytes, orders/s) on a generated realistic corpus, next to
// simdjson's own full-validation rate (DOM parse, which validates every byte) on the same bytes,
// in the same run. Target: mapping >= 400 MB/s on one core, Release.
//
//   build-dir/bench/order/order_mapping_bench --benchmark_min_time=2
//
// Rates are per CPU second of the benchmark thread (the default), so that other processes on a
// shared machine do not distort them; run on an idle machine to compare wall-clock rates.

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "order/order_mapper.hpp"
#include "order_corpus.hpp"

namespace {

constexpr size_t kOrders = 4000;  // ~9 MB: larger than the caches, like a stream

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> c = etl::order::bench::generate_order_messages(kOrders);
  return c;
}

size_t corpus_bytes() {
  size_t n = 0;
  for (const auto& m : corpus()) n += m.size();
  return n;
}

void BM_OrderMapping(benchmark::State& state) {
  const auto& msgs = corpus();
  etl::order::OrderMapper mapper;
  size_t lines = 0;
  for (auto _ : state) {
    for (const auto& m : msgs) {
      etl::order::MessageParseResult r = mapper.parse_message(m);
      if (r.bad || r.orders.size() != 1) state.SkipWithError("corpus order rejected");
      lines += r.orders.empty() ? 0 : r.orders[0].lines.size();
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus_bytes()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * msgs.size()));  // orders/s
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.counters["avg_order_bytes"] =
      static_cast<double>(corpus_bytes()) / static_cast<double>(msgs.size());
}
BENCHMARK(BM_OrderMapping)->Unit(benchmark::kMillisecond);

// simdjson's validate-only baseline: a DOM parse validates the whole document (and builds its
// tape); input pre-padded so no copy is counted here, unlike the mapper which copies each message.
void BM_SimdjsonDomValidate(benchmark::State& state) {
  std::vector<simdjson::padded_string> padded;
  for (const auto& m : corpus()) padded.emplace_back(m);
  simdjson::dom::parser parser;
  for (auto _ : state) {
    for (const auto& p : padded) {
      simdjson::dom::element doc;
      if (parser.parse(p).get(doc)) state.SkipWithError("invalid corpus JSON");
      benchmark::DoNotOptimize(doc);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus_bytes()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * padded.size()));
}
BENCHMARK(BM_SimdjsonDomValidate)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

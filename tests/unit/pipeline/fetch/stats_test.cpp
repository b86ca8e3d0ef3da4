// FetchCounters: the one sum adds every field (none forgotten, none twice); the derived numbers
// (planned, finished, not acknowledged); TypeTally counts from several threads and keeps the
// first errors and the earliest short window; the summary table and progress line use the sum.

#include "pipeline/fetch/stats.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "pipeline/fetch/type_tally.hpp"

namespace etl::pipeline {
namespace {

// Every field set to a distinct value: 1, 2, 3, ...
FetchCounters numbered(uint64_t base) {
  FetchCounters c;
  uint64_t n = base;
  for (const auto field : FetchCounters::kFields) c.*field = n++;
  return c;
}

TEST(FetchCounters, TheFieldListNamesEveryFieldOnce) {
  EXPECT_EQ(sizeof(FetchCounters), FetchCounters::kFields.size() * sizeof(uint64_t))
      << "a field was added to FetchCounters but not to kFields (the sum would skip it)";
  std::set<uint64_t> values;
  const FetchCounters c = numbered(1);
  for (const auto field : FetchCounters::kFields) values.insert(c.*field);
  EXPECT_EQ(values.size(), FetchCounters::kFields.size()) << "a field is listed twice";
}

TEST(FetchCounters, SumAddsEveryField) {
  FetchCounters a = numbered(1);
  const FetchCounters b = numbered(100);
  a += b;
  uint64_t n = 0;
  for (const auto field : FetchCounters::kFields) {
    EXPECT_EQ(a.*field, (1 + n) + (100 + n));
    ++n;
  }
  EXPECT_EQ(a.requests, 1u + 100u);  // the requests' part is a field like the others
}

TEST(FetchCounters, SumOfSummariesIsTheSumOfTheirCounters) {
  std::vector<ShipNodeSummary> types(3);
  for (size_t i = 0; i < types.size(); ++i) {
    types[i].ship_node_type = "T" + std::to_string(i);
    static_cast<FetchCounters&>(types[i]) = numbered(10 * i);
  }
  const FetchCounters total = sum_counters(types);
  EXPECT_EQ(total.orders, types[0].orders + types[1].orders + types[2].orders);
  EXPECT_EQ(total.token_refreshes,
            types[0].token_refreshes + types[1].token_refreshes + types[2].token_refreshes);
  EXPECT_EQ(sum_counters(std::vector<FetchCounters>{}).orders, 0u);
}

TEST(FetchCounters, DerivedNumbers) {
  FetchCounters c;
  c.windows_total = 10;
  c.windows_split = 2;
  c.windows_done = 5;
  c.windows_failed = 1;
  c.windows_skipped = 1;
  EXPECT_EQ(c.windows_planned(), 8u);
  EXPECT_EQ(c.windows_finished(), 7u);
  c.orders = 100;
  c.acknowledged = 90;
  c.dead_lettered = 4;
  EXPECT_EQ(c.not_acknowledged(), 6u);
  c.acknowledged = 96;
  EXPECT_EQ(c.not_acknowledged(), 0u);
}

TEST(ShipNodeSummary, CompleteNeedsEveryWindowAndEveryAcknowledgement) {
  ShipNodeSummary s;
  s.windows_total = 3;
  s.windows_split = 1;
  s.windows_done = 2;
  s.orders = 5;
  s.acknowledged = 4;
  s.dead_lettered = 1;
  EXPECT_TRUE(s.complete(false));
  s.acknowledged = 3;
  EXPECT_FALSE(s.complete(false));
  EXPECT_TRUE(s.complete(true)) << "a dry run produces nothing to acknowledge";
  s.acknowledged = 4;
  s.windows_done = 1;
  EXPECT_FALSE(s.complete(true));
}

TEST(TypeTally, CountsFromManyThreads) {
  TypeTally tally("SellerFulfilled");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) {
        FetchCounters cost;
        cost.requests = 1;
        cost.pages = 1;
        tally.add(cost);
        tally.count(&FetchCounters::acknowledged);
        tally.count(&FetchCounters::orders, 2);
      }
    });
  }
  for (auto& t : threads) t.join();
  const ShipNodeSummary s = tally.summary();
  EXPECT_EQ(s.ship_node_type, "SellerFulfilled");
  EXPECT_EQ(s.requests, 4000u);
  EXPECT_EQ(s.pages, 4000u);
  EXPECT_EQ(s.acknowledged, 4000u);
  EXPECT_EQ(s.orders, 8000u);
  EXPECT_EQ(tally.counters().orders, 8000u);
}

TEST(TypeTally, KeepsTheFirstErrorsAndCountsTheRest) {
  TypeTally tally("WFSFulfilled");
  for (int i = 0; i < 8; ++i) tally.add_error("error " + std::to_string(i));
  const auto errors = tally.summary().errors;
  ASSERT_EQ(errors.size(), TypeTally::kMaxErrors + 1);
  EXPECT_EQ(errors.front(), "error 0");
  EXPECT_EQ(errors[TypeTally::kMaxErrors - 1], "error 4");
  EXPECT_EQ(errors.back(), "... and 3 more errors");
}

TEST(TypeTally, ShortWindowsKeepTheEarliestStart) {
  TypeTally tally("SellerFulfilled");
  EXPECT_FALSE(tally.summary().short_from_ms);
  tally.add_short_window(5000);
  tally.add_short_window(2000);
  tally.add_short_window(9000);
  const ShipNodeSummary s = tally.summary();
  EXPECT_EQ(s.windows_short, 3u);
  EXPECT_EQ(s.short_from_ms, 2000);
}

TEST(SummaryTable, TotalsLineIsTheSum) {
  std::vector<ShipNodeSummary> types(2);
  types[0].ship_node_type = "SellerFulfilled";
  types[1].ship_node_type = "WFSFulfilled";
  for (auto& t : types) {
    t.windows_total = 4;
    t.windows_split = 1;
    t.windows_done = 3;
    t.pages = 7;
    t.orders = 11;
    t.requests = 9;
  }
  types[1].windows_failed = 1;
  const std::string table = format_summary_table(types, true);
  const auto total = table.substr(table.find("\ntotal") + 1);
  EXPECT_NE(total.find("6/6"), std::string::npos) << table;
  EXPECT_NE(total.find(" 14 "), std::string::npos) << table;   // pages
  EXPECT_NE(total.find(" 22 "), std::string::npos) << table;   // orders
  EXPECT_NE(total.find(" 18\n"), std::string::npos) << table;  // requests
  EXPECT_EQ(format_summary_table({types[0]}, true).find("total"), std::string::npos);
}

TEST(ProgressLine, FromTheSummedCounters) {
  FetchCounters c;
  c.windows_total = 12;
  c.windows_split = 2;
  c.windows_done = 4;
  c.windows_failed = 1;
  c.orders = 3400;
  c.retries = 3;
  c.throttled = 1;
  EXPECT_EQ(format_progress(c, 10.0),
            "windows 5/10 | orders 3400 | 340 orders/s | retries 3 | 429s 1 | ETA 0:10");
  EXPECT_EQ(format_progress(FetchCounters{}, 0.0),
            "windows 0/0 | orders 0 | 0 orders/s | retries 0 | 429s 0 | ETA --:--");
}

}  // namespace
}  // namespace etl::pipeline

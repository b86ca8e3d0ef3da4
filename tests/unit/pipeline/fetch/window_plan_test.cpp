// Window planning without a server: wide first windows, splits sized from totalCount, only as
// many parts as the workers can use, refusals halved down to a minimum, short windows read
// again and then failed (created) or kept with the watermark held (lastModified).

#include "pipeline/fetch/window_plan.hpp"

#include <gtest/gtest.h>

namespace etl::pipeline {
using walmart::DateFilter;
using walmart::OrderWindow;
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kStart = 1'714'521'600'000;  // 2024-05-01T00:00:00Z

using Action = WindowPlanner::Action;

PlannerSettings settings(int concurrency, int64_t max_window_ms = 7 * kDay, int64_t cap = 10000) {
  return PlannerSettings{max_window_ms, cap, 200, concurrency};
}

std::vector<TypeRange> three_types(int64_t days) {
  std::vector<TypeRange> r;
  for (const char* t : {"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"}) {
    r.push_back(TypeRange{t, kStart, kStart + days * kDay - 1, false});
  }
  return r;
}

// Parts cover the window exactly, each sharing its start with the previous one's end.
void expect_tiles(const OrderWindow& w, const std::vector<OrderWindow>& parts) {
  ASSERT_FALSE(parts.empty());
  EXPECT_EQ(parts.front().start_ms, w.start_ms);
  EXPECT_EQ(parts.back().end_ms, w.end_ms);
  for (size_t i = 1; i < parts.size(); ++i) EXPECT_EQ(parts[i].start_ms, parts[i - 1].end_ms);
  for (const auto& p : parts) {
    EXPECT_EQ(p.ship_node_type, w.ship_node_type);
    EXPECT_EQ(p.depth, w.depth + 1);
    EXPECT_LT(p.start_ms, p.end_ms);
  }
}

TEST(WindowPlanner, StartsWithOneWindowPerTypeWhenTheRangeFits) {
  WindowPlanner p(settings(4));
  const auto ws = p.initial(three_types(7));
  ASSERT_EQ(ws.size(), 3u);  // not 3 x 168 hourly windows
  for (const auto& w : ws) EXPECT_EQ(w.length_ms(), 7 * kDay - 1);
  EXPECT_EQ(p.parallel_share(), 2);  // 4 workers for 3 windows
}

TEST(WindowPlanner, WindowMinutesStaysTheMaximumWidth) {
  WindowPlanner p(settings(4, kDay));
  const auto ws = p.initial(three_types(3));
  EXPECT_EQ(ws.size(), 9u);
  for (const auto& w : ws) EXPECT_LE(w.length_ms(), kDay);
  // Interleaved by time: the first three are the three types' first days.
  EXPECT_EQ(ws[0].start_ms, kStart);
  EXPECT_EQ(ws[2].start_ms, kStart);
  EXPECT_EQ(p.parallel_share(), 1);  // more windows than workers: no split for parallelism
}

TEST(WindowPlanner, AWindowWithinTheCapIsPagedWhenWorkersAreBusy) {
  WindowPlanner p(settings(3));
  const auto ws = p.initial(three_types(7));
  const auto d = p.after_first_page(ws[0], 9000);
  EXPECT_EQ(d.action, Action::paginate);
  EXPECT_TRUE(d.children.empty());
}

TEST(WindowPlanner, AFirstWindowIsSplitForIdleWorkersOnlyWhenItHasPagesForThem) {
  WindowPlanner p(settings(8));
  auto ws = p.initial({TypeRange{"SellerFulfilled", kStart, kStart + 7 * kDay - 1, false}});
  ASSERT_EQ(ws.size(), 1u);
  ASSERT_EQ(p.parallel_share(), 8);
  // 3 pages: not worth 8 parts.
  EXPECT_EQ(p.after_first_page(ws[0], 500).action, Action::paginate);
  // 50 pages: 8 parts.
  const auto d = p.after_first_page(ws[0], 9999);
  ASSERT_EQ(d.action, Action::split);
  EXPECT_EQ(d.children.size(), 8u);
  expect_tiles(ws[0], d.children);
  // The parts are not split again for parallelism (depth > 0).
  EXPECT_EQ(p.after_first_page(d.children[0], 1250).action, Action::paginate);
}

TEST(WindowPlanner, OverTheCapTheWindowIsCutIntoAsManyPartsAsTheCountNeeds) {
  WindowPlanner p(settings(1, 31 * kDay, 10000));
  auto ws = p.initial({TypeRange{"SellerFulfilled", kStart, kStart + 30 * kDay - 1, false}});
  ASSERT_EQ(ws.size(), 1u);
  const auto d = p.after_first_page(ws[0], 45000);
  ASSERT_EQ(d.action, Action::split);
  EXPECT_EQ(d.children.size(), 6u);  // 45,000 / (80% of 10,000), rounded up
  expect_tiles(ws[0], d.children);
  // Just over the cap: two parts, never one.
  EXPECT_EQ(p.after_first_page(ws[0], 10001).children.size(), 2u);
}

TEST(WindowPlanner, AWindowTooNarrowToSplitFailsWithTheReason) {
  WindowPlanner p(settings(1));
  const OrderWindow w{"SellerFulfilled", kStart, kStart + 1500, 5, 0, false};
  const auto d = p.after_first_page(w, 20000);
  EXPECT_EQ(d.action, Action::fail);
  EXPECT_NE(d.reason.find("20000 orders match"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("fetch.max_orders_per_query"), std::string::npos) << d.reason;
}

TEST(WindowPlanner, ARefusedWindowIsHalvedDownToAMinuteThenFails) {
  WindowPlanner p(settings(1));
  const OrderWindow w{"WFSFulfilled", kStart, kStart + 3'600'000, 0, 0, false};
  const auto d = p.after_refusal(w);
  ASSERT_EQ(d.action, Action::split);
  ASSERT_EQ(d.children.size(), 2u);
  expect_tiles(w, d.children);
  EXPECT_EQ(d.children[0].rejected_splits, 1);
  const OrderWindow narrow{"WFSFulfilled", kStart, kStart + 90'000, 6, 6, false};
  const auto n = p.after_refusal(narrow);
  EXPECT_EQ(n.action, Action::fail);
  EXPECT_NE(n.reason.find("too narrow"), std::string::npos) << n.reason;
}

TEST(WindowPlanner, OnlyTheLastPartKeepsAnOpenEnd) {
  const OrderWindow w{"SellerFulfilled", kStart, kStart + kDay, 0, 0, true};
  const auto parts = WindowPlanner::cut_into(w, 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_FALSE(parts[0].open_end);
  EXPECT_FALSE(parts[1].open_end);
  EXPECT_TRUE(parts[2].open_end);
  // Never narrower than kMinSplitMs: a 3 s window gives at most 3 parts.
  const OrderWindow tiny{"SellerFulfilled", kStart, kStart + 3000, 0, 0, false};
  EXPECT_EQ(WindowPlanner::cut_into(tiny, 10).size(), 3u);
}

TEST(WindowPlanner, AShortWindowIsReadAgainThenFailedOrKeptWithTheWatermarkHeld) {
  using Short = WindowPlanner::ShortAction;
  for (int reads = 1; reads < WindowPlanner::kMaxWindowReads; ++reads) {
    EXPECT_EQ(WindowPlanner::after_short_read(DateFilter::created, reads), Short::read_again);
    EXPECT_EQ(WindowPlanner::after_short_read(DateFilter::last_modified, reads), Short::read_again);
  }
  EXPECT_EQ(WindowPlanner::after_short_read(DateFilter::created, WindowPlanner::kMaxWindowReads),
            Short::fail);
  EXPECT_EQ(
      WindowPlanner::after_short_read(DateFilter::last_modified, WindowPlanner::kMaxWindowReads),
      Short::keep_short);
}

}  // namespace
}  // namespace etl::pipeline

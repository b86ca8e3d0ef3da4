// The run's small decisions, each a pure function: which ship-node types a run fetches, how a
// range is logged, which watermark a finished type stores, and what each WindowReader step counts
// (TypeTally::record).

#include <gtest/gtest.h>

#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/fetch_result.hpp"
#include "pipeline/fetch/range_plan.hpp"
#include "pipeline/fetch/type_tally.hpp"
#include "pipeline/fetch/window_reader.hpp"

namespace etl::pipeline {
namespace {

constexpr int64_t kMay1 = 1'714'521'600'000;  // 2024-05-01T00:00:00Z
constexpr int64_t kHour = 3'600'000;

TEST(ShipNodeTypesToFetch, TheRequestsElseTheConfiguredOnesEachOnce) {
  const std::vector<std::string> configured{"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"};
  FetchRequest r;
  EXPECT_EQ(ship_node_types_to_fetch(r, configured), configured);
  r.ship_node_types = {"WFSFulfilled", "SellerFulfilled", "WFSFulfilled"};
  EXPECT_EQ(ship_node_types_to_fetch(r, configured),
            (std::vector<std::string>{"WFSFulfilled", "SellerFulfilled"}));
  EXPECT_EQ(ship_node_types_to_fetch(FetchRequest{}, {"A", "A", "B"}),
            (std::vector<std::string>{"A", "B"}));
}

TEST(DescribeRange, ClosedAndOpenEnded) {
  EXPECT_EQ(describe_range(TypeRange{"SellerFulfilled", kMay1, kMay1 + kHour, false}),
            "2024-05-01T00:00:00Z..2024-05-01T01:00:00Z");
  EXPECT_EQ(describe_range(TypeRange{"SellerFulfilled", kMay1, kMay1 + kHour, true}),
            "2024-05-01T00:00:00Z..now (2024-05-01T01:00:00Z)");
}

ShipNodeSummary finished_type() {
  ShipNodeSummary s;
  s.ship_node_type = "SellerFulfilled";
  s.range_start_ms = kMay1;
  s.range_end_ms = kMay1 + 10 * kHour;
  s.windows_total = 2;
  s.windows_done = 2;
  s.orders = 3;
  s.acknowledged = 3;
  return s;
}

FetchRequest since_last() {
  FetchRequest r;
  r.mode = FetchMode::since_last;
  return r;
}

TEST(WatermarkToStore, TheRangesEndWhenTheTypeIsComplete) {
  EXPECT_EQ(watermark_to_store(since_last(), finished_type()), kMay1 + 10 * kHour);
}

TEST(WatermarkToStore, ShortWindowsHoldItAtTheEarliestStart) {
  ShipNodeSummary s = finished_type();
  s.windows_short = 1;
  s.short_from_ms = kMay1 + 4 * kHour;
  EXPECT_EQ(watermark_to_store(since_last(), s), kMay1 + 4 * kHour);
  s.short_from_ms = kMay1 + 11 * kHour;  // past the range's end: the end
  EXPECT_EQ(watermark_to_store(since_last(), s), kMay1 + 10 * kHour);
}

TEST(WatermarkToStore, NoneWhenIncompleteDryRunOrNotSinceLast) {
  ShipNodeSummary failed = finished_type();
  failed.windows_failed = 1;
  EXPECT_FALSE(watermark_to_store(since_last(), failed));
  ShipNodeSummary unacknowledged = finished_type();
  unacknowledged.acknowledged = 2;
  EXPECT_FALSE(watermark_to_store(since_last(), unacknowledged));
  ShipNodeSummary dead_lettered = unacknowledged;
  dead_lettered.dead_lettered = 1;  // kept in the dead letter: not lost
  EXPECT_TRUE(watermark_to_store(since_last(), dead_lettered));
  FetchRequest dry = since_last();
  dry.dry_run = true;
  EXPECT_FALSE(watermark_to_store(dry, finished_type()));
  FetchRequest range;
  range.mode = FetchMode::date_range;
  EXPECT_FALSE(watermark_to_store(range, finished_type()));
  range.mode = FetchMode::last_hours;
  EXPECT_FALSE(watermark_to_store(range, finished_type()));
}

walmart::OrderWindow window() {
  walmart::OrderWindow w;
  w.ship_node_type = "SellerFulfilled";
  w.start_ms = kMay1 + kHour;
  w.end_ms = kMay1 + 2 * kHour;
  return w;
}

ReadStep step(ReadStep::Action action, bool produce = false) {
  ReadStep s;
  s.action = action;
  s.produce = produce;
  return s;
}

TEST(TypeTallyRecord, APageProducedCountsThePageAndItsOrders) {
  TypeTally t("SellerFulfilled");
  t.record(window(), step(ReadStep::Action::get, true), 200);
  t.record(window(), step(ReadStep::Action::done, true), 37);
  const ShipNodeSummary s = t.summary();
  EXPECT_EQ(s.pages, 2u);
  EXPECT_EQ(s.orders_received, 237u);
  EXPECT_EQ(s.windows_done, 1u);
  EXPECT_EQ(s.retries, 0u);
}

TEST(TypeTallyRecord, ANoOrdersAnswerCountsNoPage) {
  TypeTally t("SellerFulfilled");
  t.record(window(), step(ReadStep::Action::done), 0);
  EXPECT_EQ(t.summary().pages, 0u);
  EXPECT_EQ(t.summary().windows_done, 1u);
}

TEST(TypeTallyRecord, AReadAgainIsARetry) {
  TypeTally t("SellerFulfilled");
  ReadStep again = step(ReadStep::Action::get, true);
  again.read_again = true;
  t.record(window(), again, 5);
  EXPECT_EQ(t.summary().retries, 1u);
  EXPECT_EQ(t.summary().windows_done, 0u);
}

TEST(TypeTallyRecord, KeptShortIsDoneAndHoldsTheWatermarkAtTheWindowsStart) {
  TypeTally t("SellerFulfilled");
  ReadStep kept = step(ReadStep::Action::done, true);
  kept.kept_short = true;
  t.record(window(), kept, 3);
  const ShipNodeSummary s = t.summary();
  EXPECT_EQ(s.windows_done, 1u);
  EXPECT_EQ(s.windows_short, 1u);
  EXPECT_EQ(s.short_from_ms, kMay1 + kHour);
}

TEST(TypeTallyRecord, ASplitAddsItsParts) {
  TypeTally t("SellerFulfilled");
  ReadStep split = step(ReadStep::Action::split, true);
  split.children.resize(4);
  t.record(window(), split, 200);
  const ShipNodeSummary s = t.summary();
  EXPECT_EQ(s.windows_split, 1u);
  EXPECT_EQ(s.windows_total, 4u);
  EXPECT_EQ(s.pages, 1u);
}

TEST(TypeTallyRecord, AFailureIsCountedWithItsReason) {
  TypeTally t("SellerFulfilled");
  ReadStep fail = step(ReadStep::Action::fail);
  fail.reason = "the API said no";
  t.record(window(), fail, 0);
  const ShipNodeSummary s = t.summary();
  EXPECT_EQ(s.windows_failed, 1u);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("the API said no"), std::string::npos);
  EXPECT_EQ(s.errors[0].rfind("window ", 0), 0u) << s.errors[0];
  EXPECT_EQ(s.pages, 0u);
}

}  // namespace
}  // namespace etl::pipeline

// Each fetch mode's range for one ship-node type, from the request, the server's clock and the
// type's watermark: closed and open-ended date ranges, the last N hours, --since-last from the
// watermark (minus the overlap), from --start, or not at all.

#include "pipeline/fetch/range_plan.hpp"

#include <gtest/gtest.h>

namespace etl::pipeline {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kMay1 = 1'714'521'600'000;                      // 2024-05-01T00:00:00Z
constexpr int64_t kNow = kMay1 + 10 * kDay + 3'600'000 * 5 + 17;  // 2024-05-11T05:00:00.017Z

FetchRequest request(FetchMode mode) {
  FetchRequest r;
  r.mode = mode;
  return r;
}

TEST(RangePlan, PastDaysAreClosedUpToTheLastMillisecondOfTheLastDay) {
  FetchRequest r = request(FetchMode::date_range);
  r.start_day_ms = kMay1;
  r.end_day_ms = kMay1 + 2 * kDay;
  const auto range = plan_range(r, "SellerFulfilled", kNow, std::nullopt, 0);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->ship_node_type, "SellerFulfilled");
  EXPECT_EQ(range->start_ms, kMay1);
  EXPECT_EQ(range->end_ms, kMay1 + 3 * kDay - 1);
  EXPECT_FALSE(range->open_end);
}

TEST(RangePlan, WithoutEndOrEndingTodayTheRangeEndsAtTheServersNow) {
  FetchRequest r = request(FetchMode::date_range);
  r.start_day_ms = kMay1;
  auto range = plan_range(r, "WFSFulfilled", kNow, std::nullopt, 0);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->end_ms, kNow);
  EXPECT_TRUE(range->open_end);
  r.end_day_ms = kMay1 + 10 * kDay;  // today
  range = plan_range(r, "WFSFulfilled", kNow, std::nullopt, 0);
  EXPECT_EQ(range->end_ms, kNow);
  EXPECT_TRUE(range->open_end);
}

TEST(RangePlan, LastHoursEndNow) {
  FetchRequest r = request(FetchMode::last_hours);
  r.last_hours = 6;
  const auto range = plan_range(r, "3PLFulfilled", kNow, std::nullopt, 0);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_ms, kNow - 6 * 3'600'000);
  EXPECT_EQ(range->end_ms, kNow);
  EXPECT_TRUE(range->open_end);
}

TEST(RangePlan, SinceLastStartsAtTheWatermarkMinusTheOverlapAndIgnoresStart) {
  FetchRequest r = request(FetchMode::since_last);
  r.start_day_ms = kMay1;
  const auto range = plan_range(r, "SellerFulfilled", kNow, kNow - 60'000, 300'000);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_ms, kNow - 360'000);
  EXPECT_EQ(range->end_ms, kNow);
  EXPECT_TRUE(range->open_end);
}

TEST(RangePlan, SinceLastWithoutWatermarkNeedsStart) {
  FetchRequest r = request(FetchMode::since_last);
  EXPECT_FALSE(plan_range(r, "SellerFulfilled", kNow, std::nullopt, 0));
  r.start_day_ms = kMay1;
  const auto range = plan_range(r, "SellerFulfilled", kNow, std::nullopt, 0);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_ms, kMay1);
}

TEST(RangePlan, AWatermarkAheadOfTheServersClockNeverMakesAnInvertedRange) {
  FetchRequest r = request(FetchMode::since_last);
  const auto range = plan_range(r, "SellerFulfilled", kNow, kNow + 3'600'000, 0);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_ms, kNow);
  EXPECT_EQ(range->end_ms, kNow);
}

}  // namespace
}  // namespace etl::pipeline

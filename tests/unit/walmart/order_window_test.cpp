// Windows: cutting a range, halving, and the exact first-page and cursor requests.

#include "walmart/order_window.hpp"

#include <gtest/gtest.h>

namespace etl::walmart {
namespace {

constexpr int64_t kStart = 1714521600000;  // 2024-05-01T00:00:00Z
constexpr int64_t kHour = 3'600'000;

TEST(OrderWindow, CutsSharingBoundaries) {
  const auto ws = cut_windows("SellerFulfilled", kStart, kStart + 3 * kHour - 1, kHour);
  ASSERT_EQ(ws.size(), 3u);
  EXPECT_EQ(ws[0].start_ms, kStart);
  EXPECT_EQ(ws[0].end_ms, kStart + kHour);
  EXPECT_EQ(ws[1].start_ms, kStart + kHour);
  EXPECT_EQ(ws[2].end_ms, kStart + 3 * kHour - 1);
  for (const auto& w : ws) EXPECT_FALSE(w.open_end);
}

TEST(OrderWindow, OpenEndOnlyOnTheLastWindow) {
  const auto ws = cut_windows("WFSFulfilled", kStart, kStart + kHour + 5, kHour, true);
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_FALSE(ws[0].open_end);
  EXPECT_TRUE(ws[1].open_end);
  EXPECT_EQ(
      first_page_target(ws[1], DateFilter::last_modified, 200),
      "/v3/orders?limit=200&lastModifiedStartDate=2024-05-01T01:00:00Z&shipNodeType=WFSFulfilled");
}

TEST(OrderWindow, EmptyAndSingleInstantRanges) {
  EXPECT_TRUE(cut_windows("X", kStart, kStart - 1, kHour).empty());
  EXPECT_EQ(cut_windows("X", kStart, kStart, kHour).size(), 1u);
}

TEST(OrderWindow, HalvesShareTheMidpoint) {
  OrderWindow w{"3PLFulfilled", kStart, kStart + kHour, 0, 0, true};
  const auto [a, b] = halve(w);
  EXPECT_EQ(a.start_ms, kStart);
  EXPECT_EQ(a.end_ms, kStart + kHour / 2);
  EXPECT_FALSE(a.open_end);
  EXPECT_EQ(b.start_ms, kStart + kHour / 2);
  EXPECT_EQ(b.end_ms, kStart + kHour);
  EXPECT_TRUE(b.open_end);
  EXPECT_EQ(a.depth, 1);
  EXPECT_EQ(b.depth, 1);
}

TEST(OrderWindow, FirstPageQueryUsesFullUtcTimestamps) {
  OrderWindow w{"SellerFulfilled", kStart, kStart + kHour, 0, 0, false};
  EXPECT_EQ(
      first_page_target(w, DateFilter::created, 200),
      "/v3/"
      "orders?limit=200&createdStartDate=2024-05-01T00:00:00Z&createdEndDate=2024-05-01T01:00:00Z"
      "&shipNodeType=SellerFulfilled");
  w.end_ms = kStart + kHour - 1;
  EXPECT_EQ(first_page_target(w, DateFilter::last_modified, 50),
            "/v3/orders?limit=50&lastModifiedStartDate=2024-05-01T00:00:00Z&lastModifiedEndDate="
            "2024-05-01T00:59:59.999Z&shipNodeType=SellerFulfilled");
  EXPECT_EQ(w.describe(), "SellerFulfilled 2024-05-01T00:00:00Z..2024-05-01T00:59:59.999Z");
}

TEST(OrderWindow, CursorIsAppendedVerbatim) {
  EXPECT_EQ(cursor_target("?limit=200&hasMoreElements=true&soIndex=78449&poIndex=10&"
                          "createdEndDate=2019-09-17T18:47:03.703Z&x=%2B"),
            "/v3/orders?limit=200&hasMoreElements=true&soIndex=78449&poIndex=10&"
            "createdEndDate=2019-09-17T18:47:03.703Z&x=%2B");
  EXPECT_EQ(cursor_target("limit=1"), "/v3/orders?limit=1");
}

}  // namespace
}  // namespace etl::walmart

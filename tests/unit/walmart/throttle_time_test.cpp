// X-Next-Replenishment-Time, Retry-After and Date parsing (the format of the replenishment
// header is not documented, so every plausible one must work).

#include "walmart/throttle_time.hpp"

#include <gtest/gtest.h>

namespace etl::walmart {
namespace {

constexpr int64_t kNow = 1714573540123;  // 2024-05-01T14:25:40.123Z

TEST(ReplenishmentTime, EpochMilliseconds) {
  EXPECT_EQ(parse_replenishment_time("1714573600000", kNow), 1714573600000);
}

TEST(ReplenishmentTime, EpochSecondsWithAndWithoutFraction) {
  EXPECT_EQ(parse_replenishment_time("1714573600", kNow), 1714573600000);
  EXPECT_EQ(parse_replenishment_time("1714573600.25", kNow), 1714573600250);
}

TEST(ReplenishmentTime, Iso8601Forms) {
  EXPECT_EQ(parse_replenishment_time("2024-05-01T14:26:40Z", kNow), 1714573600000);
  EXPECT_EQ(parse_replenishment_time("2024-05-01T14:26:40.500Z", kNow), 1714573600500);
  EXPECT_EQ(parse_replenishment_time("2024-05-01T16:26:40+02:00", kNow), 1714573600000);
  EXPECT_EQ(parse_replenishment_time(" \"2024-05-01 14:26:40\" ", kNow), 1714573600000);
}

TEST(ReplenishmentTime, HttpDateAndRelativeSeconds) {
  EXPECT_EQ(parse_replenishment_time("Wed, 01 May 2024 14:26:40 GMT", kNow), 1714573600000);
  EXPECT_EQ(parse_replenishment_time("3", kNow), kNow + 3000);
}

TEST(ReplenishmentTime, GarbageIsRejected) {
  EXPECT_FALSE(parse_replenishment_time("", kNow));
  EXPECT_FALSE(parse_replenishment_time("soon", kNow));
  EXPECT_FALSE(parse_replenishment_time("12abc", kNow));
  EXPECT_FALSE(parse_replenishment_time("2024-13-01T00:00:00Z", kNow));
}

TEST(RetryAfter, SecondsOrDate) {
  EXPECT_EQ(parse_retry_after("120", kNow), kNow + 120000);
  EXPECT_EQ(parse_retry_after("Wed, 01 May 2024 14:26:40 GMT", kNow), 1714573600000);
  EXPECT_FALSE(parse_retry_after("later", kNow));
}

TEST(HttpDate, Rfc7231) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(parse_http_date("06 Nov 1994 08:49:37 GMT"), 784111777000);
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"));
}

}  // namespace
}  // namespace etl::walmart

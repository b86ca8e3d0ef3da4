#include "common/utc_time.hpp"

#include <gtest/gtest.h>

using namespace etl;

TEST(UtcTime, FormatsSqlDatetime) {
  EXPECT_EQ(format_sql_datetime(0), "1970-01-01 00:00:00");
  EXPECT_EQ(format_sql_datetime(1714573391), "2024-05-01 14:23:11");
  EXPECT_EQ(format_sql_datetime(2147483647), "2038-01-19 03:14:07");
  EXPECT_EQ(format_sql_datetime(-1), "1969-12-31 23:59:59");
  EXPECT_EQ(format_sql_datetime(951782400), "2000-02-29 00:00:00");
}

TEST(UtcTime, ParsesStrictSqlDatetime) {
  EXPECT_EQ(parse_sql_datetime("2024-05-01 14:23:11"), 1714573391);
  EXPECT_FALSE(parse_sql_datetime("2024-05-01T14:23:11"));
  EXPECT_FALSE(parse_sql_datetime("2024-02-30 00:00:00"));
  EXPECT_FALSE(parse_sql_datetime("2024-05-01 24:00:00"));
  EXPECT_FALSE(parse_sql_datetime("2024-05-01 14:23:1"));
  EXPECT_FALSE(parse_sql_datetime(""));
  EXPECT_EQ(parse_sql_datetime("2024-02-29 00:00:00"), 1709164800);
}

TEST(UtcTime, ParsesIso8601Variants) {
  EXPECT_EQ(parse_iso8601_ms("2020-03-16"), 1584316800000);
  EXPECT_EQ(parse_iso8601_ms("2020-03-16T10:30:15Z"), 1584354615000);
  EXPECT_EQ(parse_iso8601_ms("2016-08-16T10:30:30.155Z"), 1471343430155);
  EXPECT_EQ(parse_iso8601_ms("2023-07-17T00:00:00-06:00"), 1689573600000);
  EXPECT_FALSE(parse_iso8601_ms("2020-13-01"));
  EXPECT_FALSE(parse_iso8601_ms("2020-03-16T10:30:15Zjunk"));
  EXPECT_EQ(format_iso8601_ms(1471343430155), "2016-08-16T10:30:30.155Z");
  EXPECT_EQ(format_iso8601(1584354615999), "2020-03-16T10:30:15Z");
}

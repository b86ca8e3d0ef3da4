#include "recon/report_dates.hpp"

#include <gtest/gtest.h>

namespace etl::recon {
namespace {

TEST(ReportDates, DaysInUsAndIsoForm) {
  EXPECT_EQ(parse_report_day("12/04/2026"), "2026-12-04");
  EXPECT_EQ(parse_report_day("4/9/2026"), "2026-04-09");
  EXPECT_EQ(parse_report_day(" 2026-12-04 "), "2026-12-04");
  EXPECT_EQ(parse_report_day("02/29/2028"), "2028-02-29");
  EXPECT_FALSE(parse_report_day("02/29/2026"));
  EXPECT_FALSE(parse_report_day("13/01/2026"));
  EXPECT_FALSE(parse_report_day("12/04/26"));
  EXPECT_FALSE(parse_report_day("########"));
  EXPECT_FALSE(parse_report_day("2026-12-4"));
  EXPECT_FALSE(parse_report_day("12/04/2026x"));
  EXPECT_FALSE(parse_report_day("123/04/2026"));
}

TEST(ReportDates, TimestampsKeepAnOptionalTime) {
  EXPECT_EQ(parse_report_timestamp("12/12/2026"), "2026-12-12 00:00:00");
  EXPECT_EQ(parse_report_timestamp("12/12/2026 7:05"), "2026-12-12 07:05:00");
  EXPECT_EQ(parse_report_timestamp("2026-12-12T23:59:59"), "2026-12-12 23:59:59");
  EXPECT_FALSE(parse_report_timestamp("12/12/2026 24:00"));
  EXPECT_FALSE(parse_report_timestamp("12/12/2026 7"));
}

TEST(ReportDates, ReportDatesInEitherEightDigitOrder) {
  EXPECT_EQ(parse_report_date("12122026"), "2026-12-12");  // MMDDYYYY, as the list gives it
  EXPECT_EQ(parse_report_date("20201105"), "2020-11-05");  // YYYYMMDD
  EXPECT_EQ(parse_report_date("11/05/2020"), "2020-11-05");
  EXPECT_EQ(parse_report_date("2020-11-05"), "2020-11-05");
  EXPECT_FALSE(parse_report_date("13132026"));
  EXPECT_FALSE(parse_report_date("1212202"));
  EXPECT_EQ(to_api_report_date("2026-12-12"), "12122026");
}

}  // namespace
}  // namespace etl::recon

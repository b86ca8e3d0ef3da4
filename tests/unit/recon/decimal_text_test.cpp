#include "recon/decimal_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace etl::recon {
namespace {

TEST(DecimalText, PlainAmountsAreExactCents) {
  EXPECT_EQ(parse_scaled_decimal("24.99", 2), 2499);
  EXPECT_EQ(parse_scaled_decimal("-3.75", 2), -375);
  EXPECT_EQ(parse_scaled_decimal("+7.5", 2), 750);
  EXPECT_EQ(parse_scaled_decimal("0", 2), 0);
  EXPECT_EQ(parse_scaled_decimal(".5", 2), 50);
  EXPECT_EQ(parse_scaled_decimal("12.", 2), 1200);
  EXPECT_EQ(parse_scaled_decimal("  -0.01 ", 2), -1);
  // A binary float would make 0.1 + 0.2 inexact; here every step is integral.
  EXPECT_EQ(*parse_scaled_decimal("0.1", 2) + *parse_scaled_decimal("0.2", 2),
            *parse_scaled_decimal("0.3", 2));
}

TEST(DecimalText, AccountingAndSpreadsheetFormsAreRead) {
  EXPECT_EQ(parse_scaled_decimal("(1.23)", 2), -123);
  EXPECT_EQ(parse_scaled_decimal("($1,234.56)", 2), -123456);
  EXPECT_EQ(parse_scaled_decimal("-$5.00", 2), -500);
  EXPECT_EQ(parse_scaled_decimal("1,234,567.89", 2), 123456789);
  EXPECT_EQ(parse_scaled_decimal("12.3400", 2), 1234);  // extra zeros are harmless
}

TEST(DecimalText, AmbiguousOrLossyFormsAreRefusedWithAReason) {
  std::string why;
  EXPECT_FALSE(parse_scaled_decimal("1.19111E+14", 2, &why));
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_FALSE(parse_scaled_decimal("1.005", 2, &why));
  EXPECT_EQ(why, "more fraction digits than the column holds");
  EXPECT_FALSE(parse_scaled_decimal("1,23.45", 2));   // not a thousands group
  EXPECT_FALSE(parse_scaled_decimal("1234,567", 2));  // first group too long
  EXPECT_FALSE(parse_scaled_decimal("(-1.00)", 2));
  EXPECT_FALSE(parse_scaled_decimal("(1.00", 2));
  EXPECT_FALSE(parse_scaled_decimal("--1", 2));
  EXPECT_FALSE(parse_scaled_decimal("-", 2));
  EXPECT_FALSE(parse_scaled_decimal(".", 2));
  EXPECT_FALSE(parse_scaled_decimal("1.2.3", 2));
  EXPECT_FALSE(parse_scaled_decimal("12 34", 2));
  EXPECT_FALSE(parse_scaled_decimal("########", 2));
  EXPECT_FALSE(parse_scaled_decimal("", 2, &why));
  EXPECT_EQ(why, "empty");
}

TEST(DecimalText, SizeIsBoundedSoNothingOverflows) {
  EXPECT_EQ(parse_scaled_decimal("9999999999999999.99", 2), 999999999999999999);
  std::string why;
  EXPECT_FALSE(parse_scaled_decimal("99999999999999999.99", 2, &why));
  EXPECT_EQ(why, "too large");
  EXPECT_EQ(parse_scaled_decimal("0000000000000000000000001.00", 2), 100);
  EXPECT_FALSE(parse_scaled_decimal(std::string(100000, '9'), 2));
}

TEST(DecimalText, PercentagesAtScaleThree) {
  EXPECT_EQ(parse_scaled_decimal("15", 3), 15000);
  EXPECT_EQ(parse_scaled_decimal("12.5", 3), 12500);
  EXPECT_EQ(parse_scaled_decimal("6.125", 3), 6125);
}

TEST(DecimalText, FormatRoundTrips) {
  EXPECT_EQ(format_scaled_decimal(-375, 2), "-3.75");
  EXPECT_EQ(format_scaled_decimal(5, 2), "0.05");
  EXPECT_EQ(format_scaled_decimal(-5, 2), "-0.05");
  EXPECT_EQ(format_scaled_decimal(0, 2), "0.00");
  EXPECT_EQ(format_scaled_decimal(12500, 3), "12.500");
  EXPECT_EQ(format_scaled_decimal(42, 0), "42");
  EXPECT_EQ(format_scaled_decimal(std::numeric_limits<int64_t>::min(), 2), "-92233720368547758.08");
  for (int64_t v :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{99}, int64_t{-100}, int64_t{123456789}}) {
    EXPECT_EQ(parse_scaled_decimal(format_scaled_decimal(v, 2), 2), v);
  }
}

TEST(DecimalText, WholeNumbers) {
  EXPECT_EQ(parse_whole_number("200012345678901"), 200012345678901);
  EXPECT_EQ(parse_whole_number(" 2 "), 2);
  EXPECT_EQ(parse_whole_number("2.0"), 2);
  EXPECT_FALSE(parse_whole_number("2.5"));
  EXPECT_FALSE(parse_whole_number("-2"));
  EXPECT_FALSE(parse_whole_number("1.19111E+14"));
  EXPECT_FALSE(parse_whole_number("12345678901234567890"));
  EXPECT_FALSE(parse_whole_number(""));
  EXPECT_FALSE(parse_whole_number("."));
}

}  // namespace
}  // namespace etl::recon

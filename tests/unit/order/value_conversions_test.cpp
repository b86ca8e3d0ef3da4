// The conversions of docs/data-model.md on text: integers, exact decimals, code-point cuts,
// TIMESTAMP range.

#include "order/value_conversions.hpp"

#include <gtest/gtest.h>

namespace etl::order {
namespace {

std::string cents_or_problem(DecimalConversion d) {
  switch (d.problem) {
    case ConversionProblem::none:
      return std::to_string(d.cents);
    case ConversionProblem::out_of_range:
      return "range";
    default:
      return "nan";
  }
}

TEST(DecimalConversion, RoundsHalfAwayFromZeroExactly) {
  EXPECT_EQ(cents_or_problem(cents_from_json_number("0.005")), "1");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("-0.005")), "-1");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("1.235")), "124");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("1.234999999999999999999")), "123");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("2.675")), "268");  // 2.67499.. as a double
  EXPECT_EQ(cents_or_problem(cents_from_json_number("0.0049")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("-0.0049")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("10")), "1000");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("0")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("-0")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("24.99")), "2499");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("29.5")), "2950");
}

TEST(DecimalConversion, Exponents) {
  EXPECT_EQ(cents_or_problem(cents_from_json_number("1e2")), "10000");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("1E+2")), "10000");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("12345e-4")), "123");  // 1.2345
  EXPECT_EQ(cents_or_problem(cents_from_json_number("125e-4")), "1");      // 0.0125
  EXPECT_EQ(cents_or_problem(cents_from_json_number("5e-3")), "1");        // 0.005
  EXPECT_EQ(cents_or_problem(cents_from_json_number("4e-3")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("1e-999999999999999")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("0e999999999")), "0");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("1e999999999999999")), "range");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("0.00000000000000000000001e25")), "10000");
}

TEST(DecimalConversion, Decimal10_2Range) {
  EXPECT_EQ(cents_or_problem(cents_from_json_number("99999999.99")), "9999999999");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("-99999999.99")), "-9999999999");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("99999999.994")), "9999999999");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("99999999.995")), "range");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("-99999999.995")), "range");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("100000000")), "range");
  EXPECT_EQ(cents_or_problem(cents_from_json_number("123456789012345678901234567890")), "range");
}

TEST(DecimalConversion, NumericStrings) {
  EXPECT_EQ(cents_or_problem(cents_from_string("24.99")), "2499");
  EXPECT_EQ(cents_or_problem(cents_from_string(" 1.235 ")), "124");
  EXPECT_EQ(cents_or_problem(cents_from_string("+3")), "300");
  EXPECT_EQ(cents_or_problem(cents_from_string("-0.005")), "-1");
  EXPECT_EQ(cents_or_problem(cents_from_string(".5")), "50");
  EXPECT_EQ(cents_or_problem(cents_from_string("5.")), "500");
  EXPECT_EQ(cents_or_problem(cents_from_string("007.10")), "710");
  EXPECT_EQ(cents_or_problem(cents_from_string("1e2")), "10000");
  EXPECT_EQ(cents_or_problem(cents_from_string("abc")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string(".")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("1.2.3")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("1e")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("$5")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("1,5")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("NaN")), "nan");
  EXPECT_EQ(cents_or_problem(cents_from_string("99999999.995")), "range");
}

std::string int_or_problem(IntConversion c) {
  switch (c.problem) {
    case ConversionProblem::none:
      return std::to_string(c.value);
    case ConversionProblem::out_of_range:
      return "range";
    default:
      return "nan";
  }
}

TEST(IntegerConversion, JsonNumbers) {
  EXPECT_EQ(int_or_problem(integer_from_json_number("1714573391000")), "1714573391000");
  EXPECT_EQ(int_or_problem(integer_from_json_number("-5")), "-5");
  EXPECT_EQ(int_or_problem(integer_from_json_number("9223372036854775807")), "9223372036854775807");
  EXPECT_EQ(int_or_problem(integer_from_json_number("-9223372036854775808")),
            "-9223372036854775808");
  EXPECT_EQ(int_or_problem(integer_from_json_number("9223372036854775808")), "range");
  EXPECT_EQ(int_or_problem(integer_from_json_number("1.0")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_json_number("1e3")), "nan");
}

TEST(IntegerConversion, Strings) {
  EXPECT_EQ(int_or_problem(integer_from_string("01")), "1");
  EXPECT_EQ(int_or_problem(integer_from_string(" 7 ")), "7");
  EXPECT_EQ(int_or_problem(integer_from_string("-12")), "-12");
  EXPECT_EQ(int_or_problem(integer_from_string("1.0")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("abc")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("   ")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("-")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("+1")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("1 2")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("\t1")), "nan");
  EXPECT_EQ(int_or_problem(integer_from_string("99999999999999999999")), "range");
  EXPECT_EQ(int_or_problem(integer_from_string("99999999999999999999x")), "nan");
}

TEST(IntegerConversion, Int32Narrowing) {
  EXPECT_EQ(int_or_problem(narrow_to_int32(integer_from_string("2147483647"))), "2147483647");
  EXPECT_EQ(int_or_problem(narrow_to_int32(integer_from_string("-2147483648"))), "-2147483648");
  EXPECT_EQ(int_or_problem(narrow_to_int32(integer_from_string("2147483648"))), "range");
  EXPECT_EQ(int_or_problem(narrow_to_int32(integer_from_string("-2147483649"))), "range");
}

TEST(TextCuts, CodePointsNeverSplitASequence) {
  // "漢字" = 2 code points of 3 bytes; "😀" = 1 code point of 4 bytes; "é" as e + U+0301.
  EXPECT_EQ(prefix_bytes_for_code_points("abc", 3), 3u);
  EXPECT_EQ(prefix_bytes_for_code_points("abcd", 3), 3u);
  EXPECT_EQ(prefix_bytes_for_code_points("漢字漢字", 3), 9u);
  EXPECT_EQ(prefix_bytes_for_code_points("a😀b", 2), 5u);
  EXPECT_EQ(prefix_bytes_for_code_points("e\xCC\x81"
                                         "f",
                                         1),
            1u);  // combining mark is its own code point
  EXPECT_EQ(count_code_points("a😀漢e\xCC\x81"), 5u);
}

TEST(TextCuts, BytesOnBoundary) {
  EXPECT_EQ(prefix_bytes_on_boundary("abc", 5), 3u);
  EXPECT_EQ(prefix_bytes_on_boundary("ab😀", 3), 2u);
  EXPECT_EQ(prefix_bytes_on_boundary("ab😀", 5), 2u);
  EXPECT_EQ(prefix_bytes_on_boundary("ab😀", 6), 6u);
  EXPECT_EQ(prefix_bytes_on_boundary("ab😀c", 6), 6u);
}

TEST(TimestampRange, FloorsAndChecksTheTimestampRange) {
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(1714573391999), 1714573391);
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(1000), 1);  // 1970-01-01 00:00:01
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(999), std::nullopt);
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(0), std::nullopt);
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(-1), std::nullopt);
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(2147483647999), 2147483647);  // 2038-01-19 03:14:07
  EXPECT_EQ(timestamp_seconds_from_epoch_ms(2147483648000), std::nullopt);
}

}  // namespace
}  // namespace etl::order

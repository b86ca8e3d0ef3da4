#pragma once
// Exact decimal text <-> scaled integers, for the money and percentages of the reconciliation
// report. No floating point anywhere: "-3.75" at scale 2 is -375, "12.5" at scale 3 is 12500.
//
// Accepted forms (the report's values are text a person or a spreadsheet may have touched, so
// every plausible spelling of a number is read, and nothing that could be something else):
//   surrounding blanks; a leading '+' or '-'; accounting negatives in parentheses "(1.23)";
//   a currency sign '$' after the sign or inside the parentheses; thousands separators ','
//   only in full groups of three ("1,234.56", never "1,23.4"); a fraction of up to `scale`
//   digits, or more when the extra digits are zeros ("1.2300"). Refused: exponents ("1.2E+3",
//   the mark of a spreadsheet that rewrote the value), two signs, a sign with parentheses, a
//   lone '.', anything else, and values of more than 18 digits once scaled.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace etl::recon {

// The value times 10^scale (scale 0..6), or nullopt with `why` set (when not null) to the reason.
// Empty or blank text is nullopt with why = "empty".
std::optional<int64_t> parse_scaled_decimal(std::string_view text, int scale,
                                            std::string* why = nullptr);

// The value with exactly `scale` fraction digits: format_scaled_decimal(-375, 2) == "-3.75".
std::string format_scaled_decimal(int64_t value, int scale);

// Digits only (surrounding blanks allowed), as a non-negative integer that fits in int64; the
// form of order ids, line numbers and quantities. "2.0" is accepted as 2 (a whole number written
// with a zero fraction), "1.19111E+14" is not.
std::optional<int64_t> parse_whole_number(std::string_view text, std::string* why = nullptr);

}  // namespace etl::recon

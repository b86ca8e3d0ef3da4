#pragma once
// The column conversions of the data contract (docs/data-model.md), on text.
// Pure, exact (no binary floating point anywhere), no allocation.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace etl::order {

// Why a value could not be converted. `none` means success.
enum class ConversionProblem {
  none,
  not_integer,   // "1.0", "abc", 1.5, 1e3, "", "+1"
  not_number,    // a decimal that is not a number at all
  out_of_range,  // integer overflow / column range / DECIMAL(10,2) range / TIMESTAMP range
};

struct IntConversion {
  int64_t value = 0;
  ConversionProblem problem = ConversionProblem::none;
};

// A JSON number token (already valid RFC 8259 syntax) as an integer: only when it has no
// fraction and no exponent ("1.0" and "1e3" are not integers) and fits int64.
IntConversion integer_from_json_number(std::string_view number) noexcept;

// A string holding an integer: surrounding spaces allowed, then an optional '-' and at least one
// digit (leading zeros allowed: "01" is 1). Nothing else: no '+', no '.', no exponent.
IntConversion integer_from_string(std::string_view s) noexcept;

// Narrows to INT (int32). Returns out_of_range when it does not fit.
IntConversion narrow_to_int32(IntConversion v) noexcept;

// DECIMAL(10,2) as hundredths: |cents| <= 9,999,999,999.
inline constexpr int64_t kMaxDecimal10_2Cents = 9'999'999'999;

struct DecimalConversion {
  int64_t cents = 0;
  ConversionProblem problem = ConversionProblem::none;
};

// A decimal from the number's own digits, rounded half away from zero to 2 places, exactly:
// 0.005 -> 1, -0.005 -> -1, 1.235 -> 124, 10 -> 1000, 1e2 -> 10000, 99999999.995 -> out_of_range.
// `number` is a valid JSON number token.
DecimalConversion cents_from_json_number(std::string_view number) noexcept;
// Same for a numeric string: surrounding spaces, optional sign (+ or -), digits with an optional
// fraction ("1.", ".5" allowed), optional exponent.
DecimalConversion cents_from_string(std::string_view s) noexcept;

// Byte length of the longest prefix of a valid UTF-8 string with at most max_chars code points.
size_t prefix_bytes_for_code_points(std::string_view s, size_t max_chars) noexcept;
// Number of code points of a valid UTF-8 string.
size_t count_code_points(std::string_view s) noexcept;
// Byte length of the longest prefix of at most max_bytes that ends on a code-point boundary.
size_t prefix_bytes_on_boundary(std::string_view s, size_t max_bytes) noexcept;

// TIMESTAMP range of MySQL: 1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC.
inline constexpr int64_t kMinTimestampSeconds = 1;
inline constexpr int64_t kMaxTimestampSeconds = 2'147'483'647;

// Epoch milliseconds floored to whole seconds, when inside the TIMESTAMP range.
std::optional<int64_t> timestamp_seconds_from_epoch_ms(int64_t epoch_ms) noexcept;

}  // namespace etl::order

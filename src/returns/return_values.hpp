#pragma once
// Conversions of the returns data set that the order data set does not need (pure, exact).

#include <cstdint>
#include <optional>
#include <string_view>

namespace etl::returns {

// A return's date-time as epoch milliseconds (UTC). The Returns API documents ISO 8601 text, and
// its examples differ, so every plausible form is accepted:
//   "2019-02-21", "2019-02-21T01:01:08Z", "2019-02-21T01:01:08.155Z", a space instead of 'T',
//   no zone (UTC), a zone "+00:00", "+0000" or " 0000" (a '+' that a URL decoder turned into a
//   space), and an integer of epoch milliseconds (as the Orders API sends its dates), in a string
//   or not. nullopt for anything else.
std::optional<int64_t> instant_ms_from_text(std::string_view s) noexcept;

// A flag: true/false (JSON literals or strings, any letter case), "Y"/"N", "1"/"0".
std::optional<bool> flag_from_text(std::string_view s) noexcept;

// DATETIME(3) text "YYYY-MM-DD HH:MM:SS.mmm" for epoch milliseconds; false outside years
// 1000..9999 (the DATETIME range). Writes exactly 23 characters.
bool format_datetime_ms(int64_t epoch_ms, char* out) noexcept;

}  // namespace etl::returns

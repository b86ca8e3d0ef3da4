#pragma once
// UTC everywhere: formatting and parsing of instants. Never uses the host's time zone.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace etl {

// Milliseconds in a UTC day (no leap seconds in Unix time).
inline constexpr int64_t kDayMs = 86'400'000;

using SysMillis = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// Milliseconds since the Unix epoch, now.
int64_t now_epoch_ms() noexcept;

// "YYYY-MM-DD HH:MM:SS" (MySQL DATETIME literal) for epoch seconds, UTC. Valid for years 0000-9999.
std::string format_sql_datetime(int64_t epoch_seconds);
// Writes exactly 19 chars into out (no terminator). Returns false if the year is out of 0..9999.
bool format_sql_datetime(int64_t epoch_seconds, char* out) noexcept;

// ISO 8601 "YYYY-MM-DDTHH:MM:SS.mmmZ" for epoch milliseconds, UTC.
std::string format_iso8601_ms(int64_t epoch_ms);
// ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" (no fraction) for epoch milliseconds, UTC (ms truncated).
std::string format_iso8601(int64_t epoch_ms);

// Strict "YYYY-MM-DD HH:MM:SS" -> epoch seconds (UTC). nullopt on any deviation or invalid date.
std::optional<int64_t> parse_sql_datetime(std::string_view s) noexcept;

// "YYYY-MM-DD" -> epoch seconds at 00:00:00 UTC.
std::optional<int64_t> parse_date(std::string_view s) noexcept;

// ISO 8601 date or timestamp -> epoch ms. Accepts "YYYY-MM-DD",
// "YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]" (a space instead of 'T' too). No zone means UTC.
std::optional<int64_t> parse_iso8601_ms(std::string_view s) noexcept;

// Days since 1970-01-01 for a civil date (proleptic Gregorian) and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept;

}  // namespace etl

#pragma once
// Reading what a server puts in its throttling headers: X-Next-Replenishment-Time after a 429
// (its format is not documented, so every plausible one is accepted), X-Current-Token-Count,
// Retry-After, and the HTTP Date header (the server's clock, used as "now" for incremental
// fetches).

#include <cstdint>
#include <optional>
#include <string_view>

namespace etl::walmart {

// X-Next-Replenishment-Time -> epoch ms. Accepts:
//   epoch milliseconds ("1714574400000"), epoch seconds ("1714574400", also with a fraction),
//   ISO 8601 ("2024-05-01T14:40:00Z", "2024-05-01T14:40:00.123+00:00", "2024-05-01 14:40:00"),
//   an HTTP date ("Wed, 01 May 2024 14:40:00 GMT"),
//   and a small number (< 10^9) as seconds from now_ms (Retry-After style).
// nullopt for anything else.
std::optional<int64_t> parse_replenishment_time(std::string_view value, int64_t now_ms) noexcept;

// X-Current-Token-Count: a non-negative integer (surrounding blanks allowed), else nullopt.
std::optional<int64_t> parse_token_count(std::string_view value) noexcept;

// Retry-After: delay seconds or an HTTP date -> epoch ms.
std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now_ms) noexcept;

// RFC 7231 IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" (also without the weekday) -> epoch ms.
std::optional<int64_t> parse_http_date(std::string_view value) noexcept;

}  // namespace etl::walmart

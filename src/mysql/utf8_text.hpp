#pragma once
// UTF-8 text limits for MySQL columns: cut to a width in code points (VARCHAR(n) counts
// characters) or to a byte budget, never splitting a sequence; and repair of invalid UTF-8 in
// text the pipeline itself composes (file names, messages) so a utf8mb4 column never refuses it.

#include <string>
#include <string_view>

namespace etl::mysql {

// `s` cut to at most `max_chars` Unicode code points, never splitting a UTF-8 sequence.
std::string_view cut_to_code_points(std::string_view s, size_t max_chars) noexcept;
// `s` cut to at most `max_bytes` bytes on a code-point boundary.
std::string_view cut_to_bytes(std::string_view s, size_t max_bytes) noexcept;
// True if `s` is well-formed UTF-8 that utf8mb4 accepts (no overlongs, surrogates or > U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;
// `s` with every invalid byte replaced by U+FFFD; `s` itself when it is valid.
std::string to_valid_utf8(std::string_view s);

}  // namespace etl::mysql

#pragma once
// Small string helpers shared by the configuration's reading, overrides and key listing.

#include <string>
#include <string_view>
#include <vector>

namespace etl::config::text {

// ASCII lower case: configuration keys and environment variable names are ASCII.
std::string lower(std::string s);

// parts[from..] joined by sep.
std::string join(const std::vector<std::string>& parts, char sep, size_t from = 0);

// s cut at every sep; an empty s gives one empty part.
std::vector<std::string> split(std::string_view s, std::string_view sep);

}  // namespace etl::config::text

#pragma once
// Query strings as the simulator reads and writes them. QueryParams is the same type as
// httplib::Params, so the server passes req.params straight in and unit tests need no server.

#include <map>
#include <string>
#include <string_view>

namespace etl::walmart::sim {

using QueryParams = std::multimap<std::string, std::string>;

// Parses "a=1&b=x%3Ay" (a leading '?' is skipped) the way httplib does: %XX decoded, '+' is a
// space. A key that itself starts with '?' (a client appending "?"+cursor to "/v3/orders?")
// loses it.
QueryParams parse_query_string(std::string_view query);

// The same params with leading '?' removed from keys (httplib keeps them).
QueryParams normalize_keys(const QueryParams& params);

// Percent-encodes a value for a cursor: unreserved characters and ':' stay as they are (the
// real cursors show timestamps with plain colons), everything else becomes %XX.
std::string encode_query_value(std::string_view value);

// First value of a key, or nullptr.
const std::string* find_param(const QueryParams& params, std::string_view key);

}  // namespace etl::walmart::sim

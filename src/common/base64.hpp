#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding): the Walmart client encodes its Basic
// credentials with it, the simulator decodes them.

#include <optional>
#include <string>
#include <string_view>

namespace etl {

std::string base64_encode(std::string_view data);
// nullopt unless `text` is valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace etl

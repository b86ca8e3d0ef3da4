#pragma once
// "Authorization: Basic base64(client_id:client_secret)" as POST /v3/token expects it.

#include <optional>
#include <string>
#include <string_view>

namespace etl::walmart::sim {

struct BasicCredentials {
  std::string client_id;
  std::string client_secret;
};

// Parses an Authorization header value; nullopt unless it is "Basic <valid base64 of id:secret>".
std::optional<BasicCredentials> parse_basic_auth(std::string_view header_value);

}  // namespace etl::walmart::sim

#include "tools/sim/basic_auth.hpp"

#include "common/base64.hpp"

namespace etl::walmart::sim {
std::optional<BasicCredentials> parse_basic_auth(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  constexpr std::string_view kScheme = "Basic ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  // The scheme name is case-insensitive (RFC 7617).
  for (size_t i = 0; i + 1 < kScheme.size(); ++i) {
    const char a = value[i];
    const char lower = (a >= 'A' && a <= 'Z') ? static_cast<char>(a - 'A' + 'a') : a;
    const char want = (kScheme[i] >= 'A' && kScheme[i] <= 'Z')
                          ? static_cast<char>(kScheme[i] - 'A' + 'a')
                          : kScheme[i];
    if (lower != want) return std::nullopt;
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  const auto decoded = base64_decode(value);
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace etl::walmart::sim

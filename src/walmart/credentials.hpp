#pragma once
// Which Walmart account a command works for, and its Basic credential for POST /v3/token.
// Secrets live only in AccountCredentials::basic; describe() never shows them.

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace etl::walmart {

struct AccountCredentials {
  std::string name;   // the key under walmart_token.accounts
  std::string basic;  // base64(client_id:client_secret), sent as "Authorization: Basic <basic>"
};

// The account to use: `requested` if given, else walmart_token.default_account, else the only
// configured account. Throws ConfigError naming the configured accounts when none fits.
AccountCredentials resolve_account(const config::WalmartConfig& cfg, std::string_view requested);

}  // namespace etl::walmart

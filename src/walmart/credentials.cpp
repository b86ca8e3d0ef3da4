#include "walmart/credentials.hpp"

#include <fmt/format.h>

#include "common/base64.hpp"
#include "common/error.hpp"
#include "config/account_secrets.hpp"

namespace etl::walmart {

AccountCredentials resolve_account(const config::WalmartConfig& cfg, std::string_view requested) {
  std::string names;
  for (const auto& [name, _] : cfg.accounts) names += (names.empty() ? "" : ", ") + name;
  const std::string chosen = requested.empty() ? cfg.implied_account() : std::string(requested);
  if (chosen.empty() && cfg.accounts.empty()) {
    throw ConfigError(
        "no Walmart account is configured: set walmart_token.accounts.NAME.client_id and "
        "client_secret (or token), e.g. WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID=...");
  }
  if (chosen.empty()) {
    throw ConfigError(fmt::format(
        "several Walmart accounts are configured ({}): choose one with --account NAME or "
        "walmart_token.default_account",
        names));
  }
  const auto it = cfg.accounts.find(chosen);
  if (it == cfg.accounts.end()) {
    throw ConfigError(fmt::format("unknown Walmart account '{}' (configured: {})", chosen,
                                  names.empty() ? "none" : names));
  }
  const config::WalmartAccount acc = config::with_resolved_credentials(chosen, it->second);
  AccountCredentials out;
  out.name = chosen;
  if (!acc.client_id.empty() && !acc.client_secret.empty()) {
    out.basic = base64_encode(acc.client_id + ":" + acc.client_secret);
  } else {
    out.basic = acc.token;  // the original project's ready-made base64(client_id:client_secret)
  }
  return out;
}

}  // namespace etl::walmart

// walmart-etl token [--account NAME] [--show]: obtain an access token and print its expiry (the
// token itself only with --show). Refused credentials: exit 1 with one line naming the account
// and the base URL.

#include <cstdio>
#include <memory>
#include <string>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "common/utc_time.hpp"
#include "walmart/credentials.hpp"
#include "walmart/token_provider.hpp"

namespace etl::cli {

void add_token_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "token",
      "Obtain an access token for a Walmart account (POST /v3/token with its client credentials,\n"
      "or its ready-made Basic token) and print when it expires. The token is printed only with\n"
      "--show and never logged. Exit 1 if the credentials are refused or the API is unreachable.");
  auto account = std::make_shared<std::string>();
  auto show = std::make_shared<bool>(false);
  cmd->add_option("--account", *account,
                  "Account under walmart_token.accounts (default: walmart_token.default_account, "
                  "or the only one)")
      ->type_name("NAME");
  cmd->add_flag("--show", *show, "Also print the access token itself (a secret: handle with care)");
  cmd->callback([&ctx, account, show] {
    ctx.action = [&ctx, account, show] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "token");
      walmart::TokenProvider tokens(
          cfg.walmart_token, walmart::resolve_account(cfg.walmart_token, *account),
          walmart::http_options_for(cfg.fetch, cfg.walmart_token.base_url),
          walmart::TokenRetryPolicy{cfg.fetch.max_retries, cfg.fetch.backoff_initial,
                                    cfg.fetch.backoff_max});
      std::shared_ptr<const walmart::AccessToken> token;
      try {
        token = tokens.get();
      } catch (const EtlError& e) {
        std::fprintf(stderr, "walmart-etl: token: %s\n", e.error().message.c_str());
        return static_cast<int>(ExitCode::failure);
      }
      std::printf("account %s at %s: access token (%s) valid for %lld s, until %s\n",
                  tokens.account_name().c_str(), tokens.base_url().c_str(),
                  token->token_type.empty() ? "Bearer" : token->token_type.c_str(),
                  static_cast<long long>(token->expires_in_s),
                  format_iso8601(token->expires_at_ms).c_str());
      if (*show) std::printf("%s\n", token->value.c_str());
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli

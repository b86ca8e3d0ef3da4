// The keys of the walmart_token section and of each of its accounts, declared like every other
// section's in config_keys.cpp (which lists it in sections()), with their defaults; an account
// entry read from the configuration starts from the defaults its keys declare.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "config/account_secrets.hpp"
#include "config/config_keys.hpp"
#include "config/config_text.hpp"
#include "config/key_schema.hpp"

namespace etl::config::schema {

namespace {

using namespace std::chrono_literals;

// An account's KEY_env / KEY_file (account_secrets.hpp): a name, not a secret; printed only when
// set.
Field<WalmartAccount> credential_source(const std::string& name, std::string WalmartAccount::*m,
                                        const std::string& description) {
  Field<WalmartAccount> f = Fields<WalmartAccount>().string(name, m, "", description).fields.back();
  f.present = [m](const WalmartAccount& a) { return !(a.*m).empty(); };
  return f;
}

}  // namespace

const Fields<WalmartAccount>& account_keys() {
  using A = WalmartAccount;
  static const Fields<A> keys =
      Fields<A>()
          .string("client_id", &A::client_id, "", "client credentials of the seller account")
          .secret("client_secret", &A::client_secret, "client credentials of the seller account")
          .secret("token", &A::token, "or the ready-made Basic credential, base64(id:secret)")
          .add(credential_source("client_id_env", &A::client_id_env,
                                 "environment variable holding client_id"))
          .add(credential_source("client_secret_env", &A::client_secret_env,
                                 "environment variable holding client_secret"))
          .add(credential_source("token_env", &A::token_env, "environment variable holding token"))
          .add(credential_source("client_id_file", &A::client_id_file,
                                 "file holding client_id (relative: under $CREDENTIALS_DIRECTORY)"))
          .add(credential_source(
              "client_secret_file", &A::client_secret_file,
              "file holding client_secret (relative: under $CREDENTIALS_DIRECTORY)"))
          .add(credential_source("token_file", &A::token_file,
                                 "file holding token (relative: under $CREDENTIALS_DIRECTORY)"))
          .optional_integer("requests_per_minute", &A::requests_per_minute, std::nullopt,
                            {0, 1000000},
                            "this seller's own client-side rate limit (Walmart throttles per "
                            "seller); unset: fetch.requests_per_minute, 0 = none");
  return keys;
}

const std::vector<Field<WalmartAccount>>& account_fields() { return account_keys().fields; }

namespace {

// walmart_token.accounts: NAME -> one account, each read with account_fields() (an entry starts
// from the defaults they declare).
Field<WalmartConfig> accounts_field() {
  std::vector<KeyInfo> entry_keys;
  const WalmartAccount defaults;
  for (const auto& f : account_fields()) {
    entry_keys.push_back({.path = "walmart_token.accounts.NAME." + f.name,
                          .type = f.type,
                          .allowed = f.allowed,
                          .default_text = f.show(defaults),
                          .secret = f.secret,
                          .description = f.description});
  }
  return {
      .name = "accounts",
      .type = "mapping",
      .description = "seller accounts by name",
      .read =
          [](YamlSection& y, WalmartConfig& w) {
            auto accounts = y.child("accounts");
            if (!accounts) return;
            if (!accounts->IsMap())
              throw ConfigError(
                  "walmart_token.accounts: expected a mapping NAME: {client_id, client_secret} or "
                  "NAME: {token}");
            for (const auto& kv : *accounts) {
              const auto name = kv.first.as<std::string>();
              YamlSection a(kv.second, "walmart_token.accounts." + name);
              WalmartAccount acc;
              for (const auto& f : account_fields()) f.read(a, acc);
              a.reject_unknown();
              check_account_sources(name, acc);
              w.accounts[name] = std::move(acc);
            }
            // Names are exact (the tables compare them byte for byte), but the environment and
            // --set find an account ignoring letter case: two names that differ only by case
            // could not be told apart there, and are far more likely a typo than two sellers.
            std::map<std::string, std::string> by_lower_case;
            for (const auto& entry : w.accounts) {
              const auto [seen, fresh] =
                  by_lower_case.emplace(text::lower(entry.first), entry.first);
              if (fresh) continue;
              std::string why = "walmart_token.accounts: '";
              why.append(seen->second).append("' and '").append(entry.first);
              why +=
                  "' differ only by letter case; give two sellers two names (names differing "
                  "by an accent or a sign are distinct)";
              throw ConfigError(why);
            }
          },
      .print =
          [](YAML::Emitter& out, const WalmartConfig& w) {
            out << YAML::BeginMap;
            for (const auto& [name, a] : w.accounts) {
              out << YAML::Key << name << YAML::Value << YAML::BeginMap;
              for (const auto& f : account_fields()) {
                if (f.present && !f.present(a)) continue;
                out << YAML::Key << f.name << YAML::Value;
                f.print(out, a);
              }
              out << YAML::EndMap;
            }
            out << YAML::EndMap;
          },
      .show = [](const WalmartConfig& w) { return quoted(w.accounts.empty() ? "{}" : "{...}"); },
      .entry_keys = std::move(entry_keys),
      .set_default = Fields<WalmartConfig>::assign(&WalmartConfig::accounts, {})};
}

Fields<WalmartConfig> walmart() {
  using W = WalmartConfig;
  return Fields<W>()
      .string("base_url", &W::base_url, "https://marketplace.walmartapis.com", "API base URL")
      .allowed("an http:// or https:// URL")
      .string("service_name", &W::service_name, "Walmart Marketplace", "sent as WM_SVC.NAME")
      .string("default_account", &W::default_account, "",
              "account used without --account (the only one if empty)")
      .allowed("one of walmart_token.accounts")
      .duration("token_refresh_margin_s", &W::token_refresh_margin, 120s, {0, 3600},
                "refresh the access token this long before expiry, seconds")
      .add(accounts_field())
      .check([](W& w) {
        if (w.base_url.rfind("http://", 0) != 0 && w.base_url.rfind("https://", 0) != 0) {
          throw ConfigError("walmart_token.base_url: expected an http:// or https:// URL, got '" +
                            w.base_url + "'");
        }
        while (!w.base_url.empty() && w.base_url.back() == '/') w.base_url.pop_back();
        if (!w.default_account.empty() && !w.accounts.contains(w.default_account)) {
          throw ConfigError("walmart_token.default_account: '" + w.default_account +
                            "' is not one of walmart_token.accounts");
        }
      });
}

}  // namespace

const Fields<WalmartConfig>& walmart_keys() {
  static const Fields<WalmartConfig> keys = walmart();
  return keys;
}

}  // namespace etl::config::schema

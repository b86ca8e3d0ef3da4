#pragma once
// Access tokens for one Walmart account: POST /v3/token with the account's
// Basic credential (client credentials, or the original project's ready-made base64 token),
// grant_type=client_credentials. The token is cached until expires_in minus the safety margin
// walmart_token.token_refresh_margin_s (at most half the lifetime, so short-lived tokens are
// still reused), and dropped when an API call answers 401 (the caller then retries once).
//
// Secrets: the token and the credential are never logged or put in an error message.
// Thread-safe: one refresh at a time; concurrent callers wait for it and share the result.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "walmart/credentials.hpp"
#include "walmart/http_client.hpp"
#include "walmart/server_clock.hpp"

namespace etl::walmart {

struct AccessToken {
  std::string value;           // secret
  std::string token_type;      // "Bearer"
  int64_t expires_in_s = 0;    // as the API said
  int64_t obtained_at_ms = 0;  // local epoch ms
  int64_t expires_at_ms = 0;   // obtained_at + expires_in (local clock)
  int64_t refresh_at_ms = 0;   // when the cache stops handing it out
};

struct TokenRetryPolicy {
  int max_retries = 6;
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
};

class TokenProvider {
 public:
  TokenProvider(const config::WalmartConfig& cfg, AccountCredentials account, HttpOptions http,
                TokenRetryPolicy retry, ServerClock* server_clock = nullptr);
  TokenProvider(const TokenProvider&) = delete;
  TokenProvider& operator=(const TokenProvider&) = delete;

  // A valid token, from the cache or freshly requested. Throws EtlError:
  //   fatal (origin walmart_api, code = HTTP status 400/401/403): the credentials were refused;
  //   retriable: the token endpoint kept failing (5xx, 429, timeouts) for max_retries attempts,
  //   or a stop was requested.
  std::shared_ptr<const AccessToken> get();

  // An API call answered 401 with `used`: forget it (unless another thread already replaced it).
  void invalidate(const AccessToken& used);

  // How many tokens were obtained so far.
  [[nodiscard]] uint64_t refreshes() const;
  [[nodiscard]] const std::string& account_name() const noexcept { return account_.name; }
  [[nodiscard]] const std::string& base_url() const noexcept { return base_url_; }

 private:
  std::string base_url_;
  std::string service_name_;
  std::chrono::seconds refresh_margin_;
  AccountCredentials account_;
  TokenRetryPolicy retry_;
  ServerClock* server_clock_;

  mutable std::mutex mutex_;  // guards everything below and serialises refreshes
  HttpClient http_;
  std::shared_ptr<const AccessToken> cached_;
  uint64_t refreshes_ = 0;

  std::shared_ptr<const AccessToken> request_token();  // with retries; mutex_ held
};

}  // namespace etl::walmart

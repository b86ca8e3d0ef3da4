#include "walmart/token_provider.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "common/utc_time.hpp"
#include "walmart/api_error.hpp"
#include "walmart/correlation_id.hpp"
#include "walmart/throttle_time.hpp"

namespace etl::walmart {

namespace {

// {"access_token":"...","token_type":"Bearer","expires_in":900}; expires_in may be a string.
std::optional<AccessToken> parse_token_body(std::string& body) {
  using namespace simdjson;
  ondemand::parser parser;
  ondemand::document doc;
  if (parser.iterate(padded_string_view(body.data(), body.size(), body.capacity())).get(doc)) {
    return std::nullopt;
  }
  ondemand::object root;
  if (doc.get_object().get(root)) return std::nullopt;
  AccessToken token;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    ondemand::value v;
    if (field.value().get(v)) return std::nullopt;
    if (key == "access_token" || key == "accessToken") {
      std::string_view s;
      if (v.get_string().get(s)) return std::nullopt;
      token.value = s;
    } else if (key == "token_type" || key == "tokenType") {
      std::string_view s;
      if (!v.get_string().get(s)) token.token_type = s;
    } else if (key == "expires_in" || key == "expiresIn") {
      int64_t n = 0;
      ondemand::json_type type;
      if (v.type().get(type)) return std::nullopt;
      const auto err = type == ondemand::json_type::string ? v.get_int64_in_string().get(n)
                                                           : v.get_int64().get(n);
      if (err) return std::nullopt;
      token.expires_in_s = n;
    }
  }
  if (token.value.empty() || token.expires_in_s <= 0) return std::nullopt;
  return token;
}

}  // namespace

TokenProvider::TokenProvider(const config::WalmartConfig& cfg, AccountCredentials account,
                             HttpOptions http, TokenRetryPolicy retry, ServerClock* server_clock)
    : base_url_(cfg.base_url),
      service_name_(cfg.service_name),
      refresh_margin_(cfg.token_refresh_margin),
      account_(std::move(account)),
      retry_(retry),
      server_clock_(server_clock),
      http_(http) {}

std::shared_ptr<const AccessToken> TokenProvider::get() {
  std::lock_guard lock(mutex_);
  if (cached_ && now_epoch_ms() < cached_->refresh_at_ms) return cached_;
  cached_ = request_token();
  return cached_;
}

void TokenProvider::invalidate(const AccessToken& used) {
  std::lock_guard lock(mutex_);
  if (cached_ && cached_->value == used.value) cached_.reset();
}

uint64_t TokenProvider::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

std::shared_ptr<const AccessToken> TokenProvider::request_token() {
  const std::string context =
      fmt::format("POST {}/v3/token (account '{}')", base_url_, account_.name);
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = base_url_ + "/v3/token";
  request.body = "grant_type=client_credentials";
  HttpResponse response;
  Backoff backoff(retry_.backoff_initial, retry_.backoff_max);
  int attempt = 0;
  while (true) {
    if (stop_requested()) {
      throw EtlError(ErrorClass::retriable, ErrorOrigin::walmart_api, 0,
                     context + ": stopped before a token was obtained");
    }
    request.headers = {"Authorization: Basic " + account_.basic,
                       "Content-Type: application/x-www-form-urlencoded",
                       "Accept: application/json", "WM_SVC.NAME: " + service_name_,
                       "WM_QOS.CORRELATION_ID: " + new_correlation_id()};
    http_.perform(request, response);
    Error error;
    std::optional<int64_t> wait_until_ms;
    if (!response.transport_ok()) {
      error = classify_transport(response, context);
    } else {
      if (server_clock_ != nullptr) server_clock_->observe(response);
      if (response.status == 200) {
        if (auto token = parse_token_body(response.body)) {
          token->obtained_at_ms = now_epoch_ms();
          token->expires_at_ms = token->obtained_at_ms + token->expires_in_s * 1000;
          const int64_t margin_ms =
              std::min<int64_t>(refresh_margin_.count() * 1000, token->expires_in_s * 1000 / 2);
          token->refresh_at_ms = token->expires_at_ms - margin_ms;
          ++refreshes_;
          spdlog::debug("walmart: new access token for account '{}', expires in {} s",
                        account_.name, token->expires_in_s);
          return std::make_shared<const AccessToken>(std::move(*token));
        }
        error = Error{ErrorClass::retriable, ErrorOrigin::json, 200,
                      context +
                          ": the answer is not a token (expected JSON with access_token and "
                          "expires_in)"};
      } else {
        const auto api = parse_api_error(response.body);
        if (response.status == 400 || response.status == 401 || response.status == 403) {
          throw EtlError(ErrorClass::fatal, ErrorOrigin::walmart_api,
                         static_cast<int>(response.status),
                         fmt::format("the credentials of Walmart account '{}' were refused by {} "
                                     "(HTTP {}{}{})",
                                     account_.name, base_url_, response.status, api ? ": " : "",
                                     api ? api->describe() : std::string()),
                         ErrorCause::authentication);
        }
        error = classify_http_status(response.status, api, context);
        if (response.status == 429) {
          const int64_t now = now_epoch_ms();
          if (const auto* h = response.header("x-next-replenishment-time")) {
            wait_until_ms = parse_replenishment_time(*h, now);
          } else if (const auto* r = response.header("retry-after")) {
            wait_until_ms = parse_retry_after(*r, now);
          }
        }
      }
    }
    if (!error.retriable()) throw EtlError(error);
    if (++attempt > retry_.max_retries) {
      error.message = fmt::format("{} (gave up after {} attempts)", error.message, attempt);
      throw EtlError(error);
    }
    auto delay = backoff.next();
    if (wait_until_ms) {
      const auto until =
          std::chrono::milliseconds(std::max<int64_t>(0, *wait_until_ms - now_epoch_ms()));
      delay = std::min(std::max(delay, until), retry_.backoff_max);
    }
    spdlog::warn("walmart: token request failed ({}), retry {}/{} in {} ms", error.describe(),
                 attempt, retry_.max_retries, delay.count());
    if (wait_for_stop(delay)) {
      throw EtlError(ErrorClass::retriable, ErrorOrigin::walmart_api, 0,
                     context + ": stopped while retrying");
    }
  }
}

}  // namespace etl::walmart

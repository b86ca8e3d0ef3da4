#include "walmart/paced_request.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/backoff.hpp"
#include "common/stop_signal.hpp"
#include "common/utc_time.hpp"
#include "walmart/correlation_id.hpp"
#include "walmart/throttle_time.hpp"

namespace etl::walmart {

namespace {
std::optional<int64_t> token_count_of(const HttpResponse& response) {
  const auto* h = response.header("x-current-token-count");
  return h ? parse_token_count(*h) : std::nullopt;
}
}  // namespace

void paced_get(const PacedShared& shared, HttpClient& http, HttpResponse& response,
               const std::string& target, std::string_view context, const AcceptBody& accept,
               PacedResult& result, RequestCounters& counters) {
  result.kind = PacedResult::Kind::failed;
  result.api.reset();
  result.gave_up = false;
  result.error = Error{};

  HttpRequest request;
  request.url = shared.base_url + target;
  Backoff error_backoff(shared.backoff_initial, shared.backoff_max);
  Backoff throttle_backoff(shared.backoff_initial, shared.backoff_max);
  int errors = 0;
  int throttles = 0;
  bool refreshed = false;
  const int max_throttles = std::max(4 * shared.max_retries, 4);

  auto fail = [&](Error e) {
    result.kind = PacedResult::Kind::failed;
    result.error = std::move(e);
  };
  // A retriable failure: back off and go round again, or give up.
  auto retry_or_give_up = [&](Error e) -> bool {
    if (++errors > shared.max_retries) {
      e.message = fmt::format("{} (gave up after {} attempts)", e.message, errors);
      result.gave_up = true;
      fail(std::move(e));
      return false;
    }
    ++counters.retries;
    const auto delay = error_backoff.next();
    spdlog::debug("walmart: {} - retry {}/{} in {} ms: {}", context, errors, shared.max_retries,
                  delay.count(), e.describe());
    if (wait_for_stop(delay)) {
      fail(Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 0,
                 fmt::format("{}: stopped while retrying ({})", context, e.message)});
      return false;
    }
    return true;
  };

  while (true) {
    if (!shared.limiter->acquire()) {
      fail(Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 0,
                 fmt::format("{}: stopped", context)});
      return;
    }
    const auto sent_at = RateLimiter::Clock::now();
    std::shared_ptr<const AccessToken> token;
    try {
      token = shared.tokens->get();
    } catch (const EtlError& e) {
      fail(e.error());
      result.gave_up = e.error().retriable();
      return;
    }
    request.headers = {
        "WM_SEC.ACCESS_TOKEN: " + token->value, "WM_SVC.NAME: " + shared.service_name,
        "WM_QOS.CORRELATION_ID: " + new_correlation_id(), "Accept: " + shared.accept};
    ++counters.requests;
    http.perform(request, response);

    if (!response.transport_ok()) {
      Error e = classify_transport(response, context);
      if (!e.retriable()) return fail(std::move(e));
      if (!retry_or_give_up(std::move(e))) return;
      continue;
    }
    shared.server_clock->observe(response);

    if (response.status == 200) {
      if (auto perr = accept(response.body)) {
        perr->message = fmt::format("{}: {}", context, perr->message);
        if (!retry_or_give_up(std::move(*perr))) return;
        continue;
      }
      shared.limiter->succeeded(token_count_of(response));
      const auto secs =
          std::chrono::duration_cast<std::chrono::seconds>(response.received_at.time_since_epoch())
              .count();
      result.request_time = format_sql_datetime(secs);
      result.kind = PacedResult::Kind::body;
      return;
    }

    result.api = parse_api_error(response.body);
    if (response.status == 404 && result.api && result.api->base_code() == "CONTENT_NOT_FOUND") {
      shared.limiter->succeeded(token_count_of(response));
      result.kind = PacedResult::Kind::not_found;
      return;
    }
    if (response.status == 401 && !refreshed) {
      refreshed = true;
      ++counters.token_refreshes;
      shared.tokens->invalidate(*token);
      spdlog::debug("walmart: {} - 401, refreshing the access token and retrying once", context);
      continue;
    }
    Error e = classify_http_status(response.status, result.api, context, target);
    if (response.status == 401) {
      e.message += " (again after a fresh token)";
      return fail(std::move(e));
    }
    if (response.status == 429) {
      ++counters.throttled;
      const int64_t now = now_epoch_ms();
      std::optional<int64_t> until_ms;
      if (const auto* h = response.header("x-next-replenishment-time")) {
        until_ms = parse_replenishment_time(*h, now);
      }
      if (!until_ms) {
        if (const auto* r = response.header("retry-after")) until_ms = parse_retry_after(*r, now);
      }
      auto wait = throttle_backoff.next();
      if (until_ms) {
        // The server's time, bounded: never trust a replenishment time beyond backoff_max.
        wait = std::clamp(std::chrono::milliseconds(*until_ms - now), std::chrono::milliseconds(1),
                          shared.backoff_max);
      }
      const auto verdict =
          shared.limiter->throttled(sent_at, RateLimiter::Clock::now() + wait,
                                    token_count_of(response), until_ms.has_value());
      if (verdict == PacePolicy::Verdict::slowed) ++counters.slowdowns;
      if (++throttles > max_throttles) {
        e.message = fmt::format("{} (still throttled after {} attempts)", e.message, throttles);
        result.gave_up = true;
        return fail(std::move(e));
      }
      spdlog::debug("walmart: {} - 429, every worker waits {} ms; pace {:.0f}/min", context,
                    wait.count(), shared.limiter->current_rpm());
      continue;
    }
    if (e.retriable()) {
      if (!retry_or_give_up(std::move(e))) return;
      continue;
    }
    return fail(std::move(e));
  }
}

}  // namespace etl::walmart

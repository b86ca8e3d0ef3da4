#include "walmart/recon_client.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/backoff.hpp"
#include "common/stop_signal.hpp"
#include "common/utc_time.hpp"
#include "recon/report_file.hpp"
#include "recon/zip_archive.hpp"
#include "walmart/correlation_id.hpp"
#include "walmart/throttle_time.hpp"

namespace etl::walmart {

namespace {

std::optional<int64_t> token_count_of(const HttpResponse& response) {
  const auto* h = response.header("x-current-token-count");
  return h ? parse_token_count(*h) : std::nullopt;
}

// A report date goes into a URL as given; only digits are accepted from the list, so it needs no
// escaping (anything else is refused before it is sent).
bool plain_date(std::string_view d) {
  return !d.empty() && d.size() <= 16 && d.find_first_not_of("0123456789") == std::string::npos;
}

// A report zip may be far larger than an orders page: the body limit is raised to what the
// report reader accepts (recon/report_file.hpp bounds the CSV inside to the same).
HttpOptions with_report_room(HttpOptions o) {
  o.max_response_bytes = std::max<size_t>(o.max_response_bytes, recon::kMaxReportCsvBytes);
  return o;
}

}  // namespace

std::string content_disposition_filename(std::string_view value) {
  const size_t at = value.find("filename=");
  if (at == std::string_view::npos) return "";
  std::string_view v = value.substr(at + 9);
  if (!v.empty() && v.front() == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
  return std::string(v);
}

ReconClient::ReconClient(OrdersClientShared shared, std::string account,
                         recon::DownloadLedger& ledger)
    : shared_(std::move(shared)),
      account_(std::move(account)),
      ledger_(ledger),
      http_(with_report_room(shared_.http)) {}

ReconClient::Outcome ReconClient::get(const std::string& target, std::string_view context,
                                      RequestCounters& counters, const BodyCheck& check,
                                      Error& error) {
  HttpRequest request;
  request.url = shared_.base_url + target;
  Backoff error_backoff(shared_.backoff_initial, shared_.backoff_max);
  Backoff throttle_backoff(shared_.backoff_initial, shared_.backoff_max);
  int errors = 0;
  int throttles = 0;
  bool refreshed = false;
  const int max_throttles = std::max(4 * shared_.max_retries, 4);
  const auto retry = [&](Error e) {
    if (++errors > shared_.max_retries) {
      e.message = fmt::format("{} (gave up after {} attempts)", e.message, errors);
      error = std::move(e);
      return false;
    }
    ++counters.retries;
    if (wait_for_stop(error_backoff.next())) {
      error = Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 0,
                    fmt::format("{}: stopped while retrying ({})", context, e.message)};
      return false;
    }
    return true;
  };
  while (true) {
    if (!shared_.limiter->acquire()) {
      error = Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 0,
                    fmt::format("{}: stopped", context)};
      return Outcome::failed;
    }
    const auto sent_at = RateLimiter::Clock::now();
    std::shared_ptr<const AccessToken> token;
    try {
      token = shared_.tokens->get();
    } catch (const EtlError& e) {
      error = e.error();
      return Outcome::failed;
    }
    request.headers = {"WM_SEC.ACCESS_TOKEN: " + token->value,
                       "WM_SVC.NAME: " + shared_.service_name,
                       "WM_QOS.CORRELATION_ID: " + new_correlation_id(),
                       "Accept: application/json, application/octet-stream"};
    ++counters.requests;
    http_.perform(request, response_);
    if (!response_.transport_ok()) {
      Error e = classify_transport(response_, context);
      if (!e.retriable() || !retry(std::move(e))) {
        if (error.message.empty()) error = classify_transport(response_, context);
        return Outcome::failed;
      }
      continue;
    }
    shared_.server_clock->observe(response_);
    if (response_.status == 200) {
      if (auto bad = check(response_.body)) {
        bad->message = fmt::format("{}: {}", context, bad->message);
        if (!retry(std::move(*bad))) return Outcome::failed;
        continue;
      }
      shared_.limiter->succeeded(token_count_of(response_));
      return Outcome::ok;
    }
    const auto api = parse_api_error(response_.body);
    if (response_.status == 404 && api && api->base_code() == "CONTENT_NOT_FOUND") {
      shared_.limiter->succeeded(token_count_of(response_));
      return Outcome::not_found;
    }
    if (response_.status == 401 && !refreshed) {
      refreshed = true;
      ++counters.token_refreshes;
      shared_.tokens->invalidate(*token);
      continue;
    }
    Error e = classify_http_status(response_.status, api, context, target);
    if (response_.status == 429) {
      ++counters.throttled;
      const int64_t now = now_epoch_ms();
      std::optional<int64_t> until_ms;
      if (const auto* h = response_.header("x-next-replenishment-time")) {
        until_ms = parse_replenishment_time(*h, now);
      }
      auto wait = throttle_backoff.next();
      if (until_ms) {
        wait = std::clamp(std::chrono::milliseconds(*until_ms - now), std::chrono::milliseconds(1),
                          shared_.backoff_max);
      }
      if (shared_.limiter->throttled(sent_at, RateLimiter::Clock::now() + wait,
                                     token_count_of(response_),
                                     until_ms.has_value()) == PacePolicy::Verdict::slowed) {
        ++counters.slowdowns;
      }
      if (++throttles > max_throttles) {
        e.message = fmt::format("{} (still throttled after {} attempts)", e.message, throttles);
        error = std::move(e);
        return Outcome::failed;
      }
      continue;
    }
    if (e.retriable() && retry(e)) continue;
    if (error.message.empty()) error = std::move(e);
    return Outcome::failed;
  }
}

ReconListResult ReconClient::list_reports(RequestCounters& counters) {
  ReconListResult out;
  const std::string context = fmt::format("{}: listing reconciliation reports", account_);
  simdjson::dom::parser parser;
  simdjson::dom::array dates;
  const auto check = [&](const std::string& body) -> std::optional<Error> {
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS ||
        doc["availableApReportDates"].get_array().get(dates) != simdjson::SUCCESS) {
      return Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 200,
                   "the answer is not {\"availableApReportDates\": [...]}"};
    }
    return std::nullopt;
  };
  const Outcome o = get("/v3/report/reconreport/availableReconFiles?reportVersion=v1", context,
                        counters, check, out.error);
  if (o == Outcome::failed) return out;
  out.ok = true;
  if (o == Outcome::not_found) return out;
  for (const auto d : dates) {
    std::string_view s;
    if (d.get_string().get(s) != simdjson::SUCCESS || !plain_date(s)) {
      out.ok = false;
      out.error = Error{ErrorClass::fatal, ErrorOrigin::walmart_api, 200,
                        context + ": a report date in the list is not a string of digits"};
      return out;
    }
    out.report_dates.emplace_back(s);
  }
  return out;
}

ReconDownloadResult ReconClient::download(const std::string& report_date,
                                          RequestCounters& counters) {
  ReconDownloadResult out;
  const std::string context =
      fmt::format("{}: downloading the reconciliation report {}", account_, report_date);
  if (!plain_date(report_date)) {
    out.error = Error{ErrorClass::fatal, ErrorOrigin::config, 0,
                      context + ": a report date is digits, as the list gives it"};
    return out;
  }
  if (auto until = recon::download_deferred_until(ledger_.last_download_ms(account_, report_date),
                                                  now_epoch_ms())) {
    out.kind = ReconDownloadResult::Kind::deferred;
    out.deferred_until_ms = *until;
    return out;
  }
  const Outcome o = get(
      fmt::format("/v3/report/reconreport/reconFile?reportDate={}&reportVersion=v1", report_date),
      context, counters,
      [](const std::string& body) -> std::optional<Error> {
        if (!recon::looks_like_zip(body)) return std::nullopt;
        const recon::UnzippedReport u = recon::unzip_report(body, recon::kMaxReportCsvBytes);
        if (!u.error) return std::nullopt;
        return Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 200,
                     "the zip cannot be read (" + *u.error + ")"};
      },
      out.error);
  if (o == Outcome::failed) return out;
  if (o == Outcome::not_found) {
    out.kind = ReconDownloadResult::Kind::not_found;
    return out;
  }
  const auto arrived = std::chrono::duration_cast<std::chrono::milliseconds>(
                           response_.received_at.time_since_epoch())
                           .count();
  ledger_.record_download(account_, report_date, arrived);
  out.kind = ReconDownloadResult::Kind::downloaded;
  out.bytes = std::move(response_.body);
  response_.body.clear();
  if (const auto* cd = response_.header("content-disposition")) {
    out.file_name = content_disposition_filename(*cd);
  }
  out.fetched_at = format_sql_datetime(arrived / 1000);
  return out;
}

}  // namespace etl::walmart

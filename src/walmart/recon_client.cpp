#include "walmart/recon_client.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "common/utc_time.hpp"
#include "recon/report_file.hpp"
#include "recon/zip_archive.hpp"

namespace etl::walmart {

namespace {

constexpr const char* kReconAccept = "application/json, application/octet-stream";

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

PacedShared recon_client_shared(const config::Config& cfg, TokenProvider& tokens,
                                RateLimiter& recon_limiter, ServerClock& clock) {
  PacedShared s;
  s.base_url = cfg.walmart_token.base_url;
  s.service_name = cfg.walmart_token.service_name;
  s.tokens = &tokens;
  s.limiter = &recon_limiter;
  s.server_clock = &clock;
  s.max_retries = cfg.fetch.max_retries;
  s.backoff_initial = cfg.fetch.backoff_initial;
  s.backoff_max = cfg.fetch.backoff_max;
  s.accept = kReconAccept;
  return s;
}

ReconClient::ReconClient(PacedShared shared, HttpOptions http, std::string account,
                         recon::DownloadLedger& ledger)
    : shared_(std::move(shared)),
      account_(std::move(account)),
      ledger_(ledger),
      http_(with_report_room(std::move(http))) {
  shared_.accept = kReconAccept;
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
  PacedResult paced;
  paced_get(shared_, http_, response_,
            "/v3/report/reconreport/availableReconFiles?reportVersion=v1", context, check, paced,
            counters);
  if (paced.kind == PacedResult::Kind::failed) {
    out.error = std::move(paced.error);
    return out;
  }
  out.ok = true;
  if (paced.kind == PacedResult::Kind::not_found) return out;
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
  PacedResult paced;
  paced_get(
      shared_, http_, response_,
      fmt::format("/v3/report/reconreport/reconFile?reportDate={}&reportVersion=v1", report_date),
      context,
      [](const std::string& body) -> std::optional<Error> {
        if (!recon::looks_like_zip(body)) return std::nullopt;
        const recon::UnzippedReport u = recon::unzip_report(body, recon::kMaxReportCsvBytes);
        if (!u.error) return std::nullopt;
        return Error{ErrorClass::retriable, ErrorOrigin::walmart_api, 200,
                     "the zip cannot be read (" + *u.error + ")"};
      },
      paced, counters);
  if (paced.kind == PacedResult::Kind::failed) {
    out.error = std::move(paced.error);
    return out;
  }
  if (paced.kind == PacedResult::Kind::not_found) {
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

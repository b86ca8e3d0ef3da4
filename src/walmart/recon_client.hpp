#pragma once
// The reconciliation (settlement) report endpoints for one account, through paced_get()
// (paced_request.hpp: the same pacing, retry and token rules as orders and returns, listed in
// orders_client.hpp), on the account's TokenProvider and the recon family's own RateLimiter (one
// limiter per account and endpoint family: reports never spend the orders' pace):
//   GET /v3/report/reconreport/availableReconFiles?reportVersion=v1
//       {"availableApReportDates": ["MMDDYYYY", ...]}
//   GET /v3/report/reconreport/reconFile?reportDate=MMDDYYYY&reportVersion=v1
//       the report as a zip (application/octet-stream), its name in Content-Disposition
// The date is sent back exactly as the list gave it. A 200 whose body is cut short (a list that is
// not JSON, a zip whose directory is missing) is retried like a 5xx; a download that does not
// start like a zip is handed on as it is (the report reader reads a plain CSV too). A 404
// CONTENT_NOT_FOUND on the list is "no report yet" (an empty list); on a download it is "no such
// report" (not_found).
//
// Walmart asks not to download a report more often than once every two hours: reports are
// regenerated periodically, and a client that polls faster only loads the service. download()
// asks a recon::DownloadLedger when the report was last downloaded and refuses (kind `deferred`,
// with the time it may be downloaded again) before sending anything; after a download it records
// the time. fetch keeps the ledger in MySQL (mysql/recon_fetch_store.hpp), so that the rule holds
// across runs and processes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "recon/download_ledger.hpp"
#include "walmart/api_error.hpp"
#include "walmart/http_client.hpp"
#include "walmart/paced_request.hpp"

namespace etl::walmart {

struct ReconListResult {
  bool ok = false;
  std::vector<std::string> report_dates;  // as the API wrote them ("MMDDYYYY")
  Error error;                            // when !ok
};

struct ReconDownloadResult {
  enum class Kind { downloaded, deferred, not_found, failed };
  Kind kind = Kind::failed;
  std::string bytes;              // the zip
  std::string file_name;          // from Content-Disposition (empty when the answer had none)
  std::string fetched_at;         // "YYYY-MM-DD HH:MM:SS" UTC, when it arrived
  int64_t deferred_until_ms = 0;  // kind deferred: the earliest time a download is allowed
  Error error;
};

class ReconClient {
 public:
  // `shared`: base URL, tokens, the recon limiter, retries (recon_client_shared()); `http` is
  // given room for a whole report (kMaxReportCsvBytes); `account` names the ledger's entries.
  ReconClient(PacedShared shared, HttpOptions http, std::string account,
              recon::DownloadLedger& ledger);

  ReconListResult list_reports(RequestCounters& counters);
  ReconDownloadResult download(const std::string& report_date, RequestCounters& counters);

 private:
  PacedShared shared_;
  std::string account_;
  recon::DownloadLedger& ledger_;
  HttpClient http_;
  HttpResponse response_;
};

// The shared part for a recon client from the configuration (as returns_client_shared), with
// Accept: application/json, application/octet-stream (the list is JSON, the report a zip).
PacedShared recon_client_shared(const config::Config& cfg, TokenProvider& tokens,
                                RateLimiter& recon_limiter, ServerClock& clock);

// The file name of a Content-Disposition value (`attachment; filename=a.zip`, quoted or not);
// empty when it names none.
std::string content_disposition_filename(std::string_view value);

}  // namespace etl::walmart

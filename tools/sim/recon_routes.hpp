#pragma once
// The answers of the simulator's reconciliation report endpoints (recon_model.hpp holds the
// reports themselves):
//   GET /v3/report/reconreport/availableReconFiles?reportVersion=v1
//       -> {"availableApReportDates": ["MMDDYYYY", ...]} (oldest first)
//   GET /v3/report/reconreport/reconFile?reportDate=MMDDYYYY&reportVersion=v1
//       -> the zip (application/octet-stream) with Content-Disposition: attachment;
//          filename=<partnerId>_<generated>.zip
// Only the V1 report is simulated: a request without reportVersion=v1 (the legacy report) is
// refused with a 400 that says so. A date that is no available report is a 404
// CONTENT_NOT_FOUND. The simulator's route table applies tokens, throttling and faults.

#include <string>
#include <string_view>

#include "tools/sim/order_model.hpp"
#include "tools/sim/query_string.hpp"

namespace etl::walmart::sim {

struct ReconReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::string content_disposition;  // set on a file download
};

ReconReply recon_file_list(const OrderModel& model, int64_t now_ms, const QueryParams& params);

ReconReply recon_file_download(const OrderModel& model, int64_t now_ms, const QueryParams& params,
                               std::string_view partner_id);

}  // namespace etl::walmart::sim

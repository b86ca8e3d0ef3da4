#include "tools/sim/recon_routes.hpp"

#include <algorithm>

#include "recon/zip_archive.hpp"
#include "tools/sim/error_bodies.hpp"
#include "tools/sim/json_writer.hpp"
#include "tools/sim/recon_model.hpp"

namespace etl::walmart::sim {

namespace {

ReconReply error(const ApiError& e) {
  return ReconReply{e.http_status, e.body(), "application/json", ""};
}

std::optional<ReconReply> check_version(const QueryParams& params) {
  const std::string* v = find_param(params, "reportVersion");
  if (v != nullptr && (*v == "v1" || *v == "V1")) return std::nullopt;
  return error(
      invalid_request_param("reportVersion",
                            "Only reportVersion=v1 is available: the simulator serves the current "
                            "reconciliation report, not the legacy one"));
}

ApiError report_not_found(std::string_view date) {
  ApiError e = orders_not_found("getReconReport");
  e.code = "CONTENT_NOT_FOUND.GMP_PAYMENT_API";
  e.description = "No reconciliation report for reportDate " + std::string(date);
  return e;
}

}  // namespace

ReconReply recon_file_list(const OrderModel& model, int64_t now_ms, const QueryParams& params) {
  if (auto e = check_version(params)) return *e;
  ReconReply r;
  JsonWriter w(r.body);
  w.begin_object();
  w.key("availableApReportDates");
  w.begin_array();
  for (const int64_t day : available_recon_report_days(model, now_ms))
    w.string(recon_api_date(day));
  w.end_array();
  w.end_object();
  return r;
}

ReconReply recon_file_download(const OrderModel& model, int64_t now_ms, const QueryParams& params,
                               std::string_view partner_id) {
  if (auto e = check_version(params)) return *e;
  const std::string* date = find_param(params, "reportDate");
  if (date == nullptr || date->empty()) {
    return error(invalid_request_param("reportDate", "reportDate is required (MMDDYYYY)"));
  }
  const auto day = parse_recon_api_date(*date);
  if (!day) {
    return error(invalid_request_param("reportDate",
                                       "Invalid reportDate '" + *date + "': expected MMDDYYYY"));
  }
  const std::vector<int64_t> days = available_recon_report_days(model, now_ms);
  if (!std::binary_search(days.begin(), days.end(), *day)) return error(report_not_found(*date));
  const ReconFileRender f = render_recon_report(model, *day, now_ms, partner_id);
  ReconReply r;
  r.content_type = "application/octet-stream";
  // The CSV inside is named like the zip.
  const std::string csv_name = f.file_name.substr(0, f.file_name.size() - 4) + ".csv";
  r.body = recon::make_report_zip(csv_name, f.csv);
  r.content_disposition = "attachment; filename=" + f.file_name;
  return r;
}

}  // namespace etl::walmart::sim

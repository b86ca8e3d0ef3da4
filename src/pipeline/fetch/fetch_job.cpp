// One account's fetch run: the account, its token and the server's clock once, then each data set
// asked for, in turn, through its entry of the data-set table (data_sets.hpp).

#include "pipeline/fetch/fetch_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "pipeline/fetch/data_sets.hpp"
#include "walmart/correlation_id.hpp"

namespace etl::pipeline {

FetchResult run_fetch(const config::Config& cfg, const FetchRequest& request) {
  validate_fetch_request(request);
  const std::vector<config::DataSet> data_sets = data_sets_to_fetch(request, cfg.fetch.data);
  if (!request.report_dates.empty() &&
      std::find(data_sets.begin(), data_sets.end(), config::DataSet::recon) == data_sets.end()) {
    throw ConfigError("fetch --report-date applies to --data recon only");
  }
  const auto started = std::chrono::steady_clock::now();
  AccountFetch run(cfg, request, walmart::new_correlation_id());
  FetchResult result;
  result.run_id = run.run_id;
  result.account = run.account.name;
  result.dry_run = request.dry_run;
  for (const auto d : data_sets) result.data_sets.emplace_back(config::to_string(d));
  // Credentials first: refused credentials or an unreachable API stop here (EtlError), and the
  // token answer tells the server's clock.
  (void)run.tokens.get();
  for (const auto d : data_sets) {
    if (stop_requested()) {
      if (!result.aborted) result.aborted = "stopped by a signal";
      break;
    }
    data_set_entry(d).fetch(run, result);
  }
  result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace etl::pipeline

#include "pipeline/fetch/data_sets.hpp"

#include <fmt/format.h>

#include <array>

#include "common/error.hpp"

namespace etl::pipeline {

namespace {

// One entry per data set, in config::DataSet's order.
constexpr std::array<DataSetEntry, 3> kDataSets{{
    {config::DataSet::orders, &fetch_orders},
    {config::DataSet::returns, &fetch_returns},
    {config::DataSet::recon, &fetch_recon},
}};

}  // namespace

AccountFetch::AccountFetch(const config::Config& cfg_, const FetchRequest& request_,
                           std::string run_id_)
    : cfg(cfg_),
      request(request_),
      run_id(std::move(run_id_)),
      account(walmart::resolve_account(cfg_.walmart_token, request_.account)),
      tokens(cfg_.walmart_token, account,
             walmart::http_options_for(cfg_.fetch, cfg_.walmart_token.base_url),
             walmart::TokenRetryPolicy{cfg_.fetch.max_retries, cfg_.fetch.backoff_initial,
                                       cfg_.fetch.backoff_max},
             &server_clock) {}

const DataSetEntry& data_set_entry(config::DataSet d) {
  for (const auto& e : kDataSets) {
    if (e.data_set == d) return e;
  }
  throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0,
                 fmt::format("no fetch entry for data set {}", config::to_string(d)));
}

}  // namespace etl::pipeline

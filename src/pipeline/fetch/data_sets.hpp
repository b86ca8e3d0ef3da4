#pragma once
// The data sets of one account's fetch run, and the seam each data set's reader plugs into.
//
// `fetch --data orders,returns,recon` (or fetch.data) names the data sets; run_fetch
// (fetch_job.hpp) resolves the account, obtains its token once and then hands one AccountFetch to
// each data set's entry of the table below, in the order named. What the data sets of one account
// share is the AccountFetch: the configuration, the request, the run id, the account's
// credentials, its token provider and the server's clock. Everything else is the data set's own:
// its endpoint family's rate limiter (one per account and family: returns never spend the orders'
// pace), its windows, its topic and producer, its dead letter, its lanes in the summary and its
// watermark(s) (etl_fetch_watermark is keyed by account, data set and ship-node type).
//
// Adding a data set's reader = writing one DataSetFetch function and naming it in the table
// (data_sets.cpp). Until an entry has one, `fetch --data <it>` is refused before anything is
// fetched, with a clear "not built yet" error.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/data_set.hpp"
#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/fetch_result.hpp"
#include "walmart/credentials.hpp"
#include "walmart/server_clock.hpp"
#include "walmart/token_provider.hpp"

namespace etl::pipeline {

// What the data sets of one account's run share. Built by run_fetch; outlives every data set's
// part of the run.
struct AccountFetch {
  AccountFetch(const config::Config& cfg, const FetchRequest& request, std::string run_id);
  AccountFetch(const AccountFetch&) = delete;
  AccountFetch& operator=(const AccountFetch&) = delete;

  const config::Config& cfg;    // the account's (fetch_command.hpp: config_for_account)
  const FetchRequest& request;  // the range, the dry-run and progress switches
  std::string run_id;           // the run's id: in every message header and watermark row
  walmart::AccountCredentials account;
  walmart::ServerClock server_clock;  // told by the token answer; every data set's "now"
  walmart::TokenProvider tokens;      // one token per account, refreshed on a 401
};

// One data set's part of an account's run. Reads its data set from the API into Kafka on
// run.tokens, then adds to `result`: one ShipNodeSummary per lane (result.types, `data_set` set;
// orders have one lane per ship-node type, the other data sets one), each with its range, its
// errors and the watermark it stored; its Kafka flush summary (appended to result.kafka), what
// Kafka did not acknowledge (result.undelivered), its dead letters, and why it stopped early
// (result.aborted, when not set already). Throws ConfigError for a usage problem (e.g.
// --since-last without a watermark and without --start) and EtlError for what stops it before
// any window (its topic or the watermark table unavailable).
using DataSetFetch = void (*)(AccountFetch& run, FetchResult& result);

struct DataSetEntry {
  config::DataSet data_set;
  DataSetFetch fetch = nullptr;
};

// The entry of `d` in the table (one per config::DataSet).
[[nodiscard]] const DataSetEntry& data_set_entry(config::DataSet d);

// The data sets' readers (orders_fetch.cpp, returns_fetch.cpp; recon_fetch.cpp: one lane "recon",
// a report date counted as a window and a report as an order).
void fetch_orders(AccountFetch& run, FetchResult& result);
void fetch_returns(AccountFetch& run, FetchResult& result);
void fetch_recon(AccountFetch& run, FetchResult& result);

}  // namespace etl::pipeline

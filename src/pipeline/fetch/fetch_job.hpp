#pragma once
// `walmart-etl fetch`: Walmart orders (and the other data sets, --data) -> Kafka, complete,
// throttled, nothing lost.
//
// One run of one account resolves the account and obtains its token (refused credentials stop the
// run here), then fetches each data set asked for (--data, else fetch.data), in turn, through its
// entry of the data-set table (data_sets.hpp): they share the token and the server's clock; each
// has its own rate limiter, topic, producer, lanes in the summary and watermark(s). The returns'
// part is returns_fetch.cpp's, the recon reports' recon_fetch.cpp's. The orders' part:
//  1. (the token is there);
//  2. computes the range per ship-node type:
//       --start D [--end E]  created in [D 00:00, E 23:59:59.999] UTC (E defaults to today;
//                            a range reaching past the server's now ends at now)
//       --last-hours N       created in the last N hours (up to the server's now)
//       --since-last         lastModified from (watermark - fetch.since_last_overlap_minutes) up
//                            to the server's now; without a watermark it needs --start
//     and plans its windows from what the API says (window_plan.hpp): wide first
//     windows, split by their totalCount only where needed and for idle workers;
//  3. makes sure the Kafka topic exists, then fetch.concurrency workers fetch windows and
//     produce every page's orders as soon as it is parsed (key purchaseOrderId, value = the
//     order JSON as received + request_time, headers account / ship_node_type / run_id),
//     de-duplicated by purchaseOrderId;
//  4. flushes the producer (fetch.produce_flush_timeout_ms) and checks every delivery report;
//     an order Kafka refuses as too large (MSG_SIZE_TOO_LARGE, from the producer or the broker)
//     is written whole to walmart_order_dead_letter instead, counted and reported, and the run
//     goes on (if it cannot be written there, the run is incomplete);
//  5. --since-last: moves a type's watermark only when all its windows were fetched and all its
//     orders acknowledged; a window that stayed short (fewer orders than its totalCount after
//     being read again) holds it at that window's start.
// The run is complete (exit 0) only if every window of every data set was fetched completely and
// every record was acknowledged. A failed window never hides: it is counted, named in the errors
// and makes the run incomplete.

#include "config/config.hpp"
#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/fetch_result.hpp"

namespace etl::pipeline {

// Runs one fetch. Throws ConfigError for usage problems (e.g. --since-last without a watermark
// and without --start) and EtlError for what stops a run before any window (credentials
// refused, API unreachable, Kafka topic or MySQL watermark table unavailable).
FetchResult run_fetch(const config::Config& cfg, const FetchRequest& request);

}  // namespace etl::pipeline

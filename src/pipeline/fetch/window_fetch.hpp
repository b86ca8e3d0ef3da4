#pragma once
// One fetch worker reading windows: the shell around a WindowReader. For each page it asks the
// API (walmart::OrdersClient), hands the answer to the reader, produces the orders the step says
// to (de-duplicated, through OrderSink), counts the step (TypeTally::record), logs it and carries
// out what a failure stops (the ship-node type, the run). Every verdict is the reader's.
// One per worker thread of the run (fetch_job.cpp).

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/fetch/dedup.hpp"
#include "pipeline/fetch/order_sink.hpp"
#include "pipeline/fetch/type_tally.hpp"
#include "pipeline/fetch/window_plan.hpp"
#include "pipeline/fetch/window_reader.hpp"
#include "walmart/order_window.hpp"
#include "walmart/orders_client.hpp"

namespace etl::pipeline {

// What the workers of one run share; outlives them.
struct WindowFetchShared {
  const config::Config* cfg = nullptr;
  std::string run_id;
  const WindowPlanner* planner = nullptr;
  walmart::DateFilter filter = walmart::DateFilter::created;
  FetchDedup* dedup = nullptr;
  OrderSink* sink = nullptr;                      // none with --dry-run: orders are only counted
  const std::atomic<bool>* aborted = nullptr;     // the run is stopping
  std::function<void(const std::string&)> abort;  // stops the run, saying why (thread-safe)
};

class WindowFetcher {
 public:
  WindowFetcher(const WindowFetchShared& shared, walmart::OrdersClientShared client);

  // Reads window `w`, counted into `tally` and produced into the sink's `lane`. Returns the
  // windows that replace it when it was split (else none). Throws what the client or the sink
  // throws (the run fails the window and stops).
  std::vector<walmart::OrderWindow> read(const walmart::OrderWindow& w, TypeTally& tally,
                                         size_t lane);

 private:
  const WindowFetchShared& shared_;
  walmart::OrdersClient client_;
  walmart::PageResult page_;  // reused: its views stay valid until the next request

  bool produce_page(TypeTally& tally, size_t lane);
  void carry_out(const ReadStep& step, const WindowReader& reader, TypeTally& tally,
                 bool page_failed);
};

}  // namespace etl::pipeline

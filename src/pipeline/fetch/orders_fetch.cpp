// The orders' part of one account's fetch run (data_sets.hpp): worker threads and wiring. Every decision is a pure core's
// (range_plan: each type's range, window_plan: the windows, window_reader: every verdict on one
// window, type_tally: what a step counts, fetch_result: the verdict and the watermark due); the
// pages are read by WindowFetcher (window_fetch.cpp), the orders go to OrderSink, the watermarks
// are RunWatermarks' (fetch_watermarks.cpp).

#include "pipeline/fetch/data_sets.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "pipeline/fetch/dedup.hpp"
#include "pipeline/fetch/fetch_watermarks.hpp"
#include "pipeline/fetch/order_sink.hpp"
#include "pipeline/fetch/progress_line.hpp"
#include "pipeline/fetch/range_plan.hpp"
#include "pipeline/fetch/type_tally.hpp"
#include "pipeline/fetch/window_fetch.hpp"
#include "pipeline/fetch/window_plan.hpp"
#include "pipeline/fetch/window_queue.hpp"
#include "walmart/order_window.hpp"
#include "walmart/orders_client.hpp"
#include "walmart/rate_limiter.hpp"

namespace etl::pipeline {

namespace {

using walmart::DateFilter;
using walmart::OrderWindow;

struct TypeRun {
  TypeRun(std::string type, size_t lane_) : tally(std::move(type)), lane(lane_) {}
  TypeTally tally;
  size_t lane;  // its index: the OrderSink's lane
  TypeRange range;
};

class FetchRun final : public OrderSink::Listener {
 public:
  explicit FetchRun(AccountFetch& shared)
      : cfg_(shared.cfg),
        request_(shared.request),
        filter_(request_.mode == FetchMode::since_last ? DateFilter::last_modified
                                                       : DateFilter::created),
        run_id_(shared.run_id),
        account_(shared.account),
        server_clock_(shared.server_clock),
        limiter_(cfg_.fetch.requests_per_minute),
        planner_(PlannerSettings{
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.fetch.window).count(),
            cfg_.fetch.max_orders_per_query, cfg_.fetch.limit, cfg_.fetch.concurrency}),
        tokens_(shared.tokens),
        watermarks_(cfg_, request_, account_.name, run_id_, config::DataSet::orders) {
    for (auto& type : ship_node_types_to_fetch(request_, cfg_.fetch.ship_node_types)) {
      types_.push_back(std::make_unique<TypeRun>(std::move(type), types_.size()));
    }
  }

  void run(FetchResult& result);

 private:
  const config::Config& cfg_;
  const FetchRequest& request_;
  DateFilter filter_;
  const std::string& run_id_;
  const walmart::AccountCredentials& account_;
  walmart::ServerClock& server_clock_;
  walmart::RateLimiter limiter_;  // the orders family's (returns have their own)
  WindowPlanner planner_;
  walmart::TokenProvider& tokens_;
  RunWatermarks watermarks_;
  std::vector<std::unique_ptr<TypeRun>> types_;  // outlive the producer (delivery callbacks)
  FetchDedup dedup_;
  WindowQueue queue_;

  std::atomic<bool> aborted_{false};
  std::atomic<bool> workers_finished_{false};  // reports after this (flush, purge) abort nothing
  std::mutex abort_mutex_;
  std::string abort_reason_;
  // Last: destroyed first, so that no delivery report outlives what it counts into.
  std::unique_ptr<OrderSink> sink_;  // none with --dry-run

  void worker(const WindowFetchShared& shared);
  void abort(const std::string& reason);
  TypeRun& type_of(const std::string& name);

  // OrderSink::Listener: what became of each order produced.
  void acknowledged(size_t lane) override {
    types_[lane]->tally.count(&FetchCounters::acknowledged);
  }
  void not_acknowledged(size_t /*lane*/, const Error& why) override {
    if (!workers_finished_) {
      abort(fmt::format("Kafka did not acknowledge an order ({})", why.describe()));
    }
  }
  void dead_lettered(size_t lane) override {
    types_[lane]->tally.count(&FetchCounters::dead_lettered);
  }
  void dead_letter_lost(size_t lane, std::string_view purchase_order_id,
                        std::string_view why) override {
    types_[lane]->tally.add_error(fmt::format(
        "order {} is too large for Kafka and could not be kept in walmart_order_dead_letter: {}",
        purchase_order_id, why));
  }
};

void FetchRun::abort(const std::string& reason) {
  std::lock_guard lock(abort_mutex_);
  if (!aborted_.exchange(true)) {
    abort_reason_ = reason;
    spdlog::error("fetch {}: stopping the run: {}", run_id_, reason);
  }
}

TypeRun& FetchRun::type_of(const std::string& name) {
  for (auto& t : types_) {
    if (t->tally.type() == name) return *t;
  }
  throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0, "unknown ship node type " + name);
}

void FetchRun::worker(const WindowFetchShared& shared) {
  WindowFetcher fetcher(shared,
                        walmart::orders_client_shared(cfg_, tokens_, limiter_, server_clock_));
  while (auto w = queue_.pop()) {
    std::vector<OrderWindow> children;
    TypeRun& t = type_of(w->ship_node_type);
    try {
      if (aborted_ || t.tally.failed || stop_requested()) {
        t.tally.count(&FetchCounters::windows_skipped);
        if (stop_requested()) abort("stopped by a signal");
      } else {
        children = fetcher.read(*w, t.tally, t.lane);
      }
    } catch (const std::exception& e) {
      t.tally.window_failed(*w, e.what());
      spdlog::error("fetch {}: window {} failed: {}", run_id_, w->describe(), e.what());
      abort(fmt::format("unexpected error: {}", e.what()));
    }
    queue_.done(std::move(children));
  }
}

void FetchRun::run(FetchResult& result) {
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  result.filter = filter_ == DateFilter::created ? "created" : "lastModified";

  // run_fetch obtained the token already (refused credentials stopped it there): the server's
  // clock is known.
  const int64_t now = server_clock_.now_ms();
  std::vector<TypeRange> ranges;
  for (auto& t : types_) ranges.push_back(t->range = watermarks_.range(t->tally.type(), now));
  std::vector<OrderWindow> windows = planner_.initial(ranges);
  for (const auto& w : windows) {
    type_of(w.ship_node_type).tally.count(&FetchCounters::windows_total);
  }

  spdlog::info(
      "fetch {}: account '{}' at {}, {} orders, {} first window(s) (at most {} min wide), "
      "concurrency {}, {} requests/min{}",
      run_id_, account_.name, cfg_.walmart_token.base_url, result.filter, windows.size(),
      cfg_.fetch.window.count(), cfg_.fetch.concurrency,
      cfg_.fetch.requests_per_minute == 0 ? std::string("unlimited")
                                          : std::to_string(cfg_.fetch.requests_per_minute),
      request_.dry_run ? ", dry run (nothing is produced)" : "");
  for (const auto& t : types_) {
    spdlog::info("fetch {}: {} {} {}", run_id_, t->tally.type(), result.filter,
                 describe_range(t->range));
  }

  if (!request_.dry_run) {
    std::vector<std::string> lanes;
    for (const auto& t : types_) lanes.push_back(t->tally.type());
    sink_ = std::make_unique<OrderSink>(
        OrderSink::Settings{&cfg_.kafka, &cfg_.mysql, cfg_.fetch.produce_flush_timeout,
                            account_.name, run_id_, std::move(lanes), &cfg_.privacy},
        *this);
  }

  const WindowFetchShared shared{
      &cfg_,   run_id_,     &planner_, filter_,
      &dedup_, sink_.get(), &aborted_, [this](const std::string& reason) { abort(reason); }};
  queue_.push(std::move(windows));
  ProgressLine progress(request_.progress, [&] {
    FetchCounters total;
    for (const auto& t : types_) total += t->tally.counters();
    return format_progress(total, elapsed_s());
  });
  std::vector<std::thread> workers;
  const int n = std::max(1, cfg_.fetch.concurrency);
  workers.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) workers.emplace_back([this, &shared] { worker(shared); });
  for (auto& w : workers) w.join();
  workers_finished_ = true;
  progress.stop();

  if (sink_) {
    OrderSink::Finish finished = sink_->finish();
    result.add_kafka(finished.kafka);
    result.undelivered += finished.undelivered;
    result.dead_letters += finished.dead_letters;
    result.dead_letter_ids.insert(result.dead_letter_ids.end(), finished.dead_letter_ids.begin(),
                                  finished.dead_letter_ids.end());
    if (finished.lost) abort(*finished.lost);
  }

  for (auto& t : types_) {
    ShipNodeSummary s = t->tally.summary();
    s.data_set = config::DataSet::orders;
    s.range_start_ms = t->range.start_ms;
    s.range_end_ms = t->range.end_ms;
    if (auto lost = watermarks_.store(s)) abort(*lost);
    result.types.push_back(std::move(s));
  }
  if (aborted_ && !result.aborted) {
    std::lock_guard lock(abort_mutex_);
    result.aborted = abort_reason_;
  }
}

}  // namespace

void fetch_orders(AccountFetch& run, FetchResult& result) {
  FetchRun orders(run);
  orders.run(result);
}

}  // namespace etl::pipeline

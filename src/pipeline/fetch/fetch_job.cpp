// The shell of one fetch run: worker threads and wiring, the watermarks. The decisions are the
// pure cores' (range_plan, window_plan, window_reader, fetch_result); Kafka is OrderSink's.

#include "pipeline/fetch/fetch_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "mysql/watermark_store.hpp"
#include "pipeline/fetch/dedup.hpp"
#include "pipeline/fetch/order_sink.hpp"
#include "pipeline/fetch/progress_line.hpp"
#include "pipeline/fetch/range_plan.hpp"
#include "pipeline/fetch/window_plan.hpp"
#include "pipeline/fetch/window_queue.hpp"
#include "pipeline/fetch/window_reader.hpp"
#include "walmart/correlation_id.hpp"
#include "walmart/credentials.hpp"
#include "walmart/order_window.hpp"
#include "walmart/orders_client.hpp"
#include "walmart/rate_limiter.hpp"
#include "walmart/server_clock.hpp"
#include "walmart/token_provider.hpp"

namespace etl::pipeline {

namespace {

using walmart::DateFilter;
using walmart::OrderWindow;
using walmart::PageResult;

struct TypeRun {
  TypeRun(std::string type, size_t lane_) : counters(std::move(type)), lane(lane_) {}
  ShipNodeCounters counters;
  size_t lane;  // its index: the OrderSink's lane
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  bool open_end = false;
};

std::string describe_range(int64_t start_ms, int64_t end_ms, bool open_end) {
  return fmt::format("{}..{}", walmart::format_api_time(start_ms),
                     open_end ? fmt::format("now ({})", walmart::format_api_time(end_ms))
                              : walmart::format_api_time(end_ms));
}

class FetchRun final : public OrderSink::Listener {
 public:
  FetchRun(const config::Config& cfg, const FetchRequest& request)
      : cfg_(cfg),
        request_(request),
        filter_(request.mode == FetchMode::since_last ? DateFilter::last_modified
                                                      : DateFilter::created),
        run_id_(walmart::new_correlation_id()),
        account_(walmart::resolve_account(cfg.walmart_token, request.account)),
        limiter_(cfg.fetch.requests_per_minute),
        planner_(PlannerSettings{
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.fetch.window).count(),
            cfg.fetch.max_orders_per_query, cfg.fetch.limit, cfg.fetch.concurrency}),
        tokens_(cfg.walmart_token, account_,
                walmart::http_options_for(cfg.fetch, cfg.walmart_token.base_url),
                walmart::TokenRetryPolicy{cfg.fetch.max_retries, cfg.fetch.backoff_initial,
                                          cfg.fetch.backoff_max},
                &server_clock_) {
    const auto& types =
        request.ship_node_types.empty() ? cfg.fetch.ship_node_types : request.ship_node_types;
    for (const auto& t : types) {
      if (std::any_of(types_.begin(), types_.end(),
                      [&](const auto& existing) { return existing->counters.type() == t; })) {
        continue;
      }
      types_.push_back(std::make_unique<TypeRun>(t, types_.size()));
    }
  }

  FetchResult run();

 private:
  const config::Config& cfg_;
  const FetchRequest& request_;
  DateFilter filter_;
  std::string run_id_;
  walmart::AccountCredentials account_;
  walmart::ServerClock server_clock_;
  walmart::RateLimiter limiter_;
  WindowPlanner planner_;
  walmart::TokenProvider tokens_;
  std::vector<std::unique_ptr<TypeRun>> types_;  // outlive the producer (delivery callbacks)
  FetchDedup dedup_;
  WindowQueue queue_;
  std::unique_ptr<mysql::WatermarkStore> watermarks_;

  std::atomic<bool> aborted_{false};
  std::atomic<bool> workers_finished_{false};  // reports after this (flush, purge) abort nothing
  std::mutex abort_mutex_;
  std::string abort_reason_;
  // Last: destroyed first, so that no delivery report outlives what it counts into.
  std::unique_ptr<OrderSink> sink_;  // none with --dry-run

  void plan_ranges();
  void worker();
  void fetch_window(const OrderWindow& w, TypeRun& t, walmart::OrdersClient& client, PageResult& r,
                    std::vector<OrderWindow>& children);
  void escalate(TypeRun& t, FailureScope scope, const std::string& reason);
  void fail_window(const OrderWindow& w, TypeRun& t, const std::string& message);
  bool produce_page(TypeRun& t, const PageResult& r);

  // OrderSink::Listener: what became of each order produced.
  void acknowledged(size_t lane) override { types_[lane]->counters.acknowledged++; }
  void not_acknowledged(size_t lane, const Error& why) override {
    types_[lane]->counters.delivery_failed++;
    if (!workers_finished_) {
      abort(fmt::format("Kafka did not acknowledge an order ({})", why.describe()));
    }
  }
  void dead_lettered(size_t lane) override { types_[lane]->counters.dead_lettered++; }
  void dead_letter_lost(size_t lane, std::string_view purchase_order_id,
                        std::string_view why) override {
    types_[lane]->counters.add_error(fmt::format(
        "order {} is too large for Kafka and could not be kept in walmart_order_dead_letter: {}",
        purchase_order_id, why));
  }
  void abort(const std::string& reason);
  void add_counters(TypeRun& t, const walmart::RequestCounters& rc) {
    t.counters.requests += rc.requests;
    t.counters.retries += rc.retries;
    t.counters.throttled += rc.throttled;
    t.counters.slowdowns += rc.slowdowns;
    t.counters.token_refreshes += rc.token_refreshes;
  }
  TypeRun& type_of(const std::string& name) {
    for (auto& t : types_) {
      if (t->counters.type() == name) return *t;
    }
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0, "unknown ship node type " + name);
  }
  [[nodiscard]] std::string progress_text(std::chrono::steady_clock::time_point started) const;
};

void FetchRun::abort(const std::string& reason) {
  std::lock_guard lock(abort_mutex_);
  if (!aborted_.exchange(true)) {
    abort_reason_ = reason;
    spdlog::error("fetch {}: stopping the run: {}", run_id_, reason);
  }
}

void FetchRun::plan_ranges() {
  const int64_t now = server_clock_.now_ms();
  const int64_t overlap_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.fetch.since_last_overlap).count();
  if (request_.mode == FetchMode::since_last) {
    watermarks_ = std::make_unique<mysql::WatermarkStore>(cfg_.mysql);
  }
  for (auto& t : types_) {
    const std::string& type = t->counters.type();
    std::optional<int64_t> wm;
    if (request_.mode == FetchMode::since_last) {
      wm = watermarks_->load(account_.name, type);
      if (wm && request_.start_day_ms) {
        spdlog::info("fetch {}: {} resumes from its watermark {}; --start is ignored", run_id_,
                     type, walmart::format_api_time(*wm));
      }
    }
    const auto range = plan_range(request_, type, now, wm, overlap_ms);
    if (!range) {
      throw ConfigError(fmt::format(
          "fetch --since-last: account '{}' has no watermark for {} yet (table {}.etl_fetch_"
          "watermark); the first incremental run needs --start YYYY-MM-DD",
          account_.name, type, cfg_.mysql.database));
    }
    t->start_ms = range->start_ms;
    t->end_ms = range->end_ms;
    t->open_end = range->open_end;
  }
}

void FetchRun::fail_window(const OrderWindow& w, TypeRun& t, const std::string& message) {
  t.counters.windows_failed++;
  t.counters.add_error(fmt::format("window {}: {}", w.describe(), message));
  spdlog::error("fetch {}: window {} failed: {}", run_id_, w.describe(), message);
}

void FetchRun::escalate(TypeRun& t, FailureScope scope, const std::string& reason) {
  if (stop_requested()) {
    abort("stopped by a signal");
    return;
  }
  switch (scope) {
    case FailureScope::window:
      break;
    case FailureScope::ship_node_type:
      if (!t.counters.type_failed.exchange(true)) {
        spdlog::error("fetch {}: skipping the other windows of {} after a fatal answer", run_id_,
                      t.counters.type());
      }
      break;
    case FailureScope::run_api_down:
      abort(fmt::format("the Walmart API at {} kept failing: {}", cfg_.walmart_token.base_url,
                        reason));
      break;
    case FailureScope::run_credentials:
      abort(reason);
      break;
  }
}

bool FetchRun::produce_page(TypeRun& t, const PageResult& r) {
  for (const auto& order : r.page.orders) {
    if (!dedup_.first_time(order.purchase_order_id)) {
      t.counters.duplicates++;
      continue;
    }
    t.counters.orders++;
    if (!sink_) continue;  // --dry-run
    try {
      if (auto error =
              sink_->produce(t.lane, order.purchase_order_id, order.json, r.request_time)) {
        t.counters.add_error(fmt::format("order {} not accepted by the producer: {}",
                                         order.purchase_order_id, error->describe()));
        abort(fmt::format("Kafka did not accept an order: {}", error->describe()));
        return false;
      }
    } catch (const EtlError& e) {
      abort(fmt::format("Kafka producer failed: {}", e.what()));
      return false;
    }
  }
  if (sink_) {
    if (auto lost = sink_->write_dead_letters()) abort(*lost);
  }
  return true;
}

void FetchRun::fetch_window(const OrderWindow& w, TypeRun& t, walmart::OrdersClient& client,
                            PageResult& r, std::vector<OrderWindow>& children) {
  const std::string context = fmt::format("GET /v3/orders {}", w.describe());
  WindowReader reader(planner_, w, filter_, cfg_.fetch.limit);
  std::string target = reader.first_target();
  while (true) {
    walmart::RequestCounters rc;
    client.get_page(target, context, r, rc);
    add_counters(t, rc);
    PageAnswer answer;
    answer.kind = r.kind == PageResult::Kind::page        ? PageAnswer::Kind::page
                  : r.kind == PageResult::Kind::no_orders ? PageAnswer::Kind::no_orders
                                                          : PageAnswer::Kind::failed;
    answer.orders = r.page.orders.size();
    answer.total_count = r.page.total_count;
    if (r.page.next_cursor) answer.next_cursor = *r.page.next_cursor;
    answer.error = r.error;
    answer.gave_up = r.gave_up;
    ReadStep step = reader.on_answer(answer, aborted_);
    if (step.produce) {
      t.counters.pages++;
      t.counters.orders_received += r.page.orders.size();
      if (!produce_page(t, r)) {
        fail_window(w, t, "stopped: Kafka is not accepting orders");
        return;
      }
    }
    switch (step.action) {
      case ReadStep::Action::get:
        if (step.read_again) {
          spdlog::warn("fetch {}: window {}: {}; reading the window again", run_id_, w.describe(),
                       step.reason);
          t.counters.retries++;
        }
        target = std::move(step.target);
        continue;
      case ReadStep::Action::done:
        if (step.kept_short) {
          // Orders that moved while we paged may have shifted others past a page boundary; the
          // watermark of this type stays at the window's start, so the next run reads it again.
          spdlog::warn("fetch {}: window {}: {}; the watermark of {} stays at {}", run_id_,
                       w.describe(), step.reason, t.counters.type(),
                       walmart::format_api_time(w.start_ms));
          t.counters.add_short_window(w.start_ms);
        }
        t.counters.windows_done++;
        return;
      case ReadStep::Action::split:
        if (step.produce) {
          spdlog::debug("fetch {}: window {} has {} orders (cap {}, concurrency {}): {} parts",
                        run_id_, w.describe(), reader.total(), cfg_.fetch.max_orders_per_query,
                        cfg_.fetch.concurrency, step.children.size());
        } else {
          spdlog::debug(
              "fetch {}: the API refused window {} ({}); taking it for more orders than one "
              "query may return and splitting it",
              run_id_, w.describe(), step.reason);
        }
        t.counters.windows_split++;
        t.counters.windows_total += step.children.size();
        for (auto& c : step.children) children.push_back(std::move(c));
        return;
      case ReadStep::Action::fail:
        fail_window(w, t, step.reason);
        if (answer.kind == PageAnswer::Kind::failed) escalate(t, step.scope, step.reason);
        return;
    }
  }
}

void FetchRun::worker() {
  walmart::OrdersClient client(
      walmart::orders_client_shared(cfg_, tokens_, limiter_, server_clock_));
  PageResult r;
  while (auto w = queue_.pop()) {
    std::vector<OrderWindow> children;
    TypeRun& t = type_of(w->ship_node_type);
    try {
      if (aborted_ || t.counters.type_failed || stop_requested()) {
        t.counters.windows_skipped++;
        if (stop_requested()) abort("stopped by a signal");
      } else {
        fetch_window(*w, t, client, r, children);
      }
    } catch (const std::exception& e) {
      fail_window(*w, t, e.what());
      abort(fmt::format("unexpected error: {}", e.what()));
    }
    queue_.done(std::move(children));
  }
}

std::string FetchRun::progress_text(std::chrono::steady_clock::time_point started) const {
  uint64_t finished = 0;
  uint64_t total = 0;
  uint64_t orders = 0;
  uint64_t retries = 0;
  uint64_t throttled = 0;
  for (const auto& t : types_) {
    const auto& c = t->counters;
    finished += c.windows_done + c.windows_failed + c.windows_skipped;
    total += c.windows_total - c.windows_split;
    orders += c.orders;
    retries += c.retries;
    throttled += c.throttled;
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return format_progress(finished, total, orders, elapsed, retries, throttled);
}

FetchResult FetchRun::run() {
  const auto started = std::chrono::steady_clock::now();
  FetchResult result;
  result.run_id = run_id_;
  result.account = account_.name;
  result.filter = filter_ == DateFilter::created ? "created" : "lastModified";
  result.dry_run = request_.dry_run;

  // Credentials first: refused credentials or an unreachable API stop here (EtlError), and
  // the token answer tells the server's clock.
  (void)tokens_.get();
  plan_ranges();

  std::vector<TypeRange> ranges;
  for (auto& t : types_) {
    ranges.push_back(TypeRange{t->counters.type(), t->start_ms, t->end_ms, t->open_end});
  }
  std::vector<OrderWindow> windows = planner_.initial(ranges);
  for (const auto& w : windows) type_of(w.ship_node_type).counters.windows_total++;

  spdlog::info(
      "fetch {}: account '{}' at {}, {} orders, {} first window(s) (at most {} min wide), "
      "concurrency {}, {} requests/min{}",
      run_id_, account_.name, cfg_.walmart_token.base_url, result.filter, windows.size(),
      cfg_.fetch.window.count(), cfg_.fetch.concurrency,
      cfg_.fetch.requests_per_minute == 0 ? std::string("unlimited")
                                          : std::to_string(cfg_.fetch.requests_per_minute),
      request_.dry_run ? ", dry run (nothing is produced)" : "");
  for (const auto& t : types_) {
    spdlog::info("fetch {}: {} {} {}", run_id_, t->counters.type(), result.filter,
                 describe_range(t->start_ms, t->end_ms, t->open_end));
  }

  if (!request_.dry_run) {
    std::vector<std::string> lanes;
    for (const auto& t : types_) lanes.push_back(t->counters.type());
    sink_ = std::make_unique<OrderSink>(
        OrderSink::Settings{&cfg_.kafka, &cfg_.mysql, cfg_.fetch.produce_flush_timeout,
                            account_.name, run_id_, std::move(lanes), &cfg_.privacy},
        *this);
  }

  queue_.push(std::move(windows));
  ProgressLine progress(request_.progress, [&] { return progress_text(started); });
  std::vector<std::thread> workers;
  const int n = std::max(1, cfg_.fetch.concurrency);
  workers.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) workers.emplace_back([this] { worker(); });
  for (auto& w : workers) w.join();
  workers_finished_ = true;
  progress.stop();

  if (sink_) {
    OrderSink::Finish finished = sink_->finish();
    result.kafka = std::move(finished.kafka);
    result.undelivered = finished.undelivered;
    result.dead_letters = finished.dead_letters;
    result.dead_letter_ids = std::move(finished.dead_letter_ids);
    if (finished.lost) abort(*finished.lost);
  }

  for (auto& t : types_) {
    ShipNodeSummary s = t->counters.summary();
    s.range_start_ms = t->start_ms;
    s.range_end_ms = t->end_ms;
    if (request_.mode == FetchMode::since_last && !request_.dry_run && s.complete(false)) {
      // A short window holds the watermark at its start: the next run reads it again.
      const int64_t mark = s.short_from_ms ? std::min(t->end_ms, *s.short_from_ms) : t->end_ms;
      try {
        watermarks_->advance(account_.name, s.ship_node_type, mark, run_id_);
        s.watermark_stored = mark;
      } catch (const EtlError& e) {
        s.errors.push_back(fmt::format("watermark not stored: {}", e.what()));
        abort(
            fmt::format("the watermark of {} could not be stored: {}", s.ship_node_type, e.what()));
      }
    }
    result.types.push_back(std::move(s));
  }
  if (aborted_) {
    std::lock_guard lock(abort_mutex_);
    result.aborted = abort_reason_;
  }
  result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace

FetchResult run_fetch(const config::Config& cfg, const FetchRequest& request) {
  validate_fetch_request(request);
  FetchRun run(cfg, request);
  return run.run();
}

}  // namespace etl::pipeline

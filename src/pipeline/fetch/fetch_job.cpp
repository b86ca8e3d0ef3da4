// Why one file of this size: it is the shell of `fetch` - worker threads, the producer and its
// delivery reports, the watermark, dead letters of oversized orders - around the pure decisions
// that live elsewhere (range_plan: each type's range; window_plan: which window next; walmart/
// pace_policy: how fast; report: the verdict and the summary). What remains is the threading
// that ties them together, and its members share one run's state.

#include "pipeline/fetch/fetch_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "common/utc_time.hpp"
#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "mysql/batch_writer.hpp"
#include "mysql/watermark_store.hpp"
#include "mysql/write_batch.hpp"
#include "order/message_format.hpp"
#include "pipeline/fetch/dedup.hpp"
#include "pipeline/fetch/range_plan.hpp"
#include "pipeline/fetch/window_plan.hpp"
#include "pipeline/fetch/window_queue.hpp"
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

// Messages at least this large keep a copy of their value until Kafka answers, so that a broker
// refusing one as too large (its topic's max.message.bytes, in the delivery report) can still
// put it in the dead letter. No topic limit is smaller; smaller messages keep no copy.
constexpr size_t kKeepForDeadLetterBytes = size_t{512} * 1024;

struct TypeRun {
  explicit TypeRun(std::string type) : counters(std::move(type)) {}
  ShipNodeCounters counters;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  bool open_end = false;
  std::array<kafka::HeaderView, 3> headers{};
};

// An order Kafka refused as too large, waiting to be written to the dead letter.
struct PendingDeadLetter {
  TypeRun* type = nullptr;
  mysql::DeadLetter letter;
};

std::string describe_range(int64_t start_ms, int64_t end_ms, bool open_end) {
  return fmt::format("{}..{}", walmart::format_api_time(start_ms),
                     open_end ? fmt::format("now ({})", walmart::format_api_time(end_ms))
                              : walmart::format_api_time(end_ms));
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

class FetchRun {
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
      types_.push_back(std::make_unique<TypeRun>(t));
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
  std::unique_ptr<kafka::Producer> producer_;

  std::mutex dead_letters_mutex_;
  std::vector<PendingDeadLetter> dead_letters_;  // guarded by dead_letters_mutex_: not written yet
  // Written as they come (after each page), so they are not all held until the end of the run.
  std::mutex dead_letter_writer_mutex_;  // one write at a time; guards the three below
  std::unique_ptr<mysql::BatchWriter> dead_letter_writer_;
  uint64_t dead_letters_written_ = 0;
  std::vector<std::string> dead_letter_ids_;  // the first few

  std::atomic<bool> aborted_{false};
  std::atomic<bool> workers_finished_{false};  // reports after this (flush, purge) abort nothing
  std::mutex abort_mutex_;
  std::string abort_reason_;

  void plan_ranges();
  void worker();
  void fetch_window(const OrderWindow& w, TypeRun& t, walmart::OrdersClient& client, PageResult& r,
                    std::string& value, std::vector<OrderWindow>& children);
  void handle_failure(const OrderWindow& w, TypeRun& t, const PageResult& r, bool first_page,
                      std::vector<OrderWindow>& children);
  void split(TypeRun& t, WindowPlanner::Decision decision, std::vector<OrderWindow>& children);
  void fail_window(const OrderWindow& w, TypeRun& t, const std::string& message);
  bool produce_page(TypeRun& t, const PageResult& r, std::string& value);
  void keep_dead_letter(TypeRun& t, std::string_view purchase_order_id, std::string payload,
                        const Error& why);
  void write_dead_letters();
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
  void progress_loop(std::atomic<bool>& done, std::chrono::steady_clock::time_point started);
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

void FetchRun::split(TypeRun& t, WindowPlanner::Decision decision,
                     std::vector<OrderWindow>& children) {
  t.counters.windows_split++;
  t.counters.windows_total += decision.children.size();
  for (auto& c : decision.children) children.push_back(std::move(c));
}

void FetchRun::fail_window(const OrderWindow& w, TypeRun& t, const std::string& message) {
  t.counters.windows_failed++;
  t.counters.add_error(fmt::format("window {}: {}", w.describe(), message));
  spdlog::error("fetch {}: window {} failed: {}", run_id_, w.describe(), message);
}

void FetchRun::handle_failure(const OrderWindow& w, TypeRun& t, const PageResult& r,
                              bool first_page, std::vector<OrderWindow>& children) {
  if (first_page && r.error.cause == ErrorCause::too_many_results) {
    auto decision = planner_.after_refusal(w);
    if (decision.action == WindowPlanner::Action::split) {
      spdlog::debug(
          "fetch {}: the API refused window {} ({}); taking it for more orders than one "
          "query may return and splitting it",
          run_id_, w.describe(), r.api->describe());
      split(t, std::move(decision), children);
      return;
    }
  }
  fail_window(w, t, r.error.describe());
  if (stop_requested()) {
    abort("stopped by a signal");
  } else if (r.gave_up) {
    abort(fmt::format("the Walmart API at {} kept failing: {}", cfg_.walmart_token.base_url,
                      r.error.describe()));
  } else if (r.error.cause == ErrorCause::authentication) {
    abort(r.error.describe());
  } else if (!r.error.retriable()) {
    if (!t.counters.type_failed.exchange(true)) {
      spdlog::error("fetch {}: skipping the other windows of {} after a fatal answer", run_id_,
                    t.counters.type());
    }
  }
}

bool FetchRun::produce_page(TypeRun& t, const PageResult& r, std::string& value) {
  for (const auto& order : r.page.orders) {
    if (!dedup_.first_time(order.purchase_order_id)) {
      t.counters.duplicates++;
      continue;
    }
    t.counters.orders++;
    if (!producer_) continue;  // --dry-run
    order::build_order_message(order.json, r.request_time, value);
    const kafka::OutgoingMessage message(cfg_.kafka.topic, order.purchase_order_id, value,
                                         t.headers);
    std::shared_ptr<std::string> kept;
    if (value.size() >= kKeepForDeadLetterBytes) kept = std::make_shared<std::string>(value);
    try {
      auto error = producer_->produce(message, [this, tr = &t,
                                                kept](const kafka::DeliveryReport& rep) {
        if (rep.acknowledged()) {
          tr->counters.acknowledged++;
        } else if (kept && rep.error->cls == ErrorClass::bad_record) {
          keep_dead_letter(*tr, rep.key, std::move(*kept), *rep.error);  // the broker's limit
        } else {
          tr->counters.delivery_failed++;
          if (!workers_finished_) {
            abort(fmt::format("Kafka did not acknowledge an order ({})", rep.error->describe()));
          }
        }
      });
      if (error && error->cls == ErrorClass::bad_record) {
        // Too large for the producer's message.max.bytes (or otherwise refused as a record): one
        // order must not stop the run; it is kept whole in the dead letter instead.
        keep_dead_letter(t, order.purchase_order_id, value, *error);
      } else if (error) {
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
  write_dead_letters();
  return true;
}

void FetchRun::keep_dead_letter(TypeRun& t, std::string_view purchase_order_id, std::string payload,
                                const Error& why) {
  spdlog::warn(
      "fetch {}: order {} ({} bytes) is too large for Kafka topic {} ({}); it goes to the "
      "dead letter and the run goes on",
      run_id_, purchase_order_id, payload.size(), cfg_.kafka.topic, why.describe());
  PendingDeadLetter d;
  d.type = &t;
  mysql::DeadLetter& l = d.letter;
  // One row per account and order: fetching the order again (another run, another request_time,
  // maybe a newer version) replaces it.
  l.origin.source = fmt::format("fetch:{}:{}", account_.name, purchase_order_id);
  l.one_per_source = true;
  l.origin.account = account_.name;
  l.origin.record_index = 0;
  l.origin.topic = cfg_.kafka.topic;
  l.origin.key = std::string(purchase_order_id);
  // Not a number: the payload still names it.
  l.purchase_order_id = order::purchase_order_id_number(purchase_order_id);
  l.error_class = std::string(to_string(ErrorClass::bad_record));
  l.error_code = why.code;
  l.message = fmt::format(
      "order {} ({} bytes with request_time) is too large for Kafka topic {}: "
      "{} (fetch run {}, ship node type {})",
      purchase_order_id, payload.size(), cfg_.kafka.topic, why.describe(), run_id_,
      t.counters.type());
  l.payload = std::move(payload);
  std::lock_guard lock(dead_letters_mutex_);
  dead_letters_.push_back(std::move(d));
}

void FetchRun::write_dead_letters() {
  std::lock_guard writing(dead_letter_writer_mutex_);
  std::vector<PendingDeadLetter> pending;
  {
    std::lock_guard lock(dead_letters_mutex_);
    pending.swap(dead_letters_);
  }
  if (pending.empty()) return;
  mysql::WriteBatch batch;
  for (const auto& d : pending) batch.dead_letters.push_back(d.letter);
  try {
    if (!dead_letter_writer_) {
      dead_letter_writer_ =
          std::make_unique<mysql::BatchWriter>(cfg_.mysql, mysql::BatchWriterOptions{});
    }
    (void)dead_letter_writer_->write(batch);
  } catch (const EtlError& e) {
    // Not kept anywhere: these orders count as not acknowledged, the run is incomplete and no
    // watermark passes them.
    for (const auto& d : pending) {
      d.type->counters.add_error(
          fmt::format("order {} is too large for Kafka and could not be "
                      "kept in walmart_order_dead_letter: {}",
                      d.letter.origin.key.value_or("?"), e.what()));
    }
    abort(
        fmt::format("{} order(s) too large for Kafka could not be written to "
                    "walmart_order_dead_letter: {}",
                    pending.size(), e.what()));
    return;
  }
  for (const auto& d : pending) {
    d.type->counters.dead_lettered++;
    if (dead_letter_ids_.size() < 10) dead_letter_ids_.push_back(d.letter.origin.key.value_or("?"));
  }
  dead_letters_written_ += pending.size();
  spdlog::warn("fetch {}: {} order(s) too large for Kafka kept in {}.walmart_order_dead_letter",
               run_id_, pending.size(), cfg_.mysql.database);
}

void FetchRun::fetch_window(const OrderWindow& w, TypeRun& t, walmart::OrdersClient& client,
                            PageResult& r, std::string& value, std::vector<OrderWindow>& children) {
  const int limit = cfg_.fetch.limit;
  const std::string context = fmt::format("GET /v3/orders {}", w.describe());
  for (int reads = 1;; ++reads) {
    walmart::RequestCounters rc;
    client.get_page(walmart::first_page_target(w, filter_, limit), context, r, rc);
    add_counters(t, rc);
    if (r.kind == PageResult::Kind::no_orders) {
      t.counters.windows_done++;
      return;
    }
    if (r.kind == PageResult::Kind::failed) {
      handle_failure(w, t, r, true, children);
      return;
    }
    const int64_t total = r.page.total_count.value_or(static_cast<int64_t>(r.page.orders.size()));
    if (reads == 1) {
      auto decision = planner_.after_first_page(w, total);
      if (decision.action == WindowPlanner::Action::fail) {
        fail_window(w, t, decision.reason);
        return;
      }
      if (decision.action == WindowPlanner::Action::split) {
        spdlog::debug("fetch {}: window {} has {} orders (cap {}, concurrency {}): {} parts",
                      run_id_, w.describe(), total, cfg_.fetch.max_orders_per_query,
                      cfg_.fetch.concurrency, decision.children.size());
        // This page's orders are produced all the same: a part reads them again and the
        // de-duplication drops them; the request is not wasted twice.
        if (!produce_page(t, r, value)) {
          fail_window(w, t, "stopped: Kafka is not accepting orders");
          return;
        }
        t.counters.pages++;
        t.counters.orders_received += r.page.orders.size();
        split(t, std::move(decision), children);
        return;
      }
    }
    uint64_t received = 0;
    uint64_t pages = 0;
    const uint64_t max_pages = static_cast<uint64_t>(total / std::max(1, limit)) + 3;
    std::string cursor;
    bool cursor_gone = false;
    while (true) {
      ++pages;
      t.counters.pages++;
      received += r.page.orders.size();
      t.counters.orders_received += r.page.orders.size();
      if (!produce_page(t, r, value)) {
        fail_window(w, t, "stopped: Kafka is not accepting orders");
        return;
      }
      if (!r.page.next_cursor) break;
      if (aborted_) {
        fail_window(w, t, "not finished: the run was stopped");
        return;
      }
      if (*r.page.next_cursor == cursor) {
        fail_window(w, t, "the API returned the same nextCursor twice (pagination loop)");
        return;
      }
      if (pages >= max_pages) {
        fail_window(w, t,
                    fmt::format("more than {} pages for {} orders (pagination does not end)",
                                max_pages, total));
        return;
      }
      cursor = *r.page.next_cursor;  // copied: r is reused by the next request
      walmart::RequestCounters prc;
      client.get_page(walmart::cursor_target(cursor), context, r, prc);
      add_counters(t, prc);
      if (r.kind == PageResult::Kind::no_orders) {
        cursor_gone = true;
        break;
      }
      if (r.kind == PageResult::Kind::failed) {
        handle_failure(w, t, r, false, children);
        return;
      }
    }
    if (received >= static_cast<uint64_t>(total) && !cursor_gone) {
      t.counters.windows_done++;
      return;
    }
    const std::string shortfall =
        cursor_gone
            ? fmt::format("a cursor page answered 404 after {} of {} orders", received, total)
            : fmt::format("the pages held {} orders but totalCount was {}", received, total);
    switch (WindowPlanner::after_short_read(filter_, reads)) {
      case WindowPlanner::ShortAction::read_again:
        spdlog::warn("fetch {}: window {}: {}; reading the window again", run_id_, w.describe(),
                     shortfall);
        t.counters.retries++;
        continue;
      case WindowPlanner::ShortAction::keep_short:
        // Orders that moved while we paged may have shifted others past a page boundary; the
        // watermark of this type stays at the window's start, so the next run reads it again.
        spdlog::warn("fetch {}: window {}: {}, {} times; the watermark of {} stays at {}", run_id_,
                     w.describe(), shortfall, reads, t.counters.type(),
                     walmart::format_api_time(w.start_ms));
        t.counters.add_short_window(w.start_ms);
        t.counters.windows_done++;
        return;
      case WindowPlanner::ShortAction::fail:
        fail_window(w, t, fmt::format("{}, {} times", shortfall, reads));
        return;
    }
  }
}

void FetchRun::worker() {
  walmart::OrdersClient client(
      walmart::orders_client_shared(cfg_, tokens_, limiter_, server_clock_));
  PageResult r;
  std::string value;
  while (auto w = queue_.pop()) {
    std::vector<OrderWindow> children;
    TypeRun& t = type_of(w->ship_node_type);
    try {
      if (aborted_ || t.counters.type_failed || stop_requested()) {
        t.counters.windows_skipped++;
        if (stop_requested()) abort("stopped by a signal");
      } else {
        fetch_window(*w, t, client, r, value, children);
      }
    } catch (const std::exception& e) {
      fail_window(*w, t, e.what());
      abort(fmt::format("unexpected error: {}", e.what()));
    }
    queue_.done(std::move(children));
  }
}

void FetchRun::progress_loop(std::atomic<bool>& done,
                             std::chrono::steady_clock::time_point started) {
  while (!done.load()) {
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
    std::fprintf(stderr, "\r\033[K%s",
                 format_progress(finished, total, orders, elapsed, retries, throttled).c_str());
    std::fflush(stderr);
    for (int i = 0; i < 10 && !done.load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
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
    t->headers = {kafka::HeaderView{order::kHeaderAccount, account_.name},
                  kafka::HeaderView{order::kHeaderShipNodeType, t->counters.type()},
                  kafka::HeaderView{order::kHeaderRunId, run_id_}};
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
    kafka::AdminClient admin(cfg_.kafka);
    const auto topic =
        admin.ensure_topic(kafka::topic_spec_from(cfg_.kafka),
                           std::min<std::chrono::milliseconds>(std::chrono::seconds(30),
                                                               cfg_.fetch.produce_flush_timeout));
    spdlog::info("fetch {}: Kafka topic {} {} ({} partitions){}", run_id_, cfg_.kafka.topic,
                 kafka::to_string(topic.outcome), topic.partitions,
                 topic.note.empty() ? "" : ": " + topic.note);
    kafka::ProducerOptions options;
    options.client.client_id = "walmart-etl-fetch";
    options.queue_full_timeout = cfg_.fetch.produce_flush_timeout;
    producer_ = std::make_unique<kafka::Producer>(cfg_.kafka, std::move(options));
  }

  queue_.push(std::move(windows));
  std::atomic<bool> workers_done{false};
  std::thread progress;
  if (request_.progress && stderr_is_terminal()) {
    progress = std::thread([&] { progress_loop(workers_done, started); });
  }
  std::vector<std::thread> workers;
  const int n = std::max(1, cfg_.fetch.concurrency);
  workers.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) workers.emplace_back([this] { worker(); });
  for (auto& w : workers) w.join();
  workers_done = true;
  workers_finished_ = true;
  if (progress.joinable()) progress.join();

  if (producer_) {
    const kafka::FlushResult flushed = producer_->flush(cfg_.fetch.produce_flush_timeout);
    result.kafka = fmt::format("topic {}: {}", cfg_.kafka.topic, flushed.describe());
    result.undelivered = flushed.undelivered + flushed.counters.failed;
    // Anything still queued is dropped now, so that its reports fire while types_ is alive.
    producer_->purge_undelivered();
    write_dead_letters();
    std::lock_guard lock(dead_letter_writer_mutex_);
    result.dead_letters = dead_letters_written_;
    result.dead_letter_ids = dead_letter_ids_;
    dead_letter_writer_.reset();
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

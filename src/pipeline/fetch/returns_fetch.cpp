// The returns' part of one account's fetch run (data_sets.hpp): GET /v3/returns by closed
// returnLastModified windows (returns_reader.hpp decides every step), each return produced to
// kafka.returns_topic through ReturnSink, the data set's watermark moved only once Kafka
// acknowledged every return. Returns are few next to orders: the windows are read one after the
// other on the calling thread, on the returns family's own rate limiter (never the orders' pace).

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/stop_signal.hpp"
#include "pipeline/fetch/data_sets.hpp"
#include "pipeline/fetch/dedup.hpp"
#include "pipeline/fetch/fetch_watermarks.hpp"
#include "pipeline/fetch/range_plan.hpp"
#include "pipeline/fetch/return_sink.hpp"
#include "pipeline/fetch/returns_reader.hpp"
#include "walmart/rate_limiter.hpp"
#include "walmart/returns_client.hpp"

namespace etl::pipeline {

namespace {

constexpr size_t kErrorsKept = 10;

ReturnsAnswer answer_of(const walmart::ReturnsPageResult& r) {
  ReturnsAnswer a;
  using Kind = walmart::ReturnsPageResult::Kind;
  a.kind = r.kind == Kind::page         ? ReturnsAnswer::Kind::page
           : r.kind == Kind::no_returns ? ReturnsAnswer::Kind::no_returns
                                        : ReturnsAnswer::Kind::failed;
  a.returns = r.page.returns.size();
  a.total_count = r.page.total_count;
  if (r.page.next_cursor) a.next_cursor = *r.page.next_cursor;
  a.error = r.error;
  a.gave_up = r.gave_up;
  return a;
}

class ReturnsFetch {
 public:
  explicit ReturnsFetch(AccountFetch& run)
      : run_(run),
        limiter_(run.cfg.fetch.requests_per_minute),
        client_(walmart::returns_client_shared(run.cfg, run.tokens, limiter_, run.server_clock),
                walmart::http_options_for(run.cfg.fetch, run.cfg.walmart_token.base_url)),
        watermarks_(run.cfg, run.request, run.account.name, run.run_id, config::DataSet::returns) {
    summary_.data_set = config::DataSet::returns;
  }

  void run(FetchResult& result);

 private:
  AccountFetch& run_;
  walmart::RateLimiter limiter_;  // the returns family's
  walmart::ReturnsClient client_;
  RunWatermarks watermarks_;
  walmart::ReturnsPageResult page_;
  FetchDedup dedup_;
  ShipNodeSummary summary_;
  std::unique_ptr<ReturnSink> sink_;  // none with --dry-run
  std::optional<std::string> aborted_;
  bool data_set_failed_ = false;

  void error(std::string text) {
    if (summary_.errors.size() < kErrorsKept) summary_.errors.push_back(std::move(text));
  }
  void read(const ReturnsWindow& w);
  bool produce_page();
  void failed(const ReturnsWindow& w, const ReturnsStep& step, bool page_failed);
};

void ReturnsFetch::read(const ReturnsWindow& w) {
  const std::string context = fmt::format("GET /v3/returns {}", w.describe());
  ReturnsReader reader(w, run_.cfg.fetch.limit);
  std::string target = reader.first_target();
  while (true) {
    client_.get_page(target, context, page_, summary_);
    const ReturnsAnswer answer = answer_of(page_);
    ReturnsStep step = reader.on_answer(answer, stop_requested());
    if (answer.kind == ReturnsAnswer::Kind::page) {
      summary_.pages++;
      summary_.orders_received += answer.returns;
    }
    if (step.produce && !produce_page()) {
      step.action = ReturnsStep::Action::fail;
      step.reason = "stopped: Kafka is not accepting returns";
      step.scope = FailureScope::run_api_down;
    }
    switch (step.action) {
      case ReturnsStep::Action::get:
        if (step.read_again) {
          spdlog::warn("fetch {}: returns {}: {}; reading the window again", run_.run_id,
                       w.describe(), step.reason);
        }
        target = std::move(step.target);
        continue;
      case ReturnsStep::Action::done:
        summary_.windows_done++;
        if (step.kept_short) {
          summary_.windows_short++;
          summary_.short_from_ms =
              std::min(summary_.short_from_ms.value_or(w.start_ms), w.start_ms);
          spdlog::warn("fetch {}: returns {}: {}; the returns watermark stays at {}", run_.run_id,
                       w.describe(), step.reason, walmart::format_api_time(w.start_ms));
        }
        return;
      case ReturnsStep::Action::fail:
        failed(w, step, answer.kind == ReturnsAnswer::Kind::failed);
        return;
    }
  }
}

void ReturnsFetch::failed(const ReturnsWindow& w, const ReturnsStep& step, bool page_failed) {
  summary_.windows_failed++;
  error(fmt::format("window {}: {}", w.describe(), step.reason));
  spdlog::error("fetch {}: returns window {} failed: {}", run_.run_id, w.describe(), step.reason);
  if (stop_requested()) {
    aborted_ = "stopped by a signal";
    return;
  }
  if (!page_failed && step.scope != FailureScope::run_api_down) return;
  switch (step.scope) {
    case FailureScope::window:
      return;
    case FailureScope::ship_node_type:
      data_set_failed_ = true;
      spdlog::error("fetch {}: skipping the other returns windows after a fatal answer",
                    run_.run_id);
      return;
    case FailureScope::run_api_down:
      aborted_ = page_failed ? fmt::format("the Walmart API at {} kept failing: {}",
                                           run_.cfg.walmart_token.base_url, step.reason)
                             : step.reason;
      return;
    case FailureScope::run_credentials:
      aborted_ = step.reason;
      return;
  }
}

bool ReturnsFetch::produce_page() {
  for (const auto& r : page_.page.returns) {
    if (!dedup_.first_time(r.return_order_id)) {
      summary_.duplicates++;
      continue;
    }
    summary_.orders++;
    if (!sink_) continue;  // --dry-run
    try {
      if (auto e = sink_->produce(r.return_order_id, r.json, page_.request_time)) {
        error(fmt::format("return {} not accepted by the producer: {}", r.return_order_id,
                          e->describe()));
        return false;
      }
    } catch (const EtlError& e) {
      error(fmt::format("Kafka producer failed: {}", e.what()));
      return false;
    }
  }
  if (sink_) {
    if (auto lost = sink_->write_dead_letters()) {
      error(*lost);
      aborted_ = *lost;
      return false;
    }
  }
  return true;
}

void ReturnsFetch::run(FetchResult& result) {
  const int64_t now = run_.server_clock.now_ms();
  const TypeRange range = watermarks_.range("", now);
  const ReturnsPlan plan = plan_returns_windows(
      range.start_ms, range.end_ms, now,
      std::chrono::duration_cast<std::chrono::milliseconds>(run_.cfg.fetch.window).count());
  summary_.range_start_ms = range.start_ms;
  summary_.range_end_ms = plan.end_ms;
  summary_.windows_total = plan.windows.size();
  spdlog::info(
      "fetch {}: account '{}', returns by lastModified {}..{} (closed {} s before now), "
      "{} window(s){}",
      run_.run_id, run_.account.name, walmart::format_api_time(range.start_ms),
      walmart::format_api_time(plan.end_ms), kReturnsSettleMs / 1000, plan.windows.size(),
      run_.request.dry_run ? ", dry run (nothing is produced)" : "");
  if (!run_.request.dry_run && !plan.windows.empty()) {
    sink_ = std::make_unique<ReturnSink>(ReturnSink::Settings{&run_.cfg.kafka, &run_.cfg.mysql,
                                                              run_.cfg.fetch.produce_flush_timeout,
                                                              run_.account.name, run_.run_id});
  }
  for (const auto& w : plan.windows) {
    if (aborted_ || data_set_failed_ || stop_requested()) {
      summary_.windows_skipped++;
      if (stop_requested() && !aborted_) aborted_ = "stopped by a signal";
      continue;
    }
    read(w);
  }
  if (sink_) {
    ReturnSink::Finish finished = sink_->finish();
    result.add_kafka(finished.kafka);
    result.undelivered += finished.undelivered;
    result.dead_letters += finished.dead_letters;
    result.dead_letter_ids.insert(result.dead_letter_ids.end(), finished.dead_letter_ids.begin(),
                                  finished.dead_letter_ids.end());
    summary_.acknowledged = finished.acknowledged;
    summary_.dead_lettered = finished.dead_letters;
    for (auto& e : finished.errors) error(std::move(e));
    if (finished.lost && !aborted_) aborted_ = finished.lost;
    sink_.reset();
  }
  if (auto lost = watermarks_.store(summary_)) {
    if (!aborted_) aborted_ = lost;
  }
  if (aborted_ && !result.aborted) result.aborted = "returns: " + *aborted_;
  result.types.push_back(std::move(summary_));
}

}  // namespace

void fetch_returns(AccountFetch& run, FetchResult& result) {
  ReturnsFetch returns(run);
  returns.run(result);
}

}  // namespace etl::pipeline

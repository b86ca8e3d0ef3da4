#include "pipeline/fetch/window_fetch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/stop_signal.hpp"

namespace etl::pipeline {

namespace {

using walmart::OrderWindow;
using walmart::PageResult;

PageAnswer answer_of(const PageResult& r) {
  PageAnswer a;
  a.kind = r.kind == PageResult::Kind::page        ? PageAnswer::Kind::page
           : r.kind == PageResult::Kind::no_orders ? PageAnswer::Kind::no_orders
                                                   : PageAnswer::Kind::failed;
  a.orders = r.page.orders.size();
  a.total_count = r.page.total_count;
  if (r.page.next_cursor) a.next_cursor = *r.page.next_cursor;
  a.error = r.error;
  a.gave_up = r.gave_up;
  return a;
}

}  // namespace

WindowFetcher::WindowFetcher(const WindowFetchShared& shared, walmart::OrdersClientShared client)
    : shared_(shared), client_(std::move(client)) {}

std::vector<OrderWindow> WindowFetcher::read(const OrderWindow& w, TypeTally& tally, size_t lane) {
  const std::string context = fmt::format("GET /v3/orders {}", w.describe());
  WindowReader reader(*shared_.planner, w, shared_.filter, shared_.cfg->fetch.limit);
  std::string target = reader.first_target();
  while (true) {
    FetchCounters cost;  // the client counts requests, retries, 429s and token refreshes into it
    client_.get_page(target, context, page_, cost);
    tally.add(cost);
    const PageAnswer answer = answer_of(page_);
    ReadStep step = reader.on_answer(answer, *shared_.aborted);
    if (step.produce && !produce_page(tally, lane)) {
      step.action = ReadStep::Action::fail;
      step.reason = "stopped: Kafka is not accepting orders";
      step.scope = FailureScope::window;
    }
    tally.record(w, step, answer.orders);
    carry_out(step, reader, tally, answer.kind == PageAnswer::Kind::failed);
    switch (step.action) {
      case ReadStep::Action::get:
        target = std::move(step.target);
        continue;
      case ReadStep::Action::split:
        return std::move(step.children);
      case ReadStep::Action::done:
      case ReadStep::Action::fail:
        return {};
    }
  }
}

bool WindowFetcher::produce_page(TypeTally& tally, size_t lane) {
  FetchCounters counted;
  bool accepted = true;
  for (const auto& order : page_.page.orders) {
    if (!shared_.dedup->first_time(order.purchase_order_id)) {
      counted.duplicates++;
      continue;
    }
    counted.orders++;
    if (shared_.sink == nullptr) continue;  // --dry-run
    try {
      if (auto error = shared_.sink->produce(lane, order.purchase_order_id, order.json,
                                             page_.request_time)) {
        tally.add_error(fmt::format("order {} not accepted by the producer: {}",
                                    order.purchase_order_id, error->describe()));
        shared_.abort(fmt::format("Kafka did not accept an order: {}", error->describe()));
        accepted = false;
        break;
      }
    } catch (const EtlError& e) {
      shared_.abort(fmt::format("Kafka producer failed: {}", e.what()));
      accepted = false;
      break;
    }
  }
  tally.add(counted);
  if (accepted && shared_.sink != nullptr) {
    if (auto lost = shared_.sink->write_dead_letters()) shared_.abort(*lost);
  }
  return accepted;
}

void WindowFetcher::carry_out(const ReadStep& step, const WindowReader& reader, TypeTally& tally,
                              bool page_failed) {
  const OrderWindow& w = reader.window();
  const std::string& run_id = shared_.run_id;
  switch (step.action) {
    case ReadStep::Action::get:
      if (step.read_again) {
        spdlog::warn("fetch {}: window {}: {}; reading the window again", run_id, w.describe(),
                     step.reason);
      }
      return;
    case ReadStep::Action::done:
      if (step.kept_short) {
        // Orders that moved while we paged may have shifted others past a page boundary; the
        // watermark of this type stays at the window's start, so the next run reads it again.
        spdlog::warn("fetch {}: window {}: {}; the watermark of {} stays at {}", run_id,
                     w.describe(), step.reason, tally.type(), walmart::format_api_time(w.start_ms));
      }
      return;
    case ReadStep::Action::split:
      if (step.produce) {
        spdlog::debug("fetch {}: window {} has {} orders (cap {}, concurrency {}): {} parts",
                      run_id, w.describe(), reader.total(), shared_.cfg->fetch.max_orders_per_query,
                      shared_.cfg->fetch.concurrency, step.children.size());
      } else {
        spdlog::debug(
            "fetch {}: the API refused window {} ({}); taking it for more orders than one "
            "query may return and splitting it",
            run_id, w.describe(), step.reason);
      }
      return;
    case ReadStep::Action::fail:
      spdlog::error("fetch {}: window {} failed: {}", run_id, w.describe(), step.reason);
      if (!page_failed) return;  // a page in hand: only this window stops
      if (stop_requested()) {
        shared_.abort("stopped by a signal");
        return;
      }
      switch (step.scope) {
        case FailureScope::window:
          return;
        case FailureScope::ship_node_type:
          if (!tally.failed.exchange(true)) {
            spdlog::error("fetch {}: skipping the other windows of {} after a fatal answer", run_id,
                          tally.type());
          }
          return;
        case FailureScope::run_api_down:
          shared_.abort(fmt::format("the Walmart API at {} kept failing: {}",
                                    shared_.cfg->walmart_token.base_url, step.reason));
          return;
        case FailureScope::run_credentials:
          shared_.abort(step.reason);
          return;
      }
  }
}

}  // namespace etl::pipeline

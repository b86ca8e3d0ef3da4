#include "pipeline/fetch/type_tally.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace etl::pipeline {

TypeTally::TypeTally(std::string ship_node_type) {
  summary_.ship_node_type = std::move(ship_node_type);
}

void TypeTally::add(const FetchCounters& delta) {
  std::lock_guard lock(mutex_);
  summary_ += delta;
}

void TypeTally::count(uint64_t FetchCounters::*field, uint64_t n) {
  std::lock_guard lock(mutex_);
  summary_.*field += n;
}

void TypeTally::add_error(std::string message) {
  std::lock_guard lock(mutex_);
  if (summary_.errors.size() < kMaxErrors) {
    summary_.errors.push_back(std::move(message));
  } else {
    ++more_errors_;
  }
}

void TypeTally::add_short_window(int64_t window_start_ms) {
  std::lock_guard lock(mutex_);
  summary_.windows_short++;
  summary_.short_from_ms =
      summary_.short_from_ms ? std::min(*summary_.short_from_ms, window_start_ms) : window_start_ms;
}

void TypeTally::window_failed(const walmart::OrderWindow& w, std::string_view reason) {
  count(&FetchCounters::windows_failed);
  add_error(fmt::format("window {}: {}", w.describe(), reason));
}

void TypeTally::record(const walmart::OrderWindow& w, const ReadStep& step, uint64_t page_orders) {
  FetchCounters delta;
  if (step.produce) {
    delta.pages = 1;
    delta.orders_received = page_orders;
  }
  switch (step.action) {
    case ReadStep::Action::get:
      if (step.read_again) delta.retries = 1;
      break;
    case ReadStep::Action::done:
      if (step.kept_short) add_short_window(w.start_ms);
      delta.windows_done = 1;
      break;
    case ReadStep::Action::split:
      delta.windows_split = 1;
      delta.windows_total = step.children.size();
      break;
    case ReadStep::Action::fail:
      window_failed(w, step.reason);
      break;
  }
  add(delta);
}

FetchCounters TypeTally::counters() const {
  std::lock_guard lock(mutex_);
  return static_cast<const FetchCounters&>(summary_);  // the numbers only
}

ShipNodeSummary TypeTally::summary() const {
  std::lock_guard lock(mutex_);
  ShipNodeSummary s = summary_;
  if (more_errors_ > 0) s.errors.push_back(fmt::format("... and {} more errors", more_errors_));
  return s;
}

}  // namespace etl::pipeline

#include "pipeline/fetch/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace etl::pipeline {

void ShipNodeCounters::add_error(std::string message) {
  std::lock_guard lock(errors_mutex_);
  if (errors_.size() < 5) {
    errors_.push_back(std::move(message));
  } else {
    ++more_errors_;
  }
}

void ShipNodeCounters::add_short_window(int64_t window_start_ms) {
  std::lock_guard lock(errors_mutex_);
  windows_short++;
  short_from_ms_ = short_from_ms_ ? std::min(*short_from_ms_, window_start_ms) : window_start_ms;
}

ShipNodeSummary ShipNodeCounters::summary() const {
  ShipNodeSummary s;
  s.ship_node_type = type_;
  s.windows_total = windows_total.load();
  s.windows_done = windows_done.load();
  s.windows_failed = windows_failed.load();
  s.windows_skipped = windows_skipped.load();
  s.windows_split = windows_split.load();
  s.windows_short = windows_short.load();
  s.pages = pages.load();
  s.requests = requests.load();
  s.orders_received = orders_received.load();
  s.orders = orders.load();
  s.duplicates = duplicates.load();
  s.retries = retries.load();
  s.throttled = throttled.load();
  s.slowdowns = slowdowns.load();
  s.dead_lettered = dead_lettered.load();
  s.token_refreshes = token_refreshes.load();
  s.acknowledged = acknowledged.load();
  const uint64_t kept = s.acknowledged + s.dead_lettered;
  s.not_acknowledged = s.orders > kept ? s.orders - kept : 0;
  std::lock_guard lock(errors_mutex_);
  s.errors = errors_;
  s.short_from_ms = short_from_ms_;
  if (more_errors_ > 0) s.errors.push_back(fmt::format("... and {} more errors", more_errors_));
  return s;
}

std::string format_summary_table(const std::vector<ShipNodeSummary>& types, bool dry_run) {
  std::string out = fmt::format("{:<16} {:>11} {:>6} {:>7} {:>9} {:>10} {:>8} {:>6} {:>12} {:>9}\n",
                                "ship node type", "windows", "failed", "pages", "orders",
                                "duplicates", "retries", "429s", "acked", "requests");
  ShipNodeSummary total;
  for (const auto& t : types) {
    const uint64_t windows = t.windows_total - t.windows_split;
    out += fmt::format(
        "{:<16} {:>11} {:>6} {:>7} {:>9} {:>10} {:>8} {:>6} {:>12} {:>9}\n", t.ship_node_type,
        fmt::format("{}/{}", t.windows_done, windows), t.windows_failed + t.windows_skipped,
        t.pages, t.orders, t.duplicates, t.retries, t.throttled,
        dry_run ? std::string("(dry run)") : std::to_string(t.acknowledged), t.requests);
    total.windows_total += t.windows_total;
    total.windows_split += t.windows_split;
    total.windows_done += t.windows_done;
    total.windows_failed += t.windows_failed + t.windows_skipped;
    total.pages += t.pages;
    total.orders += t.orders;
    total.duplicates += t.duplicates;
    total.retries += t.retries;
    total.throttled += t.throttled;
    total.acknowledged += t.acknowledged;
    total.requests += t.requests;
  }
  if (types.size() > 1) {
    out += fmt::format(
        "{:<16} {:>11} {:>6} {:>7} {:>9} {:>10} {:>8} {:>6} {:>12} {:>9}\n", "total",
        fmt::format("{}/{}", total.windows_done, total.windows_total - total.windows_split),
        total.windows_failed, total.pages, total.orders, total.duplicates, total.retries,
        total.throttled, dry_run ? std::string("(dry run)") : std::to_string(total.acknowledged),
        total.requests);
  }
  return out;
}

std::string format_progress(uint64_t windows_finished, uint64_t windows_total, uint64_t orders,
                            double elapsed_s, uint64_t retries, uint64_t throttled) {
  const double rate = elapsed_s > 0 ? static_cast<double>(orders) / elapsed_s : 0.0;
  std::string eta = "--:--";
  if (windows_finished > 0 && windows_total >= windows_finished) {
    const double remaining = elapsed_s * static_cast<double>(windows_total - windows_finished) /
                             static_cast<double>(windows_finished);
    const auto s = static_cast<int64_t>(std::llround(remaining));
    eta = fmt::format("{}:{:02}", s / 60, s % 60);
  }
  return fmt::format("windows {}/{} | orders {} | {:.0f} orders/s | retries {} | 429s {} | ETA {}",
                     windows_finished, windows_total, orders, rate, retries, throttled, eta);
}

}  // namespace etl::pipeline

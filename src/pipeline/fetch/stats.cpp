#include "pipeline/fetch/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace etl::pipeline {

const std::array<uint64_t FetchCounters::*, 17> FetchCounters::kFields = {
    &FetchCounters::requests,        &FetchCounters::retries,
    &FetchCounters::throttled,       &FetchCounters::slowdowns,
    &FetchCounters::token_refreshes, &FetchCounters::windows_total,
    &FetchCounters::windows_done,    &FetchCounters::windows_failed,
    &FetchCounters::windows_skipped, &FetchCounters::windows_split,
    &FetchCounters::windows_short,   &FetchCounters::pages,
    &FetchCounters::orders_received, &FetchCounters::orders,
    &FetchCounters::duplicates,      &FetchCounters::dead_lettered,
    &FetchCounters::acknowledged};

FetchCounters& FetchCounters::operator+=(const FetchCounters& other) noexcept {
  for (const auto field : kFields) this->*field += other.*field;
  return *this;
}

std::string format_summary_table(const std::vector<ShipNodeSummary>& types, bool dry_run) {
  std::string out = fmt::format("{:<16} {:>11} {:>6} {:>7} {:>9} {:>10} {:>8} {:>6} {:>12} {:>9}\n",
                                "ship node type", "windows", "failed", "pages", "orders",
                                "duplicates", "retries", "429s", "acked", "requests");
  for (const auto& t : types) {
    out += fmt::format("{:<16} {:>11} {:>6} {:>7} {:>9} {:>10} {:>8} {:>6} {:>12} {:>9}\n",
                       t.label(), fmt::format("{}/{}", t.windows_done, t.windows_planned()),
                       t.windows_failed + t.windows_skipped, t.pages, t.orders, t.duplicates,
                       t.retries, t.throttled,
                       dry_run ? std::string("(dry run)") : std::to_string(t.acknowledged),
                       t.requests);
  }
  if (types.size() > 1) {
    const FetchCounters total = sum_counters(types);
    out += fmt::format("{:<16} {:>11} {:>6} {:>7} {:>9} {:>10} {:>8} {:>6} {:>12} {:>9}\n", "total",
                       fmt::format("{}/{}", total.windows_done, total.windows_planned()),
                       total.windows_failed + total.windows_skipped, total.pages, total.orders,
                       total.duplicates, total.retries, total.throttled,
                       dry_run ? std::string("(dry run)") : std::to_string(total.acknowledged),
                       total.requests);
  }
  return out;
}

std::string format_progress(const FetchCounters& totals, double elapsed_s) {
  const uint64_t windows_finished = totals.windows_finished();
  const uint64_t windows_total = totals.windows_planned();
  const uint64_t orders = totals.orders;
  const double rate = elapsed_s > 0 ? static_cast<double>(orders) / elapsed_s : 0.0;
  std::string eta = "--:--";
  if (windows_finished > 0 && windows_total >= windows_finished) {
    const double remaining = elapsed_s * static_cast<double>(windows_total - windows_finished) /
                             static_cast<double>(windows_finished);
    const auto s = static_cast<int64_t>(std::llround(remaining));
    eta = fmt::format("{}:{:02}", s / 60, s % 60);
  }
  return fmt::format("windows {}/{} | orders {} | {:.0f} orders/s | retries {} | 429s {} | ETA {}",
                     windows_finished, windows_total, orders, rate, totals.retries,
                     totals.throttled, eta);
}

}  // namespace etl::pipeline

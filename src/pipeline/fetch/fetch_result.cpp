#include "pipeline/fetch/fetch_result.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/fetch/window_plan.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

bool FetchResult::complete() const noexcept {
  if (aborted || undelivered > 0) return false;
  return std::all_of(types.begin(), types.end(),
                     [&](const ShipNodeSummary& t) { return t.complete(dry_run); });
}

void FetchResult::add_kafka(const std::string& summary) {
  if (summary.empty()) return;
  kafka += (kafka.empty() ? "" : "; ") + summary;
}

FetchCounters FetchResult::totals() const noexcept { return sum_counters(types); }

FetchCounters FetchResult::totals(config::DataSet d) const noexcept {
  FetchCounters total;
  for (const auto& t : types) {
    if (t.data_set == d) total += t;
  }
  return total;
}

uint64_t FetchResult::orders() const noexcept { return totals(config::DataSet::orders).orders; }

std::optional<int64_t> watermark_to_store(const FetchRequest& request,
                                          const ShipNodeSummary& type) noexcept {
  if (request.mode != FetchMode::since_last || request.dry_run || !type.complete(false)) {
    return std::nullopt;
  }
  return type.short_from_ms ? std::min(type.range_end_ms, *type.short_from_ms) : type.range_end_ms;
}

std::string FetchResult::describe() const {
  std::string sets;
  for (const auto& d : data_sets) {
    sets += (sets.empty() ? "" : ", ") +
            (d == "orders" && !filter.empty() ? fmt::format("orders by {} date", filter)
             : d == "orders"                  ? std::string("orders")
             : d == "recon"                   ? std::string("recon (settlement reports)")
                                              : fmt::format("{} by lastModified date", d));
  }
  if (sets.empty()) sets = fmt::format("orders by {} date", filter);
  std::string out = fmt::format("fetch run {} - account '{}' - {}{}\n", run_id, account, sets,
                                dry_run ? " - DRY RUN, nothing produced" : "");
  for (const auto& t : types) {
    if (t.data_set == config::DataSet::recon) continue;  // report dates, not a time range
    out += fmt::format("  {}: {}..{}\n", t.label(), walmart::format_api_time(t.range_start_ms),
                       walmart::format_api_time(t.range_end_ms));
  }
  out += format_summary_table(types, dry_run);
  const FetchCounters total = totals();
  out += fmt::format(
      "requests: {} for {} orders ({:.1f} orders/request), {} window(s) asked for "
      "({} split){}\n",
      total.requests, total.orders,
      total.requests > 0 ? static_cast<double>(total.orders) / static_cast<double>(total.requests)
                         : 0.0,
      total.windows_total, total.windows_split,
      total.throttled > 0
          ? fmt::format("; {} 429(s), {} slowed the pace", total.throttled, total.slowdowns)
          : std::string());
  if (!dry_run) out += fmt::format("Kafka: {}\n", kafka.empty() ? "nothing produced" : kafka);
  for (const auto& n : notes) out += n + "\n";
  if (dead_letters > 0) {
    std::string ids;
    for (const auto& id : dead_letter_ids) ids += (ids.empty() ? "" : ", ") + id;
    out += fmt::format(
        "dead letter: {} order(s) too large for Kafka kept whole in "
        "walmart_order_dead_letter: {}{}\n",
        dead_letters, ids, dead_letters > dead_letter_ids.size() ? ", ..." : "");
  }
  for (const auto& t : types) {
    if (t.watermark_stored) {
      out += fmt::format("watermark {}: {}{}\n", t.label(),
                         walmart::format_api_time(*t.watermark_stored),
                         t.windows_short == 0
                             ? std::string()
                             : fmt::format(" (held at the start of {} short window(s): their pages "
                                           "held fewer orders than totalCount after {} reads)",
                                           t.windows_short, WindowPlanner::kMaxWindowReads));
    } else if (t.windows_short > 0) {
      out += fmt::format(
          "{}: {} short window(s) from {} (pages held fewer orders than "
          "totalCount)\n",
          t.label(), t.windows_short, walmart::format_api_time(*t.short_from_ms));
    }
  }
  bool header = false;
  for (const auto& t : types) {
    for (const auto& e : t.errors) {
      if (!header) out += "errors:\n";
      header = true;
      out += fmt::format("  {}: {}\n", t.label(), e);
    }
  }
  const uint64_t n = orders();
  const double rate = elapsed_s > 0 ? static_cast<double>(n) / elapsed_s : 0.0;
  // "120 orders", or "120 orders, 14 returns" when the run fetched returns.
  std::string fetched = fmt::format("{} orders", n);
  if (std::any_of(types.begin(), types.end(), [](const ShipNodeSummary& t) {
        return t.data_set == config::DataSet::returns;
      })) {
    fetched += fmt::format(", {} returns", totals(config::DataSet::returns).orders);
  }
  if (complete()) {
    out += fmt::format("result: complete - {}{} in {:.1f} s ({:.0f} orders/s)\n", fetched,
                       dry_run ? " counted" : " acknowledged by Kafka", elapsed_s, rate);
    return out;
  }
  std::vector<std::string> why;
  const uint64_t not_acked = total.not_acknowledged();
  if (total.windows_failed > 0) {
    why.push_back(fmt::format("{} window(s) failed", total.windows_failed));
  }
  if (total.windows_skipped > 0) {
    why.push_back(fmt::format("{} window(s) not fetched", total.windows_skipped));
  }
  if (!dry_run && (not_acked > 0 || undelivered > 0)) {
    why.push_back(
        fmt::format("{} order(s) not acknowledged by Kafka", std::max(not_acked, undelivered)));
  }
  if (aborted) why.push_back(fmt::format("stopped early: {}", *aborted));
  std::string joined;
  for (const auto& w : why) joined += (joined.empty() ? "" : "; ") + w;
  out +=
      fmt::format("result: INCOMPLETE - {} ({} fetched in {:.1f} s)\n", joined, fetched, elapsed_s);
  return out;
}

}  // namespace etl::pipeline

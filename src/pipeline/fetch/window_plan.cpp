#include "pipeline/fetch/window_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace etl::pipeline {

WindowPlanner::WindowPlanner(PlannerSettings settings) : settings_(settings) {
  settings_.limit = std::max(1, settings_.limit);
  settings_.concurrency = std::max(1, settings_.concurrency);
  settings_.cap = std::max<int64_t>(1, settings_.cap);
  settings_.max_window_ms = std::max<int64_t>(kMinSplitMs, settings_.max_window_ms);
}

std::vector<walmart::OrderWindow> WindowPlanner::initial(const std::vector<TypeRange>& ranges) {
  std::vector<walmart::OrderWindow> out;
  for (const auto& r : ranges) {
    auto ws = walmart::cut_windows(r.ship_node_type, r.start_ms, r.end_ms, settings_.max_window_ms,
                                   r.open_end);
    for (auto& w : ws) out.push_back(std::move(w));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const walmart::OrderWindow& a, const walmart::OrderWindow& b) {
                     return a.start_ms < b.start_ms;
                   });
  const auto n = static_cast<int>(std::max<size_t>(1, out.size()));
  parallel_share_ = std::max(1, (settings_.concurrency + n - 1) / n);
  return out;
}

std::vector<walmart::OrderWindow> WindowPlanner::cut_into(const walmart::OrderWindow& w,
                                                          int64_t parts) {
  parts = std::clamp<int64_t>(parts, 1, std::max<int64_t>(1, w.length_ms() / kMinSplitMs));
  std::vector<walmart::OrderWindow> out;
  out.reserve(static_cast<size_t>(parts));
  for (int64_t i = 0; i < parts; ++i) {
    walmart::OrderWindow c = w;
    c.start_ms = w.start_ms + w.length_ms() * i / parts;
    c.end_ms = i + 1 == parts ? w.end_ms : w.start_ms + w.length_ms() * (i + 1) / parts;
    c.open_end = i + 1 == parts && w.open_end;
    c.depth = w.depth + 1;
    out.push_back(std::move(c));
  }
  return out;
}

WindowPlanner::Decision WindowPlanner::after_first_page(const walmart::OrderWindow& w,
                                                        int64_t total) const {
  Decision d;
  if (total > settings_.cap) {
    if (w.length_ms() < 2 * kMinSplitMs) {
      d.action = Action::fail;
      d.reason = fmt::format(
          "{} orders match but at most {} can be fetched per query (fetch.max_orders_per_query), "
          "and a window of {} ms cannot be split further",
          total, settings_.cap, w.length_ms());
      return d;
    }
    const auto per_part = std::max<int64_t>(
        1, static_cast<int64_t>(kFillTarget * static_cast<double>(settings_.cap)));
    d.action = Action::split;
    d.children = cut_into(w, std::max<int64_t>(2, (total + per_part - 1) / per_part));
    return d;
  }
  // Only a first window, and only when its pages are enough to keep its share of workers busy.
  const int64_t pages = (total + settings_.limit - 1) / settings_.limit;
  if (w.depth == 0 && parallel_share_ > 1 && pages >= int64_t{2} * parallel_share_ &&
      w.length_ms() >= 2 * kMinSplitMs) {
    d.action = Action::split;
    d.children = cut_into(w, parallel_share_);
    return d;
  }
  d.action = Action::paginate;
  return d;
}

WindowPlanner::Decision WindowPlanner::after_refusal(const walmart::OrderWindow& w) const {
  Decision d;
  if (w.length_ms() < 2 * kMinRejectedSplitMs) {
    d.action = Action::fail;
    d.reason = fmt::format("the API refused a window of {} ms, too narrow to split further",
                           w.length_ms());
    return d;
  }
  d.action = Action::split;
  d.children = cut_into(w, 2);
  for (auto& c : d.children) c.rejected_splits = w.rejected_splits + 1;
  return d;
}

WindowPlanner::ShortAction WindowPlanner::after_short_read(walmart::DateFilter filter,
                                                           int reads) noexcept {
  if (reads < kMaxWindowReads) return ShortAction::read_again;
  return filter == walmart::DateFilter::last_modified ? ShortAction::keep_short : ShortAction::fail;
}

}  // namespace etl::pipeline

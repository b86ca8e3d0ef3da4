#include "pipeline/fetch/returns_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/fetch/window_plan.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

namespace {
ReturnsStep failed(std::string reason, FailureScope scope = FailureScope::window) {
  ReturnsStep s;
  s.action = ReturnsStep::Action::fail;
  s.reason = std::move(reason);
  s.scope = scope;
  return s;
}
}  // namespace

std::string ReturnsWindow::describe() const {
  return fmt::format("{}..{}", walmart::format_api_time(start_ms), walmart::format_api_time(end_ms));
}

ReturnsPlan plan_returns_windows(int64_t start_ms, int64_t end_ms, int64_t server_now_ms,
                                 int64_t window_ms) {
  ReturnsPlan plan;
  plan.end_ms = std::min(end_ms, server_now_ms - kReturnsSettleMs);
  if (plan.end_ms < start_ms) {
    plan.end_ms = start_ms;  // nothing is closed yet: the watermark stays where it is
    return plan;
  }
  const int64_t width = std::max<int64_t>(1000, window_ms);
  for (int64_t from = start_ms;; from += width) {
    const int64_t to = std::min(plan.end_ms, from + width);
    plan.windows.push_back({from, to});
    if (to >= plan.end_ms) break;
  }
  return plan;
}

ReturnsReader::ReturnsReader(ReturnsWindow window, int limit)
    : window_(window),
      limit_(std::clamp(limit, 1, 200)),
      filters_(walmart::last_modified_window(window.start_ms, window.end_ms, limit_)) {}

std::string ReturnsReader::first_target() const { return walmart::returns_target(filters_); }

ReturnsStep ReturnsReader::on_answer(const ReturnsAnswer& answer, bool stopping) {
  if (answer.kind == ReturnsAnswer::Kind::failed) {
    FailureScope scope = FailureScope::window;
    if (answer.gave_up) {
      scope = FailureScope::run_api_down;
    } else if (answer.error.cause == ErrorCause::authentication) {
      scope = FailureScope::run_credentials;
    } else if (!answer.error.retriable()) {
      scope = FailureScope::ship_node_type;
    }
    return failed(answer.error.describe(), scope);
  }
  const bool empty = answer.kind == ReturnsAnswer::Kind::no_returns || answer.returns == 0;
  if (empty && first_page_) {
    ReturnsStep s;
    s.action = ReturnsStep::Action::done;
    return s;
  }
  ReturnsStep step;
  step.produce = !empty;
  if (first_page_) {
    first_page_ = false;
    total_ = answer.total_count.value_or(static_cast<int64_t>(answer.returns));
    received_ = 0;
    pages_ = 0;
    cursor_.clear();
  } else if (!empty && answer.total_count && *answer.total_count != total_) {
    ReturnsStep again = inconsistent(
        fmt::format("totalCount changed from {} to {} while paging", total_, *answer.total_count));
    again.produce = true;
    return again;
  }
  if (!empty) {
    ++pages_;
    received_ += answer.returns;
  }
  if (empty || !answer.next_cursor) {
    if (received_ == static_cast<uint64_t>(total_)) {
      step.action = ReturnsStep::Action::done;
      return step;
    }
    ReturnsStep again =
        inconsistent(fmt::format("the pages held {} returns but totalCount was {}", received_,
                                 total_));
    again.produce = step.produce;
    return again;
  }
  const uint64_t max_pages = static_cast<uint64_t>(std::max<int64_t>(0, total_) / limit_) + 3;
  std::optional<ReturnsStep> stop;
  if (stopping) {
    stop = failed("not finished: the run was stopped");
  } else if (*answer.next_cursor == cursor_) {
    stop = failed("the API returned the same nextCursor twice (pagination loop)");
  } else if (pages_ >= max_pages) {
    stop = failed(fmt::format("more than {} pages for {} returns (pagination does not end)",
                              max_pages, total_));
  }
  if (stop) {
    stop->produce = true;  // the page in hand is produced all the same
    return std::move(*stop);
  }
  cursor_ = std::string(*answer.next_cursor);
  step.action = ReturnsStep::Action::get;
  step.target = walmart::next_returns_target(cursor_, filters_);
  return step;
}

ReturnsStep ReturnsReader::inconsistent(std::string why) {
  ReturnsStep s;
  if (reads_ < WindowPlanner::kMaxWindowReads) {
    ++reads_;
    first_page_ = true;
    s.action = ReturnsStep::Action::get;
    s.target = first_target();
    s.read_again = true;
    s.reason = std::move(why);
    return s;
  }
  s.action = ReturnsStep::Action::done;
  s.kept_short = true;
  s.reason = fmt::format("{}, {} times", why, reads_);
  return s;
}

}  // namespace etl::pipeline

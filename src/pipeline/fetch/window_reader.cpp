#include "pipeline/fetch/window_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace etl::pipeline {

namespace {
ReadStep failed(std::string reason, FailureScope scope = FailureScope::window) {
  ReadStep s;
  s.action = ReadStep::Action::fail;
  s.reason = std::move(reason);
  s.scope = scope;
  return s;
}
}  // namespace

WindowReader::WindowReader(const WindowPlanner& planner, walmart::OrderWindow window,
                           walmart::DateFilter filter, int limit)
    : planner_(planner), window_(std::move(window)), filter_(filter), limit_(std::max(1, limit)) {}

std::string WindowReader::first_target() const {
  return walmart::first_page_target(window_, filter_, limit_);
}

ReadStep WindowReader::on_answer(const PageAnswer& answer, bool stopping) {
  if (answer.kind == PageAnswer::Kind::failed) return after_failure(answer);
  if (answer.kind == PageAnswer::Kind::no_orders) {
    if (first_page_) {  // nothing in the window
      ReadStep s;
      s.action = ReadStep::Action::done;
      return s;
    }
    cursor_gone_ = true;  // a cursor page without orders: the window is short
    return after_last_page();
  }
  ReadStep step;
  step.produce = true;
  if (first_page_) {
    first_page_ = false;
    total_ = answer.total_count.value_or(static_cast<int64_t>(answer.orders));
    received_ = 0;
    pages_ = 0;
    max_pages_ = static_cast<uint64_t>(total_ / limit_) + 3;
    cursor_.clear();
    cursor_gone_ = false;
    if (reads_ == 1) {  // a window read again keeps the plan of its first read
      auto decision = planner_.after_first_page(window_, total_);
      if (decision.action == WindowPlanner::Action::fail) return failed(std::move(decision.reason));
      if (decision.action == WindowPlanner::Action::split) {
        // This page's orders are produced all the same: a part reads them again and the
        // de-duplication drops them; the request is not wasted twice.
        step.action = ReadStep::Action::split;
        step.children = std::move(decision.children);
        return step;
      }
    }
  }
  ++pages_;
  received_ += answer.orders;
  if (!answer.next_cursor) {
    ReadStep last = after_last_page();
    last.produce = true;
    return last;
  }
  std::optional<ReadStep> stop;
  if (stopping) {
    stop = failed("not finished: the run was stopped");
  } else if (*answer.next_cursor == cursor_) {
    stop = failed("the API returned the same nextCursor twice (pagination loop)");
  } else if (pages_ >= max_pages_) {
    stop = failed(fmt::format("more than {} pages for {} orders (pagination does not end)",
                              max_pages_, total_));
  }
  if (stop) {
    stop->produce = true;  // the page in hand is produced all the same
    return std::move(*stop);
  }
  cursor_ = std::string(*answer.next_cursor);
  step.action = ReadStep::Action::get;
  step.target = walmart::cursor_target(cursor_);
  return step;
}

ReadStep WindowReader::after_failure(const PageAnswer& answer) const {
  if (first_page_ && answer.error.cause == ErrorCause::too_many_results) {
    auto decision = planner_.after_refusal(window_);
    if (decision.action == WindowPlanner::Action::split) {
      ReadStep s;
      s.action = ReadStep::Action::split;
      s.children = std::move(decision.children);
      s.reason = answer.error.describe();
      return s;
    }
  }
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

ReadStep WindowReader::after_last_page() {
  ReadStep s;
  if (received_ >= static_cast<uint64_t>(total_) && !cursor_gone_) {
    s.action = ReadStep::Action::done;
    return s;
  }
  const std::string shortfall =
      cursor_gone_
          ? fmt::format("a cursor page answered 404 after {} of {} orders", received_, total_)
          : fmt::format("the pages held {} orders but totalCount was {}", received_, total_);
  switch (WindowPlanner::after_short_read(filter_, reads_)) {
    case WindowPlanner::ShortAction::read_again:
      ++reads_;
      first_page_ = true;
      s.action = ReadStep::Action::get;
      s.target = first_target();
      s.read_again = true;
      s.reason = shortfall;
      return s;
    case WindowPlanner::ShortAction::keep_short:
      s.action = ReadStep::Action::done;
      s.kept_short = true;
      s.reason = fmt::format("{}, {} times", shortfall, reads_);
      return s;
    case WindowPlanner::ShortAction::fail:
      break;
  }
  return failed(fmt::format("{}, {} times", shortfall, reads_));
}

}  // namespace etl::pipeline

#pragma once
// Reading one window of orders, page by page - a plain class: no threads, no I/O, every decision
// a function of the answers it is given (WindowFetcher, window_fetch.hpp, sends the requests,
// produces the orders and carries the steps out; TypeTally::record counts them). It takes every
// decision about one window:
//
//   after a first page    paginate, split (too many orders for one query, or idle workers:
//                         WindowPlanner), or fail (too many orders in a window too narrow to split)
//   after a cursor page   the next page; or fail: the run is stopping, the API sent the same
//                         nextCursor twice, or more pages than totalCount can fill (+3)
//   after the last page   done; or, when the pages held fewer orders than totalCount or a cursor
//                         page answered 404 (no orders), the window is short: read it again from
//                         its first page, up to WindowPlanner::kMaxWindowReads reads; then a
//                         created-date window fails, a lastModified window is kept short (the
//                         ship-node type's watermark stays at its start)
//   after a failed page   a refusal as too many orders (cause too_many_results) on a first page
//                         halves the window; anything else fails it, and says whether the failure
//                         also stops the ship-node type (a fatal answer) or the run (credentials
//                         refused, the API kept failing)
//   404 on a first page   done: an empty window

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "pipeline/fetch/window_plan.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

// What one request for a page of the window came back with.
struct PageAnswer {
  enum class Kind { page, no_orders, failed };
  Kind kind = Kind::failed;
  uint64_t orders = 0;                          // page: the orders on it
  std::optional<int64_t> total_count;           // page: meta.totalCount
  std::optional<std::string_view> next_cursor;  // page: meta.nextCursor
  Error error;                                  // failed: class and cause
  bool gave_up = false;                         // failed: retriable failures exhausted the retries
};

// What else a failed window stops.
enum class FailureScope {
  window,          // only this window: the run goes on
  ship_node_type,  // a fatal answer: the type's other windows are skipped
  run_api_down,    // the API kept failing (retries exhausted): the run stops
  run_credentials  // the credentials were refused: the run stops
};

// What the job does after an answer.
struct ReadStep {
  enum class Action {
    get,    // request `target`: the next cursor page, or the first page again (`read_again`)
    done,   // the window is finished (`kept_short`: with fewer orders than its totalCount)
    split,  // `children` replace the window
    fail,   // the window failed: `reason`, `scope`
  };
  Action action = Action::fail;
  bool produce = false;  // produce the orders of the page just answered (before anything else)
  std::string target;
  bool read_again = false;  // get: the window was short (`reason` says how) and is read again
  bool kept_short = false;  // done: still short after every read; `reason` says how
  std::vector<walmart::OrderWindow> children;
  std::string reason;
  FailureScope scope = FailureScope::window;
};

class WindowReader {
 public:
  // `planner` outlives the reader.
  WindowReader(const WindowPlanner& planner, walmart::OrderWindow window,
               walmart::DateFilter filter, int limit);

  // The first request of the window.
  [[nodiscard]] std::string first_target() const;
  // After each answer to the last request. `stopping`: the run is being stopped (ask for no
  // further page).
  [[nodiscard]] ReadStep on_answer(const PageAnswer& answer, bool stopping);

  // How many times the window has been read (1 = the first read).
  [[nodiscard]] int reads() const noexcept { return reads_; }
  // totalCount of the current read (0 before its first page).
  [[nodiscard]] int64_t total() const noexcept { return total_; }
  [[nodiscard]] const walmart::OrderWindow& window() const noexcept { return window_; }

 private:
  const WindowPlanner& planner_;
  walmart::OrderWindow window_;
  walmart::DateFilter filter_;
  int limit_;

  int reads_ = 1;
  bool first_page_ = true;  // the next answer is to the window's first page
  int64_t total_ = 0;
  uint64_t received_ = 0;
  uint64_t pages_ = 0;
  uint64_t max_pages_ = 0;
  std::string cursor_;
  bool cursor_gone_ = false;

  ReadStep after_failure(const PageAnswer& answer) const;
  ReadStep after_last_page();
};

}  // namespace etl::pipeline

#pragma once
// Which windows fetch asks the API for, decided from what the API says - a plain class: no
// threads, no I/O, every decision a function of its arguments. WindowReader (window_reader.hpp)
// consults it after a window's first page, after a refusal and after a short read;
// WindowFetcher (window_fetch.hpp) does the asking.
//
// The aim is one request per page of orders (fetch.limit, 200) and little else:
//  - Start wide: each ship-node type's range is one window, cut only where it is wider than
//    fetch.window_minutes ("at most this wide").
//  - A window's first page tells how many orders match (meta.totalCount). Up to
//    fetch.max_orders_per_query it is read page by page through nextCursor. Above, it is cut into
//    as many equal parts as that count needs (each sized for 80% of the cap, in case orders are
//    unevenly spread), and every part asks again. A window the API refuses as too large (the
//    error cause too_many_results, which walmart/ gives that answer) is halved the same way,
//    down to kMinRejectedSplitMs.
//  - Cut only as many windows as fetch.concurrency can use: when there are fewer first windows
//    than workers, a first window with pages enough for its share of the idle workers is split
//    into that many parts (each costs one more first page).
//  - A window whose pages held fewer orders than its totalCount (or whose cursor page answered
//    404) is read again, up to kMaxWindowReads times in all. After that a created-date window
//    fails; a lastModified window is kept (its orders were produced) but marked short, and the
//    ship-node type's watermark does not move past its start.
//
// Windows share their boundary instants (bounds are inclusive), so an order placed exactly on a
// cut is read twice and de-duplicated rather than possibly lost.

#include <cstdint>
#include <string>
#include <vector>

#include "common/utc_time.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

struct PlannerSettings {
  int64_t max_window_ms = 7 * kDayMs;  // fetch.window_minutes
  int64_t cap = 10000;                 // fetch.max_orders_per_query
  int limit = 200;                     // fetch.limit
  int concurrency = 4;                 // fetch.concurrency
};

// One ship-node type's range.
struct TypeRange {
  std::string ship_node_type;
  int64_t start_ms = 0;   // inclusive
  int64_t end_ms = 0;     // inclusive
  bool open_end = false;  // the range ends at the server's now
};

class WindowPlanner {
 public:
  static constexpr int64_t kMinSplitMs = 1000;
  static constexpr int64_t kMinRejectedSplitMs = 60'000;
  static constexpr int kMaxWindowReads = 3;
  static constexpr double kFillTarget = 0.8;  // parts are sized for this share of the cap

  explicit WindowPlanner(PlannerSettings settings);

  // The first windows of every range, in time order across types (so progress is even).
  // Remembers how many there are: the share of workers each can use.
  std::vector<walmart::OrderWindow> initial(const std::vector<TypeRange>& ranges);

  enum class Action {
    paginate,  // read the rest of the window through its cursor
    split,     // `children` replace the window
    fail,      // `reason` says why
  };
  struct Decision {
    Action action = Action::paginate;
    std::vector<walmart::OrderWindow> children;
    std::string reason;
  };
  // After a window's first page: `total` orders match.
  [[nodiscard]] Decision after_first_page(const walmart::OrderWindow& w, int64_t total) const;
  // After the API refused the window as too large (cause too_many_results).
  [[nodiscard]] Decision after_refusal(const walmart::OrderWindow& w) const;

  enum class ShortAction {
    read_again,  // read the whole window once more
    fail,        // created-date window still short: the window failed
    keep_short,  // lastModified window still short: keep it, hold the watermark at its start
  };
  // After reading a window `reads` times (1 = the first), the last read still short.
  [[nodiscard]] static ShortAction after_short_read(walmart::DateFilter filter, int reads) noexcept;

  // w cut into `parts` equal windows sharing their boundaries (fewer when w is too narrow for
  // kMinSplitMs each); the last keeps open_end.
  [[nodiscard]] static std::vector<walmart::OrderWindow> cut_into(const walmart::OrderWindow& w,
                                                                  int64_t parts);

  // How many parts a first window may be split into to keep the workers busy (>= 1).
  [[nodiscard]] int parallel_share() const noexcept { return parallel_share_; }

 private:
  PlannerSettings settings_;
  int parallel_share_ = 1;
};

}  // namespace etl::pipeline

#pragma once
// The returns' windows and the reading of one window, page by page - pure: no threads, no I/O,
// every decision a function of the server's clock and the answers given (ReturnsFetch,
// returns_fetch.cpp, sends the requests and produces the returns). The returns counterpart of
// WindowReader (window_reader.hpp); it shares its failure scopes and its number of reads.
//
// Windows: returns are read by returnLastModified (a later status change of an old return brings
// it back), over closed windows only - the range ends kSettleMs before the server's now, so no
// return can still enter a window while it is paged; the rest is the next run's (the watermark is
// the range's end). Offset paging (nextCursor "?limit=..&offset=..") over a closed window can
// still shift: a return modified while we page leaves the window, and the ones after it move one
// place up, so one of them may be skipped. Hence:
//
//   a page            produce its returns; a totalCount differing from the first page's means the
//                     list shifted: finish nothing, read the window again from its first page
//   the last page     (no nextCursor, or an empty page) done when the pages held totalCount
//                     returns; fewer or more: the list shifted, read the window again
//   read again        up to WindowPlanner::kMaxWindowReads reads; then the window is kept short
//                     (its returns were produced; the data set's watermark stays at its start, so
//                     the next run reads it again)
//   404 / empty       on the first page: an empty window
//   the same cursor   twice, or more pages than totalCount can fill (+3): the window fails
//   a failed page     fails the window; a fatal answer also stops the data set, credentials
//                     refused or the API down (retries exhausted) stop the run

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "pipeline/fetch/window_reader.hpp"
#include "walmart/returns_client.hpp"

namespace etl::pipeline {

// One closed window of returnLastModified, [start_ms, end_ms] inclusive.
struct ReturnsWindow {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  // "2026-12-01T00:00:00Z..2026-12-01T06:00:00Z" for logs and errors
  [[nodiscard]] std::string describe() const;
};

// How long before the server's now a returns range ends: returns modified since are the next
// run's.
inline constexpr int64_t kReturnsSettleMs = 120'000;

// The range [start_ms, min(end_ms, now - kReturnsSettleMs)] cut into windows of at most window_ms
// sharing their boundaries (a return modified exactly there is read twice and de-duplicated);
// none when the range ends before it starts. `end_ms` is where the range ends (the returned end
// says where it really does: the watermark to store).
struct ReturnsPlan {
  int64_t end_ms = 0;
  std::vector<ReturnsWindow> windows;
};
[[nodiscard]] ReturnsPlan plan_returns_windows(int64_t start_ms, int64_t end_ms,
                                               int64_t server_now_ms, int64_t window_ms);

// What one request for a page of returns came back with.
struct ReturnsAnswer {
  enum class Kind { page, no_returns, failed };
  Kind kind = Kind::failed;
  uint64_t returns = 0;
  std::optional<int64_t> total_count;
  std::optional<std::string_view> next_cursor;
  Error error;
  bool gave_up = false;
};

// What the shell does next (ReadStep's actions without split).
struct ReturnsStep {
  enum class Action { get, done, fail };
  Action action = Action::fail;
  bool produce = false;  // produce the returns of the page just answered (before anything else)
  std::string target;
  bool read_again = false;  // get: the list shifted (`reason`); the window is read again
  bool kept_short = false;  // done: still inconsistent after every read (`reason`)
  std::string reason;
  FailureScope scope = FailureScope::window;  // ship_node_type: the data set stops
};

class ReturnsReader {
 public:
  ReturnsReader(ReturnsWindow window, int limit);

  [[nodiscard]] std::string first_target() const;
  // After each answer to the last request. `stopping`: the run is being stopped.
  [[nodiscard]] ReturnsStep on_answer(const ReturnsAnswer& answer, bool stopping);

  [[nodiscard]] int reads() const noexcept { return reads_; }
  [[nodiscard]] const ReturnsWindow& window() const noexcept { return window_; }

 private:
  ReturnsWindow window_;
  int limit_;
  walmart::QueryPairs filters_;
  int reads_ = 1;
  bool first_page_ = true;
  int64_t total_ = 0;
  uint64_t received_ = 0;
  uint64_t pages_ = 0;
  std::string cursor_;

  ReturnsStep inconsistent(std::string why);
};

}  // namespace etl::pipeline

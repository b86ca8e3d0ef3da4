#pragma once
// What /healthz of `fetch --follow` says: healthy unless an account has gone longer than
// fetch.unhealthy_after_s without completing a cycle (counted from the start of the process for
// an account that has not completed one yet), naming each such account, for how long, and why
// its last cycle did not complete. A slow first backfill counts as "not completed" too: set the
// limit above the longest expected cycle. Thread-safe (accounts finish on their own threads); the
// clock is passed in, so the rule has unit tests.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace etl::pipeline {

struct FetchHealthReport {
  bool healthy = true;
  std::string reason;  // "ok", or "account_stale[NAME]: ..." per stale account, "; "-separated
};

class FetchHealth {
 public:
  using Clock = std::chrono::steady_clock;
  // unhealthy_after 0: never unhealthy for staleness.
  FetchHealth(const std::vector<std::string>& accounts, std::chrono::seconds unhealthy_after,
              Clock::time_point started);

  // An account's cycle ended: complete, or not with `failure` saying why.
  void record(const std::string& account, bool complete, const std::string& failure,
              Clock::time_point now);
  [[nodiscard]] FetchHealthReport report(Clock::time_point now) const;

 private:
  struct State {
    Clock::time_point last_complete;  // or the start, before the first complete cycle
    bool ever_complete = false;
    std::string last_failure;  // of the latest cycle, empty when it completed
  };
  std::chrono::seconds unhealthy_after_;
  mutable std::mutex mutex_;
  std::map<std::string, State> accounts_;
  Clock::time_point started_;
};

}  // namespace etl::pipeline

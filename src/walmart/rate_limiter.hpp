#pragma once
// The client-side request pace shared by every worker of a fetch: requests are spaced evenly,
// 60 s / pace apart (a token bucket of depth 1), so the client never bursts above the pace
// whatever the concurrency. What the pace is, and how a 429 changes it, is PacePolicy's pure
// decision (pace_policy.hpp); this class adds the clock, the lock and the waiting.
//
// After a 429 the server's word wins: nobody sends before its replenishment time (or a backoff
// delay), whatever the verdict on the pace. Thread-safe.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "walmart/pace_policy.hpp"

namespace etl::walmart {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(int requests_per_minute);

  // Waits for this request's slot. Returns false if a stop was requested while waiting.
  bool acquire();

  // A 429 arrived for a request sent at `sent_at`: hold everyone until `hold_until`, and let the
  // policy decide whether the pace goes down (token_count: the answer's X-Current-Token-Count;
  // server_replenishment: hold_until is the server's X-Next-Replenishment-Time, not a backoff).
  PacePolicy::Verdict throttled(Clock::time_point sent_at, Clock::time_point hold_until,
                                std::optional<int64_t> token_count = std::nullopt,
                                bool server_replenishment = false);
  // Any other answer arrived.
  void succeeded(std::optional<int64_t> token_count = std::nullopt);

  // The pace now, in requests per minute (0 = unlimited), and its floor.
  [[nodiscard]] double current_rpm() const;
  [[nodiscard]] double floor_rpm() const;

 private:
  mutable std::mutex mutex_;
  PacePolicy policy_;
  Clock::time_point next_slot_{};
  Clock::time_point hold_until_{};
};

}  // namespace etl::walmart

#pragma once
// The client-side request limit shared by every worker of a fetch (fetch.requests_per_minute):
// requests are paced evenly, 60 s / rpm apart (a token bucket of depth 1), so the client never
// bursts above the limit whatever the concurrency.
//
// After a 429 the server's word wins: nobody sends before the replenishment time (or a backoff
// delay), and the pace is halved - once per throttling episode: 429s for requests sent before
// the last slow-down do not halve again. Each success then speeds up by 1/64 (at least one
// request per minute), up to the configured limit. With rpm = 0 (no client limit) the first 429
// sets the pace to half the rate observed over the last minute (or since the first request).
// Thread-safe.

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace etl::walmart {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(int requests_per_minute);

  // Waits for this request's slot. Returns false if a stop was requested while waiting.
  bool acquire();

  // A 429 arrived for a request sent at `sent_at`: hold everyone until `hold_until` and slow
  // down (unless the pace was already lowered after that request was sent).
  void throttled(Clock::time_point sent_at, Clock::time_point hold_until);
  // A request succeeded: speed up a little (towards the configured limit).
  void succeeded();

  // The pace now, in requests per minute (0 = unlimited).
  [[nodiscard]] double current_rpm() const;

 private:
  mutable std::mutex mutex_;
  const double configured_rpm_;
  double rpm_;                       // 0 = unlimited
  Clock::time_point next_slot_{};
  Clock::time_point hold_until_{};
  // Requests sent per second over the last minute (ring), to size the pace when unlimited.
  std::array<uint32_t, 60> per_second_{};
  int64_t ring_second_ = 0;
  Clock::time_point first_request_{};
  bool any_request_ = false;
  Clock::time_point last_slowdown_{};

  void count_request(Clock::time_point now);
  [[nodiscard]] double observed_rpm(Clock::time_point now) const;
};

}  // namespace etl::walmart

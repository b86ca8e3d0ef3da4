#include "walmart/rate_limiter.hpp"

#include <algorithm>

#include "common/stop_signal.hpp"

namespace etl::walmart {

RateLimiter::RateLimiter(int requests_per_minute) : policy_(requests_per_minute) {}

bool RateLimiter::acquire() {
  Clock::time_point slot;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    slot = std::max({now, next_slot_, hold_until_});
    const double rpm = policy_.rpm();
    if (rpm > 0) {
      next_slot_ = slot + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(60.0 / rpm));
    }
    policy_.sent(slot);
  }
  while (true) {
    const auto now = Clock::now();
    Clock::time_point until = slot;
    {
      std::lock_guard lock(mutex_);
      until = std::max(until, hold_until_);  // a 429 that arrived while we waited holds us too
    }
    if (until <= now) return !stop_requested();
    if (wait_for_stop(std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                      std::chrono::milliseconds(1))) {
      return false;
    }
  }
}

PacePolicy::Verdict RateLimiter::throttled(Clock::time_point sent_at, Clock::time_point hold_until,
                                           std::optional<int64_t> token_count,
                                           bool server_replenishment) {
  std::lock_guard lock(mutex_);
  hold_until_ = std::max(hold_until_, hold_until);
  const auto now = Clock::now();
  std::optional<std::chrono::milliseconds> replenish_in;
  if (server_replenishment) {
    replenish_in = std::chrono::duration_cast<std::chrono::milliseconds>(hold_until - now);
  }
  const auto verdict = policy_.throttled(now, sent_at, token_count, replenish_in);
  // Slots already handed out keep their place; the queue restarts after the hold.
  next_slot_ = std::max(next_slot_, hold_until_);
  return verdict;
}

void RateLimiter::succeeded(std::optional<int64_t> token_count) {
  std::lock_guard lock(mutex_);
  policy_.succeeded(Clock::now(), token_count);
}

double RateLimiter::current_rpm() const {
  std::lock_guard lock(mutex_);
  return policy_.rpm();
}

double RateLimiter::floor_rpm() const {
  std::lock_guard lock(mutex_);
  return policy_.floor();
}

}  // namespace etl::walmart

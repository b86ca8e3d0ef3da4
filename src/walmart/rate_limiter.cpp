#include "walmart/rate_limiter.hpp"

#include <algorithm>

#include "common/stop_signal.hpp"

namespace etl::walmart {

namespace {
int64_t second_of(RateLimiter::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

RateLimiter::RateLimiter(int requests_per_minute)
    : configured_rpm_(requests_per_minute > 0 ? requests_per_minute : 0),
      rpm_(configured_rpm_) {}

void RateLimiter::count_request(Clock::time_point now) {
  if (!any_request_) {
    any_request_ = true;
    first_request_ = now;
  }
  const int64_t s = second_of(now);
  if (s - ring_second_ >= 60) {
    per_second_.fill(0);
  } else {
    for (int64_t k = ring_second_ + 1; k <= s; ++k) per_second_[static_cast<size_t>(k % 60)] = 0;
  }
  ring_second_ = std::max(ring_second_, s);
  ++per_second_[static_cast<size_t>(s % 60)];
}

double RateLimiter::observed_rpm(Clock::time_point now) const {
  const int64_t s = second_of(now);
  if (s - ring_second_ >= 60) return 0;
  uint64_t total = 0;
  for (auto c : per_second_) total += c;
  // Requests per minute over the last minute, or over the time since the first request.
  const double seconds = std::clamp(
      std::chrono::duration<double>(now - first_request_).count(), 0.1, 60.0);
  return static_cast<double>(total) * 60.0 / seconds;
}

bool RateLimiter::acquire() {
  Clock::time_point slot;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    slot = std::max({now, next_slot_, hold_until_});
    if (rpm_ > 0) {
      next_slot_ = slot + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(60.0 / rpm_));
    }
    count_request(slot);
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

void RateLimiter::throttled(Clock::time_point sent_at, Clock::time_point hold_until) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  hold_until_ = std::max(hold_until_, hold_until);
  next_slot_ = std::max(next_slot_, hold_until_);
  if (sent_at < last_slowdown_) return;  // this episode already slowed us down
  last_slowdown_ = now;
  if (rpm_ <= 0) {
    rpm_ = std::max(1.0, observed_rpm(now) / 2);
  } else {
    rpm_ = std::max(1.0, rpm_ / 2);
  }
  // Re-space the queue from the hold on, at the new pace.
  next_slot_ = std::max(next_slot_, hold_until_);
}

void RateLimiter::succeeded() {
  std::lock_guard lock(mutex_);
  if (rpm_ <= 0) return;
  const double step = std::max(1.0, rpm_ / 64);
  rpm_ = configured_rpm_ > 0 ? std::min(configured_rpm_, rpm_ + step) : rpm_ + step;
}

double RateLimiter::current_rpm() const {
  std::lock_guard lock(mutex_);
  return rpm_;
}

}  // namespace etl::walmart

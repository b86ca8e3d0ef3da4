#include "tools/sim/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace etl::walmart::sim {

TokenBucket::TokenBucket(int64_t per_minute, int64_t burst)
    : per_minute_(per_minute),
      capacity_(static_cast<double>(std::max<int64_t>(1, burst))),
      tokens_(capacity_) {}

void TokenBucket::refill(int64_t now_wall_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_wall_ms;
    return;
  }
  if (now_wall_ms > last_ms_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_wall_ms - last_ms_) *
                                                static_cast<double>(per_minute_) / 60000.0);
    last_ms_ = now_wall_ms;
  }
}

BucketDecision TokenBucket::take(int64_t now_wall_ms) {
  BucketDecision d;
  if (per_minute_ <= 0) {
    d.tokens_left = kUnlimitedCount;
    return d;
  }
  std::lock_guard lock(mutex_);
  refill(now_wall_ms);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    d.allowed = true;
  } else {
    d.allowed = false;
  }
  d.tokens_left = static_cast<int64_t>(std::floor(tokens_));
  // Time until the bucket holds one more whole token (0 when full).
  const double missing = tokens_ >= capacity_ ? 0.0 : std::floor(tokens_) + 1.0 - tokens_;
  d.next_replenish_in_ms =
      static_cast<int64_t>(std::ceil(missing * 60000.0 / static_cast<double>(per_minute_)));
  return d;
}

}  // namespace etl::walmart::sim

#pragma once
// A token bucket, one per endpoint (gradual replenishment, as Walmart's). Capacity `burst`,
// refilled at `per_minute` tokens per minute of wall time; per_minute == 0 means unlimited.
// Thread-safe.

#include <cstdint>
#include <mutex>

namespace etl::walmart::sim {

struct BucketDecision {
  bool allowed = true;
  int64_t tokens_left = 0;           // X-Current-Token-Count
  int64_t next_replenish_in_ms = 0;  // until one more whole token (X-Next-Replenishment-Time)
};

class TokenBucket {
 public:
  // Reported as X-Current-Token-Count when unlimited.
  static constexpr int64_t kUnlimitedCount = 1'000'000;

  TokenBucket(int64_t per_minute, int64_t burst);

  BucketDecision take(int64_t now_wall_ms);

 private:
  void refill(int64_t now_wall_ms);

  int64_t per_minute_;
  double capacity_;
  std::mutex mutex_;
  double tokens_;
  int64_t last_ms_ = 0;
  bool started_ = false;
};

}  // namespace etl::walmart::sim

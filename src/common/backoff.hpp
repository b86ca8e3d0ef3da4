#pragma once
// Exponential backoff with full jitter, capped. Not thread-safe: one per retry loop.

#include <chrono>
#include <cstdint>
#include <random>

namespace etl {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
          uint64_t seed = std::random_device{}())
      : initial_(initial), max_(max), rng_(seed) {}

  // Delay before the next attempt: uniform in [d/2, d] where d = min(max, initial * 2^attempt).
  std::chrono::milliseconds next() {
    const auto shift = attempt_ < 30 ? attempt_ : 30;
    ++attempt_;
    int64_t d = initial_.count() << shift;
    if (d > max_.count() || d <= 0) d = max_.count();
    std::uniform_int_distribution<int64_t> dist(d / 2, d);
    return std::chrono::milliseconds(dist(rng_));
  }
  void reset() noexcept { attempt_ = 0; }
  [[nodiscard]] unsigned attempts() const noexcept { return attempt_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  unsigned attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace etl

#include "tools/sim/sim_clock.hpp"

#include <cmath>

#include "common/utc_time.hpp"

namespace etl::walmart::sim {

SimClock::SimClock(int64_t start_sim_ms, double time_scale)
    : start_sim_ms_(start_sim_ms),
      time_scale_(time_scale),
      start_steady_(std::chrono::steady_clock::now()) {}

int64_t SimClock::real_elapsed_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start_steady_)
      .count();
}

int64_t SimClock::sim_now_ms() const noexcept {
  const auto scaled =
      static_cast<int64_t>(std::floor(static_cast<double>(real_elapsed_ms()) * time_scale_));
  return start_sim_ms_ + scaled + sim_offset_ms_.load(std::memory_order_relaxed);
}

int64_t SimClock::wall_elapsed_ms() const noexcept {
  return real_elapsed_ms() + wall_offset_ms_.load(std::memory_order_relaxed);
}

int64_t SimClock::wall_epoch_ms() const noexcept {
  return now_epoch_ms() + wall_offset_ms_.load(std::memory_order_relaxed);
}

void SimClock::advance_sim(std::chrono::milliseconds d) noexcept {
  sim_offset_ms_.fetch_add(d.count(), std::memory_order_relaxed);
}

void SimClock::advance_wall(std::chrono::milliseconds d) noexcept {
  wall_offset_ms_.fetch_add(d.count(), std::memory_order_relaxed);
}

}  // namespace etl::walmart::sim

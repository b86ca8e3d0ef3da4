#pragma once
// The simulator's two clocks.
//  - Simulated time drives the data: which orders exist and which status each line has.
//    sim_now = start + real_elapsed * time_scale + manual sim offset. --now sets the start,
//    --time-scale the speed (0 freezes the data, useful for reproducible tests).
//  - Wall time drives what a client experiences in real seconds: token expiry and throttling
//    buckets. wall = real elapsed + manual wall offset.
// advance_sim()/advance_wall() are test and /_sim/advance hooks; both are thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace etl::walmart::sim {

class SimClock {
 public:
  SimClock(int64_t start_sim_ms, double time_scale);

  // Simulated epoch milliseconds (data time).
  [[nodiscard]] int64_t sim_now_ms() const noexcept;
  // Milliseconds since the clock was created, plus any wall advance (token / bucket time).
  [[nodiscard]] int64_t wall_elapsed_ms() const noexcept;
  // Real epoch milliseconds plus any wall advance (for X-Next-Replenishment-Time, which the
  // client compares with its own clock).
  [[nodiscard]] int64_t wall_epoch_ms() const noexcept;

  [[nodiscard]] int64_t start_sim_ms() const noexcept { return start_sim_ms_; }
  [[nodiscard]] double time_scale() const noexcept { return time_scale_; }

  void advance_sim(std::chrono::milliseconds d) noexcept;
  void advance_wall(std::chrono::milliseconds d) noexcept;

 private:
  [[nodiscard]] int64_t real_elapsed_ms() const noexcept;

  int64_t start_sim_ms_;
  double time_scale_;
  std::chrono::steady_clock::time_point start_steady_;
  std::atomic<int64_t> sim_offset_ms_{0};
  std::atomic<int64_t> wall_offset_ms_{0};
};

}  // namespace etl::walmart::sim

#pragma once
// The hard bound on the stream's shutdown. Armed by the first SIGINT/SIGTERM, seen by its own
// thread within 50 ms whatever the poll thread is doing (inside librdkafka or MySQL), or by arm()
// when the stream stops on a fatal error; if the process has not finished `limit` after that
// moment, it logs why and ends the process at once (std::_Exit) with the exit code the shutdown
// has reached so far. The data is safe either way: offsets only move with the rows in MySQL, so
// what was not written is read again on the next start.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace etl::pipeline {

class ShutdownWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // `exit_code` is read when the limit expires (the owner lowers it to 0 once nothing is lost).
  ShutdownWatchdog(std::chrono::milliseconds limit, const std::atomic<int>& exit_code);
  // Disarms it (the process finished in time).
  ~ShutdownWatchdog();
  ShutdownWatchdog(const ShutdownWatchdog&) = delete;
  ShutdownWatchdog& operator=(const ShutdownWatchdog&) = delete;

  // Arms it now unless a signal armed it earlier; returns when the shutdown was asked for.
  Clock::time_point arm();
  [[nodiscard]] std::chrono::milliseconds limit() const noexcept { return limit_; }

 private:
  void watch();

  std::chrono::milliseconds limit_;
  const std::atomic<int>& exit_code_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Clock::time_point> armed_at_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace etl::pipeline

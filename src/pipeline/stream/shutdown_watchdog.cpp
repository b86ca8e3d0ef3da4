#include "pipeline/stream/shutdown_watchdog.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/stop_signal.hpp"

namespace etl::pipeline {

using namespace std::chrono_literals;

ShutdownWatchdog::ShutdownWatchdog(std::chrono::milliseconds limit,
                                   const std::atomic<int>& exit_code)
    : limit_(limit), exit_code_(exit_code), thread_([this] { watch(); }) {}

ShutdownWatchdog::~ShutdownWatchdog() {
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

ShutdownWatchdog::Clock::time_point ShutdownWatchdog::arm() {
  std::unique_lock lock(mutex_);
  if (!armed_at_) {
    armed_at_ = Clock::now();
    lock.unlock();
    cv_.notify_all();
    lock.lock();
  }
  return *armed_at_;
}

void ShutdownWatchdog::watch() {
  std::unique_lock lock(mutex_);
  // A signal handler can only set a flag: look at it every 50 ms until armed or disarmed.
  while (!done_ && !armed_at_) {
    if (stop_requested()) {
      armed_at_ = Clock::now();
      break;
    }
    cv_.wait_for(lock, 50ms);
  }
  if (done_) return;
  if (cv_.wait_until(lock, *armed_at_ + limit_, [this] { return done_; })) return;
  const int code = exit_code_.load();
  spdlog::error(
      "stream: shutdown did not finish within {} ms of being asked for; exiting now with code {} "
      "(everything committed to MySQL is safe; the rest is read again on the next start)",
      limit_.count(), code);
  spdlog::default_logger()->flush();
  std::_Exit(code);
}

}  // namespace etl::pipeline

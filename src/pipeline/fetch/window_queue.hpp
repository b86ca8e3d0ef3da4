#pragma once
// The windows one fetch run still has to read, shared by its worker threads. pop() blocks while
// other windows are in flight (they may split into parts, which go first). Thread-safe.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "walmart/order_window.hpp"

namespace etl::pipeline {

class WindowQueue {
 public:
  void push(std::vector<walmart::OrderWindow> windows) {
    std::lock_guard lock(mutex_);
    for (auto& w : windows) queue_.push_back(std::move(w));
    cv_.notify_all();
  }
  // The next window, or nullopt when none is left and none is in flight.
  std::optional<walmart::OrderWindow> pop() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !queue_.empty() || in_flight_ == 0; });
    if (queue_.empty()) return std::nullopt;
    walmart::OrderWindow w = std::move(queue_.front());
    queue_.pop_front();
    ++in_flight_;
    return w;
  }
  // The window taken by pop() is finished; `children` (its parts) are queued first.
  void done(std::vector<walmart::OrderWindow> children) {
    std::lock_guard lock(mutex_);
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      queue_.push_front(std::move(*it));
    --in_flight_;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<walmart::OrderWindow> queue_;
  int in_flight_ = 0;
};

}  // namespace etl::pipeline

#pragma once
// fetch's live progress line: `text()` redrawn on stderr twice a second by a thread of its own,
// only when asked for and stderr is a terminal; cleared by stop() (or the destructor).

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace etl::pipeline {

class ProgressLine {
 public:
  ProgressLine(bool wanted, std::function<std::string()> text);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void stop();

 private:
  std::function<std::string()> text_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace etl::pipeline

#include "pipeline/fetch/progress_line.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace etl::pipeline {

ProgressLine::ProgressLine(bool wanted, std::function<std::string()> text)
    : text_(std::move(text)) {
  if (!wanted || isatty(STDERR_FILENO) != 1) return;
  thread_ = std::thread([this] {
    while (!done_.load()) {
      std::fprintf(stderr, "\r\033[K%s", text_().c_str());
      std::fflush(stderr);
      for (int i = 0; i < 10 && !done_.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  });
}

ProgressLine::~ProgressLine() { stop(); }

void ProgressLine::stop() {
  done_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace etl::pipeline

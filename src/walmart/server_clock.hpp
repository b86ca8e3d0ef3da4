#pragma once
// The API server's idea of "now", learned from the HTTP Date header of its answers (RFC 7231).
// Incremental fetches (--since-last, --last-hours) end their range at the server's now, so a
// client whose clock is off (or a simulator whose clock runs elsewhere) neither skips nor
// re-reads orders; the watermark is in the server's time frame. Before any answer, or when the
// server sends no Date, it is the local clock. Thread-safe.

#include <atomic>
#include <cstdint>

#include "walmart/http_client.hpp"

namespace etl::walmart {

class ServerClock {
 public:
  // Records the offset between the response's Date header and the local time it arrived.
  void observe(const HttpResponse& response) noexcept;
  // Local now plus the last observed offset. Date has a resolution of 1 s and is truncated, so
  // this errs on the early side (safe for watermarks: a range ends no later than the server's now).
  [[nodiscard]] int64_t now_ms() const noexcept;
  [[nodiscard]] bool observed() const noexcept { return observed_.load(); }
  [[nodiscard]] int64_t offset_ms() const noexcept { return offset_ms_.load(); }

 private:
  std::atomic<int64_t> offset_ms_{0};
  std::atomic<bool> observed_{false};
};

}  // namespace etl::walmart

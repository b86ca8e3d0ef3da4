#pragma once
// Deliberate misbehaviour (--fail-rate, --drop-rate, --malformed-rate, --throttle-rate,
// --latency-ms). Each Walmart
// endpoint request gets a sequence number; every fault kind is decided by its own draw from
// (seed, kind, number), so the kinds are independent and a run with one client is reproducible
// from --seed.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace etl::walmart::sim {

struct FaultOptions {
  double fail_rate = 0.0;       // 500 SYSTEM_ERROR, bare 503 or 504, in equal parts
  double drop_rate = 0.0;       // connection closed after part of a 200 body
  double malformed_rate = 0.0;  // a 200 whose body is cut short (complete HTTP, invalid JSON)
  // 429 REQUEST_THRESHOLD_VIOLATED whatever the client's pace (a shared gateway under load):
  // answered before the seller's token bucket is consulted, so without X-Current-Token-Count,
  // with X-Next-Replenishment-Time `throttle_hold` ahead. Never on POST /v3/token.
  double throttle_rate = 0.0;
  std::chrono::milliseconds throttle_hold{500};
  std::chrono::milliseconds latency{0};  // added before every Walmart endpoint response
  bool token_endpoint = true;  // false: POST /v3/token is never faulted (throttling still applies)
};

enum class FailKind { none, system_error, unavailable, gateway_timeout };

struct FaultPlan {
  uint64_t request_number = 0;
  FailKind fail = FailKind::none;
  bool drop = false;
  bool malformed = false;
  bool throttle = false;
  double cut_fraction = 0.5;  // where a dropped or malformed body is cut, in (0,1)

  // Byte offset to cut a body of `size` bytes at: in [1, size-1] (size >= 2).
  [[nodiscard]] size_t cut_at(size_t size) const noexcept;
};

class FaultInjector {
 public:
  FaultInjector(const FaultOptions& options, uint64_t seed) : options_(options), seed_(seed) {}

  // The plan for the next request (thread-safe).
  FaultPlan next();
  // The plan for request number n (pure).
  [[nodiscard]] FaultPlan plan(uint64_t n) const noexcept;
  [[nodiscard]] const FaultOptions& options() const noexcept { return options_; }

 private:
  FaultOptions options_;
  uint64_t seed_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace etl::walmart::sim

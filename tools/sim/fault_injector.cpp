#include "tools/sim/fault_injector.hpp"

#include <algorithm>

#include "tools/sim/rng.hpp"

namespace etl::walmart::sim {
namespace {
constexpr uint64_t kDomainFail = 40;
constexpr uint64_t kDomainFailKind = 41;
constexpr uint64_t kDomainDrop = 42;
constexpr uint64_t kDomainMalformed = 43;
constexpr uint64_t kDomainCut = 44;
constexpr uint64_t kDomainThrottle = 45;
}  // namespace

size_t FaultPlan::cut_at(size_t size) const noexcept {
  if (size < 2) return 0;
  const auto at = static_cast<size_t>(cut_fraction * static_cast<double>(size));
  return std::clamp<size_t>(at, 1, size - 1);
}

FaultPlan FaultInjector::next() { return plan(counter_.fetch_add(1, std::memory_order_relaxed)); }

FaultPlan FaultInjector::plan(uint64_t n) const noexcept {
  FaultPlan p;
  p.request_number = n;
  if (unit_draw(seed_, kDomainFail, n) < options_.fail_rate) {
    switch (stream_key(seed_, kDomainFailKind, n) % 3) {
      case 0:
        p.fail = FailKind::system_error;
        break;
      case 1:
        p.fail = FailKind::unavailable;
        break;
      default:
        p.fail = FailKind::gateway_timeout;
        break;
    }
  }
  p.drop = unit_draw(seed_, kDomainDrop, n) < options_.drop_rate;
  p.malformed = unit_draw(seed_, kDomainMalformed, n) < options_.malformed_rate;
  p.throttle = unit_draw(seed_, kDomainThrottle, n) < options_.throttle_rate;
  p.cut_fraction = 0.05 + 0.9 * unit_draw(seed_, kDomainCut, n);
  return p;
}

}  // namespace etl::walmart::sim

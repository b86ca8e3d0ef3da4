#pragma once
// Deterministic randomness for the simulator. Every value the simulator invents is a pure
// function of (seed, what, index), so a dataset, a fault schedule or a dump is reproduced exactly
// from --seed. splitmix64 is used both as the mixing function and as the stream generator: it is
// tiny, fast and statistically fine for test data (not for cryptography).

#include <cstddef>
#include <cstdint>

namespace etl::walmart::sim {

// splitmix64 finaliser: a bijective 64-bit mix.
constexpr uint64_t mix64(uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Combines a seed with a domain tag and an index into an independent stream key.
constexpr uint64_t stream_key(uint64_t seed, uint64_t domain, uint64_t index) noexcept {
  return mix64(mix64(seed ^ mix64(domain)) + index);
}

// A uniform draw in [0,1) for (seed, domain, index): used for per-request fault decisions.
constexpr double unit_draw(uint64_t seed, uint64_t domain, uint64_t index) noexcept {
  return static_cast<double>(stream_key(seed, domain, index) >> 11) * 0x1.0p-53;
}

// A small sequential generator. Consumers must draw in a fixed order that does not depend on
// time-varying state, so that a value never changes when an order's status does.
class Rng {
 public:
  explicit constexpr Rng(uint64_t key) noexcept : state_(key) {}

  constexpr uint64_t next() noexcept {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (modulo bias is irrelevant for test data).
  constexpr uint64_t below(uint64_t n) noexcept { return next() % n; }
  // Uniform in [lo, hi] inclusive.
  constexpr int64_t between(int64_t lo, int64_t hi) noexcept {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  constexpr double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  constexpr bool chance(double p) noexcept { return unit() < p; }
  // Index into an array of N elements.
  template <size_t N, typename T>
  constexpr const T& pick(const T (&arr)[N]) noexcept {
    return arr[below(N)];
  }

 private:
  uint64_t state_;
};

}  // namespace etl::walmart::sim

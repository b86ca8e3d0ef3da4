// The shared request pace: even spacing, holds after a 429, slowing down. These check
// ordering and lower bounds of waiting (behaviour), not speed.

#include "walmart/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace etl::walmart {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(RateLimiter, UnlimitedNeverWaits) {
  RateLimiter limiter(0);
  const auto t0 = Clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.acquire());
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(limiter.current_rpm(), 0);
}

TEST(RateLimiter, SpacesRequestsEvenlyAcrossThreads) {
  RateLimiter limiter(1200);  // one request every 50 ms
  std::atomic<int> done{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        limiter.acquire();
        ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 9);
  // 9 requests at 50 ms spacing: the last one no earlier than 8 x 50 ms after the first.
  EXPECT_GE(Clock::now() - t0, milliseconds(400));
}

TEST(RateLimiter, ThrottledHoldsEveryoneAndHalvesThePace) {
  RateLimiter limiter(600);
  const auto sent = Clock::now();
  ASSERT_TRUE(limiter.acquire());
  const auto hold = Clock::now() + milliseconds(300);
  limiter.throttled(sent, hold);
  EXPECT_EQ(limiter.current_rpm(), 300);
  limiter.throttled(sent, hold);  // same episode (sent before the slow-down): no second halving
  EXPECT_EQ(limiter.current_rpm(), 300);
  ASSERT_TRUE(limiter.acquire());
  EXPECT_GE(Clock::now(), hold);
  limiter.succeeded();
  EXPECT_GT(limiter.current_rpm(), 300);  // speeds up again with time (pace_policy_test)
  EXPECT_LT(limiter.current_rpm(), 600);
  EXPECT_EQ(limiter.floor_rpm(), 60);
}

TEST(RateLimiter, A429WhileTheServerHasTokensHoldsButKeepsThePace) {
  RateLimiter limiter(600);
  const auto sent = Clock::now();
  ASSERT_TRUE(limiter.acquire());
  const auto hold = Clock::now() + milliseconds(200);
  EXPECT_EQ(limiter.throttled(sent, hold, 12), PacePolicy::Verdict::server_has_tokens);
  EXPECT_EQ(limiter.current_rpm(), 600);
  ASSERT_TRUE(limiter.acquire());
  EXPECT_GE(Clock::now(), hold);  // the server's replenishment time is still honoured
}

TEST(RateLimiter, UnlimitedLearnsAPaceFromA429) {
  RateLimiter limiter(0);
  const auto t0 = Clock::now();
  for (int i = 0; i < 40; ++i) limiter.acquire();
  limiter.throttled(Clock::now(), Clock::now());
  // 40 requests in the first 100 ms or more: at most 24,000/min observed, half of it kept.
  const double seconds = std::max(0.1, std::chrono::duration<double>(Clock::now() - t0).count());
  EXPECT_GE(limiter.current_rpm(), 40 * 60 / seconds / 2 * 0.9);
  EXPECT_LE(limiter.current_rpm(), 12000);
}

}  // namespace
}  // namespace etl::walmart

// The pacing decisions, on simulated time: a 429 slows the pace only when a lower pace would have
// avoided it, the pace never falls below its floor, recovers within seconds, and settles on the
// rate of a server that really enforces a token bucket.

#include "walmart/pace_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace etl::walmart {
namespace {

using Clock = PacePolicy::Clock;
using std::chrono::milliseconds;
using Verdict = PacePolicy::Verdict;

Clock::time_point at(double seconds) {
  return Clock::time_point{} + std::chrono::hours(1) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

TEST(PacePolicy, TheFloorIsATenthOfTheLimitAndAtLeastOnePerSecond) {
  EXPECT_EQ(PacePolicy::floor_for(600), 60);
  EXPECT_EQ(PacePolicy::floor_for(6000), 600);
  EXPECT_EQ(PacePolicy::floor_for(0), 60);   // unlimited
  EXPECT_EQ(PacePolicy::floor_for(30), 30);  // never above the limit itself
}

TEST(PacePolicy, A429WhileTheServerHasTokensDoesNotSlowDown) {
  PacePolicy p(600);
  double t = 0;
  for (int i = 0; i < 400; ++i, t += 0.1) {
    p.sent(at(t));
    if (i % 4 == 3) {
      EXPECT_EQ(p.throttled(at(t + 0.05), at(t), 7), Verdict::server_has_tokens);
    } else {
      p.succeeded(at(t + 0.05), 8);
    }
  }
  EXPECT_EQ(p.rpm(), 600);
  // No count on the 429 itself: the count of the answer before it decides.
  p.succeeded(at(t), 3);
  EXPECT_EQ(p.throttled(at(t + 0.1), at(t + 0.05), std::nullopt), Verdict::server_has_tokens);
  EXPECT_EQ(p.rpm(), 600);
}

TEST(PacePolicy, ASecondThrottleOfTheSameEpisodeDoesNotSlowAgain) {
  PacePolicy p(600);
  p.sent(at(0));
  p.sent(at(0.1));
  EXPECT_EQ(p.throttled(at(0.2), at(0.1), 0), Verdict::slowed);
  EXPECT_EQ(p.rpm(), 300);
  EXPECT_EQ(p.throttled(at(0.25), at(0), 0), Verdict::same_episode);  // sent before the slow-down
  EXPECT_EQ(p.rpm(), 300);
}

TEST(PacePolicy, AnEmptyBucketSetsThePaceToTheServersMeasuredRateAtMostOnceASecond) {
  PacePolicy p(600);
  // Sending 10 a second to a server refilling 5 a second: its count falls by 5 a second.
  for (int i = 0; i <= 18; ++i) {
    const double t = 0.1 * i;
    p.sent(at(t));
    p.succeeded(at(t + 0.01), static_cast<int64_t>(9 - 0.5 * i));
  }
  p.sent(at(1.9));
  EXPECT_EQ(p.throttled(at(1.91), at(1.9), 0), Verdict::slowed);
  EXPECT_NEAR(p.rpm(), 0.9 * 300, 30);  // 90% of the measured 300/min, not half of 600
  p.sent(at(2.0));
  EXPECT_EQ(p.throttled(at(2.1), at(2.0), 0), Verdict::same_episode);  // within the second
  p.sent(at(2.95));
  EXPECT_EQ(p.throttled(at(3.0), at(2.95), 0), Verdict::slowed);
  EXPECT_GE(p.rpm(), p.floor());
}

TEST(PacePolicy, AnEmptyBucketIsNotAskedFasterThanItRefills) {
  PacePolicy p(0);  // unlimited, sending far faster than the server refills
  for (int i = 0; i < 40; ++i) p.sent(at(0.001 * i));
  // The next token comes in 150 ms: no more than 400 requests a minute until measured better.
  EXPECT_EQ(p.throttled(at(0.05), at(0.04), 0, milliseconds(150)), Verdict::slowed);
  EXPECT_LE(p.rpm(), 400);
  EXPECT_GE(p.rpm(), p.floor());
}

TEST(PacePolicy, A429WithTokensLeftUndoesASlowDownMadeWithoutCounts) {
  PacePolicy p(600);
  p.sent(at(0));
  EXPECT_EQ(p.throttled(at(0.1), at(0), std::nullopt), Verdict::slowed);
  EXPECT_EQ(p.rpm(), 300);
  p.sent(at(0.2));
  EXPECT_EQ(p.throttled(at(0.3), at(0.2), 40), Verdict::server_has_tokens);
  EXPECT_EQ(p.rpm(), 600);
}

// A server that answers 429 to every 4th request whatever the pace, and tells nothing about its
// tokens. The old rule (halve on every episode, +1/64 per success) sank to ~1 request a minute.
TEST(PacePolicy, AShareOf429sThatThePaceDoesNotChangeIsTakenAsTheServersOwn) {
  PacePolicy p(600);
  double t = 0;
  double lowest = p.rpm();
  int slowed = 0;
  for (int i = 0; i < 2000; ++i) {
    p.sent(at(t));
    const double answered = t + 0.05;
    if (i % 4 == 3) {
      if (p.throttled(at(answered), at(t), std::nullopt) == Verdict::slowed) ++slowed;
    } else {
      p.succeeded(at(answered), std::nullopt);
    }
    lowest = std::min(lowest, p.rpm());
    t += 60.0 / p.rpm();
  }
  EXPECT_GE(lowest, p.floor());
  EXPECT_GE(lowest, 300) << "slowed down more than once for a share the pace does not change";
  EXPECT_LE(slowed, 2);
  EXPECT_NEAR(p.baseline_share(), 0.25, 0.1);
  EXPECT_EQ(p.rpm(), 600);
}

TEST(PacePolicy, RecoversFromTheFloorWithinSeconds) {
  PacePolicy p(600);
  double t = 0;
  // 429s from a server that reports no counts, each after the previous slow-down was judged
  // helpful (no 429 in the answers after it): down to the floor.
  for (int k = 0; k < 6; ++k) {
    for (int i = 0; i < PacePolicy::kJudgeSamples; ++i, t += 0.01) p.succeeded(at(t), std::nullopt);
    p.sent(at(t));
    p.throttled(at(t + 0.01), at(t), std::nullopt);
    t += 0.02;
  }
  ASSERT_EQ(p.rpm(), p.floor());
  // Then only successes: doubling every 2 s, back at the limit within about 7 s.
  const double start = t;
  while (p.rpm() < 600 && t - start < 120) {
    t += 60.0 / p.rpm();
    p.sent(at(t));
    p.succeeded(at(t + 0.01), std::nullopt);
  }
  EXPECT_EQ(p.rpm(), 600);
  EXPECT_LT(t - start, 10) << "recovery took " << t - start << " s";
}

// A token bucket of `per_minute` tokens a minute holding `burst`; like the simulator's.
struct Bucket {
  double per_minute;
  double burst;
  double tokens;
  double last = 0;
  // true: a token was taken. `count` is what the server reports; `replenish` the time until the
  // next whole token.
  bool take(double now, int64_t& count, double& replenish) {
    tokens = std::min(burst, tokens + (now - last) * per_minute / 60.0);
    last = now;
    const bool ok = tokens >= 1;
    if (ok) tokens -= 1;
    count = static_cast<int64_t>(std::floor(tokens));
    replenish = (std::floor(tokens) + 1 - tokens) * 60.0 / per_minute;
    return ok;
  }
};

TEST(PacePolicy, UnlimitedConvergesOnAServerTokenBucketWithFew429s) {
  PacePolicy p(0);
  Bucket server{300, 20, 20};
  double t = 0;
  double hold = 0;
  int requests = 0;
  int throttled = 0;
  int late_requests = 0;
  int late_throttled = 0;
  const double latency = 0.02;
  // One client sending back to back (as fast as its pace allows) for five simulated minutes.
  while (t < 300) {
    t = std::max(t, hold);
    p.sent(at(t));
    ++requests;
    int64_t count = 0;
    double replenish = 0;
    const bool ok = server.take(t, count, replenish);
    const double answered = t + latency;
    if (ok) {
      p.succeeded(at(answered), count);
    } else {
      ++throttled;
      hold = std::max(hold, t + replenish);
      p.throttled(at(answered), at(t), count);
    }
    if (t > 60) {
      ++late_requests;
      late_throttled += ok ? 0 : 1;
    }
    t += p.rpm() > 0 ? std::max(latency, 60.0 / p.rpm()) : latency;
  }
  SCOPED_TRACE(testing::Message() << requests << " requests, " << throttled << " 429s, pace "
                                  << p.rpm());
  // After the first minute: about the server's 300/min, and at most 1 request in 20 refused.
  const double late_rate = late_requests / 240.0 * 60.0;
  EXPECT_GT(late_rate, 0.8 * 300);
  EXPECT_LT(late_rate, 1.1 * 300);
  EXPECT_LT(late_throttled, late_requests / 20);
  EXPECT_LT(throttled, requests / 10);
}

}  // namespace
}  // namespace etl::walmart

#pragma once
// How fast fetch may send, decided from what the server says - pure logic: every call takes the
// time as an argument, nothing here reads a clock, sleeps or locks (RateLimiter does that).
//
// The rules:
//  - The pace starts at fetch.requests_per_minute (0: unlimited) and never falls below floor():
//    max(60, configured / 10) requests per minute, or the configured limit when that is lower.
//  - A 429 slows the pace only when a lower pace would have avoided it:
//      * the server still had tokens (X-Current-Token-Count > 0 on the 429, or on the answer
//        before it when the 429 carries none): the throttling is not about this client's pace,
//        no slow-down;
//      * the request was sent before the last slow-down: that episode was already answered;
//      * the server reports an empty bucket (count 0): slow down - once its rate is measured, at
//        most once a second (its replenishment time holds everyone meanwhile);
//      * the server reports no counts at all: after a slow-down, the share of 429s among the
//        next kJudgeSamples answers is compared with the share before it; if the lower pace
//        did not lower the share, the slow-down is undone and that share is taken as the
//        server's pace-independent share (the baseline); later 429s slow down only while the
//        recent share is clearly above that baseline. A 429 that does come with tokens left
//        undoes such a slow-down at once.
//    A slow-down sets the pace to 90% of the server's rate as measured from its token counts
//    (tokens spent by our successes plus the change of the count, over at least a second), or to
//    half the pace when that is unknown - and, when the bucket is empty, to no more than one
//    request per replenishment interval the server announced (it refills at most that fast).
//  - Recovery is by time, not by successes: for kProbeTime after a slow-down to the server's
//    measured rate the pace creeps up by 1% a second (it is near where the server pushed back);
//    otherwise, and after that, it doubles every kDoublingTime, up to the configured limit. From
//    the floor back to 600/min: about 7 s (16 s after a measured slow-down).

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace etl::walmart {

class PacePolicy {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  static constexpr int kJudgeSamples = 12;      // answers after a slow-down before judging it
  static constexpr double kShareMargin = 0.15;  // recent share above the baseline that counts
  static constexpr std::chrono::milliseconds kDoublingTime{2000};
  static constexpr std::chrono::milliseconds kProbeTime{10000};
  static constexpr std::chrono::milliseconds kCountStretch{10000};
  static constexpr std::chrono::milliseconds kMinSlowdownGap{1000};

  enum class Verdict {
    slowed,             // the pace was lowered
    server_has_tokens,  // the server still had tokens: not this client's pace
    same_episode,       // sent before the last slow-down, or the last one is still being judged
    pace_independent,   // slowing down did not lower the share of 429s (or within the baseline)
  };

  explicit PacePolicy(int configured_rpm);

  // The lowest pace a 429 can lead to, requests per minute.
  [[nodiscard]] static double floor_for(int configured_rpm) noexcept;

  // A request goes out at `at` (counts the observed rate used when the pace is unlimited).
  void sent(TimePoint at);
  // An answer other than 429 arrived (token_count: its X-Current-Token-Count, if any).
  void succeeded(TimePoint now, std::optional<int64_t> token_count);
  // A 429 arrived for a request sent at `sent_at`; `replenish_in`: how long until the server's
  // next token (its X-Next-Replenishment-Time), when it said.
  Verdict throttled(TimePoint now, TimePoint sent_at, std::optional<int64_t> token_count,
                    std::optional<std::chrono::milliseconds> replenish_in = std::nullopt);

  // Requests per minute now; 0 = unlimited.
  [[nodiscard]] double rpm() const noexcept { return rpm_; }
  [[nodiscard]] double floor() const noexcept { return floor_; }
  // The share of 429s taken as the server's own, whatever the pace (0 until judged so).
  [[nodiscard]] double baseline_share() const noexcept { return baseline_share_; }
  // 429s in the last kShareWindow answers, as a share.
  [[nodiscard]] double recent_share() const noexcept;

 private:
  static constexpr int kShareWindow = 32;

  double configured_;
  double floor_;
  double rpm_;
  // The last kShareWindow outcomes (true = 429), a ring.
  std::array<bool, kShareWindow> outcomes_{};
  int outcome_count_ = 0;
  int outcome_next_ = 0;
  double baseline_share_ = 0;
  // The slow-down being judged.
  bool judging_ = false;
  double pace_before_ = 0;
  double share_before_ = 0;
  int judged_answers_ = 0;
  int judged_429s_ = 0;
  TimePoint last_slowdown_{};
  bool slowed_once_ = false;
  double throttled_pace_ = 0;        // the pace when the last slow-down happened (recovery target)
  bool slowed_to_measured_ = false;  // the last slow-down went to the server's measured rate
  TimePoint last_growth_{};
  // Observed sending rate (for the unlimited pace): requests per second over the last minute.
  std::array<uint32_t, 60> per_second_{};
  int64_t ring_second_ = 0;
  TimePoint first_sent_{};
  bool any_sent_ = false;
  // Token counts: the latest, and the start of the stretch used to measure the server's rate.
  std::optional<int64_t> last_count_;
  TimePoint count_start_at_{};
  int64_t count_start_ = 0;
  int64_t successes_since_count_start_ = 0;
  bool count_started_ = false;

  void record(bool throttled);
  void grow(TimePoint now);
  [[nodiscard]] double observed_rpm(TimePoint now) const;
  [[nodiscard]] std::optional<double> server_rpm(TimePoint now) const;
};

}  // namespace etl::walmart

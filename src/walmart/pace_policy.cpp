#include "walmart/pace_policy.hpp"

#include <algorithm>
#include <cmath>

namespace etl::walmart {

namespace {

int64_t second_of(PacePolicy::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

double seconds_between(PacePolicy::TimePoint a, PacePolicy::TimePoint b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

double PacePolicy::floor_for(int configured_rpm) noexcept {
  if (configured_rpm <= 0) return 60;
  return std::min<double>(configured_rpm, std::max(60.0, configured_rpm / 10.0));
}

PacePolicy::PacePolicy(int configured_rpm)
    : configured_(configured_rpm > 0 ? configured_rpm : 0),
      floor_(floor_for(configured_rpm)),
      rpm_(configured_) {}

void PacePolicy::sent(TimePoint at) {
  if (!any_sent_) {
    any_sent_ = true;
    first_sent_ = at;
  }
  const int64_t s = second_of(at);
  if (s - ring_second_ >= 60) {
    per_second_.fill(0);
  } else {
    for (int64_t k = ring_second_ + 1; k <= s; ++k) per_second_[static_cast<size_t>(k % 60)] = 0;
  }
  ring_second_ = std::max(ring_second_, s);
  ++per_second_[static_cast<size_t>(s % 60)];
}

double PacePolicy::observed_rpm(TimePoint now) const {
  if (!any_sent_ || second_of(now) - ring_second_ >= 60) return 0;
  uint64_t total = 0;
  for (auto c : per_second_) total += c;
  const double seconds = std::clamp(seconds_between(first_sent_, now), 0.1, 60.0);
  return static_cast<double>(total) * 60.0 / seconds;
}

std::optional<double> PacePolicy::server_rpm(TimePoint now) const {
  if (!count_started_ || !last_count_) return std::nullopt;
  const double dt = seconds_between(count_start_at_, now);
  if (dt < 1.0) return std::nullopt;
  // Tokens the server added = tokens our successes spent + how much the count changed.
  const double added =
      static_cast<double>(successes_since_count_start_ + *last_count_ - count_start_);
  if (added <= 0) return std::nullopt;
  return added * 60.0 / dt;
}

double PacePolicy::recent_share() const noexcept {
  if (outcome_count_ == 0) return 0;
  int n = 0;
  for (int i = 0; i < outcome_count_; ++i) n += outcomes_[static_cast<size_t>(i)] ? 1 : 0;
  return static_cast<double>(n) / outcome_count_;
}

void PacePolicy::record(bool throttled) {
  outcomes_[static_cast<size_t>(outcome_next_)] = throttled;
  outcome_next_ = (outcome_next_ + 1) % kShareWindow;
  outcome_count_ = std::min(outcome_count_ + 1, kShareWindow);
  if (judging_) {
    ++judged_answers_;
    if (throttled) ++judged_429s_;
  }
}

void PacePolicy::grow(TimePoint now) {
  if (last_growth_ == TimePoint{}) last_growth_ = now;
  const double dt = std::clamp(seconds_between(last_growth_, now), 0.0, 60.0);
  last_growth_ = now;
  if (rpm_ <= 0 || dt <= 0) return;
  double next = rpm_;
  if (slowed_once_ && slowed_to_measured_ && now - last_slowdown_ < kProbeTime) {
    next *= 1.0 + 0.01 * dt;  // close to where the server pushed back: creep
  } else {
    next *= std::exp2(dt / std::chrono::duration<double>(kDoublingTime).count());
  }
  if (configured_ > 0) {
    next = std::min(configured_, next);
  } else if (throttled_pace_ > 0 && next >= 4 * throttled_pace_) {
    next = 0;  // far above where the server pushed back: unlimited again
  }
  rpm_ = next;
}

void PacePolicy::succeeded(TimePoint now, std::optional<int64_t> token_count) {
  record(false);
  if (token_count) {
    if (!count_started_ || *token_count > count_start_ || now - count_start_at_ > kCountStretch) {
      // The bucket refilled faster than we spent (or the stretch is old): measure from here.
      count_started_ = true;
      count_start_at_ = now;
      count_start_ = *token_count;
      successes_since_count_start_ = 0;
    } else {
      ++successes_since_count_start_;
    }
    last_count_ = token_count;
  }
  if (judging_ && judged_answers_ >= kJudgeSamples) judging_ = false;  // no 429 since: it helped
  grow(now);
}

PacePolicy::Verdict PacePolicy::throttled(TimePoint now, TimePoint sent_at,
                                          std::optional<int64_t> token_count,
                                          std::optional<std::chrono::milliseconds> replenish_in) {
  record(true);
  const std::optional<int64_t> count = token_count ? token_count : last_count_;
  if (token_count) last_count_ = token_count;
  if (count && *count > 0) {
    if (judging_) {
      // A slow-down made while the server said nothing about its tokens, now shown needless.
      judging_ = false;
      rpm_ = pace_before_;
    }
    return Verdict::server_has_tokens;
  }
  if (slowed_once_ && sent_at < last_slowdown_) return Verdict::same_episode;
  const auto server = server_rpm(now);
  if (count && server && slowed_once_ && now - last_slowdown_ < kMinSlowdownGap) {
    // Already at the server's measured rate; its replenishment time holds everyone meanwhile.
    return Verdict::same_episode;
  }
  if (!count) {
    // The server says nothing about its tokens: judge by the share of 429s instead.
    if (judging_) {
      if (judged_answers_ < kJudgeSamples) return Verdict::same_episode;
      judging_ = false;
      const double after = static_cast<double>(judged_429s_) / judged_answers_;
      if (after >= 0.75 * share_before_) {
        // The lower pace was answered with as many 429s: the server throttles this share
        // whatever we do. Go back to the pace before and remember the share.
        baseline_share_ = after;
        rpm_ = pace_before_;
        return Verdict::pace_independent;
      }
    } else if (baseline_share_ > 0 && recent_share() <= baseline_share_ + kShareMargin) {
      return Verdict::pace_independent;
    }
  }
  const double base = rpm_ > 0 ? rpm_ : observed_rpm(now);
  double next = base / 2;
  slowed_to_measured_ = server.has_value();
  if (server) {
    next = std::min(base, 0.9 * *server);
  } else if (count && replenish_in && replenish_in->count() > 0) {
    // An empty bucket gets its next token after replenish_in: it refills no faster than that.
    next = std::min(next, 60000.0 / static_cast<double>(replenish_in->count()));
  }
  pace_before_ = rpm_;
  share_before_ = recent_share();
  rpm_ = std::max(floor_, next);
  throttled_pace_ = std::max(base, rpm_);
  judging_ = !count;
  judged_answers_ = 0;
  judged_429s_ = 0;
  slowed_once_ = true;
  last_slowdown_ = now;
  last_growth_ = now;
  return Verdict::slowed;
}

}  // namespace etl::walmart

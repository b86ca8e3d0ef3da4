#include "pipeline/fetch/fetch_health.hpp"

#include <fmt/format.h>

namespace etl::pipeline {

FetchHealth::FetchHealth(const std::vector<std::string>& accounts,
                         std::chrono::seconds unhealthy_after, Clock::time_point started)
    : unhealthy_after_(unhealthy_after), started_(started) {
  for (const auto& a : accounts) accounts_[a].last_complete = started;
}

void FetchHealth::record(const std::string& account, bool complete, const std::string& failure,
                         Clock::time_point now) {
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = accounts_.try_emplace(account);
  if (inserted) it->second.last_complete = started_;
  if (complete) {
    it->second.last_complete = now;
    it->second.ever_complete = true;
    it->second.last_failure.clear();
  } else {
    it->second.last_failure = failure.empty() ? "incomplete" : failure;
  }
}

FetchHealthReport FetchHealth::report(Clock::time_point now) const {
  const std::lock_guard lock(mutex_);
  FetchHealthReport r;
  if (unhealthy_after_.count() > 0) {
    for (const auto& [name, s] : accounts_) {
      const auto since = std::chrono::duration_cast<std::chrono::seconds>(now - s.last_complete);
      if (since <= unhealthy_after_) continue;
      r.healthy = false;
      if (!r.reason.empty()) r.reason += "; ";
      r.reason += fmt::format(
          "account_stale[{}]: no complete cycle for {} s{} (fetch.unhealthy_after_s = {})", name,
          since.count(), s.ever_complete ? "" : ", none since the start", unhealthy_after_.count());
      if (!s.last_failure.empty()) r.reason += ", last cycle: " + s.last_failure;
    }
  }
  if (r.healthy) r.reason = "ok";
  return r;
}

}  // namespace etl::pipeline

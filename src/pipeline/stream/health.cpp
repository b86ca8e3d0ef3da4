#include "pipeline/stream/health.hpp"

#include <fmt/format.h>

namespace etl::pipeline {

std::string_view to_string(HealthCondition c) noexcept {
  switch (c) {
    case HealthCondition::starting:
      return "starting";
    case HealthCondition::kafka_unreachable:
      return "kafka_unreachable";
    case HealthCondition::mysql_failing:
      return "mysql_failing";
    case HealthCondition::stopping:
      return "stopping";
    case HealthCondition::fatal:
      return "fatal";
  }
  return "unknown";
}

void StreamHealth::set(HealthCondition c, const std::string& detail, const std::string& key) {
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = active_.try_emplace({c, key});
  if (inserted) it->second.since = std::chrono::steady_clock::now();
  it->second.detail = detail;
}

void StreamHealth::clear(HealthCondition c, const std::string& key) {
  const std::lock_guard lock(mutex_);
  active_.erase({c, key});
}

bool StreamHealth::holds(HealthCondition c) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [k, e] : active_) {
    if (k.first == c) return true;
  }
  return false;
}

HealthReport StreamHealth::report() const {
  const std::lock_guard lock(mutex_);
  HealthReport r;
  if (active_.empty()) {
    r.reason = "ok";
    return r;
  }
  r.healthy = false;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [k, e] : active_) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - e.since).count();
    if (!r.reason.empty()) r.reason += "; ";
    r.reason += fmt::format("{}{}: {} (for {} s)", to_string(k.first),
                            k.second.empty() ? "" : "[" + k.second + "]", e.detail, secs);
  }
  return r;
}

}  // namespace etl::pipeline

#pragma once
// What /healthz reports for the stream: healthy unless one of a few named conditions holds.
// Each condition is set and cleared by the component that observes it (the poll loop for Kafka
// and the assignment, a worker for its MySQL retries); the reason text says what and since when.
// Thread-safe.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace etl::pipeline {

enum class HealthCondition {
  starting,           // not yet assigned partitions by the group (first join waits a few seconds)
  kafka_unreachable,  // librdkafka reports all brokers down; cleared by a message, the end of a
                      // partition or a watermark answer
  mysql_failing,      // a worker's batch failed more than stream.max_retries times in a row
  stopping,           // SIGINT/SIGTERM received: writing what is pending, leaving the group
  fatal,              // a fatal error: the process is about to exit non-zero
};

std::string_view to_string(HealthCondition c) noexcept;

struct HealthReport {
  bool healthy = true;
  std::string reason;  // "ok", or each active condition with its detail, "; "-separated
};

class StreamHealth {
 public:
  // Sets (or updates the detail of) a condition. `key` distinguishes several holders of the same
  // condition (e.g. one per worker); the condition holds while any key holds it.
  void set(HealthCondition c, const std::string& detail, const std::string& key = "");
  void clear(HealthCondition c, const std::string& key = "");
  [[nodiscard]] bool holds(HealthCondition c) const;
  [[nodiscard]] HealthReport report() const;

 private:
  struct Entry {
    std::string detail;
    std::chrono::steady_clock::time_point since;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<HealthCondition, std::string>, Entry> active_;
};

}  // namespace etl::pipeline

#pragma once
// Label values that come from data (e.g. the `account` header of Kafka messages) with a bound on
// how many series they can create: the values declared known (from the configuration) always
// get their own series; other values get their own too, first come first served, until
// `max_unknown` of them have; every further value is counted under `overflow` instead (and
// reported once, so the operator learns the bound was reached). Thread-safe.

#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace etl::metrics {

class BoundedLabels {
 public:
  BoundedLabels(size_t max_unknown, std::string overflow)
      : max_unknown_(max_unknown), overflow_(std::move(overflow)) {}

  void add_known(const std::vector<std::string>& values);
  struct Label {
    std::string value;
    bool first_overflow = false;  // the first value ever sent to `overflow`: say so once
  };
  // The label value to count `value` under.
  Label label(std::string_view value);
  [[nodiscard]] const std::string& overflow() const noexcept { return overflow_; }

 private:
  size_t max_unknown_;
  std::string overflow_;
  std::mutex mutex_;
  std::set<std::string, std::less<>> known_;
  std::set<std::string, std::less<>> admitted_;  // unknown values given their own series
  bool overflowed_ = false;
};

}  // namespace etl::metrics

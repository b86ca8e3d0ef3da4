#include "metrics/bounded_labels.hpp"

namespace etl::metrics {

void BoundedLabels::add_known(const std::vector<std::string>& values) {
  const std::lock_guard lock(mutex_);
  known_.insert(values.begin(), values.end());
}

BoundedLabels::Label BoundedLabels::label(std::string_view value) {
  const std::lock_guard lock(mutex_);
  if (known_.find(value) != known_.end() || admitted_.find(value) != admitted_.end()) {
    return {std::string(value), false};
  }
  if (admitted_.size() < max_unknown_) {
    admitted_.emplace(value);
    return {std::string(value), false};
  }
  const bool first = !overflowed_;
  overflowed_ = true;
  return {overflow_, first};
}

}  // namespace etl::metrics

#include "pipeline/fetch_dedup.hpp"

namespace etl::pipeline {

namespace {
bool as_number(std::string_view s, uint64_t& out) noexcept {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}
}  // namespace

bool FetchDedup::first_time(std::string_view purchase_order_id) {
  uint64_t n = 0;
  const bool numeric = as_number(purchase_order_id, n);
  std::lock_guard lock(mutex_);
  if (numeric) return numeric_.insert(n).second;
  return other_.emplace(purchase_order_id).second;
}

size_t FetchDedup::size() const {
  std::lock_guard lock(mutex_);
  return numeric_.size() + other_.size();
}

}  // namespace etl::pipeline

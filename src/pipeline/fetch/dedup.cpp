#include "pipeline/fetch/dedup.hpp"

#include "order/message_format.hpp"

namespace etl::pipeline {

bool FetchDedup::first_time(std::string_view purchase_order_id) {
  const auto n = order::purchase_order_id_number(purchase_order_id);
  std::lock_guard lock(mutex_);
  if (n) return numeric_.insert(*n).second;
  return other_.emplace(purchase_order_id).second;
}

size_t FetchDedup::size() const {
  std::lock_guard lock(mutex_);
  return numeric_.size() + other_.size();
}

}  // namespace etl::pipeline

#pragma once
// De-duplication of orders by purchaseOrderId within one fetch run: an order seen in two windows
// (a shared boundary instant, a split, a retried window, several ship-node types) is produced
// once. Holds only the ids (8 bytes each for the usual all-digit ids), never order bodies, so
// memory stays small whatever the range. Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace etl::pipeline {

class FetchDedup {
 public:
  // True the first time an id is seen in this run.
  bool first_time(std::string_view purchase_order_id);
  [[nodiscard]] size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<int64_t> numeric_;  // canonical ids (order::purchase_order_id_number)
  std::unordered_set<std::string> other_;
};

}  // namespace etl::pipeline

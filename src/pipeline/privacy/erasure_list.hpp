#pragma once
// The erasure list a writer consults (ods.etl_privacy_erasure, filled by walmart-etl forget): the
// customerOrderIds whose orders are written with every personal field NULL, whatever the field
// policies say, so a re-delivery from Kafka or a re-fetch never brings erased data back.
//
// One per writer thread. The list is small (ids of erasure requests) and read whole; a stream
// worker reads it again at most once per refresh interval, before it parses new messages, so the
// cost is one short query per interval, and nothing at all per message while the list is empty
// (the redactor then stays inactive for policies that keep everything).

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_set>

#include "mysql/connection.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

inline constexpr std::chrono::milliseconds kErasureRefreshInterval{1000};

class ErasureList {
 public:
  ErasureList() = default;
  // The redactor's check refers to this object: it stays where it was made.
  ErasureList(const ErasureList&) = delete;
  ErasureList& operator=(const ErasureList&) = delete;

  // Reads the list again when the refresh interval has passed since the last read (always on the
  // first call) and hands the redactor a check over it (none while the list is empty). Throws
  // EtlError from the query; the previous list stays in force.
  void refresh_if_due(mysql::Connection& conn, privacy::Redactor& redactor);
  void refresh(mysql::Connection& conn, privacy::Redactor& redactor);

  [[nodiscard]] bool contains(std::string_view customer_order_id) const {
    return ids_.contains(std::string(customer_order_id));
  }
  [[nodiscard]] size_t size() const noexcept { return ids_.size(); }

 private:
  std::unordered_set<std::string> ids_;
  std::chrono::steady_clock::time_point read_at_{};
  bool read_ = false;
};

}  // namespace etl::pipeline

#include "pipeline/privacy/erasure_list.hpp"

namespace etl::pipeline {

void ErasureList::refresh_if_due(mysql::Connection& conn, privacy::Redactor& redactor) {
  if (read_ && std::chrono::steady_clock::now() - read_at_ < kErasureRefreshInterval) return;
  refresh(conn, redactor);
}

void ErasureList::refresh(mysql::Connection& conn, privacy::Redactor& redactor) {
  std::unordered_set<std::string> ids;
  for (const auto& row : conn.query("SELECT customerOrderId FROM etl_privacy_erasure")) {
    if (row.at(0)) ids.insert(*row.at(0));
  }
  read_ = true;
  read_at_ = std::chrono::steady_clock::now();
  ids_ = std::move(ids);
  if (ids_.empty()) {
    redactor.set_erased_check(nullptr);
  } else {
    redactor.set_erased_check([this](std::string_view id) { return contains(id); });
  }
}

}  // namespace etl::pipeline

#include "privacy/redactor_pool.hpp"

namespace etl::privacy {

Redaction RedactorPool::redact(std::string_view bytes, std::string& out) {
  std::unique_ptr<Redactor> r;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      r = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!r) r = std::make_unique<Redactor>(policies_);
  Redaction result = r->redact(bytes, out);
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(r));
  return result;
}

}  // namespace etl::privacy

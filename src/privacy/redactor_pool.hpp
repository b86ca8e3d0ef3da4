#pragma once
// Redactors (redactor.hpp) for callers on many threads at once - fetch's workers producing
// orders: a Redactor is one thread's (it owns a parser and a buffer), so each call borrows an idle
// one (or makes one) and gives it back. As many exist as threads ever redacted at the same time.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/redactor.hpp"

namespace etl::privacy {

class RedactorPool {
 public:
  explicit RedactorPool(FieldPolicies policies) : policies_(std::move(policies)) {}

  // False when every policy is keep: redact() would change nothing.
  [[nodiscard]] bool active() const noexcept { return policies_.changes_anything(); }

  // As Redactor::redact. Thread-safe.
  Redaction redact(std::string_view bytes, std::string& out);

 private:
  FieldPolicies policies_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Redactor>> idle_;  // guarded by mutex_
};

}  // namespace etl::privacy

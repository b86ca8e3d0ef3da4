#pragma once
// The one piece of code that applies the field policies (field_policy.hpp) to an order record:
// the message value of `stream`, a record of `load`, a dead letter's payload, a stored archive
// JSON. It rewrites only the bytes of each personal field's value - `"value"` becomes
// `"<64 hex digits>"` (hash) or `null` (drop) - and leaves every other byte as received, so the
// columns, the raw archive and a dead letter all derive from the same redacted bytes.
//
// Input: an order object, or an array of order objects (as OrderMapper reads them). Every
// occurrence of a personal field is rewritten (a duplicate key too, whichever one a reader
// keeps); keys are compared after unescaping. What `hash` hashes: a string's decoded text (UTF-8,
// escapes resolved, so "\u00e9" and "é" hash alike), any other value's JSON text as written
// (pickupPersons: the whole list). A null stays null; a missing field stays missing.
//
// Idempotent: redacting redacted bytes changes nothing. `drop` leaves a null as it is, and `hash`
// leaves a string that already is what it writes - exactly 64 lower-case hex digits
// (looks_hashed) - as it is, so a value hashed by fetch (privacy.apply_before_kafka), by an
// earlier write or by `privacy apply` is never hashed twice. The price: a clear value of exactly
// that form would be kept as received; none of the personal fields has it (an email has an '@',
// a name or address has letters beyond a-f or spaces, a phone or postal code is far shorter, and
// pickupPersons is a list, never a string).
//
// Not thread-safe (it owns a simdjson parser and a padded buffer): one per thread, like the
// mapper. Pure: no I/O, never throws for its input.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "privacy/field_policy.hpp"

namespace etl::privacy {

enum class RedactOutcome {
  unchanged,  // nothing to rewrite (all kept, fields absent or null): `out` is not touched
  redacted,   // `out` holds the rewritten record
  not_json,   // the record does not parse: `out` is not touched, `problem` says why
};

struct Redaction {
  RedactOutcome outcome = RedactOutcome::unchanged;
  size_t values = 0;    // values rewritten
  std::string problem;  // for not_json
};

// Tells, from an order's customerOrderId (its text: a string's content or a number as written),
// whether the buyer's data was erased (walmart-etl forget): then every field is dropped whatever
// the policies say.
// True when `text` is what `hash` writes: 64 characters, each 0-9 or a-f.
[[nodiscard]] bool looks_hashed(std::string_view text) noexcept;

using ErasedCheck = std::function<bool(std::string_view customer_order_id)>;

class Redactor {
 public:
  explicit Redactor(FieldPolicies policies);
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Consulted per order when set (the erasure list); unset: the policies alone decide.
  void set_erased_check(ErasedCheck check);

  // False when no policy changes anything and no erasure list is set: callers may skip redact().
  [[nodiscard]] bool active() const noexcept;

  Redaction redact(std::string_view bytes, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace etl::privacy

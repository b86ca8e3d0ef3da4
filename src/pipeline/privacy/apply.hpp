#pragma once
// `walmart-etl privacy apply`: brings what is already stored to the current field policies - the
// archive JSON (walmart_order_raw, compressed or plain as it is), the personal columns of
// walmart_order and the payloads of dead letters - so an existing ODS can switch to `hash` or
// `drop`. New writes follow the policies by themselves (record_to_write); this is for the rows
// written before.
//
// Three steps, each a keyset walk over its table's primary key in batches of `batch_rows`, one
// short transaction per batch (READ COMMITTED; the batch's rows are locked FOR UPDATE in key
// order, the archive row before the order's lines, as the writers lock them):
//   archive       walmart_order_raw: the JSON through the redactor, then the order's
//                 walmart_order rows set to what the mapper reads from the redacted JSON (exactly
//                 what a write of that record would store, a value longer than its column
//                 included); an archive that does not parse leaves its rows to the next step
//   rows          walmart_order rows: each personal column by column_under_policy (the rows of
//                 orders without an archive entry; rows converted by the first step are left)
//   dead_letters  walmart_order_dead_letter: the payload through the redactor (one that does not
//                 parse is left until privacy.dead_letter_retention_days)
// An order of the erasure list (etl_privacy_erasure) has every field dropped, as writers do.
//
// How a value is known to be converted already: by its form, what the policy writes - NULL for
// `drop`, 64 lower-case hex digits for `hash` (privacy::looks_hashed). The redactor and
// column_under_policy leave such values as they are, so nothing is hashed twice: a second run, a
// run repeating batches after a crash, rows the stream wrote under the new policy meanwhile - all
// change nothing. Where it stands is in etl_privacy_apply (sql/etl_privacy_apply.sql), updated in
// each batch's transaction: a run stopped anywhere continues after the last committed batch when
// started again with the same policies and key (policy_fingerprint); with others it starts over.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "privacy/field_policy.hpp"

namespace etl::pipeline {

struct ApplyOptions {
  bool dry_run = false;     // count what would change; write nothing (no locks, no progress)
  size_t batch_rows = 500;  // rows per batch (and per transaction)
  std::chrono::milliseconds pause{0};  // between batches, to leave the server to the writers
  std::chrono::milliseconds progress_every{std::chrono::seconds(10)};  // the progress line
};

struct ApplyStep {
  uint64_t scanned = 0;     // rows read
  uint64_t changed = 0;     // rows (or archive entries, dead letters) rewritten
  uint64_t unparsable = 0;  // archive entries or dead letters left: not JSON
  bool resumed = false;     // continued after the key an interrupted run stored
};

struct ApplyReport {
  ApplyStep archive;       // walmart_order_raw entries
  ApplyStep rows;          // walmart_order rows: scanned by the second step, changed by either
  ApplyStep dead_letters;  // walmart_order_dead_letter rows
  std::string fingerprint;
  bool nothing_to_apply = false;  // every policy is keep
};

// The policies and key a run converts to, as a SHA-256 (the key enters only through an HMAC).
std::string policy_fingerprint(const privacy::FieldPolicies& policies);

// Throws EtlError (fatal: missing tables or privileges; retriable: MySQL unavailable, a lock wait
// retried too often). Every batch committed before a failure stays, and a re-run continues.
ApplyReport run_privacy_apply(const config::MysqlConfig& cfg,
                              const privacy::FieldPolicies& policies, const ApplyOptions& options);

}  // namespace etl::pipeline

#pragma once
// One purchaseOrderId, one seller. Walmart issues purchase order ids for the whole marketplace, so
// the tables are keyed on the id alone and the account is a column beside it. Two accounts
// delivering the same id therefore means a misconfiguration (one seller's credentials under two
// account names, or a test fixture reused), and writing the second would silently move the order
// from one account to the other. The writer asks which account each order of a batch is stored
// under and refuses the ones stored under another: they go to the dead letter, nothing is lost.
// A stored NULL (a row written before the column existed) is not a claim: the new write sets it.
//
// The question and the write are one: inside the batch's transaction the writer first locks the
// walmart_order_raw row of every id it is about to write (claim_order_ids: an INSERT of a bare row,
// or a no-op on an existing one), and only then reads the stored accounts. A plain or FOR UPDATE
// SELECT would not do: at READ COMMITTED an id not stored yet has no row to lock, so a concurrent
// `load` and `stream` could both find it free. With the row locked, the second writer waits until
// the first commits and then reads the first one's account.
//
// Ids the writer read as stored nowhere skip the claim: their plain INSERTs claim them. With the
// raw archive on, their walmart_order_raw row's INSERT (another writer's row makes it wait, then
// fail on the key); with it off, their lines' INSERT followed by lock_order_lines() - no bare row
// is inserted for them, so none is deleted again.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mysql/connection.hpp"

namespace etl::mysql {

// purchaseOrderId -> the account stored for it (only ids stored with a non-NULL account).
using StoredAccounts = std::unordered_map<int64_t, std::string>;

// Locks the walmart_order_raw row of each of `ids` (ascending, so two writers lock in one order)
// until the transaction ends, inserting a bare row (every column NULL but the id) where there is
// none. Call inside the transaction, before read_stored_accounts().
void claim_order_ids(Connection& conn, std::vector<int64_t> ids);

// Deletes the bare rows claim_order_ids() inserted for `ids` that were not written after all (an
// order refused, or the raw archive off); a row holding anything is left as it is.
void release_unwritten_claims(Connection& conn, const std::vector<int64_t>& ids);

// What the tables hold of some ids: which are stored at all (in walmart_order_raw or
// walmart_order, with or without an account), and the accounts of those stored with one.
struct StoredIds {
  std::unordered_set<int64_t> present;
  StoredAccounts accounts;
};

// Reads which of `ids` are stored, and under which account, from walmart_order_raw (one row per
// order, lines or not) and walmart_order (covers a raw archive that is off): one statement of
// primary-key lookups per 999 ids. The writer asks it twice: once before its transaction, to
// split a batch into ids stored nowhere (written by plain INSERTs) and known ones, and inside the
// transaction for the ids it has claimed (then no other writer can change the answer).
StoredIds read_stored_ids(Connection& conn, const std::vector<int64_t>& ids);

// Locks the walmart_order rows of `ids` and counts them. A locking read waits for the rows another
// writer has inserted and not committed yet, and then sees them: a writer that has just inserted
// the lines of ids it read as new, with no walmart_order_raw row to claim them (the raw archive
// off), learns from a count above what it inserted that another writer stores them too.
size_t lock_order_lines(Connection& conn, const std::vector<int64_t>& ids);

// read_stored_ids(conn, ids).accounts.
StoredAccounts read_stored_accounts(Connection& conn, const std::vector<int64_t>& ids);

// Pure: why an order for `incoming` must not be written, or nullopt when it may. An order without
// an account never conflicts (nothing to compare), nor does an id that is not stored yet.
std::optional<std::string> account_conflict(const StoredAccounts& stored, int64_t purchase_order_id,
                                            const std::optional<std::string>& incoming);

}  // namespace etl::mysql

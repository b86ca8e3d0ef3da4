#pragma once
// One purchaseOrderId, one seller. Walmart issues purchase order ids for the whole marketplace, so
// the tables are keyed on the id alone and the account is a column beside it. Two accounts
// delivering the same id therefore means a misconfiguration (one seller's credentials under two
// account names, or a test fixture reused), and writing the second would silently move the order
// from one account to the other. The writer asks which account each order of a batch is stored
// under and refuses the ones stored under another: they go to the dead letter, nothing is lost.
// A stored NULL (a row written before the column existed) is not a claim: the new write sets it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mysql/connection.hpp"

namespace etl::mysql {

// purchaseOrderId -> the account stored for it (only ids stored with a non-NULL account).
using StoredAccounts = std::unordered_map<int64_t, std::string>;

// Reads the stored accounts of `ids` from walmart_order_raw (one row per order, lines or not) and
// walmart_order (covers a raw archive that is off), in statements of at most 1,000 ids.
StoredAccounts read_stored_accounts(Connection& conn, const std::vector<int64_t>& ids);

// Pure: why an order for `incoming` must not be written, or nullopt when it may. An order without
// an account never conflicts (nothing to compare), nor does an id that is not stored yet.
std::optional<std::string> account_conflict(const StoredAccounts& stored, int64_t purchase_order_id,
                                            const std::optional<std::string>& incoming);

}  // namespace etl::mysql

#include "mysql/account_guard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace etl::mysql {

namespace {
// Below 1,000: MariaDB turns an IN list of 1,000 values or more into a join with a materialized
// table of them (in_predicate_conversion_threshold), about four more row reads per id.
constexpr size_t kIdsPerStatement = 999;
// A walmart_order_raw row that claim_order_ids() inserted and no order filled (yet).
constexpr std::string_view kBareRow =
    "account IS NULL AND payload IS NULL AND payload_zlib IS NULL AND request_time IS NULL AND "
    "source_topic IS NULL AND source_file IS NULL";

// Runs `sql_for(list)` for the ids in statements of at most kIdsPerStatement, `row` formatting
// each id ("1" or "(1)").
template <class F>
void for_id_lists(const std::vector<int64_t>& ids, std::string_view row_format, F&& run) {
  for (size_t a = 0; a < ids.size(); a += kIdsPerStatement) {
    const size_t b = std::min(ids.size(), a + kIdsPerStatement);
    std::string list;
    for (size_t i = a; i < b; ++i) {
      if (i != a) list += ',';
      list += fmt::format(fmt::runtime(row_format), ids[i]);
    }
    run(list);
  }
}
}  // namespace

void claim_order_ids(Connection& conn, std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // The no-op update still takes the row's exclusive lock when the row exists.
  for_id_lists(ids, "({})", [&](const std::string& rows) {
    conn.execute(
        fmt::format("INSERT INTO walmart_order_raw (purchaseOrderId) VALUES {} ON DUPLICATE KEY "
                    "UPDATE purchaseOrderId = purchaseOrderId",
                    rows));
  });
}

void release_unwritten_claims(Connection& conn, const std::vector<int64_t>& ids) {
  for_id_lists(ids, "{}", [&](const std::string& list) {
    conn.execute(fmt::format("DELETE FROM walmart_order_raw WHERE purchaseOrderId IN ({}) AND {}",
                             list, kBareRow));
  });
}

StoredIds read_stored_ids(Connection& conn, const std::vector<int64_t>& ids) {
  StoredIds out;
  // Both halves are lookups on the primary keys' first column, forced: with hundreds of values
  // the optimizer estimates from index statistics instead of looking, and on young tables it
  // then scanned the whole primary key (about 8 index entries read per row written, growing with
  // the table). No condition on `account`, which would offer the (account, orderDate_formatted)
  // index too. A bare claim row is not a stored order: only this transaction's own can be seen
  // (they never outlive it). UNION ALL without DISTINCT: an order's lines come back once each.
  for_id_lists(ids, "{}", [&](const std::string& list) {
    const auto rows = conn.query(fmt::format(
        "SELECT purchaseOrderId, account FROM walmart_order_raw FORCE INDEX (PRIMARY) WHERE "
        "purchaseOrderId IN ({0}) AND NOT ({1}) UNION ALL SELECT purchaseOrderId, account FROM "
        "walmart_order FORCE INDEX (PRIMARY) WHERE purchaseOrderId IN ({0})",
        list, kBareRow));
    for (const auto& row : rows) {
      if (row.empty() || !row[0]) continue;
      const int64_t id = std::stoll(*row[0]);
      out.present.insert(id);
      if (row.size() >= 2 && row[1]) out.accounts.emplace(id, *row[1]);
    }
  });
  return out;
}

size_t lock_order_lines(Connection& conn, const std::vector<int64_t>& ids) {
  size_t rows = 0;
  for_id_lists(ids, "{}", [&](const std::string& list) {
    const auto r =
        conn.query(fmt::format("SELECT COUNT(*) FROM walmart_order FORCE INDEX (PRIMARY) WHERE "
                               "purchaseOrderId IN ({}) FOR UPDATE",
                               list));
    if (!r.empty() && !r[0].empty() && r[0][0]) rows += std::stoull(*r[0][0]);
  });
  return rows;
}

StoredAccounts read_stored_accounts(Connection& conn, const std::vector<int64_t>& ids) {
  return read_stored_ids(conn, ids).accounts;
}

std::optional<std::string> account_conflict(const StoredAccounts& stored, int64_t purchase_order_id,
                                            const std::optional<std::string>& incoming) {
  if (!incoming) return std::nullopt;
  const auto it = stored.find(purchase_order_id);
  if (it == stored.end() || it->second == *incoming) return std::nullopt;
  return fmt::format(
      "purchaseOrderId {} is already stored for account '{}', this record is for account '{}'; "
      "Walmart issues one id per order across sellers, so one seller is probably configured under "
      "two account names (kept here, the stored order is unchanged)",
      purchase_order_id, it->second, *incoming);
}

}  // namespace etl::mysql

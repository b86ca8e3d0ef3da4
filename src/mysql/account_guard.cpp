#include "mysql/account_guard.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace etl::mysql {

namespace {
constexpr size_t kIdsPerStatement = 1000;

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
    conn.execute(fmt::format(
        "DELETE FROM walmart_order_raw WHERE purchaseOrderId IN ({}) AND account IS NULL AND "
        "payload IS NULL AND payload_zlib IS NULL AND request_time IS NULL AND source_topic IS "
        "NULL AND source_file IS NULL",
        list));
  });
}

StoredAccounts read_stored_accounts(Connection& conn, const std::vector<int64_t>& ids) {
  StoredAccounts out;
  for (size_t a = 0; a < ids.size(); a += kIdsPerStatement) {
    const size_t b = std::min(ids.size(), a + kIdsPerStatement);
    std::string list;
    for (size_t i = a; i < b; ++i)
      fmt::format_to(std::back_inserter(list), "{}{}", i == a ? "" : ",", ids[i]);
    const auto rows = conn.query(fmt::format(
        "SELECT purchaseOrderId, account FROM walmart_order_raw WHERE account IS NOT NULL AND "
        "purchaseOrderId IN ({0}) UNION SELECT DISTINCT purchaseOrderId, account FROM "
        "walmart_order "
        "WHERE account IS NOT NULL AND purchaseOrderId IN ({0})",
        list));
    for (const auto& row : rows) {
      if (row.size() < 2 || !row[0] || !row[1]) continue;
      out.emplace(std::stoll(*row[0]), *row[1]);
    }
  }
  return out;
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

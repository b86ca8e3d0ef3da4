#include "mysql/account_guard.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace etl::mysql {

namespace {
constexpr size_t kIdsPerStatement = 1000;
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

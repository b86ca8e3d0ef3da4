#pragma once
// The e2e tests' independent verifier: a few facts per order, taken once from the simulator's
// ground truth (its --dump / GET /_sim/dump, read with e2e/json_tree, not with the project's
// mapping) and once from MySQL (plain SQL over ods tables), then compared:
//  - the same set of purchaseOrderIds (walmart_order_raw ∪ walmart_order on the MySQL side);
//  - per order the same line numbers, and per line the same first orderLineStatus;
//  - per order the same number of charges and the same sums of chargeAmount and taxAmount over
//    every charge of every line (walmart_order_charge), in integer cents.

#include <cstdint>
#include <map>
#include <string>

#include "config/config.hpp"

namespace etl::e2e {

struct OrderFacts {
  std::map<int64_t, std::string> line_status;  // lineNumber -> first status ("" when none)
  int64_t charges = 0;
  int64_t charge_cents = 0;
  int64_t tax_cents = 0;  // null/absent tax counts 0
  bool operator==(const OrderFacts&) const = default;
};
using OrderFactsById = std::map<std::string, OrderFacts>;  // purchaseOrderId as decimal digits

// One order JSON object per line (blank lines ignored). Throws std::runtime_error naming the
// line on anything it cannot read (the dump is the ground truth: it must be readable).
OrderFactsById facts_from_ndjson(const std::string& ndjson);

OrderFactsById facts_from_mysql(const config::MysqlConfig& db);

// "" when equal; else the counts and the first few differences, by order id.
std::string compare_facts(const OrderFactsById& expected, const OrderFactsById& actual);

// ods.etl_kafka_offset of a group and topic: partition -> next offset.
std::map<int32_t, int64_t> stored_offsets(const config::MysqlConfig& db, const std::string& group,
                                          const std::string& topic);
// "" when every partition with messages has its stored next offset at the end offset (and the
// empty ones none or 0); else what differs.
std::string compare_offsets(const std::map<int32_t, int64_t>& end_offsets,
                            const std::map<int32_t, int64_t>& stored);

// Single-value SQL helper (first column of the first row; "" for NULL or no row).
std::string query_value(const config::MysqlConfig& db, const std::string& sql);
int64_t query_count(const config::MysqlConfig& db, const std::string& sql);

}  // namespace etl::e2e

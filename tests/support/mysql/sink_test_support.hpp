#pragma once
// Helpers for the MySQL sink's integration tests (tests/integration/mysql, tests/e2e/load):
// synthetic order JSON, parsed through the real mapping, and table dumps for exact comparisons.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.hpp"
#include "mysql/write_batch.hpp"
#include "order/order_mapper.hpp"

namespace etl::test::sink {

struct ChargeSpec {
  std::string type;    // chargeType
  std::string amount;  // JSON number text, e.g. "24.99"
};

struct LineSpec {
  int line = 1;
  std::string sku = "SKU";
  std::string quantity = "1";
  std::vector<ChargeSpec> charges{{"PRODUCT", "10.00"}};
  std::string status = "Created";
};

// A compact order object with the given lines (every line: item, quantity, charges, status).
inline std::string order_json(int64_t id, const std::vector<LineSpec>& lines,
                              std::string_view city = "Bentonville",
                              std::string_view request_time = "2024-05-02 17:05:41") {
  std::string s =
      "{\"purchaseOrderId\":\"" + std::to_string(id) + "\",\"customerOrderId\":\"" +
      std::to_string(id + 1000) +
      "\",\"customerEmailId\":\"c@example.test\",\"orderDate\":1714573391000,"
      "\"shippingInfo\":{\"phone\":\"5550100\",\"estimatedDeliveryDate\":1715108400000,"
      "\"methodCode\":\"Standard\",\"postalAddress\":{\"name\":\"Test Person\",\"city\":\"" +
      std::string(city) + "\",\"country\":\"USA\"}},\"orderLines\":{\"orderLine\":[";
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (i) s += ',';
    s += "{\"lineNumber\":\"" + std::to_string(l.line) + "\",\"item\":{\"productName\":\"Product " +
         l.sku + "\",\"sku\":\"" + l.sku + "\"},\"charges\":{\"charge\":[";
    for (size_t c = 0; c < l.charges.size(); ++c) {
      if (c) s += ',';
      s += "{\"chargeType\":\"" + l.charges[c].type + "\",\"chargeName\":\"" + l.charges[c].type +
           "-name\",\"chargeAmount\":{\"currency\":\"USD\",\"amount\":" + l.charges[c].amount +
           "},\"tax\":{\"taxName\":\"Tax1\",\"taxAmount\":{\"currency\":\"USD\",\"amount\":0.5}}}";
    }
    s += "]},\"orderLineQuantity\":{\"unitOfMeasurement\":\"EACH\",\"amount\":\"" + l.quantity +
         "\"},\"statusDate\":1714573540000,\"orderLineStatuses\":{\"orderLineStatus\":[{\"status\":"
         "\"" +
         l.status + "\",\"statusQuantity\":{\"amount\":\"" + l.quantity + "\"}}]}}";
  }
  s += "]},\"shipNode\":{\"type\":\"SellerFulfilled\"},\"request_time\":\"" +
       std::string(request_time) + "\"}";
  return s;
}

// The order parsed by the real mapping, ready for the writer. Fails the test (throws) if the
// JSON is a bad record.
inline mysql::OrderToWrite to_write(std::string_view json, std::string source,
                                    int32_t record_index = 0,
                                    std::string source_file = "test.json") {
  static thread_local order::OrderMapper mapper;
  auto r = mapper.parse_message(json);
  if (r.bad || r.orders.size() != 1)
    throw std::runtime_error("test order did not map: " + (r.bad ? r.bad->reason : ""));
  mysql::OrderToWrite w;
  w.order = std::move(r.orders[0]);
  w.origin.source = std::move(source);
  w.origin.record_index = record_index;
  w.source_file = std::move(source_file);
  return w;
}

// Every row of `table` ordered by its key, all columns except the server-set times
// (load_time, created_at, updated_at) and the dead letter's auto id.
inline std::vector<mysql::Row> dump(mysql::Connection& c, const std::string& database,
                                    const std::string& table) {
  std::string cols;
  for (auto& r : c.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=" +
                         c.quote(database) + " AND TABLE_NAME=" + c.quote(table) +
                         " ORDER BY ORDINAL_POSITION")) {
    const std::string& n = *r[0];
    // account: checked by the tests about accounts (a writer given none writes NULL).
    if (n == "load_time" || n == "created_at" || n == "updated_at" || n == "id" || n == "account")
      continue;
    cols += (cols.empty() ? "" : ", ") + std::string("`") + n + "`";
  }
  std::string order_by = "1";
  if (table == "walmart_order") order_by = "purchaseOrderId, lineNumber";
  if (table == "walmart_order_charge") order_by = "purchaseOrderId, lineNumber, chargeSeq";
  if (table == "walmart_order_dead_letter") order_by = "source, record_index, record_sha256";
  if (table == "etl_kafka_offset") order_by = "consumer_group, topic, partition_id";
  return c.query("SELECT " + cols + " FROM " + mysql::quote_identifier(database) + "." + table +
                 " ORDER BY " + order_by);
}

inline std::string scalar(mysql::Connection& c, const std::string& sql) {
  auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

}  // namespace etl::test::sink

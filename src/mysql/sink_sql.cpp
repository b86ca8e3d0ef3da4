#include "mysql/sink_sql.hpp"

#include <array>
#include <string_view>

namespace etl::mysql::sql {

namespace {

constexpr std::array<std::string_view, kOrderLineParams> kOrderColumns = {
    "purchaseOrderId",
    "customerOrderId",
    "customerEmailId",
    "orderDate",
    "orderDate_formatted",
    "shipNode_type",
    "shipNode_name",
    "shipNode_id",
    "source_file",
    "phone",
    "estimatedDeliveryDate",
    "estimatedDeliveryDate_formatted",
    "estimatedShipDate",
    "estimatedShipDate_formatted",
    "methodCode",
    "recipient_name",
    "address1",
    "address2",
    "city",
    "state",
    "postalCode",
    "country",
    "addressType",
    "lineNumber",
    "sku",
    "productName",
    "product_condition",
    "quantity",
    "unitOfMeasurement",
    "statusDate",
    "statusDate_formatted",
    "fulfillmentOption",
    "shipMethod",
    "storeId",
    "shippingProgramType",
    "chargeType",
    "chargeName",
    "chargeAmount",
    "currency",
    "taxAmount",
    "taxName",
    "orderLineStatus",
    "statusQuantity",
    "cancellationReason",
    "shipDateTime",
    "shipDateTime_formatted",
    "carrierName",
    "carrierMethodCode",
    "trackingNumber",
    "trackingURL",
    "request_time",
    "account"};

constexpr std::array<std::string_view, kChargeParams> kChargeColumns = {
    "purchaseOrderId", "lineNumber", "chargeSeq", "chargeType", "chargeName",
    "chargeAmount",    "currency",   "taxName",   "taxAmount",  "account"};

constexpr std::array<std::string_view, kRawParams> kRawColumns = {
    "purchaseOrderId", "payload",     "request_time", "source_topic", "source_partition",
    "source_offset",   "source_file", "payload_zlib", "account"};

constexpr std::array<std::string_view, kDeadLetterParams> kDeadLetterColumns = {
    "source",        "record_index",    "source_topic", "source_partition", "source_offset",
    "message_key",   "purchaseOrderId", "payload",      "error_class",      "error_code",
    "error_message", "record_sha256",   "account"};

template <size_t N>
std::string column_list(const std::array<std::string_view, N>& cols, std::string_view extra) {
  std::string s = "(";
  for (auto c : cols) {
    s += c;
    s += ", ";
  }
  s += extra;
  s += ")";
  return s;
}

std::string placeholders(size_t n, std::string_view extra) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += "?, ";
  s += extra;
  s += ")";
  return s;
}

// "[ AS new] ON DUPLICATE KEY UPDATE c = new.c, ..." (or `c = VALUES(c)`) for every column not in
// the key, then `extra`.
template <size_t N>
std::string update_all(const ServerDialect& d, const std::array<std::string_view, N>& cols,
                       size_t key_columns, std::string_view extra) {
  std::string s(d.after_values());
  s += " ON DUPLICATE KEY UPDATE ";
  for (size_t i = key_columns; i < N; ++i) {
    s += cols[i];
    s += " = ";
    s += d.inserted(cols[i]);
    s += ", ";
  }
  s += extra;
  return s;
}

template <size_t N>
std::string plain_list(const std::array<std::string_view, N>& cols) {
  std::string s;
  for (auto c : cols) {
    if (!s.empty()) s += ", ";
    s += c;
  }
  return s;
}

}  // namespace

std::string order_line_columns() { return plain_list(kOrderColumns); }
std::string charge_columns() { return plain_list(kChargeColumns); }
std::string raw_columns() { return plain_list(kRawColumns); }

StatementShape upsert_order_lines(const ServerDialect& d) {
  // Key columns purchaseOrderId (1) and lineNumber (24) are never updated; the update list is
  // every other column.
  std::string update(d.after_values());
  update += " ON DUPLICATE KEY UPDATE ";
  for (auto c : kOrderColumns) {
    if (c == "purchaseOrderId" || c == "lineNumber") continue;
    update += c;
    update += " = ";
    update += d.inserted(c);
    update += ", ";
  }
  update += "load_time = " + d.inserted("load_time");
  return {"INSERT INTO walmart_order " + column_list(kOrderColumns, "load_time") + " VALUES ",
          placeholders(kOrderLineParams, "UTC_TIMESTAMP()"), ", ", std::move(update)};
}

StatementShape insert_order_lines() {
  return {"INSERT INTO walmart_order " + column_list(kOrderColumns, "load_time") + " VALUES ",
          placeholders(kOrderLineParams, "UTC_TIMESTAMP()"), ", ", ""};
}

StatementShape insert_raw() {
  return {"INSERT INTO walmart_order_raw " + column_list(kRawColumns, "load_time") + " VALUES ",
          placeholders(kRawParams, "UTC_TIMESTAMP()"), ", ", ""};
}

StatementShape insert_charges() {
  return {
      "INSERT INTO walmart_order_charge " + column_list(kChargeColumns, "load_time") + " VALUES ",
      placeholders(kChargeParams, "UTC_TIMESTAMP()"), ", ", ""};
}

StatementShape upsert_raw(const ServerDialect& d) {
  return {"INSERT INTO walmart_order_raw " + column_list(kRawColumns, "load_time") + " VALUES ",
          placeholders(kRawParams, "UTC_TIMESTAMP()"), ", ",
          update_all(d, kRawColumns, 1, "load_time = " + d.inserted("load_time"))};
}

StatementShape delete_charges() {
  return {"DELETE FROM walmart_order_charge WHERE purchaseOrderId IN (", "?", ", ", ")"};
}

StatementShape delete_stale_lines() {
  // FIND_IN_SET(lineNumber, '') is 0, so an order whose new version has no lines loses them all.
  return {"DELETE FROM walmart_order WHERE ",
          "(purchaseOrderId = ? AND NOT FIND_IN_SET(lineNumber, ?))", " OR ", ""};
}

StatementShape upsert_dead_letters(const ServerDialect& d) {
  // The key is (source, record_index, record_sha256): a replayed batch or a re-loaded file records
  // each rejection once (the newest reason wins); another record under a source name seen before
  // gets its own row.
  return {
      "INSERT INTO walmart_order_dead_letter " + column_list(kDeadLetterColumns, "created_at") +
          " VALUES ",
      placeholders(kDeadLetterParams, "UTC_TIMESTAMP()"), ", ",
      // Qualified: with the row alias, a bare created_at could be the inserted row's too.
      update_all(d, kDeadLetterColumns, 2, "created_at = walmart_order_dead_letter.created_at")};
}

}  // namespace etl::mysql::sql

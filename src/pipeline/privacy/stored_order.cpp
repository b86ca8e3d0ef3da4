#include "pipeline/privacy/stored_order.hpp"

#include <fmt/format.h>

namespace etl::pipeline {

std::string personal_column_list() {
  std::string s;
  for (const auto& c : kPersonalColumns) {
    if (!s.empty()) s += ", ";
    s += c.column;
  }
  return s;
}

std::optional<std::string> column_under_policy(config::FieldPolicy policy, const std::string& key,
                                               const std::optional<std::string>& value) {
  switch (policy) {
    case config::FieldPolicy::keep:
      return value;
    case config::FieldPolicy::drop:
      return std::nullopt;
    case config::FieldPolicy::hash:
      if (!value || privacy::looks_hashed(*value)) return value;
      return privacy::hmac_sha256_hex(key, *value);
  }
  return value;
}

void rewrite_archive(mysql::Connection& conn, std::string_view purchase_order_id,
                     std::string_view json) {
  const std::string quoted = conn.quote(json);
  conn.execute(fmt::format(
      "UPDATE walmart_order_raw SET payload = IF(payload IS NULL, NULL, {0}), payload_zlib = "
      "IF(payload_zlib IS NULL, NULL, COMPRESS({0})) WHERE purchaseOrderId = {1}",
      quoted, purchase_order_id));
}

void rewrite_dead_letter(mysql::Connection& conn, std::string_view id, std::string_view payload) {
  const std::string quoted = conn.quote(payload);
  // The key the row will have: a row kept one per source keeps SHA2(source).
  const std::string new_sha = fmt::format(
      "IF(d.record_sha256 = SHA2(d.source, 256), d.record_sha256, SHA2({}, 256))", quoted);
  conn.execute(fmt::format(
      "DELETE t FROM walmart_order_dead_letter t JOIN walmart_order_dead_letter d ON d.id = {0} "
      "AND t.source = d.source AND t.record_index = d.record_index AND t.record_sha256 = {1} AND "
      "t.id <> d.id",
      id, new_sha));
  conn.execute(fmt::format(
      "UPDATE walmart_order_dead_letter SET record_sha256 = IF(record_sha256 = SHA2(source, 256), "
      "record_sha256, SHA2({0}, 256)), payload = {0} WHERE id = {1}",
      quoted, id));
}

}  // namespace etl::pipeline

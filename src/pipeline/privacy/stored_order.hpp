#pragma once
// What `forget` and `privacy apply` share about an order already stored: the personal columns of
// walmart_order, and rewriting an archive entry or a dead letter's payload in place.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "mysql/connection.hpp"
#include "order/order_types.hpp"
#include "privacy/field_policy.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

// A personal field that has a walmart_order column (pickupPersons has none: archive only).
struct PersonalColumn {
  privacy::PersonalField field;
  std::string_view column;
  order::OptText order::OrderLineRow::*member;  // what the mapper reads into it
};

inline constexpr std::array<PersonalColumn, 7> kPersonalColumns{{
    {privacy::PersonalField::customer_email_id, "customerEmailId",
     &order::OrderLineRow::customer_email_id},
    {privacy::PersonalField::phone, "phone", &order::OrderLineRow::phone},
    {privacy::PersonalField::recipient_name, "recipient_name",
     &order::OrderLineRow::recipient_name},
    {privacy::PersonalField::address1, "address1", &order::OrderLineRow::address1},
    {privacy::PersonalField::address2, "address2", &order::OrderLineRow::address2},
    {privacy::PersonalField::city, "city", &order::OrderLineRow::city},
    {privacy::PersonalField::postal_code, "postalCode", &order::OrderLineRow::postal_code},
}};

// "customerEmailId, phone, ..., postalCode"
std::string personal_column_list();

// What a policy makes of one stored column value (not the archive: that is the redactor's):
// keep -> as it is, drop -> NULL, hash -> the keyed hash, except a NULL or a value that already
// is a hash (privacy::looks_hashed), which stay as they are.
std::optional<std::string> column_under_policy(config::FieldPolicy policy, const std::string& key,
                                               const std::optional<std::string>& value);

// Replaces the archive JSON of one order, in the column that held it (payload_zlib compressed by
// the server's COMPRESS(), or payload plain). `purchase_order_id` is digits.
void rewrite_archive(mysql::Connection& conn, std::string_view purchase_order_id,
                     std::string_view json);

// Replaces a dead letter's payload and keeps its unique key right: record_sha256 follows the
// payload (SHA2(payload, 256)), except for a row kept one per source (its record_sha256 is
// SHA2(source, 256)), and a twin that already holds the new key (the same record written again
// after the policy changed) is deleted first. Run it inside a transaction. `id` is digits.
void rewrite_dead_letter(mysql::Connection& conn, std::string_view id, std::string_view payload);

}  // namespace etl::pipeline

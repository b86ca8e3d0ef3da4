#pragma once
// The personal fields of an order (docs/data-model.md, "Personal data") and what is written of
// each: the policies of the `privacy` config section, with the key of `hash`.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/sha256.hpp"
#include "config/config.hpp"

namespace etl::privacy {

enum class PersonalField : size_t {
  customer_email_id,  // customerEmailId
  phone,              // shippingInfo.phone
  recipient_name,     // shippingInfo.postalAddress.name
  address1,           // shippingInfo.postalAddress.address1
  address2,           // shippingInfo.postalAddress.address2
  city,               // shippingInfo.postalAddress.city
  postal_code,        // shippingInfo.postalAddress.postalCode
  pickup_persons,     // pickupPersons (whole value: names and phones of who may collect)
};
inline constexpr size_t kPersonalFieldCount = 8;

// The field's JSON path in an order object ("shippingInfo.postalAddress.name").
[[nodiscard]] std::string_view json_path(PersonalField f) noexcept;

struct FieldPolicies {
  std::array<config::FieldPolicy, kPersonalFieldCount> policy{};  // all keep
  std::string hash_key;  // HMAC-SHA-256 key; non-empty whenever a policy is hash

  // From the configuration (its key resolved on loading: config/privacy_key.hpp).
  static FieldPolicies from(const config::PrivacyConfig& c);
  // Every field dropped: what an erasure (walmart-etl forget) leaves of an order.
  static FieldPolicies erase_all();

  [[nodiscard]] config::FieldPolicy of(PersonalField f) const noexcept {
    return policy[static_cast<size_t>(f)];
  }
  // False when every field is kept: nothing to do.
  [[nodiscard]] bool changes_anything() const noexcept;
};

// HMAC-SHA-256 of `value` under `key`, as 64 lower-case hex digits. Throws std::runtime_error
// only if OpenSSL fails (it does not for these inputs).
using etl::hmac_sha256_hex;

}  // namespace etl::privacy

#include "privacy/field_policy.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <stdexcept>

namespace etl::privacy {

std::string_view json_path(PersonalField f) noexcept {
  switch (f) {
    case PersonalField::customer_email_id:
      return "customerEmailId";
    case PersonalField::phone:
      return "shippingInfo.phone";
    case PersonalField::recipient_name:
      return "shippingInfo.postalAddress.name";
    case PersonalField::address1:
      return "shippingInfo.postalAddress.address1";
    case PersonalField::address2:
      return "shippingInfo.postalAddress.address2";
    case PersonalField::city:
      return "shippingInfo.postalAddress.city";
    case PersonalField::postal_code:
      return "shippingInfo.postalAddress.postalCode";
    case PersonalField::pickup_persons:
      return "pickupPersons";
  }
  return "?";
}

FieldPolicies FieldPolicies::from(const config::PrivacyConfig& c) {
  FieldPolicies p;
  p.policy = {c.customer_email_id, c.phone, c.recipient_name, c.address1,
              c.address2,          c.city,  c.postal_code,    c.pickup_persons};
  p.hash_key = c.resolved_key;
  return p;
}

FieldPolicies FieldPolicies::erase_all() {
  FieldPolicies p;
  p.policy.fill(config::FieldPolicy::drop);
  return p;
}

bool FieldPolicies::changes_anything() const noexcept {
  return std::any_of(policy.begin(), policy.end(),
                     [](config::FieldPolicy f) { return f != config::FieldPolicy::keep; });
}

std::string hmac_sha256_hex(std::string_view key, std::string_view value) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest,
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA-256 failed (OpenSSL HMAC)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(size) * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace etl::privacy

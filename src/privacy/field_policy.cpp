#include "privacy/field_policy.hpp"

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

}  // namespace etl::privacy

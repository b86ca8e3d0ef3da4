// The keys of the `privacy` section (what is written of each personal field of an order, the
// hash key, retention, fetch's redaction before Kafka) with their defaults, declared like every
// other section's in config_keys.cpp, which lists it in sections(). Kept apart so config_keys.cpp
// stays a readable size; nothing about them differs.

#include "config/key_schema.hpp"
#include "config/privacy_key.hpp"

namespace etl::config::schema {

namespace {
constexpr std::pair<std::string_view, FieldPolicy> kFieldPolicies[] = {
    {"keep", FieldPolicy::keep}, {"hash", FieldPolicy::hash}, {"drop", FieldPolicy::drop}};

Fields<PrivacyConfig> privacy() {
  using P = PrivacyConfig;
  // Every personal field is kept by default: a policy is the seller's decision.
  const auto policy = [](const std::string& name, FieldPolicy P::*m, const std::string& path) {
    return Fields<P>()
        .one_of(name, m, FieldPolicy::keep, EnumNames<FieldPolicy>(kFieldPolicies),
                path + ": keep, hash (HMAC-SHA-256, hex) or drop (NULL) everywhere it is written")
        .fields.back();
  };
  return Fields<P>()
      .add(policy("customer_email_id", &P::customer_email_id, "customerEmailId"))
      .add(policy("phone", &P::phone, "shippingInfo.phone"))
      .add(policy("recipient_name", &P::recipient_name, "shippingInfo.postalAddress.name"))
      .add(policy("address1", &P::address1, "shippingInfo.postalAddress.address1"))
      .add(policy("address2", &P::address2, "shippingInfo.postalAddress.address2"))
      .add(policy("city", &P::city, "shippingInfo.postalAddress.city"))
      .add(policy("postal_code", &P::postal_code, "shippingInfo.postalAddress.postalCode"))
      .add(policy("pickup_persons", &P::pickup_persons, "pickupPersons"))
      .secret("hash_secret", &P::hash_secret,
              "HMAC key of the hash policy, at least 32 bytes; required when a policy is hash")
      .string("hash_secret_env", &P::hash_secret_env, "",
              "environment variable holding hash_secret")
      .string("hash_secret_file", &P::hash_secret_file, "",
              "file holding hash_secret (relative: under $CREDENTIALS_DIRECTORY)")
      .integer("raw_retention_days", &P::raw_retention_days, 0, {0, 36500},
               "purge deletes walmart_order_raw rows not written for this many days; 0 = never")
      .integer("dead_letter_retention_days", &P::dead_letter_retention_days, 0, {0, 36500},
               "purge deletes dead letters older than this many days; 0 = never")
      .boolean("apply_before_kafka", &P::apply_before_kafka, false,
               "fetch applies the policies to each order before producing it to Kafka")
      .check([](P& p) { resolve_hash_secret(p); });
}

}  // namespace

const Fields<PrivacyConfig>& privacy_keys() {
  static const Fields<PrivacyConfig> keys = privacy();
  return keys;
}

}  // namespace etl::config::schema

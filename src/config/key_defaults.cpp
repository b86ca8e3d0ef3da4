// The constructors of the typed configuration (config.hpp): each starts from zeroed members and
// puts in the defaults its keys declare (config_keys.cpp, privacy_keys.cpp), so a struct made
// anywhere (the loader, a test, a benchmark) holds the same built-in values as check-config shows.

#include <utility>

#include "config/config.hpp"
#include "config/key_schema.hpp"

namespace etl::config {

KafkaConfig::KafkaConfig() { schema::apply_defaults(*this, schema::kafka_keys()); }
MysqlConfig::MysqlConfig() { schema::apply_defaults(*this, schema::mysql_keys()); }
WalmartConfig::WalmartConfig() { schema::apply_defaults(*this, schema::walmart_keys()); }
FetchConfig::FetchConfig() { schema::apply_defaults(*this, schema::fetch_keys()); }
StreamConfig::StreamConfig() { schema::apply_defaults(*this, schema::stream_keys()); }
LoggingConfig::LoggingConfig() { schema::apply_defaults(*this, schema::logging_keys()); }
PrivacyConfig::PrivacyConfig() { schema::apply_defaults(*this, schema::privacy_keys()); }
WalmartAccount::WalmartAccount() { schema::apply_defaults(*this, schema::account_keys()); }

WalmartAccount::WalmartAccount(std::string id, std::string secret, std::string basic_token)
    : WalmartAccount() {
  client_id = std::move(id);
  client_secret = std::move(secret);
  token = std::move(basic_token);
}

namespace schema {

void apply_declared_defaults(Config& c) {
  for (const auto& section : sections()) {
    for (const auto& f : section.fields) {
      if (f.set_default) f.set_default(c);
    }
  }
}

}  // namespace schema

}  // namespace etl::config

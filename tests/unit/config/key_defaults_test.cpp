// Unit: every key's default is stated in its declaration and nowhere else. Each declared key has
// one; a configuration whose every key was changed gets all of its built-in values back from the
// declarations alone (so no member of config.hpp keeps a default of its own); and a struct built
// directly — the way tests, benchmarks and the stream's worker settings do — starts from them.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/config_keys.hpp"
#include "config/config_loader.hpp"
#include "config/key_schema.hpp"
#include "config/yaml_section.hpp"

namespace etl::config {
namespace {

// The integer bounds a key's listing shows ("1..65535").
std::pair<std::string, std::string> bounds(const std::string& allowed) {
  const auto dots = allowed.find("..");
  return {allowed.substr(0, dots), allowed.substr(dots + 2)};
}

// Values of a key's own type, one of which differs from any default it may have.
std::vector<YAML::Node> other_values(const std::string& type, const std::string& allowed,
                                     const std::vector<std::string>& choices) {
  std::vector<YAML::Node> out;
  if (type == "integer") {
    const auto [lo, hi] = bounds(allowed);
    out.emplace_back(lo);
    out.emplace_back(hi);
  } else if (type == "boolean") {
    out.emplace_back("true");
    out.emplace_back("false");
  } else if (type == "one of") {
    for (const auto& c : choices) out.emplace_back(c);
  } else if (type == "list of strings") {
    for (const auto& c : choices) out.push_back(YAML::Load("[" + c + "]"));
    if (choices.empty()) out.push_back(YAML::Load("[changed:1]"));
  } else if (type == "string") {
    out.emplace_back("changed");
  } else if (type == "mapping") {
    out.push_back(YAML::Load("{entry: {token: t}}"));  // an account (walmart_token.accounts)
    out.push_back(YAML::Load("{linger.ms: '7'}"));     // a property (kafka.properties)
  }
  return out;
}

// Reads into `target` the first of the key's other values that changes what it shows; false when
// none does.
template <class S>
bool change(const schema::Field<S>& f, const std::string& path, S& target) {
  const std::string before = f.show(target);
  for (const auto& value : other_values(f.type, f.allowed, f.choices)) {
    S candidate = target;
    YAML::Node doc;
    doc[f.name] = value;
    YamlSection y(doc, path);
    try {
      f.read(y, candidate);
    } catch (const ConfigError&) {
      continue;  // e.g. an account mapping read by kafka.properties
    }
    if (f.show(candidate) != before) {
      target = candidate;
      return true;
    }
  }
  return false;
}

TEST(KeyDefaults, EveryDeclaredKeyStatesItsDefault) {
  size_t keys = 0;
  for (const auto& section : schema::sections()) {
    for (const auto& f : section.fields) {
      EXPECT_TRUE(static_cast<bool>(f.set_default))
          << section.name << "." << f.name << " declares no default";
      ++keys;
    }
  }
  for (const auto& f : schema::account_fields()) {
    EXPECT_TRUE(static_cast<bool>(f.set_default))
        << "walmart_token.accounts.NAME." << f.name << " declares no default";
    ++keys;
  }
  EXPECT_EQ(keys - 1, declared_keys().size())  // accounts: listed as its entries' keys
      << "a key is declared outside schema::sections() and account_fields()";
}

TEST(KeyDefaults, TheDeclarationsAloneGiveEveryBuiltInValue) {
  // Every key changed away from its default, then only the declared defaults applied: what the
  // README's table and config/config.yml show (config_docs_test.cpp compares those with Config{}).
  Config c;
  for (const auto& section : schema::sections()) {
    for (const auto& f : section.fields) {
      EXPECT_TRUE(change(f, section.name, c))
          << section.name << "." << f.name << ": no other value to set";
    }
  }
  ASSERT_NE(to_masked_yaml(c), to_masked_yaml(Config{}));
  schema::apply_declared_defaults(c);
  EXPECT_EQ(to_masked_yaml(c), to_masked_yaml(Config{}));
  LoadOptions o;
  o.path = std::string(ETL_SOURCE_DIR) + "/config/config.yml";
  EXPECT_EQ(to_masked_yaml(c), to_masked_yaml(load_config(o)));

  // The same for an account entry.
  WalmartAccount account;
  for (const auto& f : schema::account_fields()) {
    EXPECT_TRUE(change(f, "walmart_token.accounts.main", account))
        << "walmart_token.accounts.NAME." << f.name << ": no other value to set";
  }
  schema::apply_defaults(account, schema::account_keys());
  for (const auto& f : schema::account_fields()) {
    EXPECT_EQ(f.show(account), f.show(WalmartAccount())) << f.name;
  }
}

TEST(KeyDefaults, AStructBuiltDirectlyStartsFromTheDeclaredDefaults) {
  // The way tests, benchmarks and WorkerSettings make them: one section alone, or an account from
  // its credentials.
  Config assembled;
  assembled.kafka = KafkaConfig();
  assembled.mysql = MysqlConfig();
  assembled.walmart_token = WalmartConfig();
  assembled.fetch = FetchConfig();
  assembled.stream = StreamConfig();
  assembled.logging = LoggingConfig();
  assembled.privacy = PrivacyConfig();
  LoadOptions o;
  o.path = std::string(ETL_SOURCE_DIR) + "/config/config.yml";
  EXPECT_EQ(to_masked_yaml(assembled), to_masked_yaml(load_config(o)));
  EXPECT_EQ(MysqlConfig().port, 3306);
  EXPECT_EQ(StreamConfig().batch_size, 2000);
  EXPECT_EQ(FetchConfig().window, std::chrono::minutes(7 * 24 * 60));

  const WalmartAccount account("id", "secret", "");
  EXPECT_EQ(account.client_id, "id");
  EXPECT_EQ(account.client_secret, "secret");
  EXPECT_EQ(account.requests_per_minute, std::nullopt);
  const WalmartAccount defaults;
  for (const auto& f : schema::account_fields()) {
    if (f.name == "client_id" || f.name == "client_secret") continue;
    EXPECT_EQ(f.show(account), f.show(defaults)) << f.name;
  }
}

}  // namespace
}  // namespace etl::config

// Unit: the key declarations (config_keys.cpp) and what is derived from them — defaults that pass
// their own checks, range errors naming the YAML path, parse/print round trips, secrets masked.

#include "config/config_keys.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/config_loader.hpp"

namespace etl::config {
namespace {

std::string error_of(const std::vector<std::string>& sets) {
  LoadOptions o;
  o.sets = sets;
  try {
    load_config_from_string("", o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// "mysql.port" -> {"mysql", "port"}
std::pair<std::string, std::string> section_and_name(const std::string& path) {
  const auto dot = path.find('.');
  return {path.substr(0, dot), path.substr(dot + 1)};
}

const std::string kHashSecret = "privacy.hash_secret=0123456789abcdef0123456789abcdef";

bool is_map_entry_key(const KeyInfo& k) { return k.path.find(".NAME.") != std::string::npos; }

// `set`, and for a key of an account entry the credentials the entry needs to be valid.
std::vector<std::string> sets_for(const KeyInfo& k, const std::string& set) {
  if (!is_map_entry_key(k)) return {set};
  const std::string entry = k.path.substr(0, k.path.rfind('.') + 1);
  return {entry + "client_id=id", entry + "client_secret=secret", set};
}

TEST(ConfigKeys, EveryKeyIsDeclaredOnceWithAMeaning) {
  const auto keys = declared_keys();
  ASSERT_GT(keys.size(), 50u);
  std::set<std::string> paths;
  for (const auto& k : keys) {
    EXPECT_TRUE(paths.insert(k.path).second) << k.path << " declared twice";
    EXPECT_FALSE(k.description.empty()) << k.path;
    EXPECT_FALSE(k.type.empty()) << k.path;
    EXPECT_FALSE(k.default_text.empty()) << k.path;
  }
}

TEST(ConfigKeys, EveryDefaultPassesItsOwnChecks) {
  // Each key alone, set to its default as check-config prints it, is accepted and read back.
  const YAML::Node printed = YAML::Load(to_masked_yaml(Config{}));
  for (const auto& k : declared_keys()) {
    if (is_map_entry_key(k)) continue;  // no default: each account sets its own
    const auto [section, name] = section_and_name(k.path);
    YAML::Node doc;
    doc[section][name] = printed[section][name];
    const std::string yaml = YAML::Dump(doc);
    Config c;
    ASSERT_NO_THROW(c = load_config_from_string(yaml)) << k.path << ":\n" << yaml;
    EXPECT_EQ(to_masked_yaml(c), to_masked_yaml(Config{})) << k.path;
  }
}

TEST(ConfigKeys, IntegerRangesAreEnforcedNamingTheYamlPath) {
  int checked = 0;
  for (const auto& k : declared_keys()) {
    if (k.type != "integer") continue;
    const auto dots = k.allowed.find("..");
    ASSERT_NE(dots, std::string::npos) << k.path;
    const long long min = std::stoll(k.allowed.substr(0, dots));
    const long long max = std::stoll(k.allowed.substr(dots + 2));
    const std::string expected = k.path + ": expected an integer in " + k.allowed + ", got ";
    EXPECT_EQ(error_of(sets_for(k, k.path + "=" + std::to_string(min - 1))),
              expected + std::to_string(min - 1));
    EXPECT_EQ(error_of(sets_for(k, k.path + "=" + std::to_string(max + 1))),
              expected + std::to_string(max + 1));
    for (const long long v : {min, max}) {
      const std::string set = k.path + "=" + std::to_string(v);
      EXPECT_EQ(error_of(sets_for(k, set)), "") << set;
    }
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

TEST(ConfigKeys, ChoicesAreEnforcedNamingTheYamlPath) {
  for (const auto& k : declared_keys()) {
    if (k.type != "one of") continue;
    EXPECT_EQ(error_of({k.path + "=bogus"}),
              k.path + ": expected one of " + k.allowed + ", got 'bogus'");
  }
}

TEST(ConfigKeys, EveryValueRoundTripsThroughPrinting) {
  // Every integer at both ends of its range, every choice, both booleans: parse -> print ->
  // parse gives the same configuration, and the printed YAML holds the value under its key.
  std::vector<std::pair<std::string, std::string>> cases;  // path, value
  // A key of an account entry is set on the account "main" (which gets a token below).
  auto entry_path = [](const KeyInfo& k) {
    std::string path = k.path;
    if (const auto at = path.find(".NAME."); at != std::string::npos) path.replace(at, 6, ".main.");
    return path;
  };
  for (const auto& k : declared_keys()) {
    if (k.type == "integer") {
      const auto dots = k.allowed.find("..");
      cases.emplace_back(entry_path(k), k.allowed.substr(0, dots));
      cases.emplace_back(entry_path(k), k.allowed.substr(dots + 2));
    } else if (k.type == "one of" || k.type == "boolean") {
      std::string rest = k.allowed;
      while (!rest.empty()) {
        const auto comma = rest.find(", ");
        cases.emplace_back(entry_path(k), rest.substr(0, comma));
        rest = comma == std::string::npos ? "" : rest.substr(comma + 2);
      }
    }
  }
  cases.emplace_back("kafka.bootstrap_servers", "[h1:1, h2:2]");
  cases.emplace_back("fetch.ship_node_types", "[WFSFulfilled, 3PLFulfilled]");
  cases.emplace_back("mysql.socket", "/run/mysqld/mysqld.sock");
  cases.emplace_back("kafka.properties.linger.ms", "7");
  cases.emplace_back("walmart_token.accounts.main.client_id", "visible-id");
  for (const auto& [path, value] : cases) {
    LoadOptions o;
    // A hash policy needs its key (at least 32 bytes).
    o.sets = {path + "=" + value, "walmart_token.accounts.main.token=t", kHashSecret};
    const std::string printed = to_masked_yaml(load_config_from_string("", o));
    const auto [section, name] = section_and_name(path);
    const YAML::Node tree = YAML::Load(printed);
    EXPECT_TRUE(tree[section].IsMap()) << path;
    // Reading the printed YAML back (the masked token aside) prints the same.
    LoadOptions again;
    again.sets = {"walmart_token.accounts.main.token=t", kHashSecret};
    EXPECT_EQ(to_masked_yaml(load_config_from_string(printed, again)), printed) << path;
    EXPECT_NE(printed.find(value.front() == '[' ? value : ": " + value), std::string::npos)
        << path << "=" << value << " not printed:\n"
        << printed;
  }
}

TEST(ConfigKeys, NoSecretIsEverPrinted) {
  LoadOptions o;
  std::vector<std::string> values;
  for (const auto& k : declared_keys()) {
    if (!k.secret) continue;
    std::string path = k.path;
    if (const auto at = path.find(".NAME."); at != std::string::npos) path.replace(at, 6, ".main.");
    values.push_back("[s3cret-" + std::to_string(values.size()) + "-value-of-at-least-32-bytes");
    o.sets.push_back(path + "=" + values.back());
  }
  ASSERT_GE(values.size(), 3u);  // mysql.password, client_secret, token
  o.sets.emplace_back("walmart_token.accounts.main.client_id=visible-id");
  const Config c = load_config_from_string("", o);
  EXPECT_EQ(c.mysql.password, values.front());  // taken literally, not as YAML
  const std::string printed = to_masked_yaml(c);
  for (const auto& v : values) EXPECT_EQ(printed.find(v), std::string::npos) << printed;
  EXPECT_NE(printed.find("visible-id"), std::string::npos);
  EXPECT_NE(printed.find("***"), std::string::npos);
}

TEST(ConfigKeys, SecretDeclarationsAgreeWithTheNameRuleUsedForKafkaProperties) {
  // is_secret_key() masks librdkafka properties and undeclared names by their name; a declared
  // key's secret flag must not contradict it.
  for (const auto& k : declared_keys()) {
    const std::string name = k.path.substr(k.path.rfind('.') + 1);
    EXPECT_EQ(is_secret_key(name), k.secret) << k.path;
  }
  EXPECT_EQ(declared_secret({"MYSQL", "Password"}), std::optional<bool>(true));
  EXPECT_EQ(declared_secret({"walmart_token", "accounts", "x", "client_id"}),
            std::optional<bool>(false));
  EXPECT_EQ(declared_secret({"kafka", "properties", "sasl.password"}), std::nullopt);
}

TEST(ConfigKeys, UnknownKeyErrorsListTheDeclaredKeysOfTheSection) {
  std::string err;
  try {
    load_config_from_string("stream: {batch_sise: 1}");
  } catch (const ConfigError& e) {
    err = e.what();
  }
  ASSERT_NE(err.find("stream.batch_sise: unknown key"), std::string::npos) << err;
  for (const auto& k : declared_keys()) {
    const auto [section, name] = section_and_name(k.path);
    if (section == "stream") {
      EXPECT_NE(err.find(name), std::string::npos) << name;
    }
  }
}

TEST(ConfigKeys, ListingShowsEachKeyOnOneLineWithItsDefault) {
  const auto keys = declared_keys();
  const std::string listing = key_listing(keys);
  EXPECT_EQ(static_cast<size_t>(std::count(listing.begin(), listing.end(), '\n')),
            keys.size() + 1);  // a header line, then one line per key
  EXPECT_NE(listing.find("stream.batch_size"), std::string::npos);
  EXPECT_NE(listing.find("integer: 1..100000"), std::string::npos);
  EXPECT_NE(listing.find("one of: earliest, latest"), std::string::npos);
  EXPECT_NE(listing.find("  2000 | most rows per MySQL transaction\n"), std::string::npos)
      << listing;
  EXPECT_EQ(listing.find('`'), std::string::npos) << "Markdown quoting left in:\n" << listing;
}

}  // namespace
}  // namespace etl::config

namespace etl::config {
namespace {

// A key of choices declares them once: the listing shows them, the CLI asks for them by path,
// an entry outside them (or none at all) is refused naming the YAML path, and the default the
// declaration states is what a Config starts with.
TEST(KeyChoices, ShipNodeTypesAreDeclaredOnceWithTheirDefault) {
  const std::vector<std::string> types{"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"};
  EXPECT_EQ(declared_choices("fetch.ship_node_types"), types);
  EXPECT_EQ(Config().fetch.ship_node_types, types) << "the declared default";
  const auto keys = declared_keys();
  const auto key = std::find_if(keys.begin(), keys.end(),
                                [](const KeyInfo& k) { return k.path == "fetch.ship_node_types"; });
  ASSERT_NE(key, keys.end());
  EXPECT_EQ(key->choices, types);
  EXPECT_EQ(key->allowed, "SellerFulfilled, WFSFulfilled, 3PLFulfilled");
  EXPECT_EQ(key->default_text, "`[SellerFulfilled, WFSFulfilled, 3PLFulfilled]`");
  const std::string wrong = error_of({"fetch.ship_node_types=[WFSFulfilled, Drone]"});
  EXPECT_NE(wrong.find("fetch.ship_node_types[1]: expected SellerFulfilled, WFSFulfilled or "
                       "3PLFulfilled, got 'Drone'"),
            std::string::npos)
      << wrong;
  const std::string none = error_of({"fetch.ship_node_types=[]"});
  EXPECT_NE(none.find("fetch.ship_node_types: expected at least one of SellerFulfilled, "
                      "WFSFulfilled, 3PLFulfilled"),
            std::string::npos)
      << none;
}

TEST(KeyChoices, EnumsListTheirChoicesAndOtherKeysNone) {
  EXPECT_EQ(declared_choices("stream.reset"), (std::vector<std::string>{"earliest", "latest"}));
  EXPECT_TRUE(declared_choices("mysql.port").empty());
  EXPECT_TRUE(declared_choices("no.such_key").empty());
  EXPECT_EQ(or_list({"a"}), "a");
  EXPECT_EQ(or_list({"a", "b"}), "a or b");
  EXPECT_EQ(or_list({"a", "b", "c"}), "a, b or c");
}

}  // namespace
}  // namespace etl::config

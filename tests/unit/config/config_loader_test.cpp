#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

using etl::ConfigError;
using namespace etl::config;

namespace {

std::string error_of(const std::string& yaml, const LoadOptions& o = {}) {
  try {
    load_config_from_string(yaml, o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigLoader, DefaultsWhenEmpty) {
  const Config c = load_config_from_string("");
  EXPECT_EQ(c.kafka.topic, "walmart_order_raw");
  EXPECT_EQ(c.kafka.bootstrap_servers,
            (std::vector<std::string>{"localhost:29092", "localhost:39092"}));
  EXPECT_EQ(c.kafka.topic_partitions, 3);
  EXPECT_EQ(c.mysql.database, "ods");
  EXPECT_EQ(c.mysql.charset, "utf8mb4");
  EXPECT_EQ(c.fetch.limit, 200);
  EXPECT_EQ(c.fetch.ship_node_types.size(), 3u);
  EXPECT_EQ(c.stream.batch_size, 2000);
  EXPECT_EQ(c.stream.batch_interval.count(), 1000);
  EXPECT_TRUE(c.stream.group_commit);
  EXPECT_EQ(c.stream.max_retries, 3);
  EXPECT_EQ(c.stream.parallelism, 2);
  EXPECT_EQ(c.stream.reset, ResetPolicy::earliest);
  EXPECT_EQ(c.logging.dir, "logs");
}

TEST(ConfigLoader, ValidFileIsTyped) {
  const Config c = load_config_from_string(R"(
kafka:
  bootstrap_servers: [b1:9092]
  properties: {security.protocol: SASL_SSL, sasl.password: hunter2}
mysql: {host: db, port: 3307, password: pw}
walmart_token:
  accounts:
    main: {client_id: id, client_secret: sec}
    legacy: {token: abc=}
  default_account: main
stream: {batch_size: 500, batch_interval_ms: 250, parallelism: 4, reset: latest, on_data_loss: stop}
fetch: {ship_node_types: [WFSFulfilled], window_minutes: 30}
)");
  EXPECT_EQ(c.kafka.bootstrap_list(), "b1:9092");
  EXPECT_EQ(c.kafka.properties.at("sasl.password"), "hunter2");
  EXPECT_EQ(c.mysql.port, 3307);
  EXPECT_EQ(c.walmart_token.accounts.at("legacy").token, "abc=");
  EXPECT_EQ(c.stream.batch_size, 500);
  EXPECT_EQ(c.stream.batch_interval.count(), 250);
  EXPECT_EQ(c.stream.reset, ResetPolicy::latest);
  EXPECT_EQ(c.stream.on_data_loss, DataLossPolicy::stop);
  EXPECT_EQ(c.fetch.window.count(), 30);
  EXPECT_EQ(c.fetch.ship_node_types, std::vector<std::string>{"WFSFulfilled"});
}

TEST(ConfigLoader, UnknownKeyNamesItsPath) {
  EXPECT_NE(error_of("mysql: {prot: 1}").find("mysql.prot: unknown key"), std::string::npos);
}

TEST(ConfigLoader, UnknownSectionIsAnError) {
  EXPECT_NE(error_of("kafkaa: {}").find("kafkaa: unknown key"), std::string::npos);
}

TEST(ConfigLoader, WrongTypeNamesPathAndExpectation) {
  EXPECT_NE(error_of("mysql: {port: abc}").find("mysql.port: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of("kafka: {bootstrap_servers: {a: b}}")
                .find("kafka.bootstrap_servers: expected a list"),
            std::string::npos);
  EXPECT_NE(
      error_of("stream: {batch_size: [1]}").find("stream.batch_size: expected a single value"),
      std::string::npos);
  EXPECT_NE(error_of("mysql: 5").find("mysql: expected a mapping"), std::string::npos);
}

TEST(ConfigLoader, OutOfRangeValues) {
  EXPECT_NE(error_of("mysql: {port: 70000}").find("mysql.port: expected an integer in 1..65535"),
            std::string::npos);
  EXPECT_NE(error_of("fetch: {limit: 201}").find("fetch.limit"), std::string::npos);
  EXPECT_NE(error_of("stream: {parallelism: 0}").find("stream.parallelism"), std::string::npos);
  EXPECT_NE(
      error_of("stream: {reset: middle}").find("stream.reset: expected one of earliest, latest"),
      std::string::npos);
  EXPECT_NE(error_of("fetch: {ship_node_types: [Drone]}").find("fetch.ship_node_types[0]"),
            std::string::npos);
  EXPECT_NE(error_of("logging: {level: loud}").find("logging.level"), std::string::npos);
  EXPECT_NE(error_of("mysql: {charset: latin1}").find("mysql.charset"), std::string::npos);
}

TEST(ConfigLoader, AuthPluginsArePlainNamesAndAtLeastOne) {
  // Connector/C matches the allowed list by substring: a name with a comma or a space would let
  // other plugins through.
  EXPECT_NE(error_of("mysql: {auth_plugins: [mysql_native_password, 'a,dialog']}")
                .find("mysql.auth_plugins[1]: expected a client plugin name"),
            std::string::npos);
  EXPECT_NE(error_of("mysql: {auth_plugins: []}").find("mysql.auth_plugins: expected at least one"),
            std::string::npos);
  EXPECT_EQ(error_of("mysql: {auth_plugins: [client_ed25519, mysql_clear_password]}"), "");
}

TEST(ConfigLoader, AccountNeedsCredentials) {
  EXPECT_NE(error_of("walmart_token: {accounts: {main: {client_id: x}}}")
                .find("walmart_token.accounts.main"),
            std::string::npos);
  EXPECT_NE(
      error_of("walmart_token: {default_account: nope}").find("walmart_token.default_account"),
      std::string::npos);
}

TEST(ConfigLoader, SyntaxErrorGivesLine) {
  EXPECT_NE(error_of("mysql:\n  port: [1,\n").find("YAML syntax error at line"), std::string::npos);
}

TEST(ConfigLoader, PrecedenceFileEnvSet) {
  LoadOptions o;
  o.env = {{"WALMART_ETL_MYSQL__PORT", "3308"}, {"WALMART_ETL_MYSQL__HOST", "envhost"}};
  o.sets = {"mysql.port=3309"};
  const Config c =
      load_config_from_string("mysql: {port: 3307, host: filehost, user: fileuser}", o);
  EXPECT_EQ(c.mysql.port, 3309);        // --set beats env and file
  EXPECT_EQ(c.mysql.host, "envhost");   // env beats file
  EXPECT_EQ(c.mysql.user, "fileuser");  // file beats default
}

TEST(ConfigLoader, EnvironmentCreatesNestedAccountsAndProperties) {
  LoadOptions o;
  o.env = {{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "id"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "s3cret"},
           {"WALMART_ETL_KAFKA__PROPERTIES__SASL_PASSWORD", "pw"},
           {"WALMART_ETL_KAFKA__BOOTSTRAP_SERVERS", "h1:1, h2:2"}};
  const Config c = load_config_from_string("", o);
  EXPECT_EQ(c.walmart_token.accounts.at("main").client_secret, "s3cret");
  EXPECT_EQ(c.kafka.properties.at("sasl.password"), "pw");
  EXPECT_EQ(c.kafka.bootstrap_servers, (std::vector<std::string>{"h1:1", "h2:2"}));
}

TEST(ConfigLoader, SetAcceptsFlowListsAndDottedProperties) {
  LoadOptions o;
  o.sets = {"fetch.ship_node_types=[WFSFulfilled, 3PLFulfilled]", "kafka.properties.linger.ms=5"};
  const Config c = load_config_from_string("", o);
  EXPECT_EQ(c.fetch.ship_node_types, (std::vector<std::string>{"WFSFulfilled", "3PLFulfilled"}));
  EXPECT_EQ(c.kafka.properties.at("linger.ms"), "5");
}

TEST(ConfigLoader, BadSetSyntax) {
  LoadOptions o;
  o.sets = {"mysql.port"};
  EXPECT_NE(error_of("", o).find("expected key.path=value"), std::string::npos);
  o.sets = {"mysql.port.x=1"};
  EXPECT_FALSE(error_of("", o).empty());
}

TEST(ConfigLoader, MissingExplicitFileIsAnError) {
  LoadOptions o;
  o.path = "/nonexistent/walmart-etl.yml";
  EXPECT_THROW(load_config(o), ConfigError);
  o.path_required = false;
  EXPECT_NO_THROW(load_config(o));
}

TEST(ConfigLoader, SecretsAreMasked) {
  LoadOptions o;
  o.env = {{"WALMART_ETL_MYSQL__PASSWORD", "topsecretpw"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__A__TOKEN", "tok3n"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__B__CLIENT_ID", "visible-id"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__B__CLIENT_SECRET", "cl1entsecret"},
           {"WALMART_ETL_KAFKA__PROPERTIES__SASL_PASSWORD", "kafkapw"}};
  const std::string yaml = to_masked_yaml(load_config_from_string("", o));
  for (const char* secret : {"topsecretpw", "tok3n", "cl1entsecret", "kafkapw"}) {
    EXPECT_EQ(yaml.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(yaml.find("visible-id"), std::string::npos);
  EXPECT_NE(yaml.find("***"), std::string::npos);
}

TEST(ConfigLoader, SecretsFromTheEnvironmentAreTakenLiterally) {
  // A password may start with '[' or '{': it must reach the client as typed, not as YAML.
  LoadOptions o;
  o.env = {{"WALMART_ETL_MYSQL__PASSWORD", "[unclosed-pw"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "id"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "{a: 1}"},
           {"WALMART_ETL_KAFKA__PROPERTIES__SASL_PASSWORD", "[x, y]"}};
  o.sets = {"walmart_token.accounts.other.token=[tok"};
  const Config c = load_config_from_string("", o);
  EXPECT_EQ(c.mysql.password, "[unclosed-pw");
  EXPECT_EQ(c.walmart_token.accounts.at("main").client_secret, "{a: 1}");
  EXPECT_EQ(c.kafka.properties.at("sasl.password"), "[x, y]");
  EXPECT_EQ(c.walmart_token.accounts.at("other").token, "[tok");
}

TEST(ConfigLoader, AValueThatDoesNotParseIsNeverEchoed) {
  // An account given whole as a mapping holds a secret under a key that is not itself secret.
  LoadOptions o;
  o.env = {
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN", "{client_id: x, client_secret: [s3cr3t-v4lue"}};
  const std::string err = error_of("", o);
  ASSERT_FALSE(err.empty());
  EXPECT_EQ(err.find("s3cr3t-v4lue"), std::string::npos) << err;
  EXPECT_NE(err.find("WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN"), std::string::npos) << err;
  o.env.clear();
  o.sets = {"walmart_token.accounts.main={client_secret: [s3cr3t-v4lue"};
  const std::string set_err = error_of("", o);
  ASSERT_FALSE(set_err.empty());
  EXPECT_EQ(set_err.find("s3cr3t-v4lue"), std::string::npos) << set_err;
}

TEST(ConfigLoader, MaskedYamlRoundTrips) {
  const Config a = load_config_from_string("stream: {batch_size: 321}\nfetch: {limit: 50}");
  const Config b = load_config_from_string(to_masked_yaml(a));
  EXPECT_EQ(b.stream.batch_size, 321);
  EXPECT_EQ(b.fetch.limit, 50);
}

TEST(ConfigLoader, AccountKeysAreTypedAndChecked) {
  const Config d = load_config_from_string("");
  EXPECT_EQ(d.fetch.account_concurrency, 4);
  EXPECT_EQ(d.stream.default_account, "");
  LoadOptions o;
  o.env = {{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__BRAND_US__CLIENT_ID", "id"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__BRAND_US__CLIENT_SECRET", "s"},
           {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__BRAND_US__REQUESTS_PER_MINUTE", "120"}};
  o.sets = {"fetch.account_concurrency=16", "stream.default_account=legacy-seller"};
  const Config c = load_config_from_string(R"(
walmart_token:
  accounts:
    other: {client_id: id2, client_secret: s2}
)",
                                           o);
  EXPECT_EQ(c.walmart_token.accounts.at("brand_us").requests_per_minute, 120);
  EXPECT_FALSE(c.walmart_token.accounts.at("other").requests_per_minute);
  EXPECT_EQ(c.fetch.account_concurrency, 16);
  EXPECT_EQ(c.stream.default_account, "legacy-seller");
  // Printed (masked) and read back.
  const Config b = load_config_from_string(to_masked_yaml(c));
  EXPECT_EQ(b.walmart_token.accounts.at("brand_us").requests_per_minute, 120);
  EXPECT_EQ(b.fetch.account_concurrency, 16);
  EXPECT_EQ(b.stream.default_account, "legacy-seller");
}

TEST(ConfigLoader, BadAccountValuesNameTheKey) {
  EXPECT_EQ(error_of("fetch: {account_concurrency: 0}"),
            "fetch.account_concurrency: expected an integer in 1..256, got 0");
  EXPECT_EQ(error_of("fetch: {account_concurrency: many}"),
            "fetch.account_concurrency: expected an integer, got 'many'");
  EXPECT_EQ(error_of("walmart_token: {accounts: {a: {client_id: i, client_secret: s, "
                     "requests_per_minute: -5}}}"),
            "walmart_token.accounts.a.requests_per_minute: expected an integer in 0..1000000, got "
            "-5");
  EXPECT_EQ(error_of("walmart_token: {accounts: {a: {client_id: i, client_secret: s, rpm: 5}}}")
                .find("walmart_token.accounts.a.rpm"),
            0u);
  EXPECT_EQ(
      error_of("stream: {default_account: \"" + std::string(101, 'x') + "\"}"),
      "stream.default_account: expected at most 100 characters (the account column), got 101");
  EXPECT_EQ(error_of("stream: {default_account: \"a\\tb\"}"),
            "stream.default_account: expected an account name without control characters");
}

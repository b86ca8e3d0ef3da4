// The CLI's configuration behaviour as a user sees it: exit codes, one-line errors naming the path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "config/config_keys.hpp"
#include "support/test_env.hpp"

using etl::test::run_binary;

namespace {
std::string write_config(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/c.yml";
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST(ConfigCli, CheckConfigPrintsEffectiveValuesMasked) {
  const auto dir = etl::test::make_temp_dir();
  const auto path = write_config(dir, "mysql: {port: 3307, password: filepw}\n");
  const auto r = run_binary({"--config", path, "--set", "stream.batch_size=77", "check-config"},
                            {{"WALMART_ETL_MYSQL__USER", "envuser"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("port: 3307"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("user: envuser"), std::string::npos);
  EXPECT_NE(r.out.find("batch_size: 77"), std::string::npos);
  EXPECT_EQ(r.out.find("filepw"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ConfigCli, SecretsNeverAppearInOutputOrErrorsAtAnyLogLevel) {
  const auto dir = etl::test::make_temp_dir();
  const std::map<std::string, std::string> env = {
      {"WALMART_ETL_MYSQL__PASSWORD", "[pw-4f9a2c"},
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "id"},
      {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "{sec-77b1e0"},
      {"WALMART_ETL_KAFKA__PROPERTIES__SASL_PASSWORD", "[kpw-0c3d5e"}};
  auto r = run_binary({"-vv", "check-config"}, env, std::chrono::seconds(30), dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A configuration error (an unknown key) with the same secrets in the environment.
  auto bad_env = env;
  bad_env["WALMART_ETL_WALMART_TOKEN__ACCOUNTS__BROKEN"] = "{client_secret: [sec-9e8d7c";
  auto bad = run_binary({"-vv", "check-config"}, bad_env, std::chrono::seconds(30), dir);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  for (const auto* run : {&r, &bad}) {
    const std::string all = run->out + run->err;
    for (const char* secret : {"pw-4f9a2c", "sec-77b1e0", "kpw-0c3d5e", "sec-9e8d7c"}) {
      EXPECT_EQ(all.find(secret), std::string::npos) << secret << " printed in:\n" << all;
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(ConfigCli, EachErrorClassExitsTwoNamingThePath) {
  const auto dir = etl::test::make_temp_dir();
  struct Case {
    std::string yaml;
    std::string expect;
  };
  const Case cases[] = {
      {"mysql: {port: [1,\n", "YAML syntax error"},
      {"mysql: {prot: 1}\n", "mysql.prot: unknown key"},
      {"mysql: {port: abc}\n", "mysql.port: expected an integer"},
      {"stream: {batch_size: 0}\n", "stream.batch_size: expected an integer in 1..100000"},
  };
  for (const auto& c : cases) {
    const auto path = write_config(dir, c.yaml);
    const auto r = run_binary({"--config", path, "check-config"});
    EXPECT_EQ(r.exit_code, 2) << c.yaml;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  }
  const auto missing = run_binary({"--config", dir + "/nope.yml", "check-config"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("config file not found"), std::string::npos);
  const auto env_bad = run_binary({"check-config"}, {{"WALMART_ETL_STREAM__PARALLELISM", "many"}});
  EXPECT_EQ(env_bad.exit_code, 2);
  EXPECT_NE(env_bad.err.find("stream.parallelism"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ConfigCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_binary({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(run_binary({}).exit_code, 2);
  const auto help = run_binary({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("check-config"), std::string::npos);
}

TEST(ConfigCli, WalmartEtlConfigEnvironmentVariableSelectsTheFile) {
  const auto dir = etl::test::make_temp_dir();
  const auto path = write_config(dir, "kafka: {topic: from_env_file}\n");
  const auto r = run_binary({"check-config"}, {{"WALMART_ETL_CONFIG", path}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("topic: from_env_file"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ConfigCli, KeysListsEveryDeclaredKeyWithoutReadingTheConfiguration) {
  // Works even when the configuration is broken: it is how a user finds the right key.
  const auto r = run_binary({"check-config", "--keys"}, {{"WALMART_ETL_MYSQL__PROT", "1"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& key : etl::config::declared_keys()) {
    EXPECT_NE(r.out.find("\n" + key.path + " "), std::string::npos) << key.path << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("1..65535"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(secret)"), std::string::npos) << r.out;
}

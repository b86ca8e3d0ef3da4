// The CLI's configuration behaviour as a user sees it: exit codes, one-line errors naming the path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

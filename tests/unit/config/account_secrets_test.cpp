// Unit: an account's credentials from an environment variable or a file (systemd credentials,
// Kubernetes secrets) for every account name - hyphens, dots, accents, upper case - never shown by
// check-config's printing; names differing only by letter case are refused.
#include "config/account_secrets.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>  // setenv, unsetenv
#include <unistd.h>  // getpid

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/error.hpp"
#include "config/config_loader.hpp"

namespace etl::config {
namespace {

std::string temp_dir() {
  auto d = std::filesystem::temp_directory_path() /
           ("etl-secrets-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(d);
  return d.string();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(AccountSecrets, EveryAccountNameReadsItsSecretsFromTheEnvironmentAndFiles) {
  const std::string dir = temp_dir();
  write(dir + "/eu.secret", "eu-secret-value\n");
  write(dir + "/eu.id", "eu-id");
  ::setenv("ETL_TEST_BRAND_US_SECRET", "us-secret-value", 1);
  ::setenv("ETL_TEST_MUELLER_TOKEN", "bXVlbGxlcjpzZWNyZXQ=", 1);
  ::setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
  const Config c = load_config_from_string(R"(
walmart_token:
  accounts:
    brand-us: {client_id: us-id, client_secret_env: ETL_TEST_BRAND_US_SECRET}
    brand.eu: {client_id_file: eu.id, client_secret_file: )" +
                                           dir + R"(/eu.secret}
    "müller": {token_env: ETL_TEST_MUELLER_TOKEN}
)");
  const auto us = with_resolved_credentials("brand-us", c.walmart_token.accounts.at("brand-us"));
  EXPECT_EQ(us.client_id, "us-id");
  EXPECT_EQ(us.client_secret, "us-secret-value");
  const auto eu = with_resolved_credentials("brand.eu", c.walmart_token.accounts.at("brand.eu"));
  EXPECT_EQ(eu.client_id, "eu-id") << "a relative path is under $CREDENTIALS_DIRECTORY";
  EXPECT_EQ(eu.client_secret, "eu-secret-value") << "the line end is not part of it";
  const auto mu = with_resolved_credentials("müller", c.walmart_token.accounts.at("müller"));
  EXPECT_EQ(mu.token, "bXVlbGxlcjpzZWNyZXQ=");

  // check-config's printing names the variables and files, never a value.
  const std::string shown = to_masked_yaml(c);
  EXPECT_NE(shown.find("client_secret_env: ETL_TEST_BRAND_US_SECRET"), std::string::npos) << shown;
  EXPECT_NE(shown.find("client_id_file: eu.id"), std::string::npos) << shown;
  for (const char* secret : {"us-secret-value", "eu-secret-value", "bXVlbGxlcjpzZWNyZXQ="}) {
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret << "\n" << shown;
  }
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ::unsetenv("ETL_TEST_BRAND_US_SECRET");
  ::unsetenv("ETL_TEST_MUELLER_TOKEN");
  std::filesystem::remove_all(dir);
}

TEST(AccountSecrets, AMissingSourceNamesTheKeyAndTheVariableOrFileNeverAValue) {
  ::unsetenv("ETL_TEST_UNSET_SECRET");
  const Config c = load_config_from_string(R"(
walmart_token:
  accounts:
    brand-us: {client_id: id, client_secret_env: ETL_TEST_UNSET_SECRET}
    brand.eu: {client_id: id, client_secret_file: /nonexistent/etl/secret}
)");
  const std::string env_error = error_of(
      [&] { with_resolved_credentials("brand-us", c.walmart_token.accounts.at("brand-us")); });
  EXPECT_NE(env_error.find("walmart_token.accounts.brand-us.client_secret_env: environment "
                           "variable ETL_TEST_UNSET_SECRET is not set"),
            std::string::npos)
      << env_error;
  const std::string file_error = error_of(
      [&] { with_resolved_credentials("brand.eu", c.walmart_token.accounts.at("brand.eu")); });
  EXPECT_NE(file_error.find("walmart_token.accounts.brand.eu.client_secret_file: cannot read "
                            "/nonexistent/etl/secret"),
            std::string::npos)
      << file_error;
}

TEST(AccountSecrets, OneWayPerCredentialAndACompleteSetAreRequired) {
  EXPECT_NE(error_of([] {
              load_config_from_string(
                  "walmart_token: {accounts: {a-b: {client_id: x, client_secret: y, "
                  "client_secret_env: Y}}}");
            }).find("walmart_token.accounts.a-b.client_secret: given more than one way"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              load_config_from_string("walmart_token: {accounts: {a-b: {client_secret_env: Y}}}");
            }).find("walmart_token.accounts.a-b: expected client_id and client_secret, or token"),
            std::string::npos);
}

TEST(AccountSecrets, NamesDifferingOnlyByCaseAreRefusedAccentsAreNot) {
  const std::string e = error_of([] {
    load_config_from_string("walmart_token: {accounts: {Main: {token: a}, main: {token: b}}}");
  });
  EXPECT_NE(e.find("'Main' and 'main' differ only by letter case"), std::string::npos) << e;
  const Config c = load_config_from_string(
      "walmart_token: {accounts: {muller: {token: a}, \"müller\": {token: b}}}");
  EXPECT_EQ(c.walmart_token.accounts.size(), 2u);
}

}  // namespace
}  // namespace etl::config

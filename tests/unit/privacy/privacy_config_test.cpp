// Unit: the privacy config section - keep by default, a hash policy without a key is a
// configuration error (never a silent keep), the key from the environment or a file, never
// printed, at least 32 bytes, given one way only.
#include <gtest/gtest.h>
#include <stdlib.h>  // setenv, unsetenv
#include <unistd.h>  // getpid

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/error.hpp"
#include "config/config_loader.hpp"
#include "config/privacy_key.hpp"

namespace etl::config {
namespace {

const std::string kKey = "k3y-0123456789abcdef0123456789abcdef";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PrivacyConfig, EveryFieldIsKeptByDefault) {
  const Config c = load_config_from_string("{}");
  EXPECT_FALSE(any_hash_policy(c.privacy));
  EXPECT_EQ(c.privacy.customer_email_id, FieldPolicy::keep);
  EXPECT_EQ(c.privacy.pickup_persons, FieldPolicy::keep);
  EXPECT_EQ(c.privacy.raw_retention_days, 0);
}

TEST(PrivacyConfig, HashWithoutAKeyIsAConfigurationError) {
  const std::string e =
      error_of([] { load_config_from_string("privacy: {customer_email_id: hash}"); });
  EXPECT_NE(e.find("privacy.hash_secret"), std::string::npos) << e;
  EXPECT_NE(error_of([] { load_config_from_string("privacy: {phone: scramble}"); }).find("phone"),
            std::string::npos);
  EXPECT_EQ(error_of([] { load_config_from_string("privacy: {phone: drop}"); }), "")
      << "drop needs no key";
}

TEST(PrivacyConfig, TheKeyComesFromTheEnvironmentOrAFileAndIsNeverPrinted) {
  LoadOptions o;
  o.env = {{"WALMART_ETL_PRIVACY__HASH_SECRET", kKey}};
  const Config a = load_config_from_string("privacy: {phone: hash}", o);
  EXPECT_EQ(a.privacy.resolved_key, kKey);
  EXPECT_EQ(to_masked_yaml(a).find(kKey), std::string::npos);

  ::setenv("ETL_TEST_PRIVACY_KEY", kKey.c_str(), 1);
  const Config b =
      load_config_from_string("privacy: {phone: hash, hash_secret_env: ETL_TEST_PRIVACY_KEY}");
  EXPECT_EQ(b.privacy.resolved_key, kKey);
  ::unsetenv("ETL_TEST_PRIVACY_KEY");
  const std::string unset = error_of([] {
    load_config_from_string("privacy: {phone: hash, hash_secret_env: ETL_TEST_PRIVACY_KEY}");
  });
  EXPECT_NE(unset.find("not set"), std::string::npos) << unset;

  const auto dir =
      std::filesystem::temp_directory_path() / ("etl-privacy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "hash.key", std::ios::binary) << kKey << "\n";
  ::setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
  const Config c = load_config_from_string("privacy: {phone: hash, hash_secret_file: hash.key}");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_EQ(c.privacy.resolved_key, kKey) << "relative: under $CREDENTIALS_DIRECTORY, line end cut";
  EXPECT_EQ(to_masked_yaml(c).find(kKey), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(PrivacyConfig, AShortKeyOrOneGivenTwoWaysIsRefusedWithoutShowingIt) {
  const std::string shortk =
      error_of([] { load_config_from_string("privacy: {phone: hash, hash_secret: tooshort}"); });
  EXPECT_NE(shortk.find("at least 32 bytes"), std::string::npos) << shortk;
  EXPECT_EQ(shortk.find("tooshort"), std::string::npos) << shortk;
  const std::string twice = error_of([] {
    load_config_from_string("privacy: {phone: hash, hash_secret: " + kKey +
                            ", hash_secret_env: SOMEWHERE}");
  });
  EXPECT_NE(twice.find("more than one way"), std::string::npos) << twice;
}

}  // namespace
}  // namespace etl::config

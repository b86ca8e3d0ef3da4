// Account selection and the Basic credential; correlation ids.

#include "walmart/credentials.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/base64.hpp"
#include "common/error.hpp"
#include "walmart/correlation_id.hpp"

namespace etl::walmart {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("sim-client-id:sim-client-secret"),
            "c2ltLWNsaWVudC1pZDpzaW0tY2xpZW50LXNlY3JldA==");
}

config::WalmartConfig two_accounts() {
  config::WalmartConfig cfg;
  cfg.accounts["main"] = config::WalmartAccount{"id", "secret", ""};
  cfg.accounts["legacy"] = config::WalmartAccount{"", "", "bGVnYWN5OnMz"};
  return cfg;
}

TEST(ResolveAccount, ExplicitDefaultOrOnly) {
  auto cfg = two_accounts();
  EXPECT_EQ(resolve_account(cfg, "main").basic, base64_encode("id:secret"));
  EXPECT_EQ(resolve_account(cfg, "legacy").basic, "bGVnYWN5OnMz");  // ready-made token, as is
  EXPECT_THROW(resolve_account(cfg, ""), ConfigError);              // two accounts, no default
  cfg.default_account = "legacy";
  EXPECT_EQ(resolve_account(cfg, "").name, "legacy");
  cfg.accounts.erase("main");
  cfg.default_account.clear();
  EXPECT_EQ(resolve_account(cfg, "").name, "legacy");
}

TEST(ResolveAccount, ErrorsNameTheAccounts) {
  auto cfg = two_accounts();
  try {
    resolve_account(cfg, "nope");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("legacy, main"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
  EXPECT_THROW(resolve_account(config::WalmartConfig{}, ""), ConfigError);
}

TEST(CorrelationId, FreshUuidV4) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_correlation_id();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace etl::walmart

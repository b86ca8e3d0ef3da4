// The token provider against the API simulator over real HTTP: one token per lifetime (cached),
// refreshed before it runs out, dropped after a 401, refused credentials named clearly.

#include "walmart/token_provider.hpp"

#include <gtest/gtest.h>

#include "common/base64.hpp"
#include "common/error.hpp"
#include "tools/sim/simulator.hpp"
#include "walmart/credentials.hpp"

namespace etl::walmart {
namespace {

struct Fixture {
  explicit Fixture(std::chrono::seconds ttl) {
    sim::SimulatorOptions o;
    o.port = 0;
    o.token_ttl = ttl;
    o.orders_per_day = 10;
    o.days = 1;
    o.requests_per_minute = 0;
    simulator = std::make_unique<sim::Simulator>(o);
    simulator->start();
    cfg.base_url = simulator->base_url();
    cfg.accounts["main"] = config::WalmartAccount{o.client_id, o.client_secret, ""};
  }
  TokenProvider provider() const {
    return TokenProvider(
        cfg, resolve_account(cfg, ""), HttpOptions{},
        TokenRetryPolicy{2, std::chrono::milliseconds(5), std::chrono::milliseconds(20)});
  }
  std::unique_ptr<sim::Simulator> simulator;
  config::WalmartConfig cfg;
};

TEST(TokenProvider, CachedForItsLifetimeAndDroppedAfterA401) {
  Fixture f(std::chrono::seconds(900));
  TokenProvider tokens = f.provider();
  const auto first = tokens.get();
  EXPECT_EQ(first->expires_in_s, 900);
  EXPECT_EQ(first->token_type, "Bearer");
  // Refreshed 120 s (walmart_token.token_refresh_margin_s) before it expires.
  EXPECT_EQ(first->expires_at_ms - first->refresh_at_ms, 120'000);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(tokens.get()->value, first->value);
  EXPECT_EQ(tokens.refreshes(), 1u);
  EXPECT_EQ(f.simulator->request_count(), 1u);

  tokens.invalidate(*first);
  const auto second = tokens.get();
  EXPECT_NE(second->value, first->value);
  tokens.invalidate(*first);  // a stale 401 does not throw the new token away
  EXPECT_EQ(tokens.get()->value, second->value);
  EXPECT_EQ(tokens.refreshes(), 2u);
}

TEST(TokenProvider, ShortLivedTokensAreRefreshedHalfwayAtTheLatest) {
  Fixture f(std::chrono::seconds(4));
  TokenProvider tokens = f.provider();
  const auto t = tokens.get();
  EXPECT_EQ(t->expires_at_ms - t->refresh_at_ms, 2000);  // min(margin 120 s, half of 4 s)
}

TEST(TokenProvider, ReadyMadeBasicTokenWorks) {
  Fixture f(std::chrono::seconds(900));
  f.cfg.accounts["main"] =
      config::WalmartAccount{"", "", base64_encode("sim-client-id:sim-client-secret")};
  TokenProvider tokens = f.provider();
  EXPECT_FALSE(tokens.get()->value.empty());
}

TEST(TokenProvider, RefusedCredentialsAreFatalAndNamed) {
  Fixture f(std::chrono::seconds(900));
  f.cfg.accounts["main"].client_secret = "not-the-secret";
  TokenProvider tokens = f.provider();
  try {
    (void)tokens.get();
    FAIL();
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::fatal);
    EXPECT_EQ(e.error().code, 401);
    const std::string what = e.what();
    EXPECT_NE(what.find("account 'main' were refused by " + f.cfg.base_url), std::string::npos)
        << what;
    EXPECT_EQ(what.find("not-the-secret"), std::string::npos);
  }
  EXPECT_EQ(f.simulator->request_count(), 1u);  // refused credentials are not retried
}

}  // namespace
}  // namespace etl::walmart

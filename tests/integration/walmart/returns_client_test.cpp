// The returns client against the API simulator over real HTTP: every return of a last-modified
// window exactly once across offset pages, with faults and throttling on the way; an empty window;
// the targets a cursor leads to.

#include "walmart/returns_client.hpp"

#include <gtest/gtest.h>

#include <set>

#include "returns/return_mapper.hpp"
#include "tools/sim/return_query.hpp"
#include "tools/sim/simulator.hpp"
#include "walmart/credentials.hpp"

namespace etl::walmart {
namespace {

struct Fixture {
  explicit Fixture(double fail_rate = 0, int rpm = 0) {
    sim::SimulatorOptions o;
    o.port = 0;
    o.orders_per_day = 150;
    o.days = 40;
    o.requests_per_minute = rpm;
    o.faults.fail_rate = fail_rate;
    o.faults.drop_rate = fail_rate / 2;
    simulator = std::make_unique<sim::Simulator>(o);
    simulator->start();
    cfg.walmart_token.base_url = simulator->base_url();
    cfg.walmart_token.accounts["main"] = config::WalmartAccount{o.client_id, o.client_secret, ""};
    cfg.fetch.max_retries = 8;
    cfg.fetch.backoff_initial = std::chrono::milliseconds(5);
    cfg.fetch.backoff_max = std::chrono::milliseconds(200);
    tokens = std::make_unique<TokenProvider>(
        cfg.walmart_token, resolve_account(cfg.walmart_token, ""), HttpOptions{},
        TokenRetryPolicy{3, std::chrono::milliseconds(5), std::chrono::milliseconds(20)});
    limiter = std::make_unique<RateLimiter>(0);
  }
  ReturnsClient client() {
    return ReturnsClient(returns_client_shared(cfg, *tokens, *limiter, clock), HttpOptions{});
  }
  // The simulator's own answer: ids of the returns whose last change is inside [a, b].
  std::set<std::string> truth(int64_t a, int64_t b) const {
    std::set<std::string> ids;
    const int64_t now = simulator->clock().sim_now_ms();
    for (const auto& r : sim::all_returns(simulator->model(), simulator->options().seed, now)) {
      const int64_t lm = r.last_modified_ms(now);
      if (lm >= a && lm <= b) ids.insert(r.return_order_id());
    }
    return ids;
  }

  std::unique_ptr<sim::Simulator> simulator;
  config::Config cfg;
  std::unique_ptr<TokenProvider> tokens;
  std::unique_ptr<RateLimiter> limiter;
  ServerClock clock;
};

void read_window(Fixture& f, int64_t a, int64_t b, int limit, std::vector<std::string>& ids,
                 size_t& pages, RequestCounters& counters) {
  ReturnsClient c = f.client();
  returns::ReturnMapper mapper;
  const auto err = c.read_all(
      last_modified_window(a, b, limit), "returns window",
      [&](const ReturnsPageResult& p) {
        ++pages;
        EXPECT_LE(p.page.returns.size(), static_cast<size_t>(limit));
        for (const RawReturn& r : p.page.returns) {
          ids.push_back(r.return_order_id);
          // What fetch hands to Kafka maps: one usable return with that id.
          const auto parsed = mapper.parse_message(r.json);
          EXPECT_FALSE(parsed.bad);
          EXPECT_EQ(parsed.returns.size(), 1u);
          if (parsed.returns.size() == 1 && parsed.returns[0].ok) {
            EXPECT_EQ(parsed.returns[0].ok->return_order_id, r.return_order_id);
          }
        }
        return true;
      },
      counters);
  EXPECT_FALSE(err) << err->describe();
}

TEST(ReturnsClient, EveryReturnOfAWindowOnceAcrossOffsetPages) {
  Fixture f;
  const int64_t now = f.simulator->clock().sim_now_ms();
  const int64_t a = now - 30 * kDayMs;
  const int64_t b = now - kDayMs;
  std::vector<std::string> ids;
  size_t pages = 0;
  RequestCounters counters;
  read_window(f, a, b, 50, ids, pages, counters);
  const auto expected = f.truth(a, b);
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(ids.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), expected);
  EXPECT_EQ(pages, (expected.size() + 49) / 50);
  EXPECT_EQ(counters.requests, pages + 0);
}

TEST(ReturnsClient, FaultsAreRetriedAndNothingIsLostOrDoubled) {
  Fixture f(0.2);
  const int64_t now = f.simulator->clock().sim_now_ms();
  const int64_t a = now - 20 * kDayMs;
  const int64_t b = now - 2 * kDayMs;
  std::vector<std::string> ids;
  size_t pages = 0;
  RequestCounters counters;
  read_window(f, a, b, 20, ids, pages, counters);
  const auto expected = f.truth(a, b);
  EXPECT_EQ(ids.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), expected);
  EXPECT_GT(counters.retries, 0u);
}

TEST(ReturnsClient, AnEmptyWindowIsNoReturnsNotAnError) {
  Fixture f;
  const int64_t now = f.simulator->clock().sim_now_ms();
  std::vector<std::string> ids;
  size_t pages = 0;
  RequestCounters counters;
  // Before any order existed.
  read_window(f, now - 400 * kDayMs, now - 300 * kDayMs, 10, ids, pages, counters);
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(pages, 0u);
  EXPECT_EQ(counters.requests, 1u);
}

TEST(ReturnsClient, CursorTargets) {
  const QueryPairs filters{{"returnLastModifiedStartDate", "2026-12-01T00:00:00.000+0000"},
                           {"returnLastModifiedEndDate", "2026-12-02T00:00:00.000Z"},
                           {"limit", "200"}};
  EXPECT_EQ(returns_target(filters),
            "/v3/returns?returnLastModifiedStartDate=2026-12-01T00:00:00.000%2B0000&"
            "returnLastModifiedEndDate=2026-12-02T00:00:00.000Z&limit=200");
  // A cursor without the filters: they are sent again; the cursor's own values win.
  EXPECT_EQ(
      next_returns_target("?sellerId=151&limit=200&offset=200", filters),
      "/v3/returns?sellerId=151&limit=200&offset=200&returnLastModifiedStartDate=2026-12-01T00:"
      "00:00.000%2B0000&returnLastModifiedEndDate=2026-12-02T00:00:00.000Z");
  // A cursor that carries them: nothing is sent twice.
  EXPECT_EQ(next_returns_target("?limit=200&offset=400&returnLastModifiedStartDate=X&"
                                "returnLastModifiedEndDate=Y",
                                filters),
            "/v3/returns?limit=200&offset=400&returnLastModifiedStartDate=X&"
            "returnLastModifiedEndDate=Y");
}

}  // namespace
}  // namespace etl::walmart

// Unit tests of the simulator's small parts: token bucket, fault schedule, Basic auth, money
// and JSON formatting, error bodies.

#include <gtest/gtest.h>
#include <simdjson.h>

#include "common/base64.hpp"
#include "common/error.hpp"
#include "tools/sim/basic_auth.hpp"
#include "tools/sim/error_bodies.hpp"
#include "tools/sim/fault_injector.hpp"
#include "tools/sim/json_writer.hpp"
#include "tools/sim/rate_limiter.hpp"
#include "tools/sim/sim_options.hpp"

namespace etl::walmart::sim {
namespace {

TEST(TokenBucket, AllowsABurstThenRefillsGradually) {
  TokenBucket b(60, 3);  // one token per second, three at most
  EXPECT_TRUE(b.take(1000).allowed);
  EXPECT_TRUE(b.take(1000).allowed);
  const BucketDecision third = b.take(1000);
  EXPECT_TRUE(third.allowed);
  EXPECT_EQ(third.tokens_left, 0);
  const BucketDecision denied = b.take(1000);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.tokens_left, 0);
  EXPECT_EQ(denied.next_replenish_in_ms, 1000);
  const BucketDecision half = b.take(1500);
  EXPECT_FALSE(half.allowed);
  EXPECT_EQ(half.next_replenish_in_ms, 500);
  EXPECT_TRUE(b.take(2000).allowed);
  EXPECT_FALSE(b.take(2000).allowed);
  // Never more than the burst.
  EXPECT_TRUE(b.take(100000).allowed);
  EXPECT_TRUE(b.take(100000).allowed);
  EXPECT_TRUE(b.take(100000).allowed);
  EXPECT_FALSE(b.take(100000).allowed);
}

TEST(TokenBucket, ZeroRateMeansUnlimited) {
  TokenBucket b(0, 1);
  for (int i = 0; i < 1000; ++i) {
    const BucketDecision d = b.take(0);
    ASSERT_TRUE(d.allowed);
    ASSERT_EQ(d.tokens_left, TokenBucket::kUnlimitedCount);
  }
}

TEST(FaultInjector, ReproducibleIndependentAndAtTheRequestedRates) {
  FaultOptions o;
  o.fail_rate = 0.3;
  o.drop_rate = 0.2;
  o.malformed_rate = 0.1;
  const FaultInjector a(o, 77), b(o, 77), c(o, 78);
  int fail = 0, drop = 0, malformed = 0, drop_and_malformed = 0, same_as_c = 0;
  int kinds[4] = {0, 0, 0, 0};
  constexpr int kN = 20000;
  for (uint64_t n = 0; n < kN; ++n) {
    const FaultPlan p = a.plan(n);
    const FaultPlan q = b.plan(n);
    ASSERT_EQ(p.fail, q.fail);
    ASSERT_EQ(p.drop, q.drop);
    ASSERT_EQ(p.malformed, q.malformed);
    ASSERT_EQ(p.cut_fraction, q.cut_fraction);
    same_as_c += (p.fail == c.plan(n).fail && p.drop == c.plan(n).drop) ? 1 : 0;
    fail += p.fail != FailKind::none;
    ++kinds[static_cast<int>(p.fail)];
    drop += p.drop;
    malformed += p.malformed;
    drop_and_malformed += p.drop && p.malformed;
    ASSERT_GT(p.cut_fraction, 0.0);
    ASSERT_LT(p.cut_fraction, 1.0);
  }
  EXPECT_NEAR(fail / double(kN), 0.3, 0.02);
  EXPECT_NEAR(drop / double(kN), 0.2, 0.02);
  EXPECT_NEAR(malformed / double(kN), 0.1, 0.02);
  EXPECT_NEAR(drop_and_malformed / double(kN), 0.02, 0.006) << "independent draws";
  for (int k = 1; k <= 3; ++k) EXPECT_NEAR(kinds[k] / double(fail), 1.0 / 3, 0.03);
  EXPECT_LT(same_as_c, kN) << "another seed gives another schedule";

  FaultInjector seq(o, 77);
  for (uint64_t n = 0; n < 50; ++n) EXPECT_EQ(seq.next().fail, a.plan(n).fail);
}

TEST(FaultPlan, CutsInsideTheBody) {
  FaultPlan p;
  p.cut_fraction = 0.999;
  EXPECT_EQ(p.cut_at(10), 9U);
  p.cut_fraction = 0.0001;
  EXPECT_EQ(p.cut_at(10), 1U);
  EXPECT_EQ(p.cut_at(1), 0U);
}

TEST(BasicAuth, ParsesAndRejects) {
  const std::string header = "Basic " + base64_encode("my-id:s3cr:et");
  const auto c = parse_basic_auth(header);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->client_id, "my-id");
  EXPECT_EQ(c->client_secret, "s3cr:et");
  EXPECT_TRUE(parse_basic_auth("basic " + base64_encode("a:b")).has_value());
  EXPECT_FALSE(parse_basic_auth("Bearer " + base64_encode("a:b")).has_value());
  EXPECT_FALSE(parse_basic_auth("Basic !!!!").has_value());
  EXPECT_FALSE(parse_basic_auth("Basic " + base64_encode("no-colon")).has_value());
  EXPECT_FALSE(parse_basic_auth("").has_value());
  for (const std::string s : {"", "a", "ab", "abc", "abcd", "hello world ü"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("id:secret"), "aWQ6c2VjcmV0");
}

TEST(JsonWriter, MoneyLooksLikeWalmartsNumbers) {
  EXPECT_EQ(format_money(2499), "24.99");
  EXPECT_EQ(format_money(2950), "29.5");
  EXPECT_EQ(format_money(1200), "12");
  EXPECT_EQ(format_money(0), "0");
  EXPECT_EQ(format_money(5), "0.05");
  EXPECT_EQ(format_money(-237), "-2.37");
  EXPECT_EQ(format_money(-1200), "-12");
}

TEST(JsonWriter, EscapesAndStructures) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("s", "a\"b\\c\nd\x01 é 李 🎉");
  w.field_null("n");
  w.key("arr");
  w.begin_array();
  w.integer(-5);
  w.boolean(true);
  w.money(1099);
  w.begin_object();
  w.end_object();
  w.end_array();
  w.end_object();
  EXPECT_EQ(out, "{\"s\":\"a\\\"b\\\\c\\nd\\u0001 é 李 🎉\",\"n\":null,\"arr\":[-5,true,10.99,{}]}");
  simdjson::dom::parser p;
  simdjson::dom::element e;
  ASSERT_EQ(p.parse(out).get(e), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(e["s"]), "a\"b\\c\nd\x01 é 李 🎉");
}

TEST(ErrorBodies, ShapesFollowTheReference) {
  simdjson::dom::parser p;
  const ApiError nf = orders_not_found("getAllOrders");
  EXPECT_EQ(nf.http_status, 404);
  simdjson::dom::element e = p.parse(nf.body());
  EXPECT_EQ(std::string_view(e["errors"]["error"].at(0)["code"]),
            "CONTENT_NOT_FOUND.GMP_ORDER_API");
  EXPECT_EQ(std::string_view(e["errors"]["error"].at(0)["severity"]), "INFO");
  EXPECT_EQ(std::string_view(e["errors"]["error"].at(0)["category"]), "APPLICATION");
  EXPECT_EQ(e["errors"]["error"].at(0)["field"].error(), simdjson::NO_SUCH_FIELD);

  const ApiError un = unauthorized();
  simdjson::dom::element g = p.parse(un.body());
  EXPECT_EQ(std::string_view(g["error"].at(0)["code"]), "UNAUTHORIZED.GMP_GATEWAY_API");
  EXPECT_EQ(std::string_view(g["error"].at(0)["field"]), "UNAUTHORIZED");
  EXPECT_EQ(un.http_status, 401);
  EXPECT_EQ(request_threshold_violated().http_status, 429);
  EXPECT_EQ(system_error().http_status, 500);
  EXPECT_EQ(downstream_timeout().http_status, 504);
}

TEST(SimulatorOptions, ValidationNamesTheFlag) {
  SimulatorOptions o;
  EXPECT_NO_THROW(o.validate());
  o.faults.fail_rate = 1.5;
  try {
    o.validate();
    FAIL() << "accepted --fail-rate 1.5";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--fail-rate"), std::string::npos);
  }
  SimulatorOptions p;
  p.client_id = "a:b";
  EXPECT_THROW(p.validate(), ConfigError);
  SimulatorOptions q;
  q.requests_per_minute = 600;
  EXPECT_EQ(q.effective_burst(), 100);
  q.burst = 7;
  EXPECT_EQ(q.effective_burst(), 7);
}

}  // namespace
}  // namespace etl::walmart::sim

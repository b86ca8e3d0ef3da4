// Unit tests of the simulator's data: generation determinism, order dates and ids, status
// timelines, the rendered JSON's types and variety, and the clock.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <thread>

#include "common/utc_time.hpp"
#include "tools/sim/order_model.hpp"
#include "tools/sim/order_render.hpp"
#include "tools/sim/sim_clock.hpp"

namespace etl::walmart::sim {
namespace {

const int64_t kNow = *parse_iso8601_ms("2024-05-02T17:05:41.250Z");
const int64_t kOrigin = kNow - 10 * kDayMs;

// simulate-api --sellers: seller k's model has its own data (seed + k - 1) and an id block of its
// own, so no two sellers ever share a purchaseOrderId, and each id maps back to its seller's index.
TEST(OrderModel, SellersOfOneSeedNeverShareAPurchaseOrderId) {
  std::set<uint64_t> ids;
  constexpr uint64_t kOrders = 20000;
  for (uint32_t k = 0; k < 5; ++k) {
    const OrderModel m(7 + k, 1000, 0, 7, k);
    for (uint64_t i = 0; i < kOrders; ++i) {
      const uint64_t id = m.purchase_order_id(i);
      ASSERT_TRUE(ids.insert(id).second) << "seller " << k + 1 << " order " << i;
      ASSERT_EQ(m.index_of_purchase_order_id(id), i);
    }
  }
  // Block 0 is the single-seller model of that seed: one seller serves what it always did.
  const OrderModel plain(7, 1000, 0);
  const OrderModel first(7, 1000, 0, 7, 0);
  for (uint64_t i = 0; i < 100; ++i)
    EXPECT_EQ(plain.purchase_order_id(i), first.purchase_order_id(i));
  // The highest block still maps indexes below 2^40 to ids no other block has.
  const OrderModel last(7, 1000, 0, 7, OrderModel::kMaxIdBlocks - 1);
  EXPECT_EQ(ids.count(last.purchase_order_id(0)), 0u);
  EXPECT_EQ(last.index_of_purchase_order_id(last.purchase_order_id(123)), 123u);
}

TEST(OrderModel, SameSeedSameOrdersDifferentSeedDifferentOrders) {
  const OrderModel a(42, 500, kOrigin);
  const OrderModel b(42, 500, kOrigin);
  const OrderModel c(43, 500, kOrigin);
  int differing = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    EXPECT_EQ(render_order(a.skeleton(i), kNow, {}, 42), render_order(b.skeleton(i), kNow, {}, 42));
    if (render_order(a.skeleton(i), kNow, {}, 42) != render_order(c.skeleton(i), kNow, {}, 43)) {
      ++differing;
    }
  }
  EXPECT_EQ(differing, 300);
}

TEST(OrderModel, OrderDatesNeverDecreaseAndIndexSearchMatchesBruteForce) {
  const OrderModel m(7, 2000, kOrigin);
  int64_t prev = m.order_date_ms(0);
  EXPECT_GE(prev, kOrigin - 1000);
  for (uint64_t i = 1; i < 5000; ++i) {
    const int64_t d = m.order_date_ms(i);
    ASSERT_GE(d, prev) << i;
    EXPECT_EQ(d % 1000, 0) << "orderDate is whole seconds";
    prev = d;
  }
  for (const int64_t t :
       {kOrigin - 5000, kOrigin, kOrigin + 123'456, kOrigin + kDayMs, kOrigin + 2 * kDayMs + 7}) {
    uint64_t brute = 0;
    while (m.order_date_ms(brute) < t) ++brute;
    EXPECT_EQ(m.first_index_at_or_after(t), brute) << t;
    const auto last = m.last_index_at_or_before(t);
    if (brute == 0 && m.order_date_ms(0) > t) {
      EXPECT_FALSE(last.has_value());
    } else {
      ASSERT_TRUE(last.has_value());
      EXPECT_LE(m.order_date_ms(*last), t);
      EXPECT_GT(m.order_date_ms(*last + 1), t);
    }
  }
  // ~orders_per_day orders per day.
  EXPECT_NEAR(static_cast<double>(m.first_index_at_or_after(kOrigin + kDayMs)), 2000.0, 2.0);
}

TEST(OrderModel, IdsHaveTheRightWidthAreUniqueAndInvertible) {
  const OrderModel m(99, 1000, kOrigin);
  std::set<uint64_t> po, co;
  for (uint64_t i = 0; i < 20000; ++i) {
    const uint64_t p = m.purchase_order_id(i);
    const uint64_t c = m.customer_order_id(i);
    ASSERT_EQ(std::to_string(p).size(), 15U);
    ASSERT_EQ(std::to_string(c).size(), 13U);
    ASSERT_TRUE(po.insert(p).second);
    ASSERT_TRUE(co.insert(c).second);
    ASSERT_EQ(m.index_of_purchase_order_id(p), i);
    ASSERT_EQ(m.index_of_customer_order_id(c), i);
  }
  EXPECT_FALSE(m.index_of_purchase_order_id(12345).has_value());
  EXPECT_FALSE(m.index_of_customer_order_id(99'999'999'999'999ULL).has_value());
}

TEST(OrderModel, LinesMoveThroughTheirStatusesAsTimeAdvances) {
  const OrderModel m(5, 500, kOrigin);
  int delivered_later = 0;
  for (uint64_t i = 0; i < 500; ++i) {
    const OrderSkeleton o = m.skeleton(i);
    ASSERT_GE(o.line_count, 1);
    ASSERT_LE(o.line_count, 4);
    int64_t prev_lm = o.order_date_ms;
    for (int64_t t = o.order_date_ms; t <= o.order_date_ms + kMaxLifetimeMs + kDayMs;
         t += kHourMs * 7) {
      const int64_t lm = o.last_modified_ms(t);
      ASSERT_GE(lm, prev_lm) << "lastModified never goes back";
      ASSERT_LE(lm, t);
      ASSERT_LE(lm, o.order_date_ms + kMaxLifetimeMs);
      prev_lm = lm;
    }
    for (size_t l = 0; l < o.line_count; ++l) {
      EXPECT_EQ(o.line_state(l, o.order_date_ms).status, LineStatus::created);
      EXPECT_EQ(o.line_state(l, o.order_date_ms).status_date_ms, o.order_date_ms);
      if (o.line_state(l, o.order_date_ms + kMaxLifetimeMs).status == LineStatus::delivered) {
        ++delivered_later;
      }
    }
    EXPECT_EQ(o.has_line_status(LineStatus::created, o.order_date_ms), true);
  }
  EXPECT_GT(delivered_later, 300);
}

// Reads every order of a sample and checks the JSON types the reference insists on, and that the
// variety a pipeline must survive actually occurs.
TEST(OrderRender, JsonTypesAndVarietyFollowTheReference) {
  const OrderModel m(11, 3000, kOrigin);
  simdjson::dom::parser parser;
  std::set<std::string> node_types, statuses, charge_types;
  bool tax_null = false, tax_absent = false, address2_null = false, address2_absent = false;
  bool nocx = false, carrier = false, other_carrier = false, integer_amount = false;
  bool non_ascii_name = false, quote_in_text = false, tracking = false, two_statuses = false;
  const int64_t now = kOrigin + 10 * kDayMs;
  // Sample the whole 10 days, so that young orders (Created, Acknowledged, Shipped) are included.
  for (uint64_t i = 0; i < 30000; i += 10) {
    const std::string json = render_order(m.skeleton(i), now, {}, 11);
    if (json.find("\\\"") != std::string::npos) quote_in_text = true;
    simdjson::dom::element o;
    ASSERT_EQ(parser.parse(json).get(o), simdjson::SUCCESS) << json;
    std::string_view po;
    ASSERT_EQ(o["purchaseOrderId"].get(po), simdjson::SUCCESS);
    ASSERT_EQ(po.size(), 15U);
    ASSERT_TRUE(o["customerOrderId"].is_string());
    ASSERT_TRUE(o["orderDate"].is_int64());
    std::string_view email = o["customerEmailId"];
    if (email == "nocxemail@walmartone.com") nocx = true;
    std::string_view name = o["shippingInfo"]["postalAddress"]["name"];
    for (unsigned char ch : name) non_ascii_name |= ch >= 0x80;
    auto address2 = o["shippingInfo"]["postalAddress"]["address2"];
    if (address2.error() == simdjson::NO_SUCH_FIELD)
      address2_absent = true;
    else if (address2.is_null())
      address2_null = true;
    ASSERT_TRUE(o["shippingInfo"]["estimatedShipDate"].is_int64());
    node_types.insert(std::string(std::string_view(o["shipNode"]["type"])));
    for (simdjson::dom::element line : o["orderLines"]["orderLine"].get_array()) {
      ASSERT_TRUE(line["lineNumber"].is_string());
      ASSERT_TRUE(line["orderLineQuantity"]["amount"].is_string());
      ASSERT_TRUE(line["statusDate"].is_int64());
      simdjson::dom::array charges = line["charges"]["charge"];
      std::string_view first_type = charges.at(0)["chargeType"];
      EXPECT_EQ(first_type, "PRODUCT");
      for (simdjson::dom::element ch : charges) {
        charge_types.insert(std::string(std::string_view(ch["chargeType"])));
        auto amount = ch["chargeAmount"]["amount"];
        ASSERT_TRUE(amount.is_number());
        if (amount.is_int64()) integer_amount = true;
        auto tax = ch["tax"];
        if (tax.error() == simdjson::NO_SUCH_FIELD)
          tax_absent = true;
        else if (tax.is_null())
          tax_null = true;
        else
          ASSERT_TRUE(tax["taxAmount"]["amount"].is_number());
      }
      simdjson::dom::array sts = line["orderLineStatuses"]["orderLineStatus"];
      if (sts.size() > 1) two_statuses = true;
      for (simdjson::dom::element st : sts) {
        statuses.insert(std::string(std::string_view(st["status"])));
        ASSERT_TRUE(st["statusQuantity"]["amount"].is_string());
        auto ti = st["trackingInfo"];
        if (ti.error() == simdjson::SUCCESS && ti.is_object()) {
          tracking = true;
          ASSERT_TRUE(ti["shipDateTime"].is_int64());
          auto c = ti["carrierName"]["carrier"];
          if (c.error() == simdjson::SUCCESS && c.is_string()) carrier = true;
          auto oc = ti["carrierName"]["otherCarrier"];
          if (oc.error() == simdjson::SUCCESS && oc.is_string()) other_carrier = true;
        }
      }
    }
  }
  EXPECT_EQ(node_types, (std::set<std::string>{"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"}));
  EXPECT_EQ(statuses, (std::set<std::string>{"Created", "Acknowledged", "Shipped", "Delivered",
                                             "Cancelled", "Refund"}));
  EXPECT_EQ(charge_types, (std::set<std::string>{"PRODUCT", "SHIPPING", "FEE"}));
  EXPECT_TRUE(tax_null && tax_absent && address2_null && address2_absent);
  EXPECT_TRUE(nocx && carrier && other_carrier && integer_amount && tracking && two_statuses);
  EXPECT_TRUE(non_ascii_name && quote_in_text);
}

TEST(OrderRender, OnlyTimeDependentFieldsChangeAsTheClockAdvances) {
  const OrderModel m(3, 500, kOrigin);
  simdjson::dom::parser p1, p2;
  for (uint64_t i = 0; i < 200; ++i) {
    const OrderSkeleton o = m.skeleton(i);
    const std::string early = render_order(o, o.order_date_ms, {}, 3);
    const std::string late = render_order(o, o.order_date_ms + kMaxLifetimeMs, {}, 3);
    simdjson::dom::element a = p1.parse(early);
    simdjson::dom::element b = p2.parse(late);
    EXPECT_EQ(simdjson::minify(a["shippingInfo"]), simdjson::minify(b["shippingInfo"]));
    EXPECT_EQ(simdjson::minify(a["shipNode"]), simdjson::minify(b["shipNode"]));
    EXPECT_EQ(std::string_view(a["purchaseOrderId"]), std::string_view(b["purchaseOrderId"]));
    simdjson::dom::array la = a["orderLines"]["orderLine"];
    simdjson::dom::array lb = b["orderLines"]["orderLine"];
    ASSERT_EQ(la.size(), lb.size());
    for (size_t l = 0; l < la.size(); ++l) {
      EXPECT_EQ(simdjson::minify(la.at(l)["charges"]), simdjson::minify(lb.at(l)["charges"]));
      EXPECT_EQ(simdjson::minify(la.at(l)["item"]), simdjson::minify(lb.at(l)["item"]));
    }
  }
}

TEST(OrderRender, ProductAndReplacementInfoAddTheirFields) {
  const OrderModel m(3, 500, kOrigin);
  const OrderSkeleton o = m.skeleton(17);
  const std::string plain = render_order(o, kNow, {}, 3);
  const std::string rich = render_order(o, kNow, RenderOptions{true, true}, 3);
  EXPECT_EQ(plain.find("imageUrl"), std::string::npos);
  EXPECT_EQ(plain.find("orderType"), std::string::npos);
  EXPECT_NE(rich.find("\"imageUrl\":\"https://i5.walmartimages.com/"), std::string::npos);
  EXPECT_NE(rich.find("\"weight\":{\"value\":\""), std::string::npos);
  EXPECT_NE(rich.find("\"orderType\":\""), std::string::npos);
}

TEST(SimClock, FrozenScaledAndAdvanced) {
  SimClock frozen(kNow, 0.0);
  EXPECT_EQ(frozen.sim_now_ms(), kNow);
  frozen.advance_sim(std::chrono::hours(2));
  EXPECT_EQ(frozen.sim_now_ms(), kNow + 2 * kHourMs);
  const int64_t wall = frozen.wall_elapsed_ms();
  frozen.advance_wall(std::chrono::seconds(901));
  EXPECT_GE(frozen.wall_elapsed_ms(), wall + 901'000);
  EXPECT_EQ(frozen.sim_now_ms(), kNow + 2 * kHourMs) << "wall advance leaves data time alone";

  // 1000x: the simulated clock runs 1000 times faster than the real one.
  SimClock fast(kNow, 1000.0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (fast.wall_elapsed_ms() < 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  const int64_t real = fast.wall_elapsed_ms();
  const int64_t sim = fast.sim_now_ms() - kNow;
  EXPECT_GE(sim, real * 1000);
  EXPECT_LT(sim, (real + 1000) * 1000);
}

}  // namespace
}  // namespace etl::walmart::sim

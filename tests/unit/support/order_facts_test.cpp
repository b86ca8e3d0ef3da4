// The e2e verifier checked on its own (no binary, no servers): the tiny JSON reader, exact cents
// from number text, the contract's list shapes, and that compare_facts notices every kind of
// difference the e2e tests rely on it to notice.

#include "support/e2e/order_facts.hpp"

#include <gtest/gtest.h>

#include "support/e2e/json_tree.hpp"

namespace etl::e2e {
namespace {

// One order as the simulator serves it (abridged): two lines, three charges, one null tax.
const std::string kOrder = R"({"purchaseOrderId":"117894576023040","orderDate":1714566164000,
 "shippingInfo":{"postalAddress":{"name":"\u674e\u5c0f\u9f99 \ud83d\ude00","city":"Espa\u00f1ola"}},
 "orderLines":{"orderLine":[
  {"lineNumber":"1","charges":{"charge":[{"chargeType":"PRODUCT","chargeAmount":{"currency":"USD","amount":39.97},
    "tax":{"taxName":"Tax1","taxAmount":{"currency":"USD","amount":3.4}}}]},
   "orderLineStatuses":{"orderLineStatus":[{"status":"Acknowledged"}]}},
  {"lineNumber":"2","charges":{"charge":[{"chargeAmount":{"amount":79.99},"tax":null},
    {"chargeType":"SHIPPING","chargeAmount":{"amount":5.99},"tax":{"taxAmount":{"amount":0.53}}}]},
   "orderLineStatuses":{"orderLineStatus":[{"status":"Shipped"},{"status":"Cancelled"}]}}]}})";

std::string one_line(std::string s) {
  for (auto& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

TEST(OrderFactsVerifier, ReadsTheFactsOfAnOrderExactly) {
  const auto facts = facts_from_ndjson(one_line(kOrder) + "\n\n");
  ASSERT_EQ(facts.size(), 1u);
  const OrderFacts& f = facts.at("117894576023040");
  EXPECT_EQ(f.line_status, (std::map<int64_t, std::string>{{1, "Acknowledged"}, {2, "Shipped"}}));
  EXPECT_EQ(f.charges, 3);
  EXPECT_EQ(f.charge_cents, 3997 + 7999 + 599);
  EXPECT_EQ(f.tax_cents, 340 + 53);
}

TEST(OrderFactsVerifier, DecodesStringsAndKeepsNumberText) {
  const JsonValue v =
      parse_json(R"({"a":"\u674e\ud83d\ude00\n","n":-0.10,"e":1e3,"b":[true,null]})");
  EXPECT_EQ(v.get("a")->text, "\xE6\x9D\x8E\xF0\x9F\x98\x80\n");
  EXPECT_EQ(v.get("n")->text, "-0.10");
  EXPECT_EQ(v.get("e")->text, "1e3");
  EXPECT_EQ(v.get("b")->items.size(), 2u);
  EXPECT_EQ(v.get("missing"), nullptr);
  EXPECT_THROW(parse_json(R"({"a":1,})"), std::runtime_error);
  EXPECT_THROW(parse_json(R"({"a":"x)"), std::runtime_error);
  EXPECT_THROW(parse_json("[1] 2"), std::runtime_error);
}

TEST(OrderFactsVerifier, CentsFromDecimalTextRoundHalfAwayFromZero) {
  EXPECT_EQ(decimal_text_to_cents("39.97"), 3997);
  EXPECT_EQ(decimal_text_to_cents("3.4"), 340);
  EXPECT_EQ(decimal_text_to_cents("137"), 13700);
  EXPECT_EQ(decimal_text_to_cents("-5.99"), -599);
  EXPECT_EQ(decimal_text_to_cents("0.005"), 1);
  EXPECT_EQ(decimal_text_to_cents("-0.005"), -1);
  EXPECT_EQ(decimal_text_to_cents("0.0049"), 0);
  EXPECT_THROW(decimal_text_to_cents("1e3"), std::runtime_error);
  EXPECT_THROW(decimal_text_to_cents("abc"), std::runtime_error);
}

TEST(OrderFactsVerifier, SingleObjectCountsAsAOneElementList) {
  const auto facts = facts_from_ndjson(
      R"({"purchaseOrderId":"7","orderLines":{"orderLine":{"lineNumber":"3","charges":{"charge":{"chargeAmount":{"amount":"1.50"}}},"orderLineStatuses":{"orderLineStatus":{"status":"Created"}}}}})");
  const OrderFacts& f = facts.at("7");
  EXPECT_EQ(f.line_status, (std::map<int64_t, std::string>{{3, "Created"}}));
  EXPECT_EQ(f.charges, 1);
  EXPECT_EQ(f.charge_cents, 150);
}

TEST(OrderFactsVerifier, CompareNoticesEveryKindOfDifference) {
  const OrderFactsById expected = facts_from_ndjson(one_line(kOrder));
  EXPECT_EQ(compare_facts(expected, expected), "");

  auto changed = [&](auto mutate) {
    OrderFactsById actual = expected;
    mutate(actual);
    return compare_facts(expected, actual);
  };
  const std::string id = "117894576023040";
  EXPECT_NE(changed([&](auto& a) { a.erase(id); }), "");                         // missing order
  EXPECT_NE(changed([&](auto& a) { a["42"]; }), "");                             // unexpected order
  EXPECT_NE(changed([&](auto& a) { a[id].line_status[2] = "Delivered"; }), "");  // stale status
  EXPECT_NE(changed([&](auto& a) { a[id].line_status.erase(2); }), "");          // lost line
  EXPECT_NE(changed([&](auto& a) { a[id].charges = 2; }), "");                   // lost charge
  EXPECT_NE(changed([&](auto& a) { a[id].charge_cents += 1; }), "");             // a cent off
  EXPECT_NE(changed([&](auto& a) { a[id].tax_cents -= 1; }), "");                // tax a cent off
  EXPECT_NE(compare_facts(expected, {}).find("1 missing"), std::string::npos);
}

TEST(OrderFactsVerifier, DumpThatCannotBeReadIsAnError) {
  EXPECT_THROW(facts_from_ndjson("{\"purchaseOrderId\":\"1\"}\n{not json}\n"), std::runtime_error);
  EXPECT_THROW(facts_from_ndjson("{\"orderLines\":null}\n"), std::runtime_error);
  EXPECT_THROW(facts_from_ndjson("{\"purchaseOrderId\":\"1\"}\n{\"purchaseOrderId\":\"1\"}\n"),
               std::runtime_error);
}

}  // namespace
}  // namespace etl::e2e

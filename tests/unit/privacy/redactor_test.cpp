// Unit: the field policies applied to an order's JSON bytes - every personal path, every other
// byte as received, escapes and Unicode, missing and null fields, arrays of orders, duplicate and
// escaped keys, malformed input left unchanged, the erasure list - and the keyed hash (a fixed
// vector: the same in every process; another key, another hash).
#include "privacy/redactor.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "order/order_mapper.hpp"

namespace etl::privacy {
namespace {

using config::FieldPolicy;

const std::string kKey = "0123456789abcdef0123456789abcdef-test-key";

FieldPolicies all(FieldPolicy p, std::string key = kKey) {
  FieldPolicies f;
  f.policy.fill(p);
  f.hash_key = std::move(key);
  return f;
}

// An order whose personal values are the placeholders' replacements, laid out with odd spacing
// so a test sees every byte outside the values kept.
std::string order(const std::map<std::string, std::string>& v) {
  std::string t = R"({"purchaseOrderId":"1796277083022","customerOrderId":"5281956426648",
  "customerEmailId" : @EMAIL@ ,"orderDate":1568466571000,
  "shippingInfo":{"phone":@PHONE@,"estimatedDeliveryDate":1569438000000,
    "postalAddress":{ "name":@NAME@,"address1":@A1@,"address2":@A2@,"city":@CITY@,
      "state":"CA","postalCode":@ZIP@,"country":"USA","addressType":"RESIDENTIAL"}},
  "pickupPersons":@PICKUP@,
  "orderLines":{"orderLine":[{"lineNumber":"1","item":{"productName":"Kettle","sku":"K-1"}}]}})";
  for (const auto& [k, val] : v) {
    const std::string marker = "@" + k + "@";
    for (auto at = t.find(marker); at != std::string::npos; at = t.find(marker)) {
      t.replace(at, marker.size(), val);
    }
  }
  return t;
}

const std::map<std::string, std::string> kClear = {
    {"EMAIL", R"("jane.doe@example.com")"},
    {"PHONE", R"("4155550100")"},
    {"NAME", R"("Jane Doe")"},
    {"A1", R"("1 Main St")"},
    {"A2", R"("Apt 5")"},
    {"CITY", R"("Sunnyvale")"},
    {"ZIP", R"("94086")"},
    {"PICKUP", R"([{"name":{"completeName":"John Roe"},"phone":{"completeNumber":"4155550101"}}])"},
};

std::string quoted_hash(std::string_view value) {
  return "\"" + hmac_sha256_hex(kKey, value) + "\"";
}

TEST(Hmac, MatchesTheRfc4231VectorSoEveryProcessAndRunAgrees) {
  // RFC 4231, test case 2: a fixed function of key and value, nothing per process or per run.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256_hex(kKey, "jane.doe@example.com"),
            hmac_sha256_hex(kKey, "jane.doe@example.com"));
  EXPECT_NE(hmac_sha256_hex(kKey, "jane.doe@example.com"),
            hmac_sha256_hex(kKey + "x", "jane.doe@example.com"))
      << "another key, another hash";
  EXPECT_EQ(hmac_sha256_hex(kKey, "x").size(), 64u);
}

TEST(Redactor, HashRewritesEveryPersonalPathAndNoOtherByte) {
  Redactor r(all(FieldPolicy::hash));
  std::string out;
  const Redaction res = r.redact(order(kClear), out);
  ASSERT_EQ(res.outcome, RedactOutcome::redacted) << res.problem;
  EXPECT_EQ(res.values, 8u);
  const std::string expected = order({
      {"EMAIL", quoted_hash("jane.doe@example.com")},
      {"PHONE", quoted_hash("4155550100")},
      {"NAME", quoted_hash("Jane Doe")},
      {"A1", quoted_hash("1 Main St")},
      {"A2", quoted_hash("Apt 5")},
      {"CITY", quoted_hash("Sunnyvale")},
      {"ZIP", quoted_hash("94086")},
      {"PICKUP", quoted_hash(kClear.at("PICKUP"))},
  });
  EXPECT_EQ(out, expected);
}

TEST(Redactor, DropWritesNullAndTheMapperReadsNull) {
  Redactor r(all(FieldPolicy::drop));
  std::string out;
  ASSERT_EQ(r.redact(order(kClear), out).outcome, RedactOutcome::redacted);
  std::map<std::string, std::string> nulls;
  for (const auto& kv : kClear) nulls[kv.first] = "null";
  EXPECT_EQ(out, order(nulls));
  order::OrderMapper mapper;
  const auto parsed = mapper.parse_message(out);
  ASSERT_FALSE(parsed.bad) << parsed.bad->reason;
  ASSERT_EQ(parsed.orders.size(), 1u);
  const auto& line = parsed.orders[0].lines.at(0);
  EXPECT_FALSE(line.customer_email_id);
  EXPECT_FALSE(line.phone);
  EXPECT_FALSE(line.recipient_name);
  EXPECT_FALSE(line.postal_code);
  EXPECT_EQ(line.state.value_or(""), "CA") << "a field that is not personal stays";
  EXPECT_EQ(parsed.orders[0].raw_json, out) << "the archive holds the redacted bytes";
}

TEST(Redactor, EachFieldFollowsItsOwnPolicy) {
  FieldPolicies p = all(FieldPolicy::keep);
  p.policy[static_cast<size_t>(PersonalField::customer_email_id)] = FieldPolicy::hash;
  p.policy[static_cast<size_t>(PersonalField::postal_code)] = FieldPolicy::drop;
  Redactor r(p);
  std::string out;
  ASSERT_EQ(r.redact(order(kClear), out).outcome, RedactOutcome::redacted);
  auto expected = kClear;
  expected["EMAIL"] = quoted_hash("jane.doe@example.com");
  expected["ZIP"] = "null";
  EXPECT_EQ(out, order(expected));
}

TEST(Redactor, TheHashIsOfTheDecodedTextSoEscapesAndUnicodeHashAlike) {
  Redactor r(all(FieldPolicy::hash));
  auto escaped = kClear;
  escaped["NAME"] = R"("Ren\u00e9 \"R\" M\u00fcller \ud83d\ude00")";
  auto plain = kClear;
  plain["NAME"] = "\"René \\\"R\\\" Müller 😀\"";
  std::string a;
  std::string b;
  ASSERT_EQ(r.redact(order(escaped), a).outcome, RedactOutcome::redacted);
  ASSERT_EQ(r.redact(order(plain), b).outcome, RedactOutcome::redacted);
  EXPECT_NE(a.find(quoted_hash("René \"R\" Müller 😀")), std::string::npos) << a;
  EXPECT_NE(b.find(quoted_hash("René \"R\" Müller 😀")), std::string::npos) << b;
}

TEST(Redactor, MissingAndNullFieldsStayAsTheyAre) {
  Redactor r(all(FieldPolicy::hash));
  std::string out = "untouched";
  const std::string none = R"({"purchaseOrderId":"1","customerEmailId":null,
    "shippingInfo":{"phone":null,"postalAddress":null},"orderLines":null})";
  const Redaction res = r.redact(none, out);
  EXPECT_EQ(res.outcome, RedactOutcome::unchanged);
  EXPECT_EQ(out, "untouched");
  EXPECT_EQ(r.redact(R"({"purchaseOrderId":"1"})", out).outcome, RedactOutcome::unchanged);
  EXPECT_EQ(r.redact(R"({"purchaseOrderId":"1","shippingInfo":"odd"})", out).outcome,
            RedactOutcome::unchanged);
}

TEST(Redactor, EveryOrderOfAnArrayAndEveryDuplicateOrEscapedKey) {
  Redactor r(all(FieldPolicy::drop));
  std::string out;
  const std::string in =
      R"([{"purchaseOrderId":"1","customerEmailId":"a@x.com","customerEmailId":"b@x.com"},)"
      R"( 7, {"purchaseOrderId":"2","customer\u0045mailId":"c@x.com",)"
      R"("shippingInfo":{"phone":5550100}}])";
  const Redaction res = r.redact(in, out);
  ASSERT_EQ(res.outcome, RedactOutcome::redacted);
  EXPECT_EQ(res.values, 4u);
  EXPECT_EQ(out, R"([{"purchaseOrderId":"1","customerEmailId":null,"customerEmailId":null},)"
                 R"( 7, {"purchaseOrderId":"2","customer\u0045mailId":null,)"
                 R"("shippingInfo":{"phone":null}}])");
}

TEST(Redactor, ANumberIsHashedFromItsText) {
  Redactor r(all(FieldPolicy::hash));
  std::string out;
  ASSERT_EQ(r.redact(R"({"shippingInfo":{"phone":  4155550100 }})", out).outcome,
            RedactOutcome::redacted);
  EXPECT_EQ(out, R"({"shippingInfo":{"phone":  )" + quoted_hash("4155550100") + " }}");
}

TEST(Redactor, MalformedJsonIsLeftUnchangedAndSaysSo) {
  Redactor r(all(FieldPolicy::drop));
  for (const std::string bad :
       {R"({"customerEmailId":"a@x.com")", R"({"customerEmailId":"a@x.com"} trailing)",
        R"({"customerEmailId":"a@x.com","shippingInfo":{"phone":"1",}})", "not json at all",
        R"({"customerEmailId":tru})"}) {
    SCOPED_TRACE(bad);
    std::string out = "untouched";
    const Redaction res = r.redact(bad, out);
    EXPECT_EQ(res.outcome, RedactOutcome::not_json);
    EXPECT_NE(res.problem.find("not valid JSON"), std::string::npos) << res.problem;
    EXPECT_EQ(out, "untouched");
  }
}

TEST(Redactor, KeepEverywhereIsInactiveAndChangesNothing) {
  Redactor r(all(FieldPolicy::keep, ""));
  EXPECT_FALSE(r.active());
  std::string out = "untouched";
  EXPECT_EQ(r.redact(order(kClear), out).outcome, RedactOutcome::unchanged);
  EXPECT_EQ(out, "untouched");
}

TEST(Redactor, AnErasedBuyerLosesEveryFieldWhateverThePolicy) {
  Redactor r(all(FieldPolicy::keep, ""));
  r.set_erased_check([](std::string_view id) { return id == "5281956426648"; });
  EXPECT_TRUE(r.active());
  std::string out;
  ASSERT_EQ(r.redact(order(kClear), out).outcome, RedactOutcome::redacted);
  std::map<std::string, std::string> nulls;
  for (const auto& kv : kClear) nulls[kv.first] = "null";
  EXPECT_EQ(out, order(nulls));
  // Another buyer (a number as customerOrderId too) keeps its data.
  const std::string other = R"({"customerOrderId":5281956426649,"customerEmailId":"x@y.z"})";
  EXPECT_EQ(r.redact(other, out).outcome, RedactOutcome::unchanged);
  const std::string same = R"({"customerEmailId":"x@y.z","customerOrderId":5281956426648})";
  ASSERT_EQ(r.redact(same, out).outcome, RedactOutcome::redacted)
      << "the id may come after the fields";
  EXPECT_EQ(out, R"({"customerEmailId":null,"customerOrderId":5281956426648})");
}

TEST(Redactor, IsIdempotentAHashIsNeverHashedAgain) {
  Redactor r(all(FieldPolicy::hash));
  std::string once;
  ASSERT_EQ(r.redact(order(kClear), once).outcome, RedactOutcome::redacted);
  std::string twice = "untouched";
  EXPECT_EQ(r.redact(once, twice).outcome, RedactOutcome::unchanged)
      << "every value already is a hash: nothing to rewrite";
  EXPECT_EQ(twice, "untouched");
  // Half converted (an email hashed by fetch, the rest clear): only the clear values change.
  auto half = kClear;
  half["EMAIL"] = quoted_hash("jane.doe@example.com");
  std::string out;
  const Redaction res = r.redact(order(half), out);
  ASSERT_EQ(res.outcome, RedactOutcome::redacted);
  EXPECT_EQ(res.values, 7u);
  EXPECT_EQ(out, once);
  // Dropped values stay dropped under hash too (null stays null).
  Redactor dropper(all(FieldPolicy::drop));
  std::string dropped;
  ASSERT_EQ(dropper.redact(order(kClear), dropped).outcome, RedactOutcome::redacted);
  EXPECT_EQ(dropper.redact(dropped, out).outcome, RedactOutcome::unchanged);
  EXPECT_EQ(r.redact(dropped, out).outcome, RedactOutcome::unchanged);
}

TEST(Redactor, WhatLooksHashedIsExactly64LowerCaseHexDigits) {
  EXPECT_TRUE(looks_hashed(hmac_sha256_hex(kKey, "x")));
  EXPECT_TRUE(looks_hashed(std::string(64, '0')));
  EXPECT_FALSE(looks_hashed(std::string(63, 'a')));
  EXPECT_FALSE(looks_hashed(std::string(65, 'a')));
  std::string upper(63, 'a');
  upper += 'A';
  EXPECT_FALSE(looks_hashed(upper)) << "upper-case hex is not what hash writes";
  EXPECT_FALSE(looks_hashed(std::string(63, 'a') + "g"));
  EXPECT_FALSE(looks_hashed("jane.doe@example.com"));
  // A number of 64 digits is not a hash (hash writes a JSON string): it is hashed.
  Redactor r(all(FieldPolicy::hash));
  std::string out;
  const std::string digits(64, '7');
  ASSERT_EQ(r.redact(R"({"shippingInfo":{"phone":)" + digits + "}}", out).outcome,
            RedactOutcome::redacted);
  EXPECT_EQ(out, R"({"shippingInfo":{"phone":)" + quoted_hash(digits) + "}}");
}

}  // namespace
}  // namespace etl::privacy

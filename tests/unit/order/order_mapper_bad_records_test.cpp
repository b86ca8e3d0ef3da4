// Whole messages that go to the dead letter, with a reason naming the field and the order; and
// the identifiers that are still usable.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/order/order_base_json.hpp"
#include "unit/order/order_test_support.hpp"

namespace etl::order::test {
namespace {

using ::testing::HasSubstr;

// --- lineNumber
// ------------------------------------------------------------------------------------

TEST(OrderMapperLineNumber, UsableForms) {
  const std::vector<std::pair<std::string, int32_t>> cases = {
      {R"("01")", 1}, {R"(" 7 ")", 7}, {"7", 7}, {R"("-3")", -3}, {R"("2147483647")", 2147483647}};
  for (const auto& [json, expected] : cases) {
    const ParsedOrder o =
        parse_single(order_with_lines(arr({line_with(R"("lineNumber":)" + json, "S")})));
    ASSERT_EQ(o.lines.size(), 1u) << json;
    EXPECT_EQ(o.lines[0].line_number, expected) << json;
    ASSERT_EQ(o.charges.size(), 2u);
    EXPECT_EQ(o.charges[0].line_number, expected);
  }
}

TEST(OrderMapperLineNumber, UnusableFormsMakeABadRecordNamingOrderAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("lineNumber":"1.0")",
       "orderLines.orderLine[1].lineNumber: not an integer (INT): \"1.0\""},
      {R"("lineNumber":1.0)", "orderLines.orderLine[1].lineNumber: not an integer (INT): 1.0"},
      {R"("lineNumber":"2147483648")", "orderLines.orderLine[1].lineNumber: out of range (INT)"},
      {R"("lineNumber":"99999999999999999999")",
       "orderLines.orderLine[1].lineNumber: out of range"},
      {R"("lineNumber":"abc")", "orderLines.orderLine[1].lineNumber: not an integer"},
      {R"("lineNumber":"")", "orderLines.orderLine[1].lineNumber: not an integer"},
      {R"("lineNumber":null)", "orderLines.orderLine[1].lineNumber: is null"},
      {R"("lineNumber":{"n":1})",
       "orderLines.orderLine[1].lineNumber: expected an integer, found an object"},
      {R"("lineNumber":true)",
       "orderLines.orderLine[1].lineNumber: expected an integer, found a boolean"},
      {R"("noLineNumber":1)", "orderLines.orderLine[1].lineNumber: is missing"},
  };
  for (const auto& [member, expected] : cases) {
    const std::string json =
        order_with_lines(arr({line_with(R"("lineNumber":"1")", "A"), line_with(member, "B")}));
    MessageParseResult r = parse(json);
    ASSERT_TRUE(r.bad) << member;
    EXPECT_THAT(r.bad->reason, HasSubstr("order 4000000000001: " + expected)) << r.bad->reason;
    EXPECT_EQ(r.bad->purchase_order_id, 4000000000001);
    EXPECT_TRUE(r.orders.empty());
  }
}

TEST(OrderMapperLineNumber, IdentifierAfterTheLinesIsStillNamed) {
  const std::string json = obj({R"("orderLines":{"orderLine":{"lineNumber":"x"}})", frag::po});
  EXPECT_EQ(parse_bad(json),
            "order 4000000000001: orderLines.orderLine.lineNumber: not an integer (INT): \"x\"");
}

TEST(OrderMapperLineNumber, TwoLinesWithTheSameNumberAreBad) {
  const std::string json = order_with_lines(
      arr({line_with(R"("lineNumber":"1")", "A"), line_with(R"("lineNumber":"2")", "B"),
           line_with(R"("lineNumber":"01")", "C")}));
  MessageParseResult r = parse(json);
  ASSERT_TRUE(r.bad);
  EXPECT_EQ(r.bad->reason,
            "order 4000000000001: orderLines.orderLine[0] and orderLines.orderLine[2] both have "
            "lineNumber 1");
  EXPECT_EQ(r.bad->purchase_order_id, 4000000000001);
}

TEST(OrderMapperLineNumber, LinesThatAreNotObjectsAreBad) {
  EXPECT_EQ(
      parse_bad(order_with_lines("[null]")),
      "order 4000000000001: orderLines.orderLine[0]: expected an order line object, found null");
  EXPECT_EQ(parse_bad(order_with_lines(arr({line_with(R"("lineNumber":"1")", "A"), "5"}))),
            "order 4000000000001: orderLines.orderLine[1]: expected an order line object, found a "
            "number");
  EXPECT_EQ(
      parse_bad(order_with_lines(R"("lines")")),
      "order 4000000000001: orderLines.orderLine: expected a list of order lines, found a string");
  EXPECT_EQ(
      parse_bad(obj({frag::po, R"("orderLines":[{"lineNumber":"1"}])"})),
      "order 4000000000001: orderLines: expected an object holding orderLine, found an array");
}

// --- purchaseOrderId
// -------------------------------------------------------------------------------

TEST(OrderMapperPurchaseOrderId, UsableForms) {
  const std::vector<std::pair<std::string, int64_t>> cases = {
      {R"("4000000000001")", 4000000000001},
      {"4000000000001", 4000000000001},
      {R"(" 0004000000000001 ")", 4000000000001},
      {R"("9223372036854775807")", 9223372036854775807}};
  for (const auto& [json, expected] : cases) {
    const ParsedOrder o =
        parse_single(replace_once(kBaseOrder, frag::po, R"("purchaseOrderId":)" + json));
    EXPECT_EQ(o.purchase_order_id, expected) << json;
    EXPECT_EQ(o.purchase_order_id_text, std::to_string(expected)) << json;
    ASSERT_EQ(o.lines.size(), 1u);
    EXPECT_EQ(o.lines[0].purchase_order_id, expected);
  }
}

TEST(OrderMapperPurchaseOrderId, UnusableFormsMakeABadRecord) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("absent":1)", "order: purchaseOrderId: is missing"},
      {R"("purchaseOrderId":null)", "order: purchaseOrderId: is null"},
      {R"("purchaseOrderId":"12a")", "order: purchaseOrderId: not an integer (BIGINT): \"12a\""},
      {R"("purchaseOrderId":"0")", "order: purchaseOrderId: not a positive integer: 0"},
      {R"("purchaseOrderId":"-5")", "order: purchaseOrderId: not a positive integer: -5"},
      {R"("purchaseOrderId":"9223372036854775808")",
       "order: purchaseOrderId: out of range (BIGINT)"},
      {R"("purchaseOrderId":1.5)", "order: purchaseOrderId: not an integer (BIGINT): 1.5"},
      {R"("purchaseOrderId":{"id":"1"})",
       "order: purchaseOrderId: expected an integer, found an object"},
  };
  for (const auto& [member, expected] : cases) {
    MessageParseResult r = parse(replace_once(kBaseOrder, frag::po, member));
    ASSERT_TRUE(r.bad) << member;
    EXPECT_THAT(r.bad->reason, HasSubstr(expected));
    EXPECT_FALSE(r.bad->purchase_order_id);
  }
}

TEST(OrderMapperPurchaseOrderId, ArrayMessagesNameTheElement) {
  const std::string good = kBaseOrder;
  const std::string bad = replace_once(kBaseOrder, frag::po, R"("purchaseOrderId":"x")");
  EXPECT_EQ(parse_bad("[" + good + "," + bad + "]"),
            "order at array element [1]: purchaseOrderId: not an integer (BIGINT): \"x\"");
  const std::string bad_line = order_with_lines(R"([{"lineNumber":"1.5"}])");
  EXPECT_EQ(parse_bad("[" + bad_line + "]"),
            "order 4000000000001 (array element [0]): orderLines.orderLine[0].lineNumber: not an "
            "integer (INT): \"1.5\"");
}

// --- message shape
// -----------------------------------------------------------------------------------

TEST(OrderMapperMessage, NotAnObjectOrArrayOfObjects) {
  EXPECT_EQ(parse_bad(""), "empty message: no JSON value");
  EXPECT_EQ(parse_bad(" \n\t "), "empty message: no JSON value");
  EXPECT_EQ(parse_bad(R"("order")"),
            "message is a string, expected an order object or an array of order objects");
  EXPECT_EQ(parse_bad("42"),
            "message is a number, expected an order object or an array of order objects");
  EXPECT_EQ(parse_bad("null"),
            "message is null, expected an order object or an array of order objects");
  EXPECT_EQ(parse_bad("true"),
            "message is a boolean, expected an order object or an array of order objects");
  EXPECT_EQ(parse_bad("[1]"), "array element [0] is a number, expected an order object");
  EXPECT_EQ(parse_bad("[" + kBaseOrder + ",[]]"),
            "array element [1] is an array, expected an order object");
  EXPECT_EQ(parse_bad("[" + kBaseOrder + ",null]"),
            "array element [1] is null, expected an order object");
  EXPECT_EQ(parse_bad("\x01"),
            "message is not JSON (it starts with \"?\"), expected an order object or an "
            "array of order objects");
  // A word that only starts like a literal is not one.
  EXPECT_EQ(parse_bad("this is not JSON {"),
            "message is not JSON (it starts with \"this is not JSON\"), expected "
            "an order object or an array of order objects");
  EXPECT_EQ(parse_bad("nullish"),
            "message is not JSON (it starts with \"nullish\"), expected an order object or "
            "an array of order objects");
  EXPECT_EQ(parse_bad("\xc3\xa9t\xc3\xa9"),
            "message is not JSON (it starts with \"??t??\"), expected an order "
            "object or an array of order objects");
  EXPECT_EQ(parse_bad("false "),
            "message is a boolean, expected an order object or an array of order objects");
}

TEST(OrderMapperMessage, EmptyArrayHasNoOrdersAndIsNotBad) {
  MessageParseResult r = parse(" [ ] ");
  EXPECT_FALSE(r.bad);
  EXPECT_TRUE(r.orders.empty());
}

TEST(OrderMapperMessage, InvalidJsonAnywhereIsBad) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("sku":"SKU-ALL-1")", R"("sku":tru)"},
      {R"("sku":"SKU-ALL-1")", R"("sku":nul)"},
      {R"("sku":"SKU-ALL-1")", R"("sku":01)"},
      {R"("sku":"SKU-ALL-1")", R"("sku":1.)"},
      {R"("sku":"SKU-ALL-1")", R"("sku":"a\x")"},
      {R"("sku":"SKU-ALL-1")", R"("sku":"\ud800")"},
      {R"("sku":"SKU-ALL-1")", "\"sku\":\"tab\there\""},
      {R"("sku":"SKU-ALL-1")", R"("sku" "x")"},
      {R"("sku":"SKU-ALL-1")", R"("sku":"x",)"},
      {frag::node, frag::node + R"(,"unknown":[1,,2])"},
      {frag::node, frag::node + R"(,"unknown":{"a":01})"},
      {frag::node, frag::node + R"(,"unknown":{"a" 1})"},
      {frag::node, frag::node + R"(,"unknown":[-])"},
      {frag::node, frag::node + R"(,"unkn\qown":1)"},
      {frag::node, frag::node + ",'single':1"},
  };
  for (const auto& [from, to] : cases) {
    MessageParseResult r = parse(replace_once(kBaseOrder, from, to));
    ASSERT_TRUE(r.bad) << to;
    EXPECT_THAT(r.bad->reason, HasSubstr("invalid JSON")) << to;
  }
  EXPECT_THAT(parse_bad(replace_once(kBaseOrder, R"("sku":"SKU-ALL-1")", "\"sku\":\"\xC3\x28\"")),
              HasSubstr("invalid JSON"));  // invalid UTF-8
}

TEST(OrderMapperMessage, TrailingGarbageIsBad) {
  for (const std::string tail : {" x", "}", " {}", ",", " 1", " ]", "\"a\""}) {
    EXPECT_THAT(parse_bad(kBaseOrder + tail), HasSubstr("invalid JSON")) << tail;
    EXPECT_THAT(parse_bad("[" + kBaseOrder + "]" + tail), HasSubstr("invalid JSON")) << tail;
  }
  // Stage 1 of simdjson rejects some tails itself; the others are found after the value.
  EXPECT_EQ(parse_bad(kBaseOrder + " {}"),
            "invalid JSON: trailing content after the JSON value at byte " +
                std::to_string(kBaseOrder.size() + 1));
  MessageParseResult r = parse("\n  " + kBaseOrder + " \r\n\t");  // whitespace is not garbage
  EXPECT_FALSE(r.bad);
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_EQ(r.orders[0].raw_json, kBaseOrder);
}

TEST(OrderMapperMessage, EveryTruncationIsBadNeverACrash) {
  const std::string two = "[" + kBaseOrder + "," + kBaseOrder + "]";
  for (const std::string* full : {&kBaseOrder, &two}) {
    for (size_t n = 1; n < full->size(); ++n) {
      const std::string cut = full->substr(0, n);
      MessageParseResult r = parse(cut);
      ASSERT_TRUE(r.bad) << "prefix of " << n << " bytes was accepted";
      ASSERT_FALSE(r.bad->reason.empty());
    }
  }
}

TEST(OrderMapperMessage, DeepNestingIsBad) {
  const std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  const std::string deep_object = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += R"({"a":)";
    s += "1";
    s += std::string(10000, '}');
    return s;
  }();
  EXPECT_EQ(parse_bad(replace_once(kBaseOrder, frag::node, frag::node + ",\"deep\":" + deep_array)),
            "JSON nested deeper than 100 levels");
  EXPECT_EQ(
      parse_bad(replace_once(kBaseOrder, frag::node, frag::node + ",\"deep\":" + deep_object)),
      "JSON nested deeper than 100 levels");
  EXPECT_EQ(parse_bad(replace_once(kBaseOrder, R"("sku":"SKU-ALL-1")", "\"sku\":" + deep_array)),
            "JSON nested deeper than 100 levels");
  EXPECT_EQ(parse_bad(deep_array), "array element [0] is an array, expected an order object");
  EXPECT_EQ(parse_bad(deep_object), "JSON nested deeper than 100 levels");
  // Unbalanced deep nesting is invalid JSON.
  EXPECT_NE(parse_bad(std::string(10000, '[')), "");
  // Nesting that real orders never reach but is within the limit is accepted.
  const std::string nested90 = std::string(90, '[') + std::string(90, ']');
  EXPECT_FALSE(
      parse(replace_once(kBaseOrder, frag::node, frag::node + ",\"deep\":" + nested90)).bad);
}

TEST(OrderMapperMessage, TenMegabyteMessages) {
  // An array of ~5,000 orders (older producers batched orders in one value).
  std::string big = "[";
  int n = 0;
  while (big.size() < 10 * 1024 * 1024) {
    if (n > 0) big += ',';
    big += replace_once(kBaseOrder, frag::po,
                        R"("purchaseOrderId":")" + std::to_string(1000000 + n) + "\"");
    ++n;
  }
  big += "]";
  MessageParseResult r = parse(big);
  ASSERT_FALSE(r.bad) << r.bad->reason;
  ASSERT_EQ(r.orders.size(), static_cast<size_t>(n));
  EXPECT_EQ(r.orders.back().purchase_order_id, 1000000 + n - 1);
  EXPECT_EQ(r.orders.back().raw_json,
            replace_once(kBaseOrder, frag::po,
                         R"("purchaseOrderId":")" + std::to_string(1000000 + n - 1) + "\""));

  // One order with a 10 MB product name: cut to 65,535 bytes, raw kept whole.
  const std::string name(10 * 1024 * 1024, 'n');
  const std::string one = replace_once(kBaseOrder, R"("productName":"Synthetic Product Name")",
                                       "\"productName\":\"" + name + "\"");
  r = parse(one);
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_EQ(r.orders[0].lines[0].product_name->size(), 65535u);
  EXPECT_EQ(r.orders[0].raw_json.size(), one.size());
  EXPECT_EQ(r.conversion_warnings, 1u);
}

TEST(OrderMapperMessage, BadMessageThenGoodMessageOnTheSameMapper) {
  OrderMapper mapper;
  EXPECT_TRUE(mapper.parse_message("{\"a\":").bad);
  EXPECT_TRUE(mapper.parse_message(std::string(10000, '[')).bad);
  MessageParseResult r = mapper.parse_message(kBaseOrder);
  ASSERT_FALSE(r.bad);
  EXPECT_EQ(r.orders.size(), 1u);
  EXPECT_EQ(find_invariant_violation(r), "");
}

}  // namespace
}  // namespace etl::order::test

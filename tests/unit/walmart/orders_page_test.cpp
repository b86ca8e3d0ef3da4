// Page parsing: raw order bytes preserved exactly, request_time appended, cursors tolerated in
// every form, and a broken page never yields orders.

#include "walmart/orders_page.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace etl::walmart {
namespace {

// A body as the HTTP client leaves it: with simdjson padding in its capacity.
std::string body(std::string text) {
  text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  return text;
}

const std::string kOrderA =
    "{\n      \"purchaseOrderId\": \"108829012345678\",\n      \"customerOrderId\": "
    "\"5391198830245\",\n"
    "      \"orderDate\": 1714516917000,\n      \"shippingInfo\": {\"phone\": \"3125550187\", "
    "\"postalAddress\": {\"name\": \"Zo\\u00eb \\\"Q\\\" O'Brien \xF0\x9F\x98\x80\", \"address2\": "
    "null}},\n"
    "      \"orderLines\": {\"orderLine\": [{\"lineNumber\": \"1\", \"charges\": {\"charge\": "
    "[{\"chargeAmount\": {\"currency\": \"USD\", \"amount\": 29.5}}]}}]},\n"
    "      \"isGuest\": false,\n      \"shipNode\": {\"type\": \"SellerFulfilled\"}\n    }";
const std::string kOrderB =
    R"({"purchaseOrderId":"2817645987412","orderDate":1714516918000,"shipNode":{}})";

std::string page(const std::string& meta, const std::string& orders) {
  return "{\n  \"list\": {\n    \"meta\": " + meta +
         ",\n    \"elements\": {\n      \"order\": [\n    " + orders + "\n      ]\n    }\n  }\n}\n";
}

TEST(OrdersPage, ExtractsExactOrderTextAndMeta) {
  const std::string b = body(page(
      R"({"totalCount": 31, "limit": 2, "nextCursor": "?limit=2&hasMoreElements=true&soIndex=31&poIndex=2&createdStartDate=2024-05-01T00:00:00Z"})",
      kOrderA + ",\n    " + kOrderB));
  OrdersPageParser parser;
  OrdersPage p;
  ASSERT_FALSE(parser.parse(b, p));
  EXPECT_EQ(p.total_count, 31);
  ASSERT_TRUE(p.next_cursor);
  EXPECT_EQ(
      *p.next_cursor,
      "?limit=2&hasMoreElements=true&soIndex=31&poIndex=2&createdStartDate=2024-05-01T00:00:00Z");
  ASSERT_EQ(p.orders.size(), 2u);
  EXPECT_EQ(p.orders[0].json, kOrderA);
  EXPECT_EQ(p.orders[0].purchase_order_id, "108829012345678");
  EXPECT_EQ(p.orders[1].json, kOrderB);
  EXPECT_EQ(p.orders[1].purchase_order_id, "2817645987412");
}

TEST(OrdersPage, CursorAbsentNullEmptyOrEscaped) {
  OrdersPageParser parser;
  OrdersPage p;
  ASSERT_FALSE(parser.parse(body(page(R"({"totalCount": 1})", kOrderB)), p));
  EXPECT_FALSE(p.next_cursor);
  ASSERT_FALSE(parser.parse(body(page(R"({"totalCount": 1, "nextCursor": null})", kOrderB)), p));
  EXPECT_FALSE(p.next_cursor);
  ASSERT_FALSE(parser.parse(body(page(R"({"totalCount": 1, "nextCursor": ""})", kOrderB)), p));
  EXPECT_FALSE(p.next_cursor);
  ASSERT_FALSE(parser.parse(
      body(page(R"({"totalCount": "3", "nextCursor": "?limit=1&amp;soIndex=3&amp;poIndex=1"})",
                kOrderB)),
      p));
  ASSERT_TRUE(p.next_cursor);
  EXPECT_EQ(*p.next_cursor, "?limit=1&soIndex=3&poIndex=1");
  EXPECT_EQ(p.total_count, 3);  // a string count is tolerated
}

TEST(OrdersPage, EmptyOrMissingOrderList) {
  OrdersPageParser parser;
  OrdersPage p;
  ASSERT_FALSE(
      parser.parse(body(R"({"list":{"meta":{"totalCount":0},"elements":{"order":[]}}})"), p));
  EXPECT_TRUE(p.orders.empty());
  ASSERT_FALSE(parser.parse(body(R"({"list":{"meta":{"totalCount":0}}})"), p));
  EXPECT_TRUE(p.orders.empty());
  ASSERT_FALSE(
      parser.parse(body(R"({"list":{"meta":{"totalCount":0},"elements":{"order":null}}})"), p));
  EXPECT_TRUE(p.orders.empty());
}

TEST(OrdersPage, TruncatedBodyAtEveryCutIsRejected) {
  const std::string full = page(R"({"totalCount": 2})", kOrderA + "," + kOrderB);
  OrdersPageParser parser;
  OrdersPage p;
  ASSERT_FALSE(parser.parse(body(full), p));
  // Cut anywhere before the final '}' (trailing newline excluded): never accepted, never orders.
  const size_t last = full.rfind('}');
  for (size_t cut = 1; cut <= last; ++cut) {
    const auto err = parser.parse(body(full.substr(0, cut)), p);
    ASSERT_TRUE(err) << "accepted a body cut at " << cut;
    EXPECT_EQ(err->cls, ErrorClass::retriable);
    EXPECT_EQ(err->origin, ErrorOrigin::json);
    EXPECT_TRUE(p.orders.empty());
  }
}

TEST(OrdersPage, MalformedValueInsideAnOrderIsRejected) {
  OrdersPageParser parser;
  OrdersPage p;
  const std::string bad = R"({"purchaseOrderId":"1","orderDate":17145x16918000})";
  const auto err = parser.parse(body(page(R"({"totalCount": 2})", kOrderB + "," + bad)), p);
  ASSERT_TRUE(err);
  EXPECT_TRUE(p.orders.empty());
  const std::string bad_literal = R"({"purchaseOrderId":"1","isGuest":tru})";
  EXPECT_TRUE(parser.parse(body(page(R"({"totalCount": 1})", bad_literal)), p));
}

TEST(OrdersPage, OrderWithoutPurchaseOrderIdIsRejected) {
  OrdersPageParser parser;
  OrdersPage p;
  auto err = parser.parse(body(page(R"({"totalCount": 1})", R"({"customerOrderId":"1"})")), p);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("purchaseOrderId"), std::string::npos);
  err = parser.parse(body(page(R"({"totalCount": 1})", R"({"purchaseOrderId":12})")), p);
  ASSERT_TRUE(err);
  err = parser.parse(body(page(R"({"totalCount": 1})", R"({"purchaseOrderId":""})")), p);
  ASSERT_TRUE(err);
}

TEST(OrdersPage, NotAListIsRejected) {
  OrdersPageParser parser;
  OrdersPage p;
  EXPECT_TRUE(parser.parse(body(R"({"order":{}})"), p));
  EXPECT_TRUE(parser.parse(body(R"([])"), p));
  EXPECT_TRUE(parser.parse(body(R"({"list":{}} trailing)"), p));
}

TEST(Cursor, RepairOnlyTouchesAmpEntities) {
  EXPECT_EQ(repair_cursor("?a=1&amp;b=2&c=%26amp;"), "?a=1&b=2&c=%26amp;");
  EXPECT_EQ(repair_cursor(""), "");
}

}  // namespace
}  // namespace etl::walmart

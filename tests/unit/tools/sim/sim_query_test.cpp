// Unit tests of GET /v3/orders parameter handling, filters and cursors, without HTTP.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>

#include "common/utc_time.hpp"
#include "tools/sim/order_query.hpp"

namespace etl::walmart::sim {
namespace {

const int64_t kNow = *parse_iso8601_ms("2024-05-02T17:05:41.250Z");

OrderQuery parse_ok(const std::string& qs, ListEndpoint ep = ListEndpoint::all_orders,
                    int64_t now = kNow) {
  QueryOrError r = parse_order_query(parse_query_string(qs), ep, now);
  if (auto* e = std::get_if<ApiError>(&r)) {
    ADD_FAILURE() << qs << " -> " << e->body();
    return {};
  }
  return std::get<OrderQuery>(r);
}

ApiError parse_err(const std::string& qs, ListEndpoint ep = ListEndpoint::all_orders) {
  QueryOrError r = parse_order_query(parse_query_string(qs), ep, kNow);
  if (auto* e = std::get_if<ApiError>(&r)) return *e;
  ADD_FAILURE() << qs << " was accepted";
  return {};
}

// Every index the filters accept, by brute force over the whole model.
std::vector<uint64_t> brute_force(const OrderModel& m, const OrderQuery& q, int64_t now) {
  std::vector<uint64_t> out;
  const int64_t lower = std::max(q.created_start_ms, now - kServedWindowMs);
  const int64_t upper = std::min(q.created_end_ms, now);
  for (uint64_t i = 0; m.order_date_ms(i) <= now; ++i) {
    const OrderSkeleton o = m.skeleton(i);
    if (o.order_date_ms < lower || o.order_date_ms > upper) continue;
    if (order_matches(o, q, now)) out.push_back(i);
  }
  return out;
}

// Follows cursors to the end; returns every index served, in order.
std::vector<uint64_t> paginate(const OrderModel& m, const std::string& first_qs, int64_t now,
                               int* pages = nullptr, ListEndpoint ep = ListEndpoint::all_orders) {
  std::vector<uint64_t> served;
  OrderQuery q = parse_ok(first_qs, ep, now);
  const CursorIdentity id = cursor_identity(m.seed());
  int64_t total = -1;
  for (int n = 0; n < 10000; ++n) {
    const Page page = find_page(m, q, now, 0);
    if (total < 0) total = page.total_count;
    EXPECT_EQ(page.total_count, total) << "soIndex carries totalCount";
    for (const auto& o : page.orders) served.push_back(o.index);
    if (pages) *pages = n + 1;
    if (!page.next_index) break;
    const std::string cursor = encode_next_cursor(q, page, id);
    EXPECT_EQ(cursor.front(), '?');
    q = parse_ok(cursor, ep, now);
    EXPECT_TRUE(q.from_cursor);
  }
  EXPECT_EQ(static_cast<int64_t>(served.size()), total);
  return served;
}

TEST(OrderQuery, Defaults) {
  const OrderQuery q = parse_ok("");
  EXPECT_EQ(q.limit, 100);
  EXPECT_EQ(q.ship_node, ShipNodeType::seller_fulfilled);
  EXPECT_EQ(q.created_end_ms, kNow);
  EXPECT_EQ(q.created_start_ms, kNow - 7 * kDayMs);
  EXPECT_FALSE(q.status.has_value());
  EXPECT_FALSE(q.from_cursor);
}

TEST(OrderQuery, WideDefaultWindowForIdAndLastModifiedSearches) {
  EXPECT_EQ(parse_ok("lastModifiedStartDate=2024-05-01").created_start_ms, kNow - kServedWindowMs);
  EXPECT_EQ(parse_ok("purchaseOrderId=123456789012345").created_start_ms, kNow - kServedWindowMs);
  EXPECT_EQ(parse_ok("customerOrderId=1234567890123").created_start_ms, kNow - kServedWindowMs);
}

TEST(OrderQuery, DateFormats) {
  EXPECT_EQ(parse_ok("createdStartDate=2024-04-30").created_start_ms,
            *parse_iso8601_ms("2024-04-30T00:00:00Z"));
  EXPECT_EQ(parse_ok("createdStartDate=2024-04-30T10:30:15Z").created_start_ms,
            *parse_iso8601_ms("2024-04-30T10:30:15Z"));
  EXPECT_EQ(parse_ok("createdStartDate=2024-04-30T10:30:15.155Z").created_start_ms,
            *parse_iso8601_ms("2024-04-30T10:30:15Z") + 155);
  EXPECT_EQ(parse_ok("createdStartDate=2024-04-30T00:00:00-06:00").created_start_ms,
            *parse_iso8601_ms("2024-04-30T06:00:00Z"));
  // An unencoded '+' arrives as a space.
  EXPECT_EQ(parse_ok("createdStartDate=2024-04-30T06:00:00+06:00").created_start_ms,
            *parse_iso8601_ms("2024-04-30T00:00:00Z"));
  EXPECT_EQ(parse_ok("createdStartDate=2024-04-30T06:00:00%2B06:00").created_start_ms,
            *parse_iso8601_ms("2024-04-30T00:00:00Z"));
  // A future end is pinned to now.
  const OrderQuery future = parse_ok("createdEndDate=2030-01-01");
  EXPECT_EQ(future.created_end_ms, kNow);
  EXPECT_EQ(future.created_end_text, "2024-05-02T17:05:41.250Z");
}

TEST(OrderQuery, InvalidParametersAre400WithTheField) {
  for (const auto& [qs, field] : std::vector<std::pair<std::string, std::string>>{
           {"limit=201", "limit"},
           {"limit=0", "limit"},
           {"limit=abc", "limit"},
           {"limit=-5", "limit"},
           {"createdStartDate=yesterday", "createdStartDate"},
           {"createdEndDate=2024-13-01", "createdEndDate"},
           {"lastModifiedStartDate=2024-05-01T25:00:00Z", "lastModifiedStartDate"},
           {"shipNodeType=Amazon", "shipNodeType"},
           {"status=Lost", "status"},
           {"productInfo=yes", "productInfo"},
           {"orderType=GIFT", "orderType"},
           {"hasMoreElements=true&soIndex=3", "poIndex"}}) {
    const ApiError e = parse_err(qs);
    EXPECT_EQ(e.http_status, 400) << qs;
    EXPECT_EQ(e.code, "INVALID_REQUEST_PARAM.GMP_ORDER_API") << qs;
    EXPECT_EQ(e.field, field) << qs;
    EXPECT_NE(e.body().find("\"errors\":{\"error\":[{"), std::string::npos);
  }
  EXPECT_EQ(parse_ok("limit=200").limit, 200);
  EXPECT_EQ(parse_ok("limit=1").limit, 1);
}

TEST(OrderQuery, ReleasedIgnoresStatusAndLastModifiedAndFiltersCreated) {
  const OrderQuery q =
      parse_ok("status=Shipped&lastModifiedStartDate=2024-05-01", ListEndpoint::released);
  ASSERT_TRUE(q.status.has_value());
  EXPECT_EQ(*q.status, LineStatus::created);
  EXPECT_FALSE(q.modified_start_ms.has_value());
}

TEST(OrderQuery, UnknownSkuOrMalformedIdMatchesNothing) {
  const OrderModel m(1, 1000, kNow - 10 * kDayMs);
  for (const char* qs : {"sku=NO-SUCH-SKU", "purchaseOrderId=abc", "customerOrderId=12x"}) {
    const OrderQuery q = parse_ok(qs);
    EXPECT_TRUE(q.matches_nothing) << qs;
    EXPECT_TRUE(find_page(m, q, kNow, 0).orders.empty()) << qs;
  }
}

class Filters : public ::testing::Test {
 protected:
  const OrderModel m_{21, 800, kNow - 12 * kDayMs};
  const std::string window_ = "createdStartDate=2024-04-20T00:00:00Z&";
};

TEST_F(Filters, EachFilterMatchesBruteForceAndPaginationServesEachOrderOnce) {
  for (const std::string extra :
       {"shipNodeType=WFSFulfilled", "shipNodeType=SellerFulfilled", "shipNodeType=3PLFulfilled",
        "shipNodeType=WFSFulfilled&status=Shipped", "shipNodeType=WFSFulfilled&status=Created",
        "shipNodeType=WFSFulfilled&status=Cancelled", "shipNodeType=WFSFulfilled&sku=HDMI-6FT",
        "shipNodeType=WFSFulfilled&lastModifiedStartDate=2024-05-01T00:00:00Z",
        "shipNodeType=SellerFulfilled&lastModifiedStartDate=2024-04-25T00:00:00Z&"
        "lastModifiedEndDate="
        "2024-04-28T12:00:00.500Z",
        "shipNodeType=WFSFulfilled&createdEndDate=2024-04-26T08:00:00Z",
        "shipNodeType=WFSFulfilled&shippingProgramType=TWO_DAY",
        "shipNodeType=WFSFulfilled&orderType=REPLACEMENT",
        "shipNodeType=WFSFulfilled&fromExpectedShipDate=2024-04-25&toExpectedShipDate=2024-04-"
        "27"}) {
    const std::string qs = window_ + "limit=37&" + extra;
    const OrderQuery q = parse_ok(qs);
    const std::vector<uint64_t> expected = brute_force(m_, q, kNow);
    ASSERT_FALSE(expected.empty()) << qs;
    int pages = 0;
    EXPECT_EQ(paginate(m_, qs, kNow, &pages), expected) << qs;
    EXPECT_EQ(pages, static_cast<int>((expected.size() + 36) / 37)) << qs;
  }
}

TEST_F(Filters, LastModifiedFilterUsesTheCurrentState) {
  const OrderQuery q =
      parse_ok(window_ + "shipNodeType=WFSFulfilled&lastModifiedStartDate=2024-05-02T00:00:00Z");
  const Page page = find_page(m_, q, kNow, 0);
  ASSERT_FALSE(page.orders.empty());
  for (const auto& o : page.orders) {
    EXPECT_GE(o.last_modified_ms(kNow), *parse_iso8601_ms("2024-05-02T00:00:00Z"));
  }
  // Old orders (created long before the bound) are among them: they were updated recently.
  bool old_order = false;
  for (const auto& o : page.orders) old_order |= o.order_date_ms < kNow - 3 * kDayMs;
  EXPECT_TRUE(old_order);
}

TEST_F(Filters, IdFiltersPinOneOrder) {
  const uint64_t index = m_.first_index_at_or_after(kNow - 2 * kDayMs);
  const OrderSkeleton o = m_.skeleton(index);
  const std::string node = "&shipNodeType=" + std::string(to_string(o.ship_node));
  for (const std::string& qs : {"purchaseOrderId=" + std::to_string(o.purchase_order_id) + node,
                                "customerOrderId=" + std::to_string(o.customer_order_id) + node}) {
    const Page page = find_page(m_, parse_ok(qs), kNow, 0);
    ASSERT_EQ(page.orders.size(), 1U) << qs;
    EXPECT_EQ(page.orders[0].index, index);
    EXPECT_EQ(page.total_count, 1);
    EXPECT_FALSE(page.next_index.has_value());
  }
}

TEST_F(Filters, ReleasedPagesHaveACreatedLineAndTheirCursorWorksOnAllOrders) {
  const std::string qs = window_ + "limit=5&shipNodeType=WFSFulfilled";
  OrderQuery q = parse_ok(qs, ListEndpoint::released);
  const Page page = find_page(m_, q, kNow, 0);
  ASSERT_TRUE(page.next_index.has_value());
  for (const auto& o : page.orders) EXPECT_TRUE(o.has_line_status(LineStatus::created, kNow));
  const std::string cursor = encode_next_cursor(q, page, cursor_identity(m_.seed()));
  EXPECT_NE(cursor.find("&status=Created"), std::string::npos);
  // GET /v3/orders + the released cursor continues the released listing.
  const OrderQuery next = parse_ok(cursor, ListEndpoint::all_orders);
  const std::vector<uint64_t> all = paginate(m_, qs, kNow, nullptr, ListEndpoint::released);
  const Page second = find_page(m_, next, kNow, 0);
  ASSERT_FALSE(second.orders.empty());
  EXPECT_EQ(second.orders[0].index, all[5]);
}

TEST_F(Filters, CapCountsBeyondTheLimitAndStops) {
  const OrderQuery q = parse_ok(window_ + "shipNodeType=WFSFulfilled");
  const Page page = find_page(m_, q, kNow, 100);
  EXPECT_TRUE(page.over_cap);
  EXPECT_EQ(page.total_count, 101);
  EXPECT_FALSE(find_page(m_, q, kNow, 0).over_cap);
}

TEST_F(Filters, OnlyTheLast180DaysAreServed) {
  const OrderModel old(4, 10, kNow - 400 * kDayMs);
  const OrderQuery q = parse_ok("createdStartDate=2023-01-01&shipNodeType=WFSFulfilled&limit=200");
  const Page page = find_page(old, q, kNow, 0);
  ASSERT_FALSE(page.orders.empty());
  for (const auto& o : page.orders) EXPECT_GE(o.order_date_ms, kNow - kServedWindowMs);
}

TEST(Cursor, EncodesTheDocumentedShapeAndDecodesBack) {
  const OrderModel m(8, 1000, kNow - 10 * kDayMs);
  const std::string qs =
      "createdStartDate=2024-04-30T00:00:00-06:00&limit=2&status=Created&sku=HDMI-6FT&productInfo="
      "true";
  const OrderQuery q = parse_ok(qs);
  Page page;
  page.total_count = 31;
  page.next_index = 12345;
  const std::string c = encode_next_cursor(q, page, cursor_identity(8));
  EXPECT_EQ(c.rfind("?limit=2&hasMoreElements=true&soIndex=31&poIndex=12345&partnerId=", 0), 0U)
      << c;
  EXPECT_NE(c.find("&sellerId="), std::string::npos);
  EXPECT_NE(c.find("&createdStartDate=2024-04-30T00:00:00-06:00"), std::string::npos) << c;
  EXPECT_NE(c.find("&createdEndDate=2024-05-02T17:05:41.250Z"), std::string::npos) << c;
  EXPECT_NE(c.find("&status=Created"), std::string::npos);
  EXPECT_NE(c.find("&sku=HDMI-6FT"), std::string::npos);
  EXPECT_NE(c.find("&productInfo=true"), std::string::npos);
  EXPECT_EQ(c.substr(c.size() - std::string("&shipNodeType=SellerFulfilled").size()),
            "&shipNodeType=SellerFulfilled");

  // Decoding the cursor later (the clock moved on) keeps the frozen window and every filter.
  const OrderQuery back = parse_ok(c, ListEndpoint::all_orders, kNow + kDayMs);
  EXPECT_TRUE(back.from_cursor);
  EXPECT_EQ(back.cursor_total, 31);
  EXPECT_EQ(back.cursor_next_index, 12345U);
  EXPECT_EQ(back.limit, 2);
  EXPECT_EQ(back.created_start_ms, q.created_start_ms);
  EXPECT_EQ(back.created_end_ms, kNow);
  EXPECT_EQ(back.status, q.status);
  EXPECT_EQ(back.sku_product, q.sku_product);
  EXPECT_TRUE(back.render.product_info);
  // A '+' offset survives the round trip.
  const OrderQuery plus = parse_ok("createdStartDate=2024-04-30T06:00:00%2B06:00");
  const std::string pc = encode_next_cursor(plus, page, cursor_identity(8));
  EXPECT_NE(pc.find("createdStartDate=2024-04-30T06:00:00%2B06:00"), std::string::npos) << pc;
  EXPECT_EQ(parse_ok(pc).created_start_ms, plus.created_start_ms);
}

TEST(QueryString, ParsesLikeHttplibAndToleratesADoubleQuestionMark) {
  const QueryParams p = parse_query_string("??limit=2&a=x%3Ay&b=1+2&empty=&flag");
  EXPECT_EQ(*find_param(p, "limit"), "2");
  EXPECT_EQ(*find_param(p, "a"), "x:y");
  EXPECT_EQ(*find_param(p, "b"), "1 2");
  EXPECT_EQ(*find_param(p, "empty"), "");
  EXPECT_EQ(*find_param(p, "flag"), "");
  QueryParams raw;
  raw.emplace("?limit", "3");
  EXPECT_EQ(*find_param(normalize_keys(raw), "limit"), "3");
  EXPECT_EQ(encode_query_value("2024-04-30T00:00:00+06:00 x&y"),
            "2024-04-30T00:00:00%2B06:00%20x%26y");
}

}  // namespace
}  // namespace etl::walmart::sim

// The simulator's returns: consistent with its orders, a lifecycle that moves with the clock,
// GET /v3/returns filters, limits and offset cursors (sent alone or with the filters again).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>

#include "common/utc_time.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/return_query.hpp"

namespace etl::walmart::sim {
namespace {

const int64_t kNow = *parse_iso8601_ms("2026-11-20T12:00:00Z");
constexpr uint64_t kSeed = 7;

OrderModel model() { return OrderModel(kSeed, 200, kNow - 60 * kDayMs); }

ReturnQuery parse_ok(const std::string& qs) {
  ReturnQueryOrError r = parse_return_query(parse_query_string(qs));
  if (auto* e = std::get_if<ApiError>(&r)) {
    ADD_FAILURE() << qs << " -> " << e->body();
    return {};
  }
  return std::get<ReturnQuery>(r);
}

TEST(SimReturns, ConsistentWithTheOrdersAndTheirLifecycle) {
  const OrderModel m = model();
  const auto all = all_returns(m, kSeed, kNow);
  ASSERT_GT(all.size(), 100u);  // 60 days x 200 orders: a few percent of lines come back
  std::set<std::string> steps;
  bool partial = false;
  for (const ReturnSkeleton& r : all) {
    ASSERT_GE(r.line_count, 1);
    EXPECT_LE(r.created_ms, kNow);
    EXPECT_EQ(r.return_order_id().size(), 18u);
    EXPECT_EQ(purchase_order_id_of_return(r.return_order_id()), r.order.purchase_order_id);
    for (size_t k = 0; k < r.line_count; ++k) {
      const ReturnLineSkeleton& l = r.lines[k];
      const LineSkeleton& ol = r.order.lines[l.order_line];
      // Only delivered lines come back, after delivery, with at most the units ordered.
      bool delivered = false;
      for (size_t e = 0; e < ol.event_count; ++e) {
        if (ol.events[e].status == LineStatus::delivered) {
          delivered = true;
          EXPECT_GT(r.created_ms, ol.events[e].at_ms);
        }
        // A line the order model refunds is a return that ends refunded.
        if (ol.events[e].status == LineStatus::refund) {
          EXPECT_EQ(l.events[l.event_count - 1].step, ReturnStep::refund_issued);
        }
      }
      EXPECT_TRUE(delivered);
      EXPECT_LE(l.quantity, ol.quantity);
      partial = partial || l.quantity < ol.quantity;
      for (size_t e = 1; e < l.event_count; ++e)
        EXPECT_GT(l.events[e].at_ms, l.events[e - 1].at_ms);
      EXPECT_LE(l.events[l.event_count - 1].at_ms - r.order.order_date_ms, kMaxReturnSpanMs);
      steps.insert(std::string(event_tag(l.events[l.shown(kNow)].step)));
    }
  }
  EXPECT_TRUE(partial);
  for (const char* tag : {"RETURN_INITIATED", "RETURN_IN_TRANSIT", "DELIVERED_AT_RETURN_CENTER",
                          "REFUND_ISSUED", "RETURN_CANCELLED"}) {
    EXPECT_TRUE(steps.count(tag)) << tag;
  }
  // Later, the same return shows more of its timeline, never less.
  const ReturnSkeleton& r = all.back();
  EXPECT_LE(r.last_modified_ms(kNow), r.last_modified_ms(kNow + 20 * kDayMs));
}

TEST(SimReturns, FiltersLimitsAndRefusals) {
  EXPECT_EQ(parse_ok("").limit, 10);
  EXPECT_EQ(parse_ok("limit=200").limit, 200);
  for (const char* bad :
       {"limit=201", "limit=0", "limit=x", "status=OPEN",
        "returnLastModifiedStartDate=2026-11-01T00:00:00Z", "returnCreationStartDate=11/01/2026"}) {
    ReturnQueryOrError r = parse_return_query(parse_query_string(bad));
    ASSERT_TRUE(std::holds_alternative<ApiError>(r)) << bad;
    EXPECT_EQ(std::get<ApiError>(r).http_status, 400) << bad;
  }
  // Every accepted zone form is one instant.
  for (const char* z : {"2026-11-10T00:00:00Z", "2026-11-10T00:00:00.000+0000",
                        "2026-11-10T00:00:00.000%2B0000", "2026-11-10T00:00:00.000+0000"}) {
    const ReturnQuery q = parse_ok(std::string("returnLastModifiedStartDate=") + z +
                                   "&returnLastModifiedEndDate=2026-11-20");
    EXPECT_EQ(q.modified_start_ms, *parse_iso8601_ms("2026-11-10T00:00:00Z")) << z;
  }
  const OrderModel m = model();
  const ReturnQuery q = parse_ok(
      "returnLastModifiedStartDate=2026-11-10T00:00:00Z&returnLastModifiedEndDate=2026-11-15T00:00:"
      "00Z&status=COMPLETED&limit=200");
  const ReturnPage page = find_return_page(m, kSeed, q, kNow);
  ASSERT_GT(page.total_count, 0);
  for (const ReturnSkeleton& r : page.returns) {
    const int64_t lm = r.last_modified_ms(kNow);
    EXPECT_GE(lm, *q.modified_start_ms);
    EXPECT_LE(lm, *q.modified_end_ms);
    EXPECT_TRUE(r.has_status("COMPLETED", kNow));
  }
  // By id and by customer order; an id the simulator never issued matches nothing.
  const std::string id = page.returns[0].return_order_id();
  EXPECT_EQ(find_return_page(m, kSeed, parse_ok("returnOrderId=" + id), kNow).total_count, 1);
  EXPECT_EQ(find_return_page(m, kSeed,
                             parse_ok("customerOrderId=" +
                                      std::to_string(page.returns[0].order.customer_order_id)),
                             kNow)
                .total_count,
            1);
  EXPECT_EQ(find_return_page(m, kSeed, parse_ok("customerOrderId=abc"), kNow).total_count, 0);
}

TEST(SimReturns, OffsetCursorsWithOrWithoutTheFiltersResent) {
  const OrderModel m = model();
  const std::string filters =
      "returnLastModifiedStartDate=2026-10-01T00:00:00Z&returnLastModifiedEndDate=2026-11-20T00:00:"
      "00Z";
  const ReturnPage whole = find_return_page(m, kSeed, parse_ok(filters + "&limit=200"), kNow);
  ASSERT_GT(whole.total_count, 30);
  for (bool resend : {false, true}) {
    std::vector<std::string> ids;
    std::string qs = filters + "&limit=40";
    for (int guard = 0; guard < 1000; ++guard) {
      const ReturnPage p = find_return_page(m, kSeed, parse_ok(qs), kNow);
      EXPECT_EQ(p.total_count, whole.total_count);
      for (const auto& r : p.returns) ids.push_back(r.return_order_id());
      if (p.next_cursor.empty()) break;
      ASSERT_EQ(p.next_cursor[0], '?');
      qs = (resend ? filters + "&" : std::string()) + p.next_cursor.substr(1);
    }
    ASSERT_EQ(ids.size(), static_cast<size_t>(whole.total_count)) << resend;
    for (size_t i = 0; i < ids.size() && i < whole.returns.size(); ++i) {
      EXPECT_EQ(ids[i], whole.returns[i].return_order_id());
    }
  }
  // Newest created first; past the end: an empty page, no cursor.
  for (size_t i = 1; i < whole.returns.size(); ++i) {
    EXPECT_GE(whole.returns[i - 1].created_ms, whole.returns[i].created_ms);
  }
  const ReturnPage past = find_return_page(m, kSeed, parse_ok(filters + "&offset=100000"), kNow);
  EXPECT_TRUE(past.returns.empty());
  EXPECT_TRUE(past.next_cursor.empty());
}

TEST(SimReturns, RendersTheDocumentedShape) {
  const OrderModel m = model();
  const auto all = all_returns(m, kSeed, kNow);
  ASSERT_FALSE(all.empty());
  std::string out;
  render_return_page(out, parse_ok("limit=1"), ReturnPage{5, {all[0]}, "?limit=1&offset=1"}, kNow);
  EXPECT_EQ(
      out.rfind("{\"meta\":{\"totalCount\":5,\"limit\":1,\"nextCursor\":\"?limit=1&offset=1\"},"
                "\"returnOrders\":[{\"returnOrderId\":\"" +
                    all[0].return_order_id() + "\"",
                0),
      0u)
      << out;
  EXPECT_NE(out.find("\"purchaseOrderId\":\"" + std::to_string(all[0].order.purchase_order_id)),
            std::string::npos);
  const Product& p = products()[all[0].order.lines[all[0].lines[0].order_line].product];
  EXPECT_NE(out.find(std::string("\"sku\":\"") + std::string(p.sku)), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 2), "]}");
}

}  // namespace
}  // namespace etl::walmart::sim

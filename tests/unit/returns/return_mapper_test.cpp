// The returns mapping: every shape a message can have, every field type, missing fields, wrong
// types, huge values and malformed JSON (a clear reason, nothing lost).

#include "returns/return_mapper.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "returns/return_values.hpp"

namespace etl::returns {
namespace {

using ::testing::HasSubstr;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(ETL_SOURCE_DIR) + "/tests/fixtures/returns/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t ms(std::string_view iso) { return *instant_ms_from_text(iso); }

// A minimal return with one line; `extra_line` / `extra_header` are spliced in as members.
std::string one_return(const std::string& extra_header = "", const std::string& extra_line = "") {
  return R"({"returnOrderId":"R1",)" + extra_header +
         R"("returnOrderLines":[{"returnOrderLineNumber":1,)" + extra_line +
         R"("status":"INITIATED"}]})";
}

// The one return of a message (a copy: the result is a temporary).
ParsedReturn only(const ReturnParseResult& r) {
  EXPECT_FALSE(r.bad) << (r.bad ? r.bad->reason : "");
  if (r.bad || r.returns.size() != 1 || !r.returns[0].ok) {
    ADD_FAILURE() << "expected exactly one usable return";
    return {};
  }
  return *r.returns[0].ok;
}

bool warned(const ParsedReturn& o, const std::string& path) {
  for (const auto& w : o.warnings) {
    if (w.field == path) return true;
  }
  return false;
}

TEST(ReturnMapperPage, EveryColumnOfASavedPage) {
  ReturnMapper m;
  const ReturnParseResult r = m.parse_message(fixture("returns_page.json"));
  ASSERT_FALSE(r.bad) << r.bad->reason;
  ASSERT_EQ(r.returns.size(), 2u);
  ASSERT_TRUE(r.returns[0].ok);
  const ParsedReturn& a = *r.returns[0].ok;
  EXPECT_EQ(a.return_order_id, "300000000000000101");
  EXPECT_TRUE(a.warnings.empty());
  const ReturnHeaderRow& h = a.header;
  EXPECT_EQ(h.customer_order_id, 500000000000101);
  EXPECT_EQ(h.customer_email_id, "0A1B2C3D4E5F60718293A4B5C6D7E8F9@relay.walmart.com");
  EXPECT_EQ(h.customer_first_name, "Alex");
  EXPECT_EQ(h.customer_last_name, "Sample");
  EXPECT_EQ(h.refund_mode, "POST_DELIVERY");
  EXPECT_EQ(h.return_order_date, ms("2026-11-02T10:00:00Z"));
  EXPECT_EQ(h.return_by_date, ms("2026-12-02T10:00:00Z"));
  EXPECT_EQ(h.total_refund_amount, 5312);
  EXPECT_EQ(h.total_refund_currency, "USD");
  EXPECT_EQ(h.return_channel, "ONLINE");
  EXPECT_EQ(h.status, "MIXED");  // one line INITIATED, one COMPLETED
  // The newest instant of the return (line 1's refund), never returnByDate (a deadline).
  EXPECT_EQ(h.last_event_at, ms("2026-11-05T16:45:10.250Z"));
  EXPECT_FALSE(h.return_type);

  ASSERT_EQ(a.lines.size(), 2u);  // sorted by returnOrderLineNumber
  const ReturnLineRow& l1 = a.lines[0];
  const ReturnLineRow& l2 = a.lines[1];
  EXPECT_EQ(l1.return_order_line_number, 1);
  EXPECT_EQ(l2.return_order_line_number, 2);
  EXPECT_EQ(l1.purchase_order_id, 400000000000101);
  EXPECT_EQ(l1.purchase_order_line_number, 1);
  EXPECT_EQ(l1.sales_order_line_number, 1);
  EXPECT_EQ(l1.status, "COMPLETED");
  EXPECT_EQ(l1.status_time, ms("2026-11-05T16:45:10.250Z"));
  EXPECT_EQ(l1.refunded_qty, 100);  // 1.00
  EXPECT_EQ(l1.quantity, 100);
  EXPECT_EQ(l1.quantity_unit, "EACH");
  EXPECT_EQ(l1.unit_price, 2950);
  EXPECT_EQ(l1.currency, "USD");
  EXPECT_EQ(l1.line_total, 3170);
  EXPECT_EQ(l1.line_sub_total, 2950);
  EXPECT_FALSE(l1.line_total_taxes);
  EXPECT_EQ(l1.refund_channel, "SELLER_AUTO_REFUND");
  EXPECT_EQ(l1.last_item, true);
  EXPECT_EQ(l1.is_keep_it, false);
  EXPECT_FALSE(l1.is_fast_replacement);
  EXPECT_EQ(l2.seller_order_id, "S-101");
  EXPECT_EQ(l2.item_condition, "New");
  EXPECT_EQ(l2.item_weight, 75);  // 0.75
  EXPECT_EQ(l2.item_weight_unit, "POUND");
  EXPECT_EQ(l2.cancellable_qty, 2);
  EXPECT_EQ(l2.line_total_taxes, 144);
  EXPECT_EQ(l2.current_delivery_status, "IN_TRANSIT");
  // Both lines are in group 1: its first label's first carrier.
  for (const ReturnLineRow* l : {&l1, &l2}) {
    EXPECT_EQ(l->group_no, 1);
    EXPECT_EQ(l->carrier_name, "UPS");
    EXPECT_EQ(l->tracking_no, "1Z0000000000000001");
    EXPECT_EQ(l->label_url, "https://labels.example.invalid/300000000000000101.png");
  }

  ASSERT_EQ(a.charges.size(), 2u);  // line order, then charge order
  EXPECT_EQ(a.charges[0].return_order_line_number, 1);
  EXPECT_EQ(a.charges[0].charge_per_unit, 2950);
  EXPECT_EQ(a.charges[0].tax_per_unit, 220);
  const ReturnChargeRow& c = a.charges[1];
  EXPECT_EQ(c.return_order_line_number, 2);
  EXPECT_EQ(c.charge_seq, 1);
  EXPECT_EQ(c.charge_category, "PRODUCT");
  EXPECT_EQ(c.charge_name, "ItemPrice");
  EXPECT_EQ(c.charge_per_unit, 999);
  EXPECT_EQ(c.tax_per_unit, 72);  // 0.62 + 0.10, exactly
  EXPECT_EQ(c.excess_tax, 0);
  EXPECT_EQ(c.tax_names, "Tax1,Tax2");
  EXPECT_EQ(c.excess_charge, 0);
  EXPECT_EQ(c.is_discount, false);
  EXPECT_EQ(c.is_billable, true);

  ASSERT_EQ(a.tracking.size(), 5u);  // line 1's three events, then line 2's two
  EXPECT_EQ(a.tracking[2].event_tag, "REFUND_ISSUED");
  EXPECT_EQ(a.tracking[2].sequence_no, 2);
  EXPECT_EQ(a.tracking[2].event_seq, 3);
  // Line 2 lists sequenceNo 1 before 0: array position is the key, sequenceNo is kept as given.
  EXPECT_EQ(a.tracking[3].return_order_line_number, 2);
  EXPECT_EQ(a.tracking[3].sequence_no, 1);
  EXPECT_EQ(a.tracking[3].event_seq, 1);
  EXPECT_EQ(a.tracking[4].event_time, ms("2026-11-02T10:00:00Z"));

  ASSERT_TRUE(a.raw_json.starts_with("{") && a.raw_json.ends_with("}"));
  EXPECT_THAT(a.raw_json, HasSubstr("\"300000000000000101\""));
  EXPECT_THAT(a.raw_json, ::testing::Not(HasSubstr("300000000000000102")));

  ASSERT_TRUE(r.returns[1].ok);
  const ParsedReturn& b = *r.returns[1].ok;
  EXPECT_EQ(b.header.return_order_date, ms("2026-11-04T09:15:00Z"));  // "+0000" zone
  EXPECT_EQ(b.header.total_refund_amount, 1500);                      // a string amount
  EXPECT_EQ(b.header.status, "COMPLETED");
  EXPECT_EQ(b.lines[0].return_reason, "WRONG_SIZE/POOR_FIT");
  EXPECT_FALSE(b.charges[0].tax_per_unit);
  EXPECT_EQ(b.tracking[1].event_tag, "RETURN_CANCELLED");
  EXPECT_FALSE(b.tracking[0].event_description);
}

TEST(ReturnMapperShapes, OneReturnAnArrayAndEmptyPages) {
  ReturnMapper m;
  const ParsedReturn o =
      only(m.parse_message(one_return(R"("request_time":"2026-11-07 12:00:01",)")));
  EXPECT_EQ(o.header.request_time, ms("2026-11-07T12:00:01Z"));
  EXPECT_EQ(o.header.status, "INITIATED");
  EXPECT_FALSE(o.header.last_event_at);  // no instant in the return

  const ReturnParseResult arr =
      m.parse_message("[" + one_return() + "," + R"({"returnOrderId":"R2"})" + "]");
  ASSERT_FALSE(arr.bad);
  ASSERT_EQ(arr.returns.size(), 2u);
  EXPECT_EQ(arr.returns[1].ok->return_order_id, "R2");
  EXPECT_TRUE(arr.returns[1].ok->lines.empty());
  EXPECT_EQ(arr.returns[1].ok->raw_json, R"({"returnOrderId":"R2"})");

  for (const char* empty :
       {"[]", R"({"meta":{"totalCount":0},"returnOrders":[]})", R"({"returnOrders":null})"}) {
    const ReturnParseResult r = m.parse_message(empty);
    EXPECT_FALSE(r.bad) << empty;
    EXPECT_TRUE(r.returns.empty()) << empty;
  }
  // A single line object where a list is expected counts as a one-element list.
  const ParsedReturn single = only(
      m.parse_message(R"({"returnOrderId":77,"returnOrderLines":{"returnOrderLineNumber":"3"}})"));
  EXPECT_EQ(single.return_order_id, "77");
  ASSERT_EQ(single.lines.size(), 1u);
  EXPECT_EQ(single.lines[0].return_order_line_number, 3);
}

TEST(ReturnMapperFields, WrongTypesBecomeNullWithAWarningNamingThePath) {
  ReturnMapper m;
  const ParsedReturn o = only(m.parse_message(
      one_return(R"("customerOrderId":"abc","returnOrderDate":"yesterday","customerName":"Alex",)"
                 R"("totalRefundAmount":{"currencyAmount":"x","currencyUnit":"USD"},)",
                 R"("purchaseOrderId":1.5,"isKeepIt":"maybe","statusTime":{"t":1},"quantity":[1],)"
                 R"("charges":[7,null,{"chargePerUnit":{"currencyAmount":true}}],)"
                 R"("returnTrackingDetail":"none",)")));
  EXPECT_FALSE(o.header.customer_order_id);
  EXPECT_TRUE(warned(o, "customerOrderId"));
  EXPECT_FALSE(o.header.return_order_date);
  EXPECT_TRUE(warned(o, "returnOrderDate"));
  EXPECT_TRUE(warned(o, "customerName"));
  EXPECT_FALSE(o.header.total_refund_amount);
  EXPECT_EQ(o.header.total_refund_currency, "USD");
  EXPECT_TRUE(warned(o, "totalRefundAmount.currencyAmount"));
  const ReturnLineRow& l = o.lines.at(0);
  EXPECT_FALSE(l.purchase_order_id);
  EXPECT_TRUE(warned(o, "returnOrderLines[0].purchaseOrderId"));
  EXPECT_FALSE(l.is_keep_it);
  EXPECT_TRUE(warned(o, "returnOrderLines[0].isKeepIt"));
  EXPECT_FALSE(l.status_time);
  EXPECT_TRUE(warned(o, "returnOrderLines[0].statusTime"));
  EXPECT_TRUE(warned(o, "returnOrderLines[0].quantity"));
  EXPECT_TRUE(warned(o, "returnOrderLines[0].charges[0]"));
  EXPECT_TRUE(warned(o, "returnOrderLines[0].charges[2].chargePerUnit.currencyAmount"));
  EXPECT_TRUE(warned(o, "returnOrderLines[0].returnTrackingDetail"));
  ASSERT_EQ(o.charges.size(), 1u);  // the object; 7 warned, null is no charge
  EXPECT_EQ(o.charges[0].charge_seq, 3);
  EXPECT_FALSE(o.charges[0].charge_per_unit);
  EXPECT_TRUE(o.tracking.empty());
}

TEST(ReturnMapperFields, HugeValuesAreRefusedOrCutNeverWrapped) {
  ReturnMapper m;
  const std::string long_sku(80, 'K');
  const ParsedReturn o = only(m.parse_message(one_return(
      R"("totalRefundAmount":{"currencyAmount":1e20},"customerOrderId":99999999999999999999,)",
      R"("purchaseOrderLineNumber":2147483648,"item":{"sku":")" + long_sku +
          R"("},"refundedQty":123456789012.5,"returnTrackingDetail":[{"sequenceNo":9223372036854775807}],)")));
  EXPECT_FALSE(o.header.total_refund_amount);
  EXPECT_TRUE(warned(o, "totalRefundAmount.currencyAmount"));
  EXPECT_FALSE(o.header.customer_order_id);
  const ReturnLineRow& l = o.lines.at(0);
  EXPECT_FALSE(l.purchase_order_line_number);
  EXPECT_EQ(l.sku, std::string(50, 'K'));
  EXPECT_TRUE(warned(o, "returnOrderLines[0].item.sku"));
  EXPECT_FALSE(l.refunded_qty);
  EXPECT_EQ(o.tracking.at(0).sequence_no, INT64_MAX);
}

TEST(ReturnMapperBadRecords, AnUnusableReturnIsItsOwnDeadLetterTheOthersLoad) {
  ReturnMapper m;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"customerOrderId":"1"})", "return at element [1]: returnOrderId: is missing"},
      {R"({"returnOrderId":null})", "returnOrderId: is null"},
      {R"({"returnOrderId":""})", "returnOrderId: is empty"},
      {R"({"returnOrderId":{"a":1}})", "returnOrderId: expected a string, found an object"},
      {R"({"returnOrderId":")" + std::string(51, '9') + R"("})", "longer than 50 characters"},
      {R"({"returnOrderId":"R9","returnOrderLines":"x"})",
       "return R9 (element [1]): returnOrderLines: expected a list of return order lines"},
      {R"({"returnOrderId":"R9","returnOrderLines":[1]})",
       "returnOrderLines[0]: expected a return order line object, found a number"},
      {R"({"returnOrderId":"R9","returnOrderLines":[{"status":"X"}]})",
       "returnOrderLines[0].returnOrderLineNumber: is missing"},
      {R"({"returnOrderId":"R9","returnOrderLines":[{"returnOrderLineNumber":"1.0"}]})",
       "returnOrderLines[0].returnOrderLineNumber: not an integer (INT)"},
      {R"({"returnOrderId":"R9","returnOrderLines":[{"returnOrderLineNumber":1},{"returnOrderLineNumber":"1"}]})",
       "returnOrderLines[0] and returnOrderLines[1] both have returnOrderLineNumber 1"},
  };
  for (const auto& [bad, reason] : cases) {
    const std::string page = R"({"returnOrders":[)" + one_return() + "," + bad + "]}";
    const ReturnParseResult r = m.parse_message(page);
    ASSERT_FALSE(r.bad) << bad;
    ASSERT_EQ(r.returns.size(), 2u) << bad;
    EXPECT_TRUE(r.returns[0].ok) << bad;
    ASSERT_TRUE(r.returns[1].bad) << bad;
    EXPECT_THAT(r.returns[1].bad->reason, HasSubstr(reason));
    EXPECT_EQ(r.returns[1].bad->raw_json, bad);  // the return's own bytes: nothing lost
  }
}

TEST(ReturnMapperBadRecords, MalformedMessagesAreBadAsAWhole) {
  ReturnMapper m;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty message"},
      {"   ", "empty message"},
      {"42", "not a JSON object or array"},
      {R"("text")", "not a JSON object or array"},
      {one_return().substr(0, 30), "invalid JSON"},
      {one_return() + " {}", "invalid JSON"},
      {R"({"returnOrderId":"R1","x":[1,2,}]})", "invalid JSON"},
      {R"({"returnOrderId":"R1","x":tru})", "invalid JSON"},
      {R"({"returnOrderId":"R1\q"})", "invalid JSON"},
      {R"({"returnOrders":{"returnOrderId":"R1"}})", "returnOrders: expected a list"},
      {R"({"returnOrders":[1]})", "element [0] is a number, expected a return order object"},
      {"[" + one_return() + ",\"x\"]", "element [1] is a string"},
      {std::string(150, '[') + std::string(150, ']'), "element [0] is an array"},
      {R"({"returnOrderId":"R1","deep":)" + std::string(120, '[') + std::string(120, ']') + "}",
       "nested deeper than"},
  };
  for (const auto& [msg, reason] : cases) {
    const ReturnParseResult r = m.parse_message(msg);
    ASSERT_TRUE(r.bad) << msg;
    EXPECT_THAT(r.bad->reason, HasSubstr(reason)) << msg;
    EXPECT_TRUE(r.returns.empty());
  }
}

TEST(ReturnMapperKeys, DuplicateKeysLastWinsAndEscapesAreDecoded) {
  ReturnMapper m;
  const ParsedReturn o = only(m.parse_message(
      R"({"returnOrderId":"A","refundMode":"X","returnOrderId":"B","refundMode":"caf\u00e9",)"
      R"("returnOrderLines":[{"returnOrderLineNumber":1}]})"));
  EXPECT_EQ(o.return_order_id, "B");
  EXPECT_EQ(o.header.refund_mode, "caf\xc3\xa9");
}

TEST(ReturnValues, InstantsInEveryDocumentedForm) {
  const int64_t t = 1'587'120'161'000;  // 2020-04-17T10:42:41Z
  EXPECT_EQ(instant_ms_from_text("2020-04-17T10:42:41Z"), t);
  EXPECT_EQ(instant_ms_from_text("2020-04-17T10:42:41.155Z"), t + 155);
  EXPECT_EQ(instant_ms_from_text("2020-04-17T10:42:41.000+0000"), t);
  EXPECT_EQ(instant_ms_from_text("2020-04-17T10:42:41.000 0000"), t);  // '+' decoded as a space
  EXPECT_EQ(instant_ms_from_text("2020-04-17T12:42:41.000+02:00"), t);
  EXPECT_EQ(instant_ms_from_text("2020-04-17T05:42:41-0500"), t);
  EXPECT_EQ(instant_ms_from_text("2020-04-17 10:42:41"), t);
  EXPECT_EQ(instant_ms_from_text("2020-04-17"), t - (10 * 3600 + 42 * 60 + 41) * 1000);
  EXPECT_EQ(instant_ms_from_text("1587120161000"), t);
  EXPECT_FALSE(instant_ms_from_text(""));
  EXPECT_FALSE(instant_ms_from_text("2020-13-01"));
  EXPECT_FALSE(instant_ms_from_text("17/04/2020"));
  EXPECT_FALSE(instant_ms_from_text("2020-04-17T10:42:41+0000x"));
  EXPECT_FALSE(instant_ms_from_text("99999999999999999999"));
}

TEST(ReturnValues, FlagsAndDatetimeText) {
  EXPECT_EQ(flag_from_text("true"), true);
  EXPECT_EQ(flag_from_text("TRUE"), true);
  EXPECT_EQ(flag_from_text("Y"), true);
  EXPECT_EQ(flag_from_text("0"), false);
  EXPECT_EQ(flag_from_text("n"), false);
  EXPECT_FALSE(flag_from_text("maybe"));
  char buf[23];
  ASSERT_TRUE(format_datetime_ms(1'587'120'161'155, buf));
  EXPECT_EQ(std::string_view(buf, 23), "2020-04-17 10:42:41.155");
  ASSERT_TRUE(format_datetime_ms(-1, buf));
  EXPECT_EQ(std::string_view(buf, 23), "1969-12-31 23:59:59.999");
  EXPECT_FALSE(format_datetime_ms(INT64_MAX / 2, buf));
}

}  // namespace
}  // namespace etl::returns

// The Walmart API documentation's example orders (fixtures api_example_*.json) and a synthetic
// order that sets every mapped path (all_columns_order.json): every column of every row asserted.

#include <gtest/gtest.h>

#include "unit/order/order_test_support.hpp"

namespace etl::order::test {
namespace {

const ColumnMap kOrder1 = {
    {"purchaseOrderId", "1817645120031"},
    {"customerOrderId", "5391204487712"},
    {"customerEmailId", "9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com"},
    {"orderDate", "1714573391000"},
    {"orderDate_formatted", "2024-05-01 14:23:11"},
    {"shipNode_type", "SellerFulfilled"},
    {"shipNode_name", kNull},
    {"shipNode_id", kNull},
    {"source_file", kNull},
    {"phone", "4795550142"},
    {"estimatedDeliveryDate", "1715108400000"},
    {"estimatedDeliveryDate_formatted", "2024-05-07 19:00:00"},
    {"estimatedShipDate", "1714716000000"},
    {"estimatedShipDate_formatted", "2024-05-03 06:00:00"},
    {"methodCode", "Standard"},
    {"recipient_name", "Jordan Avery"},
    {"address1", "1200 SE Walton Blvd"},
    {"address2", kNull},
    {"city", "Bentonville"},
    {"state", "AR"},
    {"postalCode", "72712"},
    {"country", "USA"},
    {"addressType", "RESIDENTIAL"},
    {"request_time", "2024-05-02 17:05:41"},
};

const ColumnMap kOrder1Line1 = {
    {"lineNumber", "1"},
    {"sku", "WB-32-BLK"},
    {"productName", "Stainless Steel Insulated Water Bottle, 32 oz, Black"},
    {"product_condition", kNull},
    {"quantity", "1"},
    {"unitOfMeasurement", "EACH"},
    {"statusDate", "1714573540000"},
    {"statusDate_formatted", "2024-05-01 14:25:40"},
    {"fulfillmentOption", "S2H"},
    {"shipMethod", "STANDARD"},
    {"storeId", kNull},
    {"shippingProgramType", kNull},
    {"chargeType", "PRODUCT"},
    {"chargeName", "ItemPrice"},
    {"chargeAmount", "24.99"},
    {"currency", "USD"},
    {"taxAmount", "2.37"},
    {"taxName", "Tax1"},
    {"orderLineStatus", "Created"},
    {"statusQuantity", "1"},
    {"cancellationReason", kNull},
    {"shipDateTime", kNull},
    {"shipDateTime_formatted", kNull},
    {"carrierName", kNull},
    {"carrierMethodCode", kNull},
    {"trackingNumber", kNull},
    {"trackingURL", kNull},
};

const ColumnMap kOrder1Line2 =
    with(kOrder1Line1, {
                           {"lineNumber", "2"},
                           {"sku", "LID-STRAW-2PK"},
                           {"productName", "Silicone Straw Lid Replacement, 2 Pack"},
                           {"quantity", "2"},
                           {"chargeAmount", "15.98"},
                           {"taxAmount", "1.52"},
                           {"statusQuantity", "2"},
                       });

const ColumnMap kOrder2 = {
    {"purchaseOrderId", "2817645987412"},
    {"customerOrderId", "5391198830245"},
    {"customerEmailId", "0B6E2D94C1F84A7B9E3A55D0C8172E6B@relay.walmart.com"},
    {"orderDate", "1714516917000"},
    {"orderDate_formatted", "2024-04-30 22:41:57"},
    {"shipNode_type", "SellerFulfilled"},
    {"shipNode_name", kNull},
    {"shipNode_id", kNull},
    {"source_file", kNull},
    {"phone", "3125550187"},
    {"estimatedDeliveryDate", "1715022000000"},
    {"estimatedDeliveryDate_formatted", "2024-05-06 19:00:00"},
    {"estimatedShipDate", "1714629600000"},
    {"estimatedShipDate_formatted", "2024-05-02 06:00:00"},
    {"methodCode", "Value"},
    {"recipient_name", "Priya Raman"},
    {"address1", "455 N Cityfront Plaza Dr"},
    {"address2", "Apt 4B"},
    {"city", "Chicago"},
    {"state", "IL"},
    {"postalCode", "60611"},
    {"country", "USA"},
    {"addressType", "RESIDENTIAL"},
    {"request_time", "2024-05-02 17:05:41"},
};

const ColumnMap kOrder2Line1 = {
    {"lineNumber", "1"},
    {"sku", "CB-BAMBOO-3"},
    {"productName", "Bamboo Cutting Board Set, 3 Piece"},
    {"product_condition", kNull},
    {"quantity", "1"},
    {"unitOfMeasurement", "EACH"},
    {"statusDate", "1714554930000"},
    {"statusDate_formatted", "2024-05-01 09:15:30"},
    {"fulfillmentOption", "S2H"},
    {"shipMethod", "VALUE"},
    {"storeId", kNull},
    {"shippingProgramType", kNull},
    {"chargeType", "PRODUCT"},
    {"chargeName", "ItemPrice"},
    {"chargeAmount", "29.50"},
    {"currency", "USD"},
    {"taxAmount", "3.02"},
    {"taxName", "Tax1"},
    {"orderLineStatus", "Cancelled"},
    {"statusQuantity", "1"},
    {"cancellationReason", "SELLER_CANCEL_OUT_OF_STOCK"},
    {"shipDateTime", kNull},
    {"shipDateTime_formatted", kNull},
    {"carrierName", kNull},
    {"carrierMethodCode", kNull},
    {"trackingNumber", kNull},
    {"trackingURL", kNull},
};

const ColumnMap kOrder2Line2 = with(
    kOrder2Line1,
    {
        {"lineNumber", "2"},
        {"sku", "SPOON-BEECH-5"},
        {"productName", "Beechwood Cooking Spoon Set, 5 Piece"},
        {"statusDate", "1714668432000"},
        {"statusDate_formatted", "2024-05-02 16:47:12"},
        {"chargeAmount", "12.00"},
        {"taxAmount", "1.23"},
        {"orderLineStatus", "Shipped"},
        {"cancellationReason", kNull},
        {"shipDateTime", "1714668000000"},
        {"shipDateTime_formatted", "2024-05-02 16:40:00"},
        {"carrierName", "UPS"},
        {"trackingNumber", "1Z999AA10123456784"},
        {"trackingURL",
         "https://www.walmart.com/tracking?tracking_id=1Z999AA10123456784&order_id=2817645987412"},
    });

ColumnMap merged(const ColumnMap& order, const ColumnMap& line) {
  ColumnMap m = order;
  m.insert(line.begin(), line.end());
  return m;
}

void expect_order1(const ParsedOrder& o, std::string_view raw) {
  EXPECT_EQ(o.purchase_order_id, 1817645120031);
  EXPECT_EQ(o.purchase_order_id_text, "1817645120031");
  EXPECT_EQ(o.raw_json, raw);
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(columns(o.lines[0]), merged(kOrder1, kOrder1Line1));
  EXPECT_EQ(columns(o.lines[1]), merged(kOrder1, kOrder1Line2));
  ASSERT_EQ(o.charges.size(), 3u);
  EXPECT_EQ(columns(o.charges[0]), (ColumnMap{{"purchaseOrderId", "1817645120031"},
                                              {"lineNumber", "1"},
                                              {"chargeSeq", "1"},
                                              {"chargeType", "PRODUCT"},
                                              {"chargeName", "ItemPrice"},
                                              {"chargeAmount", "24.99"},
                                              {"currency", "USD"},
                                              {"taxName", "Tax1"},
                                              {"taxAmount", "2.37"}}));
  EXPECT_EQ(columns(o.charges[1]), (ColumnMap{{"purchaseOrderId", "1817645120031"},
                                              {"lineNumber", "1"},
                                              {"chargeSeq", "2"},
                                              {"chargeType", "SHIPPING"},
                                              {"chargeName", "Shipping"},
                                              {"chargeAmount", "0.00"},
                                              {"currency", "USD"},
                                              {"taxName", kNull},
                                              {"taxAmount", kNull}}));
  EXPECT_EQ(columns(o.charges[2]), (ColumnMap{{"purchaseOrderId", "1817645120031"},
                                              {"lineNumber", "2"},
                                              {"chargeSeq", "1"},
                                              {"chargeType", "PRODUCT"},
                                              {"chargeName", "ItemPrice"},
                                              {"chargeAmount", "15.98"},
                                              {"currency", "USD"},
                                              {"taxName", "Tax1"},
                                              {"taxAmount", "1.52"}}));
  EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);
  EXPECT_EQ(show_time(o.request_time), "2024-05-02 17:05:41");
}

void expect_order2(const ParsedOrder& o, std::string_view raw) {
  EXPECT_EQ(o.purchase_order_id, 2817645987412);
  EXPECT_EQ(o.raw_json, raw);
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(columns(o.lines[0]), merged(kOrder2, kOrder2Line1));
  EXPECT_EQ(columns(o.lines[1]), merged(kOrder2, kOrder2Line2));
  ASSERT_EQ(o.charges.size(), 3u);
  EXPECT_EQ(columns(o.charges[0]), (ColumnMap{{"purchaseOrderId", "2817645987412"},
                                              {"lineNumber", "1"},
                                              {"chargeSeq", "1"},
                                              {"chargeType", "PRODUCT"},
                                              {"chargeName", "ItemPrice"},
                                              {"chargeAmount", "29.50"},
                                              {"currency", "USD"},
                                              {"taxName", "Tax1"},
                                              {"taxAmount", "3.02"}}));
  EXPECT_EQ(columns(o.charges[1]), (ColumnMap{{"purchaseOrderId", "2817645987412"},
                                              {"lineNumber", "2"},
                                              {"chargeSeq", "1"},
                                              {"chargeType", "PRODUCT"},
                                              {"chargeName", "ItemPrice"},
                                              {"chargeAmount", "12.00"},
                                              {"currency", "USD"},
                                              {"taxName", "Tax1"},
                                              {"taxAmount", "1.23"}}));
  EXPECT_EQ(columns(o.charges[2]), (ColumnMap{{"purchaseOrderId", "2817645987412"},
                                              {"lineNumber", "2"},
                                              {"chargeSeq", "2"},
                                              {"chargeType", "SHIPPING"},
                                              {"chargeName", "Shipping"},
                                              {"chargeAmount", "4.99"},
                                              {"currency", "USD"},
                                              {"taxName", kNull},
                                              {"taxAmount", kNull}}));
  EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);
}

std::string_view trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string_view(s).substr(b, e - b + 1);
}

TEST(OrderMapperExamples, ApiExampleOrder1EveryColumn) {
  const std::string json = read_fixture("api_example_order_1.json");
  const ParsedOrder o = parse_single(json);
  expect_order1(o, trimmed(json));
}

TEST(OrderMapperExamples, ApiExampleOrder2EveryColumn) {
  const std::string json = read_fixture("api_example_order_2.json");
  const ParsedOrder o = parse_single(json);
  expect_order2(o, trimmed(json));
}

TEST(OrderMapperExamples, ArrayMessageGivesEachOrderItsOwnRawJson) {
  const std::string json = read_fixture("api_example_orders_array.json");
  MessageParseResult r = parse(json);
  ASSERT_FALSE(r.bad) << r.bad->reason;
  ASSERT_EQ(r.orders.size(), 2u);
  // Each order's raw JSON is exactly its object's text inside the array.
  EXPECT_EQ(r.orders[0].raw_json.front(), '{');
  EXPECT_NE(json.find(r.orders[0].raw_json), std::string::npos);
  EXPECT_NE(json.find(r.orders[1].raw_json), std::string::npos);
  EXPECT_EQ(r.orders[0].raw_json.size() + r.orders[1].raw_json.size() + 4,
            trimmed(json).size());  // [a, b]
  expect_order1(r.orders[0], r.orders[0].raw_json);
  expect_order2(r.orders[1], r.orders[1].raw_json);
  EXPECT_EQ(r.conversion_warnings, 0u);
}

TEST(OrderMapperExamples, ResultsOutliveTheMapperAndLaterMessages) {
  const std::string json = read_fixture("api_example_order_1.json");
  ParsedOrder kept;
  {
    OrderMapper mapper;
    MessageParseResult r = mapper.parse_message(json);
    ASSERT_EQ(r.orders.size(), 1u);
    kept = std::move(r.orders[0]);
    (void)mapper.parse_message(read_fixture("api_example_order_2.json"));  // reuses the buffers
  }
  expect_order1(kept, trimmed(json));
}

TEST(OrderMapperExamples, EveryColumnPath) {
  const std::string json = read_fixture("all_columns_order.json");
  const ParsedOrder o = parse_single(json);
  ASSERT_EQ(o.lines.size(), 1u);
  const ColumnMap expected = {
      {"purchaseOrderId", "4000000000001"},
      {"customerOrderId", "5000000000002"},
      {"customerEmailId", "all.columns@relay.example.test"},
      {"orderDate", "1714573391123"},
      {"orderDate_formatted", "2024-05-01 14:23:11"},
      {"shipNode_type", "3PLFulfilled"},
      {"shipNode_name", "Synthetic Node"},
      {"shipNode_id", "NODE-9"},
      {"source_file", kNull},
      {"phone", "5550100001"},
      {"estimatedDeliveryDate", "1715108400999"},
      {"estimatedDeliveryDate_formatted", "2024-05-07 19:00:00"},
      {"estimatedShipDate", "1714716000500"},
      {"estimatedShipDate_formatted", "2024-05-03 06:00:00"},
      {"methodCode", "Express"},
      {"recipient_name", "Test Recipient"},
      {"address1", "1 Synthetic Way"},
      {"address2", "Suite 42"},
      {"city", "Testville"},
      {"state", "TS"},
      {"postalCode", "00001"},
      {"country", "USA"},
      {"addressType", "OFFICE"},
      {"lineNumber", "3"},
      {"sku", "SKU-ALL-1"},
      {"productName", "Synthetic Product Name"},
      {"product_condition", "New"},
      {"quantity", "2"},
      {"unitOfMeasurement", "EACH"},
      {"statusDate", "1714668432000"},
      {"statusDate_formatted", "2024-05-02 16:47:12"},
      {"fulfillmentOption", "S2H"},
      {"shipMethod", "EXPEDITED"},
      {"storeId", "STORE-7"},
      {"shippingProgramType", "TWO_DAY"},
      {"chargeType", "PRODUCT"},
      {"chargeName", "ItemPrice"},
      {"chargeAmount", "19.99"},
      {"currency", "USD"},
      {"taxAmount", "1.60"},
      {"taxName", "Tax1"},
      {"orderLineStatus", "Shipped"},
      {"statusQuantity", "2"},
      {"cancellationReason", "NONE_SYNTHETIC"},
      {"shipDateTime", "1714668000000"},
      {"shipDateTime_formatted", "2024-05-02 16:40:00"},
      {"carrierName", "Synthetic Freight"},  // carrier is null -> otherCarrier
      {"carrierMethodCode", "SF-EXP"},
      {"trackingNumber", "TRK000111"},
      {"trackingURL", "https://tracking.example.test/TRK000111"},
      {"request_time", "2024-05-02 17:05:41"},
  };
  EXPECT_EQ(columns(o.lines[0]), expected);
  ASSERT_EQ(o.charges.size(), 2u);
  EXPECT_EQ(columns(o.charges[1]), (ColumnMap{{"purchaseOrderId", "4000000000001"},
                                              {"lineNumber", "3"},
                                              {"chargeSeq", "2"},
                                              {"chargeType", "SHIPPING"},
                                              {"chargeName", "Shipping"},
                                              {"chargeAmount", "5.50"},
                                              {"currency", "CAD"},
                                              {"taxName", kNull},
                                              {"taxAmount", kNull}}));
  EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);
}

TEST(OrderMapperExamples, SourceFileIsSetByTheCaller) {
  ParsedOrder o = parse_single(read_fixture("api_example_order_1.json"));
  o.set_source_file("orders-2024-05-02.json");
  for (const auto& l : o.lines) EXPECT_EQ(show(l.source_file), "orders-2024-05-02.json");
}

}  // namespace
}  // namespace etl::order::test

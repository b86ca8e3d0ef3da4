// The shapes real orders come in: single objects where lists are expected, null and missing at
// every level, wrong JSON types, any key order, duplicate keys, truncation at the column widths,
// decimals, timestamps, request_time and the carrier fallback.

#include <gtest/gtest.h>

#include "unit/order/order_base_json.hpp"
#include "unit/order/order_test_support.hpp"

namespace etl::order::test {
namespace {

ColumnMap base_columns() {
  static const ColumnMap m = [] {
    ParsedOrder o = parse_single(kBaseOrder);
    return o.lines.empty() ? ColumnMap{} : columns(o.lines[0]);
  }();
  return m;
}

ColumnMap nulls(std::initializer_list<const char*> names) {
  ColumnMap m;
  for (const char* n : names) m[n] = kNull;
  return m;
}

const std::initializer_list<const char*> kAddressCols = {
    "recipient_name", "address1",   "address2", "city",
    "state",          "postalCode", "country",  "addressType"};
const std::initializer_list<const char*> kShippingCols = {"phone",
                                                          "estimatedDeliveryDate",
                                                          "estimatedDeliveryDate_formatted",
                                                          "estimatedShipDate",
                                                          "estimatedShipDate_formatted",
                                                          "methodCode",
                                                          "recipient_name",
                                                          "address1",
                                                          "address2",
                                                          "city",
                                                          "state",
                                                          "postalCode",
                                                          "country",
                                                          "addressType"};
const std::initializer_list<const char*> kFirstChargeCols = {
    "chargeType", "chargeName", "chargeAmount", "currency", "taxAmount", "taxName"};
const std::initializer_list<const char*> kTrackingCols = {
    "shipDateTime",      "shipDateTime_formatted", "carrierName",
    "carrierMethodCode", "trackingNumber",         "trackingURL"};
const std::initializer_list<const char*> kStatusCols = {
    "orderLineStatus",   "statusQuantity",         "cancellationReason",
    "shipDateTime",      "shipDateTime_formatted", "carrierName",
    "carrierMethodCode", "trackingNumber",         "trackingURL"};

TEST(OrderMapperShapes, BaseOrderEqualsTheAllColumnsFixture) {
  const ParsedOrder fixture = parse_single(read_fixture("all_columns_order.json"));
  ASSERT_EQ(fixture.lines.size(), 1u);
  EXPECT_EQ(base_columns(), columns(fixture.lines[0]));
  EXPECT_EQ(base_columns().at("carrierName"), "Synthetic Freight");
}

// --- null and missing at every level -----------------------------------------------------------

struct Edit {
  const char* name;
  std::string from;
  std::string to;
  ColumnMap changes;
  size_t charges = 2;  // charge rows expected
};

class NullAndMissing : public ::testing::TestWithParam<Edit> {};

TEST_P(NullAndMissing, ColumnsBecomeNullWithoutWarnings) {
  const Edit& e = GetParam();
  const std::string json = replace_once(kBaseOrder, e.from, e.to);
  const ParsedOrder o = parse_single(json);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), with(base_columns(), e.changes));
  EXPECT_EQ(o.charges.size(), e.charges);
  EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);
}

// key: value -> key: null, and the member removed altogether.
std::vector<Edit> null_and_missing(const char* name, const std::string& member, ColumnMap changes,
                                   size_t charges = 2) {
  const size_t colon = member.find(':');
  std::string null_member = member.substr(0, colon + 1) + "null";
  return {Edit{name, member, null_member, changes, charges},
          Edit{name, member, R"("absentKeyPlaceholder":0)", changes, charges}};
}

std::vector<Edit> all_edits() {
  std::vector<Edit> v;
  auto add = [&](std::vector<Edit> e) { v.insert(v.end(), e.begin(), e.end()); };
  add(null_and_missing("customerOrderId", frag::cust, nulls({"customerOrderId"})));
  add(null_and_missing("customerEmailId", frag::email, nulls({"customerEmailId"})));
  add(null_and_missing("orderDate", frag::odate, nulls({"orderDate", "orderDate_formatted"})));
  add(null_and_missing("shippingInfo", frag::shipping, nulls(kShippingCols)));
  add(null_and_missing("phone", frag::phone, nulls({"phone"})));
  add(null_and_missing("postalAddress", frag::postal, nulls(kAddressCols)));
  add(null_and_missing("shipNode", frag::node,
                       nulls({"shipNode_type", "shipNode_name", "shipNode_id"})));
  add(null_and_missing("request_time", frag::request_time, nulls({"request_time"})));
  add(null_and_missing("item", frag::item, nulls({"sku", "productName", "product_condition"})));
  add(null_and_missing("charges", frag::charges, nulls(kFirstChargeCols), 0));
  add(null_and_missing("chargeAmount", frag::charge_amount1, nulls({"chargeAmount", "currency"})));
  add(null_and_missing("tax", frag::tax1, nulls({"taxAmount", "taxName"})));
  add(null_and_missing("orderLineQuantity", frag::qty, nulls({"quantity", "unitOfMeasurement"})));
  add(null_and_missing("statusDate", frag::sdate, nulls({"statusDate", "statusDate_formatted"})));
  add(null_and_missing("orderLineStatuses", frag::statuses, nulls(kStatusCols)));
  add(null_and_missing("statusQuantity", frag::status_qty, nulls({"statusQuantity"})));
  add(null_and_missing("trackingInfo", frag::tracking, nulls(kTrackingCols)));
  add(null_and_missing("carrierName", frag::carrier, nulls({"carrierName"})));
  add(null_and_missing(
      "fulfillment", frag::fulfil,
      nulls({"fulfillmentOption", "shipMethod", "storeId", "shippingProgramType"})));
  // Lists: null, empty, first element null.
  v.push_back({"charge null",
               R"("charges":{"charge":[)" + frag::charge1 + "," + frag::charge2 + "]}",
               R"("charges":{"charge":null})", nulls(kFirstChargeCols), 0});
  v.push_back({"charge empty", R"("charge":[)" + frag::charge1 + "," + frag::charge2 + "]",
               R"("charge":[])", nulls(kFirstChargeCols), 0});
  v.push_back({"first charge null", frag::charge1, "null", nulls(kFirstChargeCols), 1});
  v.push_back({"orderLineStatus null",
               R"("orderLineStatus":[)" + frag::status1 + "," + frag::status2 + "]",
               R"("orderLineStatus":null)", nulls(kStatusCols)});
  v.push_back({"orderLineStatus empty",
               R"("orderLineStatus":[)" + frag::status1 + "," + frag::status2 + "]",
               R"("orderLineStatus":[])", nulls(kStatusCols)});
  v.push_back({"first status null", frag::status1, "null", nulls(kStatusCols)});
  // Leaf scalars deep down.
  v.push_back({"charge amount null", R"("currency":"USD","amount":19.99)",
               R"("currency":"USD","amount":null)", nulls({"chargeAmount"})});
  v.push_back({"tax amount null", R"("currency":"USD","amount":1.6)",
               R"("currency":"USD","amount":null)", nulls({"taxAmount"})});
  v.push_back({"taxAmount null", R"("taxAmount":{"currency":"USD","amount":1.6})",
               R"("taxAmount":null)", nulls({"taxAmount"})});
  v.push_back(
      {"address2 null", R"("address2":"Suite 42")", R"("address2":null)", nulls({"address2"})});
  v.push_back({"sku missing", R"("sku":"SKU-ALL-1",)", "", nulls({"sku"})});
  v.push_back({"otherCarrier null", R"("otherCarrier":"Synthetic Freight")",
               R"("otherCarrier":null)", nulls({"carrierName"})});
  v.push_back({"trackingURL null", R"("trackingURL":"https://tracking.example.test/TRK000111")",
               R"("trackingURL":null)", nulls({"trackingURL"})});
  v.push_back({"storeId missing", R"("storeId":"STORE-7",)", "", nulls({"storeId"})});
  return v;
}

INSTANTIATE_TEST_SUITE_P(EveryLevel, NullAndMissing, ::testing::ValuesIn(all_edits()),
                         [](const auto& info) {
                           std::string n = std::to_string(info.index) + "_" + info.param.name;
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(OrderMapperShapes, OrderWithoutLinesStillHasItsRaw) {
  for (const std::string& lines :
       {std::string(R"("orderLines":null)"), std::string(R"("orderLines":{})"),
        std::string(R"("orderLines":{"orderLine":null})"),
        std::string(R"("orderLines":{"orderLine":[]})"), std::string(R"("notOrderLines":1)")}) {
    const std::string json = replace_once(kBaseOrder, frag::lines, lines);
    MessageParseResult r = parse(json);
    ASSERT_FALSE(r.bad) << lines << ": " << r.bad->reason;
    ASSERT_EQ(r.orders.size(), 1u);
    EXPECT_TRUE(r.orders[0].lines.empty());
    EXPECT_TRUE(r.orders[0].charges.empty());
    EXPECT_EQ(r.orders[0].raw_json, json);
    EXPECT_EQ(r.orders[0].purchase_order_id, 4000000000001);
    EXPECT_EQ(show_time(r.orders[0].request_time), "2024-05-02 17:05:41");
  }
}

// --- single object where a list is expected ----------------------------------------------------

TEST(OrderMapperShapes, SingleObjectsWhereListsAreExpected) {
  std::string json = replace_once(kBaseOrder, R"("orderLine":[)" + frag::line + "]",
                                  R"("orderLine":)" + frag::line);
  json = replace_once(json, R"("charge":[)" + frag::charge1 + "," + frag::charge2 + "]",
                      R"("charge":)" + frag::charge1);
  json = replace_once(json, R"("orderLineStatus":[)" + frag::status1 + "," + frag::status2 + "]",
                      R"("orderLineStatus":)" + frag::status1);
  const ParsedOrder o = parse_single(json);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), base_columns());
  ASSERT_EQ(o.charges.size(), 1u);
  EXPECT_EQ(o.charges[0].charge_seq, 1);
  EXPECT_EQ(show_cents(o.charges[0].charge_amount), "19.99");
  EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);
}

// --- wrong JSON types --------------------------------------------------------------------------

struct TypeCase {
  const char* name;
  std::string from;
  std::string to;
  ColumnMap changes;
  const char* warning_path;  // nullptr: no warning expected
  const char* warning_detail = "";
};

class WrongTypes : public ::testing::TestWithParam<TypeCase> {};

TEST_P(WrongTypes, ConvertOrBecomeNullWithAWarning) {
  const TypeCase& c = GetParam();
  const ParsedOrder o = parse_single(replace_once(kBaseOrder, c.from, c.to));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), with(base_columns(), c.changes));
  if (c.warning_path == nullptr) {
    EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);
  } else {
    EXPECT_EQ(o.warnings.size(), 1u) << warnings_text(o);
    EXPECT_TRUE(has_warning(o, c.warning_path, c.warning_detail)) << warnings_text(o);
  }
}

const std::string kLine0 = "orderLines.orderLine[0]";
const std::string kCharge0 = kLine0 + ".charges.charge[0]";

std::vector<TypeCase> type_cases() {
  static const std::string email_path = "customerEmailId";
  static const std::string qty_path = kLine0 + ".orderLineQuantity.amount";
  static const std::string amount_path = kCharge0 + ".chargeAmount.amount";
  static const std::string charge_amount_path = kCharge0 + ".chargeAmount";
  static const std::string shipping_path = "shippingInfo";
  static const std::string item_path = kLine0 + ".item";
  static const std::string tracking_path =
      kLine0 + ".orderLineStatuses.orderLineStatus[0].trackingInfo";
  static const std::string carrier_path = tracking_path + ".carrierName";
  static const std::string status0_path = kLine0 + ".orderLineStatuses.orderLineStatus[0]";
  static const std::string country_path = "shippingInfo.postalAddress.country";
  return {
      // objects/arrays where scalars belong
      {"email object", frag::email, R"("customerEmailId":{"x":[1,2]})", nulls({"customerEmailId"}),
       email_path.c_str(), "expected a string, found an object"},
      {"phone array", frag::phone, R"("phone":["555",1])", nulls({"phone"}), "shippingInfo.phone",
       "found an array"},
      {"customerOrderId object", frag::cust, R"("customerOrderId":{})", nulls({"customerOrderId"}),
       "customerOrderId", "expected an integer, found an object"},
      {"amount object", R"("currency":"USD","amount":19.99)",
       R"("currency":"USD","amount":{"v":19.99})", nulls({"chargeAmount"}), amount_path.c_str(),
       "found an object"},
      {"quantity array", R"("unitOfMeasurement":"EACH","amount":"2"})",
       R"("unitOfMeasurement":"EACH","amount":[2]})", nulls({"quantity"}), qty_path.c_str(),
       "found an array"},
      // scalars where objects belong
      {"shippingInfo string", frag::shipping, R"("shippingInfo":"somewhere")", nulls(kShippingCols),
       shipping_path.c_str(), "expected an object, found a string"},
      {"item array", frag::item, R"("item":[])", nulls({"sku", "productName", "product_condition"}),
       item_path.c_str(), "expected an object, found an array"},
      {"chargeAmount number", frag::charge_amount1, R"("chargeAmount":5)",
       nulls({"chargeAmount", "currency"}), charge_amount_path.c_str(),
       "expected an object, found a number"},
      {"trackingInfo string", frag::tracking, R"("trackingInfo":"UPS")", nulls(kTrackingCols),
       tracking_path.c_str(), "found a string"},
      {"carrierName string", frag::carrier, R"("carrierName":"UPS")", nulls({"carrierName"}),
       carrier_path.c_str(), "found a string"},
      {"first status string", frag::status1, R"("Shipped")", nulls(kStatusCols),
       status0_path.c_str(), "expected an order line status object"},
      // numbers where strings belong: their own text
      {"phone number", frag::phone, R"("phone":5550100001)", {}, nullptr},
      {"postalCode number",
       R"("postalCode":"00001")",
       R"("postalCode":12345)",
       {{"postalCode", "12345"}},
       nullptr},
      {"sku decimal", R"("sku":"SKU-ALL-1")", R"("sku":1.50E+3)", {{"sku", "1.50E+3"}}, nullptr},
      {"sku true", R"("sku":"SKU-ALL-1")", R"("sku":true)", {{"sku", "true"}}, nullptr},
      {"condition false",
       R"("condition":"New")",
       R"("condition":false)",
       {{"product_condition", "false"}},
       nullptr},
      {"country long number",
       R"("country":"USA")",
       R"("country":-12345678901)",
       {{"country", "-123456789"}},
       country_path.c_str(),
       "cut to 10 characters (was 12)"},
      // strings where numbers belong
      {"customerOrderId number", frag::cust, R"("customerOrderId":5000000000002)", {}, nullptr},
      {"orderDate string", frag::odate, R"("orderDate":" 1714573391123 ")", {}, nullptr},
      {"quantity number",
       R"("unitOfMeasurement":"EACH","amount":"2"})",
       R"("unitOfMeasurement":"EACH","amount":2})",
       {},
       nullptr},
      {"amount string",
       R"("currency":"USD","amount":19.99)",
       R"("currency":"USD","amount":" 19.99 ")",
       {},
       nullptr},
      {"amount escaped string",
       R"("currency":"USD","amount":19.99)",
       R"("currency":"USD","amount":"\u0031\u0039.99")",
       {},
       nullptr},
      // unusable values
      {"customerOrderId abc", frag::cust, R"("customerOrderId":"abc")", nulls({"customerOrderId"}),
       "customerOrderId", "not an integer (BIGINT): \"abc\""},
      {"customerOrderId bool", frag::cust, R"("customerOrderId":true)", nulls({"customerOrderId"}),
       "customerOrderId", "found a boolean"},
      {"customerOrderId 1.5", frag::cust, R"("customerOrderId":1.5)", nulls({"customerOrderId"}),
       "customerOrderId", "not an integer (BIGINT): 1.5"},
      {"customerOrderId overflow", frag::cust, R"("customerOrderId":"9223372036854775808")",
       nulls({"customerOrderId"}), "customerOrderId", "out of range (BIGINT)"},
      {"quantity 1.0", R"("unitOfMeasurement":"EACH","amount":"2"})",
       R"("unitOfMeasurement":"EACH","amount":"1.0"})", nulls({"quantity"}), qty_path.c_str(),
       "not an integer (INT): \"1.0\""},
      {"quantity over INT", R"("unitOfMeasurement":"EACH","amount":"2"})",
       R"("unitOfMeasurement":"EACH","amount":"3000000000"})", nulls({"quantity"}),
       qty_path.c_str(), "out of range (INT)"},
      {"amount abc", R"("currency":"USD","amount":19.99)", R"("currency":"USD","amount":"abc")",
       nulls({"chargeAmount"}), amount_path.c_str(), "not a number (DECIMAL(10,2)): \"abc\""},
      {"amount bool", R"("currency":"USD","amount":19.99)", R"("currency":"USD","amount":false)",
       nulls({"chargeAmount"}), amount_path.c_str(), "found a boolean"},
      {"orderDate abc", frag::odate, R"("orderDate":"abc")",
       nulls({"orderDate", "orderDate_formatted"}), "orderDate", "not an integer"},
  };
}

INSTANTIATE_TEST_SUITE_P(Columns, WrongTypes, ::testing::ValuesIn(type_cases()),
                         [](const auto& info) {
                           std::string n = std::to_string(info.index) + "_" + info.param.name;
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(OrderMapperShapes, NonObjectChargeElementIsSkippedWithAWarning) {
  const ParsedOrder o = parse_single(replace_once(kBaseOrder, frag::charge1, R"("oops")"));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), with(base_columns(), nulls(kFirstChargeCols)));
  ASSERT_EQ(o.charges.size(), 1u);
  EXPECT_EQ(o.charges[0].charge_seq, 2);  // position in the JSON list
  EXPECT_TRUE(has_warning(o, kCharge0, "expected a charge object, found a string"))
      << warnings_text(o);
}

// --- truncation at the column widths ------------------------------------------------------------

std::string repeat(std::string_view s, size_t n) {
  std::string r;
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

struct CutCase {
  const char* name;
  std::string json_value;  // the JSON string's content
  std::string expected;
  bool warned;
};

// country VARCHAR(10), addressType VARCHAR(20), phone VARCHAR(64), customerEmailId VARCHAR(100).
void expect_cut(const std::string& member_from, const std::string& key, const char* column,
                const char* path, const CutCase& c) {
  SCOPED_TRACE(std::string(column) + " / " + c.name);
  const ParsedOrder o = parse_single(
      replace_once(kBaseOrder, member_from, "\"" + key + "\":\"" + c.json_value + "\""));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]).at(column), c.expected);
  EXPECT_EQ(has_warning(o, path, "cut to"), c.warned) << warnings_text(o);
}

TEST(OrderMapperShapes, CutToVarchar10InCodePoints) {
  const std::string cjk10 = repeat("漢", 10);
  const std::vector<CutCase> cases = {
      {"CJK exactly 10", cjk10, cjk10, false},
      {"CJK 11", cjk10 + "字", cjk10, true},
      {"emoji at the boundary", "123456789😀X", "123456789😀", true},
      {"emoji just past", "1234567890😀", "1234567890", true},
      {"combining mark at 11", "abcdefghie\xCC\x81", "abcdefghie",
       true},  // e + U+0301: mark dropped
      {"combining mark at 10", "abcdefghe\xCC\x81", "abcdefghe\xCC\x81", false},
      {"escaped CJK 11", repeat("\\u6f22", 11), cjk10, true},
      {"escaped surrogate pair emoji", "123456789\\ud83d\\ude00X", "123456789😀", true},
  };
  for (const auto& c : cases) {
    expect_cut(R"("country":"USA")", "country", "country", "shippingInfo.postalAddress.country", c);
  }
}

TEST(OrderMapperShapes, CutToVarchar20InCodePoints) {
  const std::vector<CutCase> cases = {
      {"CJK 20", repeat("字", 20), repeat("字", 20), false},
      {"CJK 21", repeat("字", 21), repeat("字", 20), true},
      {"emoji 21", repeat("😀", 21), repeat("😀", 20), true},
      {"mixed boundary", repeat("a", 19) + "😀" + "b", repeat("a", 19) + "😀", true},
      {"combining", repeat("a", 19) + "e\xCC\x81", repeat("a", 19) + "e", true},
  };
  for (const auto& c : cases) {
    expect_cut(R"("addressType":"OFFICE")", "addressType", "addressType",
               "shippingInfo.postalAddress.addressType", c);
  }
}

TEST(OrderMapperShapes, PhoneHoldsAKeyedHashOf64HexDigits) {
  const std::string hash(64, 'a');
  const std::vector<CutCase> cases = {
      {"64 hex digits", hash, hash, false},
      {"65", hash + "b", hash, true},
  };
  for (const auto& c : cases) expect_cut(frag::phone, "phone", "phone", "shippingInfo.phone", c);
}

TEST(OrderMapperShapes, CutToVarchar100InCodePoints) {
  const std::vector<CutCase> cases = {
      {"100 CJK", repeat("漢", 100), repeat("漢", 100), false},
      {"99 + CJK pair", repeat("a", 99) + "漢字", repeat("a", 99) + "漢", true},
      {"99 + emoji pair", repeat("a", 99) + "😀😀", repeat("a", 99) + "😀", true},
      {"combining at 101", repeat("a", 99) + "e\xCC\x81", repeat("a", 99) + "e", true},
  };
  for (const auto& c : cases) {
    expect_cut(frag::email, "customerEmailId", "customerEmailId", "customerEmailId", c);
  }
}

TEST(OrderMapperShapes, ProductNameIsCutOnlyAtTextsByteLimit) {
  const std::string long_name = repeat("漢", 5000);  // 5000 characters, 15000 bytes: not cut
  ParsedOrder o = parse_single(replace_once(kBaseOrder, R"("productName":"Synthetic Product Name")",
                                            "\"productName\":\"" + long_name + "\""));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(show(o.lines[0].product_name), long_name);
  EXPECT_TRUE(o.warnings.empty());

  const std::string exact = repeat("a", 65535);
  o = parse_single(replace_once(kBaseOrder, R"("productName":"Synthetic Product Name")",
                                "\"productName\":\"" + exact + "\""));
  EXPECT_EQ(o.lines[0].product_name->size(), 65535u);
  EXPECT_TRUE(o.warnings.empty());

  // 65534 bytes + a 4-byte emoji: the emoji would cross 65,535 -> cut before it.
  o = parse_single(replace_once(kBaseOrder, R"("productName":"Synthetic Product Name")",
                                "\"productName\":\"" + repeat("a", 65534) + "😀tail\""));
  EXPECT_EQ(show(o.lines[0].product_name), repeat("a", 65534));
  EXPECT_TRUE(has_warning(o, kLine0 + ".item.productName", "cut to 65534 bytes"))
      << warnings_text(o);
}

// --- decimals
// -------------------------------------------------------------------------------------

TEST(OrderMapperShapes, DecimalsFromTheNumbersOwnText) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0.005", "0.01"}, {"-0.005", "-0.01"}, {"1.235", "1.24"},     {"10", "10.00"},
      {"1e2", "100.00"}, {"0", "0.00"},       {"\"1.235\"", "1.24"}, {"99999999.99", "99999999.99"},
  };
  for (const auto& [json, expected] : cases) {
    const ParsedOrder o = parse_single(replace_once(
        kBaseOrder, R"("currency":"USD","amount":19.99)", R"("currency":"USD","amount":)" + json));
    ASSERT_EQ(o.lines.size(), 1u);
    EXPECT_EQ(show_cents(o.lines[0].charge_amount), expected) << json;
    EXPECT_EQ(show_cents(o.charges[0].charge_amount), expected) << json;
    EXPECT_TRUE(o.warnings.empty()) << json << "\n" << warnings_text(o);
  }
  const ParsedOrder o = parse_single(replace_once(kBaseOrder, R"("currency":"USD","amount":1.6)",
                                                  R"("currency":"USD","amount":99999999.995)"));
  EXPECT_EQ(show_cents(o.lines[0].tax_amount), kNull);
  EXPECT_TRUE(has_warning(o, kCharge0 + ".tax.taxAmount.amount",
                          "out of range (DECIMAL(10,2)): 99999999.995"))
      << warnings_text(o);
}

// --- timestamps and request_time -----------------------------------------------------------------

TEST(OrderMapperShapes, EpochMillisToTimestampRange) {
  struct Case {
    std::string json;
    std::string raw, formatted;
    bool warned;
  };
  const std::vector<Case> cases = {
      {"0", "0", kNull, false},
      {"-1000", "-1000", kNull, true},
      {"999", "999", kNull, true},
      {"1000", "1000", "1970-01-01 00:00:01", false},
      {"2147483647999", "2147483647999", "2038-01-19 03:14:07", false},
      {"2147483648000", "2147483648000", kNull, true},
      {"4102444800000", "4102444800000", kNull, true},  // 2100-01-01
      {"\"1714573391123\"", "1714573391123", "2024-05-01 14:23:11", false},
      {"null", kNull, kNull, false},
  };
  for (const auto& c : cases) {
    const ParsedOrder o =
        parse_single(replace_once(kBaseOrder, frag::odate, R"("orderDate":)" + c.json));
    ASSERT_EQ(o.lines.size(), 1u);
    const ColumnMap cols = columns(o.lines[0]);
    EXPECT_EQ(cols.at("orderDate"), c.raw) << c.json;
    EXPECT_EQ(cols.at("orderDate_formatted"), c.formatted) << c.json;
    EXPECT_EQ(has_warning(o, "orderDate", "TIMESTAMP range"), c.warned)
        << c.json << warnings_text(o);
  }
}

TEST(OrderMapperShapes, RequestTimeIsParsedStrictly) {
  for (const std::string bad :
       {R"("2024-13-01 00:00:00")", R"("2024-05-02T17:05:41")", R"("2024-05-02 17:05:41Z")",
        R"("2024-02-30 00:00:00")", R"("")", R"(" 2024-05-02 17:05:41")",
        R"("2024-05-02 24:00:00")", R"("0999-12-31 23:59:59")", "1714668000", "{}", "true"}) {
    const ParsedOrder o =
        parse_single(replace_once(kBaseOrder, frag::request_time, R"("request_time":)" + bad));
    EXPECT_EQ(o.request_time, std::nullopt) << bad;
    ASSERT_EQ(o.lines.size(), 1u);
    EXPECT_EQ(o.lines[0].request_time, std::nullopt) << bad;
    EXPECT_EQ(o.warnings.size(), 1u) << bad;
    EXPECT_TRUE(has_warning(o, "request_time")) << bad << warnings_text(o);
  }
  const ParsedOrder o = parse_single(
      replace_once(kBaseOrder, frag::request_time, R"("request_time":"2024-02-29 23:59:59")"));
  EXPECT_EQ(show_time(o.request_time), "2024-02-29 23:59:59");
}

// --- carrier fallback
// ------------------------------------------------------------------------------

TEST(OrderMapperShapes, CarrierFallsBackToOtherCarrier) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"carrier":"UPS","otherCarrier":"Other Co"})", "UPS"},
      {R"({"carrier":"","otherCarrier":"Other Co"})", "Other Co"},
      {R"({"carrier":null,"otherCarrier":"Other Co"})", "Other Co"},
      {R"({"otherCarrier":"Other Co"})", "Other Co"},
      {R"({"otherCarrier":"Other Co","carrier":"FedEx"})", "FedEx"},
      {R"({"carrier":"USPS"})", "USPS"},
      {R"({"carrier":""})", kNull},
      {R"({})", kNull},
  };
  for (const auto& [carrier, expected] : cases) {
    const ParsedOrder o =
        parse_single(replace_once(kBaseOrder, frag::carrier, R"("carrierName":)" + carrier));
    ASSERT_EQ(o.lines.size(), 1u);
    EXPECT_EQ(show(o.lines[0].carrier_name), expected) << carrier;
    EXPECT_TRUE(o.warnings.empty()) << carrier;
  }
  const ParsedOrder o = parse_single(replace_once(
      kBaseOrder, frag::carrier, R"("carrierName":{"carrier":{"x":1},"otherCarrier":"Other Co"})"));
  EXPECT_EQ(show(o.lines[0].carrier_name), "Other Co");
  EXPECT_TRUE(has_warning(
      o, kLine0 + ".orderLineStatuses.orderLineStatus[0].trackingInfo.carrierName.carrier"));
}

// --- key order and duplicate keys
// -------------------------------------------------------------------

TEST(OrderMapperShapes, AnyKeyOrderGivesTheSameRows) {
  const std::string line = obj({frag::fulfil, frag::statuses, frag::sdate, frag::qty, frag::charges,
                                frag::item, frag::line_number});
  const std::string shuffled = obj(
      {frag::request_time, frag::node, R"("orderLines":{"orderLine":[)" + line + "]}",
       R"("shippingInfo":{"postalAddress":{"addressType":"OFFICE","country":"USA","postalCode":"00001",)"
       R"("state":"TS","city":"Testville","address2":"Suite 42","address1":"1 Synthetic Way",)"
       R"("name":"Test Recipient"},"methodCode":"Express","estimatedShipDate":1714716000500,)"
       R"("estimatedDeliveryDate":1715108400999,"phone":"5550100001"})",
       frag::odate, frag::email, frag::cust, frag::po});
  const ParsedOrder o = parse_single(shuffled);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), base_columns());
  EXPECT_EQ(o.charges.size(), 2u);
  EXPECT_EQ(o.raw_json, shuffled);
}

TEST(OrderMapperShapes, DuplicateKeysLastOccurrenceWins) {
  // Scalars: the last value wins, and the first occurrence's warning is not kept.
  std::string json = replace_once(
      kBaseOrder, frag::po, R"("purchaseOrderId":"17","customerEmailId":{"bad":1},)" + frag::po);
  json = replace_once(json, R"("sku":"SKU-ALL-1")", R"("sku":"FIRST","sku":"SKU-ALL-1")");
  ParsedOrder o = parse_single(json);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), base_columns());
  EXPECT_TRUE(o.warnings.empty()) << warnings_text(o);

  // Objects: the last object replaces the first one as a whole.
  json = replace_once(kBaseOrder, frag::node, frag::node + R"(,"shippingInfo":{"phone":"999"})");
  o = parse_single(json);
  EXPECT_EQ(columns(o.lines[0]),
            with(base_columns(), with(nulls(kShippingCols), {{"phone", "999"}})));

  // Line lists: only the last orderLines counts.
  json = replace_once(kBaseOrder, frag::node,
                      frag::node + R"(,"orderLines":{"orderLine":[)" +
                          line_with(R"("lineNumber":"8")", "B") + "," +
                          line_with(R"("lineNumber":"9")", "C") + "]}");
  o = parse_single(json);
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(o.lines[0].line_number, 8);
  EXPECT_EQ(show(o.lines[1].sku), "C");
  EXPECT_EQ(o.charges.size(), 4u);

  // A repeated lineNumber key: an unusable first value does not make the record bad.
  o = parse_single(order_with_lines(arr({R"({"lineNumber":"1.0","lineNumber":"4"})"})));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].line_number, 4);

  // Earlier occurrences are still validated.
  EXPECT_NE(parse_bad(replace_once(kBaseOrder, R"("sku":"SKU-ALL-1")", R"("sku":tru,"sku":"X")")),
            "");
}

TEST(OrderMapperShapes, EscapedKeysMatch) {
  const ParsedOrder o = parse_single(
      replace_once(kBaseOrder, R"("sku":"SKU-ALL-1")", R"("\u0073ku":"SKU-\u0041LL-1")"));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), base_columns());
}

TEST(OrderMapperShapes, UnknownFieldsAreIgnoredButValidated) {
  const ParsedOrder o = parse_single(replace_once(
      kBaseOrder, frag::node,
      frag::node +
          R"(,"orderSummary":{"totalAmount":{"currencyAmount":1.5e3,"currencyUnit":"USD"}},)"
          R"("paymentTypes":["CREDITCARD",null,true,false,-0.0,"\"\\\/\b\f\n\r\t\u00e9"],"isGuest":false)"));
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(columns(o.lines[0]), base_columns());
}

TEST(OrderMapperShapes, LinesAreSortedByLineNumberWithTheirCharges) {
  const ParsedOrder o = parse_single(order_with_lines(
      arr({line_with(R"("lineNumber":"2")", "TWO"), line_with(R"("lineNumber":"1")", "ONE")})));
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(o.lines[0].line_number, 1);
  EXPECT_EQ(show(o.lines[0].sku), "ONE");
  EXPECT_EQ(o.lines[1].line_number, 2);
  ASSERT_EQ(o.charges.size(), 4u);
  EXPECT_EQ(o.charges[0].line_number, 1);
  EXPECT_EQ(o.charges[1].line_number, 1);
  EXPECT_EQ(o.charges[2].line_number, 2);
  EXPECT_EQ(o.charges[3].charge_seq, 2);
}

TEST(OrderMapperShapes, WarningsAreCappedButCounted) {
  std::string lines = "[";
  for (int i = 1; i <= 1500; ++i) {
    if (i > 1) lines += ',';
    lines += R"({"lineNumber":")" + std::to_string(i) + R"(","orderLineQuantity":{"amount":"x"}})";
  }
  lines += "]";
  MessageParseResult r = parse(order_with_lines(lines));
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_EQ(r.conversion_warnings, 1500u);
  EXPECT_EQ(r.orders[0].warnings.size(), kMaxRecordedWarnings + 1);
  EXPECT_EQ(r.orders[0].lines.size(), 1500u);
}

}  // namespace
}  // namespace etl::order::test

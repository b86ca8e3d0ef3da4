// The Kafka message format: request_time appended as the order object's last member (valid JSON,
// the order's own bytes untouched), and purchaseOrderId read as a number only in canonical form.

#include "order/message_format.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <limits>
#include <string>

namespace etl::order {
namespace {

const std::string kOrder =
    R"({"purchaseOrderId":"4000000000001","orderLines":{"orderLine":[{"lineNumber":"1"}]}})";
const std::string kOrderWithSpace = "{\"purchaseOrderId\":\"1\" \n }";

TEST(MessageFormat, AppendsRequestTimeBeforeTheClosingBrace) {
  std::string out;
  build_order_message(kOrder, "2024-05-01 14:25:40", out);
  EXPECT_EQ(out, kOrder.substr(0, kOrder.size() - 1) + R"(,"request_time":"2024-05-01 14:25:40"})");
  build_order_message(kOrderWithSpace, "2024-05-01 14:25:40", out);
  EXPECT_EQ(out.substr(0, kOrderWithSpace.size() - 1),
            kOrderWithSpace.substr(0, kOrderWithSpace.size() - 1));
  EXPECT_EQ(out.substr(kOrderWithSpace.size() - 1), R"(,"request_time":"2024-05-01 14:25:40"})");
  build_order_message("{ \n}", "2024-05-01 14:25:40", out);
  EXPECT_EQ(out, "{ \n\"request_time\":\"2024-05-01 14:25:40\"}");
}

TEST(MessageFormat, TheResultIsValidJsonWithTheFieldAtTopLevel) {
  std::string out;
  build_order_message(kOrder, "2024-05-01 14:25:40", out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc[kRequestTimeField]), "2024-05-01 14:25:40");
  EXPECT_EQ(std::string_view(doc["purchaseOrderId"]), "4000000000001");
}

TEST(MessageFormat, PurchaseOrderIdIsANumberOnlyInCanonicalForm) {
  EXPECT_EQ(purchase_order_id_number("4000000000001"), 4000000000001);
  EXPECT_EQ(purchase_order_id_number("0"), 0);
  EXPECT_EQ(purchase_order_id_number("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(purchase_order_id_number("9223372036854775808"));  // beyond BIGINT
  EXPECT_FALSE(purchase_order_id_number("0123"));
  EXPECT_FALSE(purchase_order_id_number("-5"));
  EXPECT_FALSE(purchase_order_id_number("+5"));
  EXPECT_FALSE(purchase_order_id_number("12a"));
  EXPECT_FALSE(purchase_order_id_number(" 12"));
  EXPECT_FALSE(purchase_order_id_number(""));
}

}  // namespace
}  // namespace etl::order

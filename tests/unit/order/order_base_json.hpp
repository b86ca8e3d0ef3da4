#pragma once
// A synthetic order (same values as fixtures/orders/all_columns_order.json) built from named
// fragments, so tests can replace, remove, reorder or duplicate any part of it exactly.

#include <initializer_list>
#include <string>

#include "unit/order/order_test_support.hpp"

namespace etl::order::test {

// {"a","b"} -> "{a,b}"; fragments are complete "key":value members.
inline std::string obj(std::initializer_list<std::string> members) {
  std::string s = "{";
  bool first = true;
  for (const auto& m : members) {
    if (!first) s += ',';
    s += m;
    first = false;
  }
  return s + "}";
}
inline std::string arr(std::initializer_list<std::string> elems) {
  std::string s = obj(elems);
  s.front() = '[';
  s.back() = ']';
  return s;
}

namespace frag {
inline const std::string po = R"("purchaseOrderId":"4000000000001")";
inline const std::string cust = R"("customerOrderId":"5000000000002")";
inline const std::string email = R"("customerEmailId":"all.columns@relay.example.test")";
inline const std::string odate = R"("orderDate":1714573391123)";
inline const std::string postal =
    R"("postalAddress":{"name":"Test Recipient","address1":"1 Synthetic Way","address2":"Suite 42",)"
    R"("city":"Testville","state":"TS","postalCode":"00001","country":"USA","addressType":"OFFICE"})";
inline const std::string phone = R"("phone":"5550100001")";
inline const std::string shipping =
    R"("shippingInfo":{)" + phone +
    R"(,"estimatedDeliveryDate":1715108400999,"estimatedShipDate":1714716000500,"methodCode":"Express",)" +
    postal + "}";
inline const std::string item =
    R"("item":{"productName":"Synthetic Product Name","sku":"SKU-ALL-1","condition":"New"})";
inline const std::string charge_amount1 = R"("chargeAmount":{"currency":"USD","amount":19.99})";
inline const std::string tax1 =
    R"("tax":{"taxName":"Tax1","taxAmount":{"currency":"USD","amount":1.6}})";
inline const std::string charge1 =
    R"({"chargeType":"PRODUCT","chargeName":"ItemPrice",)" + charge_amount1 + "," + tax1 + "}";
inline const std::string charge2 =
    R"({"chargeType":"SHIPPING","chargeName":"Shipping","chargeAmount":{"currency":"CAD","amount":"5.5"},"tax":null})";
inline const std::string charges = R"("charges":{"charge":[)" + charge1 + "," + charge2 + "]}";
inline const std::string qty = R"("orderLineQuantity":{"unitOfMeasurement":"EACH","amount":"2"})";
inline const std::string sdate = R"("statusDate":1714668432000)";
inline const std::string carrier =
    R"("carrierName":{"carrier":null,"otherCarrier":"Synthetic Freight"})";
inline const std::string tracking =
    R"("trackingInfo":{"shipDateTime":1714668000000,)" + carrier +
    R"(,"methodCode":"Express","carrierMethodCode":"SF-EXP","trackingNumber":"TRK000111",)"
    R"("trackingURL":"https://tracking.example.test/TRK000111"})";
inline const std::string status_qty =
    R"("statusQuantity":{"amount":"2","unitOfMeasurement":"EACH"})";
inline const std::string status1 = R"({"status":"Shipped",)" + status_qty +
                                   R"(,"cancellationReason":"NONE_SYNTHETIC",)" + tracking + "}";
inline const std::string status2 = R"({"status":"Delivered","statusQuantity":{"amount":"3"}})";
inline const std::string statuses =
    R"("orderLineStatuses":{"orderLineStatus":[)" + status1 + "," + status2 + "]}";
inline const std::string fulfil =
    R"("fulfillment":{"fulfillmentOption":"S2H","shipMethod":"EXPEDITED","storeId":"STORE-7",)"
    R"("shippingProgramType":"TWO_DAY","pickUpDateTime":1715108400000})";
inline const std::string line_number = R"("lineNumber":"3")";
inline const std::string line = obj({line_number, item, charges, qty, sdate, statuses, fulfil});
inline const std::string lines = R"("orderLines":{"orderLine":[)" + line + "]}";
inline const std::string node =
    R"("shipNode":{"type":"3PLFulfilled","name":"Synthetic Node","id":"NODE-9"})";
inline const std::string request_time = R"("request_time":"2024-05-02 17:05:41")";
}  // namespace frag

inline const std::string kBaseOrder =
    obj({frag::po, frag::cust, frag::email, frag::odate, frag::shipping, frag::lines, frag::node,
         frag::request_time});

// A line with the given lineNumber member text (e.g. R"("lineNumber":"2")") and a distinct sku.
inline std::string line_with(const std::string& line_number_member, const std::string& sku) {
  return obj({line_number_member, R"("item":{"sku":")" + sku + R"("})", frag::charges});
}

// The base order with its orderLine list replaced.
inline std::string order_with_lines(const std::string& order_line_value) {
  return obj({frag::po, R"("orderLines":{"orderLine":)" + order_line_value + "}"});
}

}  // namespace etl::order::test

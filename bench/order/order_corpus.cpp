#include "order_corpus.hpp"

#include <fmt/format.h>

#include <array>
#include <random>

namespace etl::order::bench {

namespace {

constexpr std::array<const char*, 8> kProducts = {
    "Stainless Steel Insulated Water Bottle, 32 oz, Black",
    "Silicone Straw Lid Replacement, 2 Pack",
    "Bamboo Cutting Board Set, 3 Piece",
    "Beechwood Cooking Spoon Set, 5 Piece",
    "Cotton Bath Towel Set, 6 Piece, Navy Blue, Extra Absorbent Quick Dry",
    "LED Desk Lamp with Wireless Charger and USB Port, Dimmable, 5 Color Modes",
    "Kids Backpack 16 inch, Water Resistant, Dinosaur Print",
    "Cast Iron Skillet 12 inch, Pre-Seasoned",
};
constexpr std::array<const char*, 5> kCities = {"Bentonville", "Chicago", "Springfield", "Austin",
                                                "Portland"};
constexpr std::array<const char*, 5> kStates = {"AR", "IL", "MO", "TX", "OR"};
constexpr std::array<const char*, 4> kStatuses = {"Created", "Acknowledged", "Shipped",
                                                  "Cancelled"};
constexpr std::array<const char*, 4> kCarriers = {"UPS", "USPS", "FedEx", "OnTrac"};

std::string hex32(std::mt19937_64& rng) { return fmt::format("{:016X}{:016X}", rng(), rng()); }

}  // namespace

std::vector<std::string> generate_order_messages(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t order_date = 1714000000000 + static_cast<int64_t>(pick(86400000)) * 10;
    const size_t city = pick(kCities.size());
    std::string s;
    s.reserve(4096);
    fmt::format_to(
        std::back_inserter(s),
        R"({{"purchaseOrderId":"{}","customerOrderId":"{}","customerEmailId":"{}@relay.walmart.com",)"
        R"("orderDate":{},)"
        R"("shippingInfo":{{"phone":"{}","estimatedDeliveryDate":{},"estimatedShipDate":{},)"
        R"("methodCode":"Standard","carrierMethodName":null,"postalAddress":{{"name":"Customer {}",)"
        R"("address1":"{} Synthetic Ave","address2":{},"city":"{}","state":"{}","postalCode":"{:05}",)"
        R"("country":"USA","addressType":"RESIDENTIAL"}}}},"orderLines":{{"orderLine":[)",
        1817645120031 + i, 5391204487712 + i, hex32(rng), order_date, 4795550000 + pick(9999),
        order_date + 518400000, order_date + 172800000, i, 100 + pick(9000),
        pick(3) == 0 ? "\"Apt 4B\"" : "null", kCities[city], kStates[city], pick(99999));
    // 1-4 lines, most orders small: 40% 1, 30% 2, 20% 3, 10% 4 (2 on average).
    const size_t roll = pick(10);
    const size_t lines = roll < 4 ? 1 : roll < 7 ? 2 : roll < 9 ? 3 : 4;
    for (size_t l = 0; l < lines; ++l) {
      if (l > 0) s += ',';
      const char* status = kStatuses[pick(kStatuses.size())];
      const bool shipped = status == std::string_view("Shipped");
      const bool cancelled = status == std::string_view("Cancelled");
      const int qty = 1 + static_cast<int>(pick(3));
      fmt::format_to(
          std::back_inserter(s),
          R"({{"lineNumber":"{}","item":{{"productName":"{}","sku":"SKU-{:06}","condition":"New"}},)"
          R"("charges":{{"charge":[{{"chargeType":"PRODUCT","chargeName":"ItemPrice",)"
          R"("chargeAmount":{{"currency":"USD","amount":{}.{:02}}},"tax":{{"taxName":"Tax1",)"
          R"("taxAmount":{{"currency":"USD","amount":{}.{:02}}}}}}})",
          l + 1, kProducts[pick(kProducts.size())], pick(1000000), 5 + pick(95), pick(100), pick(9),
          pick(100));
      if (pick(2) == 0) {
        s +=
            R"(,{"chargeType":"SHIPPING","chargeName":"Shipping","chargeAmount":{"currency":"USD","amount":4.99},"tax":null})";
      }
      fmt::format_to(
          std::back_inserter(s),
          R"(]}},"orderLineQuantity":{{"unitOfMeasurement":"EACH","amount":"{}"}},"statusDate":{},)"
          R"("orderLineStatuses":{{"orderLineStatus":[{{"status":"{}","statusQuantity":)"
          R"({{"unitOfMeasurement":"EACH","amount":"{}"}},"cancellationReason":{},"trackingInfo":)",
          qty, order_date + 3600000, status, qty,
          cancelled ? "\"SELLER_CANCEL_OUT_OF_STOCK\"" : "null");
      if (shipped) {
        fmt::format_to(
            std::back_inserter(s),
            R"({{"shipDateTime":{},"carrierName":{{"carrier":{},"otherCarrier":{}}},"methodCode":"Standard",)"
            R"("trackingNumber":"1Z{:016}","trackingURL":"https://www.walmart.com/tracking?tracking_id=1Z{:016}"}})",
            order_date + 86400000,
            pick(4) == 0 ? "null" : fmt::format("\"{}\"", kCarriers[pick(4)]),
            pick(4) == 0 ? "\"Regional Carrier\"" : "null", rng() % 10000000000000000ULL,
            rng() % 10000000000000000ULL);
      } else {
        s += "null";
      }
      fmt::format_to(std::back_inserter(s),
                     R"(}}]}},"fulfillment":{{"fulfillmentOption":"S2H",)"
                     R"("shipMethod":"STANDARD","storeId":null,"pickUpDateTime":{},)"
                     R"("shippingProgramType":null}}}})",
                     order_date + 518400000);
    }
    fmt::format_to(
        std::back_inserter(s),
        R"(]}},"paymentTypes":["CREDITCARD"],"orderSummary":{{"totalAmount":{{"currencyAmount":{}.{:02},)"
        R"("currencyUnit":"USD"}}}},"shipNode":{{"type":"SellerFulfilled",)"
        R"("name":null,"id":null}},"request_time":"2024-05-02 17:05:41"}})",
        10 + pick(200), pick(100));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace etl::order::bench

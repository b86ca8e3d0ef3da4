#pragma once
// One page of GET /v3/orders, parsed with simdjson On-Demand:
// list.meta.totalCount, list.meta.nextCursor and, for each element of list.elements.order, the
// order's exact JSON text as received and its purchaseOrderId.
//
// Contract:
// - The body is parsed in place: it must have SIMDJSON_PADDING bytes of spare capacity (the
//   HttpClient reserves them). The RawOrder views point into the body: valid until it changes.
// - The whole page is checked before anything is returned: a truncated or malformed body, or an
//   order that is not valid JSON or has no purchaseOrderId string, makes parse() fail (retriable,
//   origin json) so the caller re-requests the page; no order of a broken page is handed out.
// - nextCursor: absent, null or "" all mean "last page"; "&amp;" is repaired to "&".

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace etl::walmart {

struct RawOrder {
  std::string_view json;          // "{...}" exactly as received (trailing whitespace trimmed)
  std::string purchase_order_id;  // the Kafka key
};

struct OrdersPage {
  std::optional<int64_t> total_count;      // list.meta.totalCount
  std::optional<std::string> next_cursor;  // "?limit=...": append to /v3/orders
  std::vector<RawOrder> orders;

  void clear() {
    total_count.reset();
    next_cursor.reset();
    orders.clear();
  }
};

class OrdersPageParser {
 public:
  // nullopt on success (page filled), else a retriable json Error saying what is wrong.
  std::optional<Error> parse(const std::string& body, OrdersPage& page);

 private:
  simdjson::ondemand::parser page_parser_;
  simdjson::ondemand::parser order_parser_;

  std::optional<Error> check_order(const std::string& body, std::string_view raw, RawOrder& out);
};

// Reads every value below v (nesting up to 64), so a malformed number, string or literal anywhere
// is found (simdjson On-Demand does not validate what it skips).
simdjson::error_code validate_json_value(simdjson::ondemand::value v);

// "&amp;" -> "&" (some gateways HTML-escape the cursor); everything else verbatim.
std::string repair_cursor(std::string_view cursor);

}  // namespace etl::walmart

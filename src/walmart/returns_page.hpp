#pragma once
// One page of GET /v3/returns, parsed with simdjson On-Demand: meta.totalCount, meta.nextCursor
// and, for each element of returnOrders, the return order's exact JSON text and its
// returnOrderId (the Kafka key).
//
// Contract (as orders_page.hpp):
// - The body is parsed in place (SIMDJSON_PADDING bytes of spare capacity, which HttpClient
//   reserves); the RawReturn views point into it.
// - The whole page is validated first: a truncated or malformed body, a returnOrders that is not
//   a list, or a return without a returnOrderId (a non-empty string or an integer) fails the page
//   (retriable, origin json) so the caller asks again; nothing of a broken page is handed out.
// - nextCursor: absent, null or "" all mean "last page" (Walmart's schema requires the field and
//   does not say what the last page carries); "&amp;" is repaired to "&".
// - returnOrders absent or null: an empty page.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace etl::walmart {

struct RawReturn {
  std::string_view json;        // "{...}" exactly as received
  std::string return_order_id;  // the Kafka key
};

struct ReturnsPage {
  std::optional<int64_t> total_count;
  std::optional<std::string> next_cursor;  // "?limit=..&offset=..": append to /v3/returns
  std::vector<RawReturn> returns;

  void clear() {
    total_count.reset();
    next_cursor.reset();
    returns.clear();
  }
};

class ReturnsPageParser {
 public:
  // nullopt on success (page filled), else a retriable json Error saying what is wrong.
  std::optional<Error> parse(const std::string& body, ReturnsPage& page);

 private:
  simdjson::ondemand::parser parser_;
};

}  // namespace etl::walmart

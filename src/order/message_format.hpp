#pragma once
// The Kafka message of one order - the contract between `fetch` (which builds it) and `stream`
// (which reads it), and the record format `load` accepts:
//
//   key      purchaseOrderId as the API sent it (decimal digits)
//   value    the order's JSON object exactly as the API returned it, plus one member appended
//            before its closing brace: "request_time":"YYYY-MM-DD HH:MM:SS" (UTC, when the page
//            holding the order arrived). order_object_parser reads it into column 51.
//   headers  account (the walmart_token.accounts name), ship_node_type, run_id (one fetch run)
//
// Header values are informational except `account`; a message without headers is still valid.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace etl::order {

inline constexpr std::string_view kRequestTimeField = "request_time";
inline constexpr std::string_view kHeaderAccount = "account";
inline constexpr std::string_view kHeaderShipNodeType = "ship_node_type";
inline constexpr std::string_view kHeaderRunId = "run_id";

// The value: `order_json` (a JSON object: ends with '}') with "request_time":"<request_time>"
// appended as its last member. `request_time` is the 19-character UTC time. Reuses `out`.
void build_order_message(std::string_view order_json, std::string_view request_time,
                         std::string& out);

// A purchaseOrderId in its canonical decimal form ("4000000000001": digits, no sign, no leading
// zero, fits BIGINT) as a number; nullopt for anything else (such an id is still carried as text
// in the key and the payload).
[[nodiscard]] std::optional<int64_t> purchase_order_id_number(std::string_view text) noexcept;

}  // namespace etl::order

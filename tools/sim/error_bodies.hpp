#pragma once
// Walmart error responses, in the two documented shapes:
//  - application errors: {"errors":{"error":[{code, field?, description, info, severity,
//    category, causes:[], errorIdentifiers:{entry:[]}}]}}
//  - gateway errors:     {"error":[{code, field, description, info, severity, category,
//    causes:[], errorIdentifiers:{}}]}
// The simulator uses the gateway shape for gateway codes (401, 429, 500, 504) and the
// application shape for the rest (400, 404), as the observed bodies do.

#include <string>
#include <string_view>

namespace etl::walmart::sim {

struct ApiError {
  int http_status = 400;
  std::string code;   // e.g. "INVALID_REQUEST_PARAM.GMP_ORDER_API"
  std::string field;  // empty: no "field" key
  std::string description;
  std::string info;
  std::string severity = "ERROR";
  std::string category = "DATA";
  bool gateway_shape = false;

  [[nodiscard]] std::string body() const;
};

ApiError missing_request_header(std::string_view header);
ApiError unauthorized();
ApiError invalid_request_param(std::string_view field, std::string description);
ApiError invalid_request_content(std::string_view field, std::string description);
ApiError too_many_orders(long long matching_at_least, long long cap);
ApiError orders_not_found(std::string_view operation);  // 404 CONTENT_NOT_FOUND, severity INFO
ApiError order_not_found(std::string_view purchase_order_id);
ApiError uri_not_found(std::string_view path);
ApiError invalid_accept_type(std::string_view accept);
ApiError request_threshold_violated();
ApiError system_error();
ApiError downstream_timeout();

}  // namespace etl::walmart::sim

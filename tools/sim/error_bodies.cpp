#include "tools/sim/error_bodies.hpp"

#include <fmt/format.h>

#include "tools/sim/json_writer.hpp"

namespace etl::walmart::sim {

std::string ApiError::body() const {
  std::string out;
  out.reserve(512);
  JsonWriter w(out);
  w.begin_object();
  if (gateway_shape) {
    w.key("error");
  } else {
    w.key("errors");
    w.begin_object();
    w.key("error");
  }
  w.begin_array();
  w.begin_object();
  w.field("code", code);
  if (!field.empty()) w.field("field", field);
  w.field("description", description);
  w.field("info", info);
  w.field("severity", severity);
  w.field("category", category);
  w.key("causes");
  w.begin_array();
  w.end_array();
  w.key("errorIdentifiers");
  w.begin_object();
  if (!gateway_shape) {
    w.key("entry");
    w.begin_array();
    w.end_array();
  }
  w.end_object();
  w.end_object();
  w.end_array();
  if (!gateway_shape) w.end_object();
  w.end_object();
  return out;
}

ApiError missing_request_header(std::string_view header) {
  return ApiError{400,
                  "MISSING_REQUEST_HEADER.GMP_GATEWAY_API",
                  std::string(header),
                  fmt::format("Missing required request header: {}", header),
                  "Request header is missing.",
                  "ERROR",
                  "DATA",
                  false};
}

ApiError unauthorized() {
  return ApiError{401,
                  "UNAUTHORIZED.GMP_GATEWAY_API",
                  "UNAUTHORIZED",
                  "Unauthorized",
                  "Unauthorized token or incorrect authorization header.",
                  "ERROR",
                  "DATA",
                  true};
}

ApiError invalid_request_param(std::string_view field, std::string description) {
  return ApiError{400,
                  "INVALID_REQUEST_PARAM.GMP_ORDER_API",
                  std::string(field),
                  std::move(description),
                  "Request parameter is invalid.",
                  "ERROR",
                  "DATA",
                  false};
}

ApiError invalid_request_content(std::string_view field, std::string description) {
  return ApiError{400,
                  "INVALID_REQUEST_CONTENT.GMP_GATEWAY_API",
                  std::string(field),
                  std::move(description),
                  "Request content is invalid.",
                  "ERROR",
                  "DATA",
                  false};
}

ApiError too_many_orders(long long matching_at_least, long long cap) {
  return invalid_request_param(
      "createdStartDate",
      fmt::format("Too many orders match the search parameters ({} or more, at most {} can be "
                  "fetched at a time). Narrow the createdStartDate/createdEndDate window.",
                  matching_at_least, cap));
}

ApiError orders_not_found(std::string_view operation) {
  return ApiError{
      404,
      "CONTENT_NOT_FOUND.GMP_ORDER_API",
      "",
      fmt::format("Failed when called {}. Orders not found for given search parameters", operation),
      "Requested content could not be found.",
      "INFO",
      "APPLICATION",
      false};
}

ApiError order_not_found(std::string_view purchase_order_id) {
  return ApiError{
      404,
      "CONTENT_NOT_FOUND.GMP_ORDER_API",
      "",
      fmt::format("Failed when called getAnOrder. Order not found for purchaseOrderId {}",
                  purchase_order_id),
      "Requested content could not be found.",
      "INFO",
      "APPLICATION",
      false};
}

ApiError uri_not_found(std::string_view path) {
  return ApiError{404,
                  "URI_NOT_FOUND.GMP_GATEWAY_API",
                  "URI",
                  fmt::format("No resource at {}", path),
                  "Requested URI is not found.",
                  "ERROR",
                  "DATA",
                  false};
}

ApiError invalid_accept_type(std::string_view accept) {
  return ApiError{406,
                  "INVALID_ACCEPT_TYPE.GMP_GATEWAY_API",
                  "Accept",
                  fmt::format("The simulator only produces application/json, not '{}'", accept),
                  "Invalid accept type.",
                  "ERROR",
                  "DATA",
                  false};
}

ApiError request_threshold_violated() {
  return ApiError{429,
                  "REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API",
                  "",
                  "Request threshold violated",
                  "Too many requests; retry after X-Next-Replenishment-Time.",
                  "ERROR",
                  "REQUEST",
                  true};
}

ApiError system_error() {
  return ApiError{500,
                  "SYSTEM_ERROR.GMP_GATEWAY_API",
                  "",
                  "Internal system error",
                  "Something went wrong.",
                  "ERROR",
                  "SYSTEM",
                  true};
}

ApiError downstream_timeout() {
  return ApiError{504,
                  "DOWNSTREAM_SYSTEM_TIME_OUT.GMP_GATEWAY_API",
                  "",
                  "Downstream system timed out",
                  "Downstream system time out.",
                  "ERROR",
                  "SYSTEM",
                  true};
}

}  // namespace etl::walmart::sim

#pragma once
// Walmart error bodies and the classification of non-2xx answers.
// Accepted shapes: {"errors":{"error":[{...}]}}, {"error":[{...}]}, {"errors":[{...}]}; only the
// first item is used. A body that is none of these (e.g. a bare 503 page) gives an empty info.

#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace etl::walmart {

struct ApiErrorInfo {
  std::string code;         // "CONTENT_NOT_FOUND.GMP_ORDER_API"
  std::string field;        // "createdStartDate"
  std::string description;  // or "message" in the simplified shape
  std::string info;

  [[nodiscard]] bool empty() const noexcept { return code.empty() && description.empty(); }
  // "CONTENT_NOT_FOUND.GMP_ORDER_API (field createdStartDate): <description>"
  [[nodiscard]] std::string describe() const;
  // The code without its service suffix: "CONTENT_NOT_FOUND".
  [[nodiscard]] std::string_view base_code() const noexcept;
};

// Parses an error body; nullopt when it is not one of the known shapes.
std::optional<ApiErrorInfo> parse_api_error(std::string_view body);

// How a non-2xx HTTP answer is treated:
//   429, 5xx, 408      -> retriable (throttled or the server is struggling)
//   401                -> fatal here; the callers refresh the token and retry once first
//   400, 403, other 4xx-> fatal, with the API's code and description
// The message names `context` and the API error (never a token or query string).
// `target` is the request's path and query. GET /v3/orders refuses a query that matches more
// orders than it returns for one query (10,000) with a 400 naming the query's start date
// (createdStartDate or lastModifiedStartDate); such an answer gets cause too_many_results, so the
// caller can narrow the query without reading the status.
Error classify_http_status(long status, const std::optional<ApiErrorInfo>& api,
                           std::string_view context, std::string_view target = {});

}  // namespace etl::walmart

// Walmart error bodies in their three shapes and the class of each status.

#include "walmart/api_error.hpp"

#include <gtest/gtest.h>

namespace etl::walmart {
namespace {

TEST(ApiError, WrappedApplicationShape) {
  const auto e = parse_api_error(R"({"errors":{"error":[{"code":"CONTENT_NOT_FOUND.GMP_ORDER_API",
    "description":"Failed when called getAllOrders. Orders not found for given search parameters",
    "info":"Requested content could not be found.","severity":"INFO","category":"APPLICATION",
    "causes":[],"errorIdentifiers":{"entry":[]}}]}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "CONTENT_NOT_FOUND.GMP_ORDER_API");
  EXPECT_EQ(e->base_code(), "CONTENT_NOT_FOUND");
  EXPECT_EQ(e->field, "");
  EXPECT_NE(e->describe().find("Orders not found"), std::string::npos);
}

TEST(ApiError, GatewayShape) {
  const auto e =
      parse_api_error(R"({"error":[{"code":"UNAUTHORIZED.GMP_GATEWAY_API","field":"UNAUTHORIZED",
    "description":"Unauthorized","info":"Unauthorized token or incorrect authorization header.",
    "severity":"ERROR","category":"DATA","causes":[],"errorIdentifiers":{}}]})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "UNAUTHORIZED.GMP_GATEWAY_API");
  EXPECT_EQ(e->field, "UNAUTHORIZED");
  EXPECT_EQ(e->describe(),
            "UNAUTHORIZED.GMP_GATEWAY_API (field UNAUTHORIZED): Unauthorized - Unauthorized token "
            "or incorrect authorization header.");
}

TEST(ApiError, SimplifiedShape) {
  const auto e = parse_api_error(
      R"({"errors":[{"code":"INVALID_REQUEST_PARAM","message":"bad limit","field":"limit"}]})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "INVALID_REQUEST_PARAM");
  EXPECT_EQ(e->description, "bad limit");
  EXPECT_EQ(e->field, "limit");
}

TEST(ApiError, NotAnErrorBody) {
  EXPECT_FALSE(parse_api_error(""));
  EXPECT_FALSE(parse_api_error("<html>503 Service Unavailable</html>"));
  EXPECT_FALSE(parse_api_error(R"({"list":{}})"));
  EXPECT_FALSE(parse_api_error(R"({"errors":{"error":[]}})"));
  EXPECT_FALSE(parse_api_error(R"({"error":[{"code":)"));
}

TEST(ApiError, StatusClasses) {
  EXPECT_EQ(classify_http_status(429, std::nullopt, "x").cls, ErrorClass::retriable);
  EXPECT_EQ(classify_http_status(500, std::nullopt, "x").cls, ErrorClass::retriable);
  EXPECT_EQ(classify_http_status(503, std::nullopt, "x").cls, ErrorClass::retriable);
  EXPECT_EQ(classify_http_status(504, std::nullopt, "x").cls, ErrorClass::retriable);
  EXPECT_EQ(classify_http_status(401, std::nullopt, "x").cls, ErrorClass::fatal);
  EXPECT_EQ(classify_http_status(403, std::nullopt, "x").cls, ErrorClass::fatal);
  const ApiErrorInfo info{"INVALID_REQUEST_PARAM.GMP_ORDER_API", "shipNodeType", "bad value", ""};
  const Error e = classify_http_status(400, info, "GET /v3/orders SellerFulfilled");
  EXPECT_EQ(e.cls, ErrorClass::fatal);
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.origin, ErrorOrigin::walmart_api);
  EXPECT_NE(e.message.find("INVALID_REQUEST_PARAM.GMP_ORDER_API (field shipNodeType): bad value"),
            std::string::npos);
  EXPECT_NE(e.message.find("GET /v3/orders SellerFulfilled"), std::string::npos);
  EXPECT_EQ(e.cause, ErrorCause::unspecified);
}

TEST(ApiError, ARefusalNamingTheQuerysStartDateIsTooManyResults) {
  const std::string target =
      "/v3/orders?limit=200&createdStartDate=2024-05-01T00:00:00Z&shipNodeType=SellerFulfilled";
  const ApiErrorInfo created{"INVALID_REQUEST_PARAM.GMP_ORDER_API", "createdStartDate", "", "x"};
  const Error e = classify_http_status(400, created, "GET /v3/orders", target);
  EXPECT_EQ(e.cause, ErrorCause::too_many_results);
  EXPECT_EQ(e.cls, ErrorClass::fatal);
  EXPECT_EQ(e.code, 400);
  // The other filter's start date is not this query's: a plain bad request.
  const ApiErrorInfo modified{"INVALID_REQUEST_PARAM.GMP_ORDER_API", "lastModifiedStartDate", "",
                              "x"};
  EXPECT_EQ(classify_http_status(400, modified, "GET", target).cause, ErrorCause::unspecified);
  // Another field, another status, no body, no query: not a refusal of the window.
  const ApiErrorInfo end{"INVALID_REQUEST_PARAM.GMP_ORDER_API", "createdEndDate", "", "x"};
  EXPECT_EQ(classify_http_status(400, end, "GET", target).cause, ErrorCause::unspecified);
  EXPECT_EQ(classify_http_status(403, created, "GET", target).cause, ErrorCause::authentication);
  EXPECT_EQ(classify_http_status(400, std::nullopt, "GET", target).cause, ErrorCause::unspecified);
  EXPECT_EQ(classify_http_status(400, created, "GET", "/v3/orders").cause, ErrorCause::unspecified);
  // A parameter whose name merely ends like the field does not count.
  EXPECT_EQ(classify_http_status(400, created, "GET", "/v3/orders?xcreatedStartDate=1").cause,
            ErrorCause::unspecified);
}

}  // namespace
}  // namespace etl::walmart

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
}

}  // namespace
}  // namespace etl::walmart

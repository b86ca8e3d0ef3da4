// Unit: the metrics endpoint's request parsing and response formatting (no sockets).

#include "metrics/http_message.hpp"

#include <gtest/gtest.h>

#include <string>

namespace etl::metrics {
namespace {

const RequestLimits kLimits{};

ParseOutcome parse(const std::string& text) { return parse_request(text, kLimits); }

TEST(HttpRequest, CompleteGetWithKeepAliveByVersionAndConnectionHeader) {
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  auto o = parse(get);
  ASSERT_EQ(o.status, ParseStatus::complete);
  EXPECT_FALSE(o.request.head);
  EXPECT_EQ(o.request.path, "/healthz");
  EXPECT_TRUE(o.request.keep_alive);
  EXPECT_EQ(o.request.consumed, get.size());

  o = parse("GET /metrics HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::complete);
  EXPECT_FALSE(o.request.keep_alive);

  o = parse("HEAD /metrics?x=1 HTTP/1.0\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::complete);
  EXPECT_TRUE(o.request.head);
  EXPECT_EQ(o.request.path, "/metrics");
  EXPECT_FALSE(o.request.keep_alive) << "HTTP/1.0 closes unless asked";

  o = parse("GET / HTTP/1.0\nconnection:keep-alive\n\n");
  ASSERT_EQ(o.status, ParseStatus::complete) << "bare LF tolerated";
  EXPECT_TRUE(o.request.keep_alive);
}

TEST(HttpRequest, IncompleteUntilTheEmptyLineAndThePipelinedRestIsLeft) {
  EXPECT_EQ(parse("").status, ParseStatus::incomplete);
  EXPECT_EQ(parse("GET /metrics HT").status, ParseStatus::incomplete);
  EXPECT_EQ(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n").status, ParseStatus::incomplete);
  EXPECT_EQ(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r").status, ParseStatus::incomplete);
  const std::string first = "\r\nGET /a HTTP/1.1\r\n\r\n";
  const auto o = parse(first + "GET /b HTTP/1.1\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::complete);
  EXPECT_EQ(o.request.path, "/a");
  EXPECT_EQ(o.request.consumed, first.size());
}

TEST(HttpRequest, RefusesOtherMethodsVersionsBodiesAndMalformedLinesEarly) {
  struct Case {
    std::string text;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {"POST /metrics HTTP/1.1\r\n", 405},  // refused once the request line is complete
           {"OPTIONS * HTTP/1.1\r\n\r\n", 405},
           {"GET /metrics HTTP/2.0\r\n\r\n", 505},
           {"GET /metrics\r\n\r\n", 400},
           {"GET  /metrics HTTP/1.1\r\n\r\n", 400},
           {"GET metrics HTTP/1.1\r\n\r\n", 400},
           {"GET /metrics HTTP/1.1 extra\r\n\r\n", 400},
           {"G@T /metrics HTTP/1.1\r\n\r\n", 400},
           {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
           {"GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400},
           {"GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
           {"GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},
           {"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", 400},
           {"GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n", 400},
       }) {
    const auto o = parse(c.text);
    EXPECT_EQ(o.status, ParseStatus::bad) << c.text;
    EXPECT_EQ(o.error_status, c.status) << c.text;
    EXPECT_FALSE(o.error_text.empty()) << c.text;
  }
  EXPECT_EQ(parse("GET /m HTTP/1.1\r\nContent-Length: 0\r\n\r\n").status, ParseStatus::complete);
}

TEST(HttpRequest, AHeadLargerThanTheLimitIsRefusedAsSoonAsItPassesIt) {
  const RequestLimits small{64};
  std::string text = "GET /metrics HTTP/1.1\r\nX-Filler: ";
  text += std::string(64 - text.size() - 1, 'a');
  EXPECT_EQ(parse_request(text, small).status, ParseStatus::incomplete) << "63 bytes, no end yet";
  text += "a";
  auto o = parse_request(text, small);
  EXPECT_EQ(o.status, ParseStatus::bad);
  EXPECT_EQ(o.error_status, 431);
  // A request line alone longer than the limit, its end never sent.
  o = parse_request("GET /" + std::string(100, 'x'), small);
  EXPECT_EQ(o.error_status, 431);
  // Endless empty lines before a request line do not grow the buffer for ever either.
  o = parse_request(std::string(64, '\n'), small);
  EXPECT_EQ(o.error_status, 431);
  // Exactly at the limit is fine, and what follows the head (the next request) does not count.
  std::string exact = "GET /m HTTP/1.1\r\nX: ";
  exact += std::string(64 - exact.size() - 4, 'b') + "\r\n\r\n";
  ASSERT_EQ(exact.size(), 64u);
  o = parse_request(exact + "GET /next HTTP/1.1\r\n", small);
  EXPECT_EQ(o.status, ParseStatus::complete);
  EXPECT_EQ(o.request.consumed, 64u);
}

TEST(HttpResponse, HeadHasTheLengthOfTheBodyItLeavesOut) {
  const std::string get = format_response(200, "text/plain", "ok\n", false, true);
  EXPECT_EQ(get,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
            "Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\nok\n");
  const std::string head = format_response(503, "text/plain", "unhealthy: x\n", true, false);
  EXPECT_EQ(head,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n");
  EXPECT_NE(format_response(405, "text/plain", "", false, false, "Allow: GET, HEAD\r\n")
                .find("405 Method Not Allowed\r\n"),
            std::string::npos);
}

}  // namespace
}  // namespace etl::metrics

// The HTTP client's bound on answers, against a local HTTP server: a body over
// max_response_bytes fails with a classified (fatal) error whether it is announced
// (Content-Length), streamed (chunked) or small on the wire but large once decompressed (gzip);
// the buffer never grows past the limit, and a body within it is read into one allocation that
// already holds simdjson's padding.

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "walmart/http_client.hpp"

namespace etl::walmart {
namespace {

constexpr size_t kLimit = size_t{1} << 20;  // 1 MiB
constexpr size_t kBig = 3 * kLimit;

// A page-like JSON body of about `size` bytes.
std::string page_of(size_t size) {
  std::string pad(size, 'x');
  return R"({"list":{"meta":{"totalCount":1},"elements":{"order":[{"purchaseOrderId":"1","pad":")" +
         pad + R"("}]}}})";
}

// `text` gzip-compressed by the system's gzip (part of every Debian system).
std::string gzipped(const std::string& text) {
  char name[] = "/tmp/etl-http-limit-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(name, std::ios::binary) << text;
  const std::string cmd = std::string("gzip -c ") + name + " > " + name + ".gz";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(std::string(name) + ".gz", std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  std::remove(name);
  std::remove((std::string(name) + ".gz").c_str());
  return out.str();
}

class HttpLimit : public testing::Test {
 protected:
  void SetUp() override {
    big_ = page_of(kBig);
    gz_ = gzipped(big_);
    ASSERT_LT(gz_.size(), kLimit / 10) << "the compressed page should be small on the wire";
    server_.Get("/plain", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(big_, "application/json");
    });
    server_.Get("/chunked", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider(
          "application/json", [this](size_t offset, httplib::DataSink& sink) {
            const size_t n = std::min<size_t>(64 * 1024, big_.size() - offset);
            if (n > 0 && !sink.write(big_.data() + offset, n)) return false;
            if (offset + n >= big_.size()) sink.done();
            return true;
          });
    });
    server_.Get("/gzip", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(gz_, "application/json");
    });
    server_.Get("/small", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(page_of(kLimit / 2), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // compressed: send Accept-Encoding (the server then compresses what it can).
  HttpResponse get(const std::string& path, bool compressed) {
    HttpOptions o;
    o.max_response_bytes = kLimit;
    o.accept_compressed = compressed;
    HttpClient client(o);
    HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    HttpResponse res;
    client.perform(req, res);
    return res;
  }

  void expect_refused(const HttpResponse& res) {
    EXPECT_TRUE(res.too_large);
    EXPECT_FALSE(res.transport_ok());
    EXPECT_LE(res.body.size(), kLimit);
    // Never grown past the limit (the allocator rounds up to whole pages).
    EXPECT_LE(res.body.capacity(), kLimit + simdjson::SIMDJSON_PADDING + 8192);
    const Error e = classify_transport(res, "GET /v3/orders (test)");
    EXPECT_EQ(e.cls, ErrorClass::fatal);
    EXPECT_EQ(e.origin, ErrorOrigin::http);
    EXPECT_NE(e.message.find("larger than 1048576 bytes"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("fetch.max_response_mb"), std::string::npos) << e.message;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::string big_;
  std::string gz_;
};

TEST_F(HttpLimit, AnAnnouncedBodyOverTheLimitIsRefused) {
  const HttpResponse res = get("/plain", false);
  expect_refused(res);
  EXPECT_TRUE(res.body.empty()) << "an announced oversize body is not read at all";
}

TEST_F(HttpLimit, AStreamedBodyIsCutOffAtTheLimit) { expect_refused(get("/chunked", false)); }

TEST_F(HttpLimit, AGzipBodyIsBoundedAfterDecompression) { expect_refused(get("/gzip", true)); }

TEST_F(HttpLimit, ABodyTheServerCompressesIsBoundedAfterDecompression) {
  expect_refused(get("/plain", true));
}

TEST_F(HttpLimit, ABodyWithinTheLimitIsReadIntoOnePaddedAllocation) {
  const HttpResponse res = get("/small", false);
  ASSERT_TRUE(res.transport_ok()) << res.curl_message;
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.too_large);
  EXPECT_EQ(res.body, page_of(kLimit / 2));
  // Exactly the announced size plus padding: no doubling, no copy to add the padding.
  EXPECT_GE(res.body.capacity(), res.body.size() + simdjson::SIMDJSON_PADDING);
  EXPECT_LT(res.body.capacity(), res.body.size() + simdjson::SIMDJSON_PADDING + 4096);
}

}  // namespace
}  // namespace etl::walmart

#pragma once
// A tiny libcurl client for the simulator's integration tests: one request, full result.
// Deliberately not the project's Walmart client (that one is tested against this simulator).

#include <curl/curl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace etl::walmart::sim::test {

struct HttpResult {
  CURLcode curl_code = CURLE_OK;
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  [[nodiscard]] std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  [[nodiscard]] bool has_header(const std::string& lower_name) const {
    return headers.count(lower_name) != 0;
  }
};

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

// Reuses one connection across calls (keep-alive), like a real client would.
class HttpClient {
 public:
  HttpClient();
  HttpResult get(const std::string& url, const std::vector<std::string>& headers = {});
  HttpResult post(const std::string& url, const std::vector<std::string>& headers,
                  const std::string& body);

 private:
  HttpResult perform(const std::string& url, const std::vector<std::string>& headers,
                     const std::string* post_body);
  std::unique_ptr<CURL, CurlDeleter> curl_;
};

// Standard headers for an orders call with this token.
std::vector<std::string> order_headers(const std::string& token);
// Obtains a token with the simulator's default credentials; empty string on failure.
std::string fetch_token(HttpClient& client, const std::string& base_url,
                        const std::string& client_id = "sim-client-id",
                        const std::string& client_secret = "sim-client-secret");

}  // namespace etl::walmart::sim::test

#pragma once
// HTTP over libcurl for the Walmart client: one easy handle per HttpClient, reused for every
// request so connections are kept alive. An HttpClient belongs to one thread:
// the fetch job gives each worker its own. curl_global_init is done once in main() (or by the
// test's main through gtest: libcurl initialises itself lazily when it was not).
//
// Contract:
// - Timeouts come from FetchConfig (connect_timeout_ms, request_timeout_ms); no signals are used
//   (CURLOPT_NOSIGNAL), so it is safe in threads.
// - perform() never throws for transport failures: they come back as HttpResponse::curl_code with
//   curl's message; classify_transport() turns that into a classified etl::Error.
// - A body is bounded by HttpOptions::max_response_bytes, counted after decompression: an answer
//   announcing more (Content-Length) is refused before its body is read, one growing past it is
//   cut off (HttpResponse::too_large, a fatal error from classify_transport). The body buffer keeps
//   simdjson's padding as it grows, so it is never copied once the transfer is over.
// - Nothing about a request (URL query, headers, body) is logged here: they can carry secrets.

#include <curl/curl.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"

namespace etl::walmart {

struct CurlEasyDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

enum class HttpMethod { get, post };

struct HttpRequest {
  HttpMethod method = HttpMethod::get;
  std::string url;                   // absolute
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // POST body (form-encoded for /v3/token)
};

struct HttpResponse {
  CURLcode curl_code = CURLE_OK;
  std::string curl_message;                    // curl's error buffer when curl_code != CURLE_OK
  long status = 0;                             // HTTP status (0 if no response)
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;                            // reserved with room for simdjson's padding
  bool too_large = false;  // the body passed max_response_bytes (transfer cut off)
  size_t max_body = 0;     // the limit this response was read with
  std::chrono::system_clock::time_point received_at{};  // when the transfer finished (local clock)

  [[nodiscard]] bool transport_ok() const noexcept { return curl_code == CURLE_OK; }
  [[nodiscard]] const std::string* header(std::string_view lower_name) const;
};

struct HttpOptions {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds total{60000};
  // Accept-Encoding with every encoding libcurl supports. Worth it across the internet; on a
  // local simulator (plain http) compressing costs far more than it saves.
  bool accept_compressed = false;
  // The largest body accepted (decompressed), fetch.max_response_mb.
  size_t max_response_bytes = size_t{32} << 20;
};

// fetch.connect_timeout_ms / request_timeout_ms / max_response_mb; compression only for https
// base URLs.
HttpOptions http_options_for(const config::FetchConfig& fetch, std::string_view base_url);

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&&) noexcept = default;
  HttpClient& operator=(HttpClient&&) noexcept = default;

  // Performs the request. `response` is reused (its buffers keep their capacity across calls).
  void perform(const HttpRequest& request, HttpResponse& response);

 private:
  HttpOptions options_;
  CurlEasyPtr easy_;
  std::string error_buffer_;
};

// A transport failure (curl_code != CURLE_OK) as a classified error. Retriable: connection
// refused/reset, timeouts, DNS, partial or empty replies, send/receive errors. Fatal: a malformed
// URL, an unsupported protocol, TLS certificate problems, a body over max_response_bytes.
// `context` says what was requested
// (never the query string: "GET /v3/orders (SellerFulfilled 2024-05-01T00:00Z..)").
Error classify_transport(const HttpResponse& response, std::string_view context);

// The URL without its query string (safe to log).
std::string_view url_without_query(std::string_view url) noexcept;

}  // namespace etl::walmart

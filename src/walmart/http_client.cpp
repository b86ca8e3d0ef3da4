#include "walmart/http_client.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace etl::walmart {

namespace {

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string& body = response->body;
  const size_t n = size * nmemb;
  if (n > response->max_body - std::min(response->max_body, body.size())) {
    response->too_large = true;
    return 0;  // curl stops the transfer with CURLE_WRITE_ERROR
  }
  if (body.empty() && !response->headers.count("content-encoding")) {
    // A plain body of announced length gets exactly its size (plus padding) at once.
    if (const auto it = response->headers.find("content-length"); it != response->headers.end()) {
      const size_t announced = std::strtoull(it->second.c_str(), nullptr, 10);
      if (announced > response->max_body) {
        response->too_large = true;  // refused before reading any of it
        return 0;
      }
      if (announced >= n) body.reserve(announced + simdjson::SIMDJSON_PADDING);
    }
  }
  // Grow geometrically, always keeping simdjson's padding spare, never past the limit.
  const size_t needed = body.size() + n + simdjson::SIMDJSON_PADDING;
  if (needed > body.capacity()) {
    // A fresh string gets exactly what it reserves (reserve() on a used one may double it and
    // overshoot the limit).
    std::string grown;
    grown.reserve(std::min(std::max(needed, 2 * body.capacity()),
                           response->max_body + simdjson::SIMDJSON_PADDING));
    grown.append(body);
    body.swap(grown);
  }
  body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  const size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (e.g. after 100-continue or a redirect) starts
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  (*headers)[std::move(name)] = std::string(value);
  return n;
}

void check_setopt(CURLcode rc, const char* what) {
  if (rc != CURLE_OK) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::http, static_cast<int>(rc),
                   fmt::format("curl_easy_setopt({}) failed: {}", what, curl_easy_strerror(rc)));
  }
}

}  // namespace

const std::string* HttpResponse::header(std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? nullptr : &it->second;
}

HttpOptions http_options_for(const config::FetchConfig& fetch, std::string_view base_url) {
  HttpOptions o;
  o.connect = fetch.connect_timeout;
  o.total = fetch.request_timeout;
  o.accept_compressed = base_url.rfind("https://", 0) == 0;
  o.max_response_bytes = static_cast<size_t>(fetch.max_response_mb) << 20;
  return o;
}

HttpClient::HttpClient(HttpOptions options)
    : options_(options), easy_(curl_easy_init()), error_buffer_(CURL_ERROR_SIZE + 1, '\0') {
  if (!easy_) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::http, 0, "curl_easy_init failed");
  }
}

void HttpClient::perform(const HttpRequest& request, HttpResponse& response) {
  CURL* c = easy_.get();
  curl_easy_reset(c);  // keeps the connection cache, forgets the previous request's options
  response.curl_code = CURLE_OK;
  response.curl_message.clear();
  response.status = 0;
  response.headers.clear();
  response.body.clear();
  response.too_large = false;
  response.max_body = options_.max_response_bytes;
  error_buffer_.assign(CURL_ERROR_SIZE + 1, '\0');

  CurlSlistPtr header_list;
  for (const auto& h : request.headers) {
    curl_slist* next = curl_slist_append(header_list.get(), h.c_str());
    if (next == nullptr)
      throw EtlError(ErrorClass::fatal, ErrorOrigin::http, 0, "curl_slist_append failed");
    (void)header_list.release();  // curl_slist_append returned the (same or new) list head
    header_list.reset(next);
  }

  check_setopt(curl_easy_setopt(c, CURLOPT_URL, request.url.c_str()), "URL");
  check_setopt(curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get()), "HTTPHEADER");
  check_setopt(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), "NOSIGNAL");
  check_setopt(
      curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect.count())),
      "CONNECTTIMEOUT_MS");
  check_setopt(curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total.count())),
               "TIMEOUT_MS");
  check_setopt(curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer_.data()), "ERRORBUFFER");
  check_setopt(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body), "WRITEFUNCTION");
  check_setopt(curl_easy_setopt(c, CURLOPT_WRITEDATA, &response), "WRITEDATA");
  // An announced Content-Length over the limit is refused before any of the body is read (by
  // curl where it checks, else by on_body at the first bytes).
  check_setopt(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                                static_cast<curl_off_t>(options_.max_response_bytes)),
               "MAXFILESIZE_LARGE");
  check_setopt(curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header), "HEADERFUNCTION");
  check_setopt(curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers), "HEADERDATA");
  if (options_.accept_compressed) {
    check_setopt(curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING");
  }
  check_setopt(curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L), "TCP_KEEPALIVE");
  if (request.method == HttpMethod::post) {
    check_setopt(curl_easy_setopt(c, CURLOPT_POST, 1L), "POST");
    check_setopt(curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size())),
                 "POSTFIELDSIZE");
    check_setopt(curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str()), "POSTFIELDS");
  } else {
    check_setopt(curl_easy_setopt(c, CURLOPT_HTTPGET, 1L), "HTTPGET");
  }

  response.curl_code = curl_easy_perform(c);
  response.received_at = std::chrono::system_clock::now();
  if (response.curl_code == CURLE_FILESIZE_EXCEEDED) response.too_large = true;
  if (response.curl_code != CURLE_OK) {
    // curl writes a NUL-terminated message into the fixed-size buffer.
    response.curl_message = error_buffer_.substr(0, error_buffer_.find('\0'));
    if (response.curl_message.empty())
      response.curl_message = curl_easy_strerror(response.curl_code);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  // Room for simdjson's padding so the body can be parsed in place. on_body kept it,
  // so this copies nothing; only an empty body gets its first allocation here.
  if (response.body.capacity() < response.body.size() + simdjson::SIMDJSON_PADDING) {
    response.body.reserve(response.body.size() + simdjson::SIMDJSON_PADDING);
  }
}

Error classify_transport(const HttpResponse& response, std::string_view context) {
  if (response.too_large) {
    // The same request gets the same answer: retrying cannot help.
    return Error{ErrorClass::fatal, ErrorOrigin::http, static_cast<int>(response.curl_code),
                 fmt::format("{}: the answer is larger than {} bytes (fetch.max_response_mb); its "
                             "transfer was cut off - raise the limit or lower fetch.limit",
                             context, response.max_body)};
  }
  ErrorClass cls = ErrorClass::retriable;
  switch (response.curl_code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_FUNCTION_NOT_FOUND:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_OUT_OF_MEMORY:
      cls = ErrorClass::fatal;
      break;
    default:  // refused, reset, timeouts, DNS, partial file, empty reply, send/recv errors, ...
      cls = ErrorClass::retriable;
      break;
  }
  return Error{cls, ErrorOrigin::http, static_cast<int>(response.curl_code),
               fmt::format("{}: {} (curl: {})", context, response.curl_message,
                           curl_easy_strerror(response.curl_code))};
}

std::string_view url_without_query(std::string_view url) noexcept {
  const auto q = url.find('?');
  return q == std::string_view::npos ? url : url.substr(0, q);
}

}  // namespace etl::walmart

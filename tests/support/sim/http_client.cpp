#include "support/sim/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "common/base64.hpp"
#include "tools/sim/basic_auth.hpp"

namespace etl::walmart::sim::test {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.pop_back();
    }
    (*headers)[name] = value;
  }
  return size * n;
}

}  // namespace

namespace {
// libcurl's global state, once per process before the first handle (thread-safe static init);
// released at exit.
bool curl_ready() {
  static const bool ready = [] {
    const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (ok) std::atexit(curl_global_cleanup);
    return ok;
  }();
  return ready;
}
}  // namespace

HttpClient::HttpClient() : curl_(curl_ready() ? curl_easy_init() : nullptr) {
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

HttpResult HttpClient::get(const std::string& url, const std::vector<std::string>& headers) {
  return perform(url, headers, nullptr);
}

HttpResult HttpClient::post(const std::string& url, const std::vector<std::string>& headers,
                            const std::string& body) {
  return perform(url, headers, &body);
}

HttpResult HttpClient::perform(const std::string& url, const std::vector<std::string>& headers,
                               const std::string* post_body) {
  HttpResult result;
  CURL* c = curl_.get();
  curl_easy_reset(c);
  std::unique_ptr<curl_slist, CurlSlistDeleter> list;
  for (const auto& h : headers) {
    curl_slist* appended = curl_slist_append(list.get(), h.c_str());
    if (appended == nullptr) throw std::runtime_error("curl_slist_append failed");
    (void)list.release();
    list.reset(appended);
  }
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (post_body != nullptr) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  result.curl_code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

std::vector<std::string> order_headers(const std::string& token) {
  return {"WM_SEC.ACCESS_TOKEN: " + token, "WM_QOS.CORRELATION_ID: 2f4c7e9a-test",
          "WM_SVC.NAME: Walmart Marketplace", "Accept: application/json"};
}

std::string fetch_token(HttpClient& client, const std::string& base_url,
                        const std::string& client_id, const std::string& client_secret) {
  const HttpResult r =
      client.post(base_url + "/v3/token",
                  {"Authorization: Basic " + base64_encode(client_id + ":" + client_secret),
                   "Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
                   "WM_SVC.NAME: Walmart Marketplace", "WM_QOS.CORRELATION_ID: token-test"},
                  "grant_type=client_credentials");
  if (r.curl_code != CURLE_OK || r.status != 200) return {};
  const std::string key = "\"access_token\":\"";
  const size_t at = r.body.find(key);
  if (at == std::string::npos) return {};
  const size_t start = at + key.size();
  return r.body.substr(start, r.body.find('"', start) - start);
}

}  // namespace etl::walmart::sim::test

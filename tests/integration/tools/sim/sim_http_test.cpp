// Integration tests: the simulator over real HTTP (libcurl) — token flow, header checks,
// pagination against the dump, the frozen window, incremental fetches, errors.

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "common/base64.hpp"
#include "support/sim/sim_test_support.hpp"
#include "tools/sim/basic_auth.hpp"

namespace etl::walmart::sim::test {
namespace {

std::vector<std::string> token_headers(const std::string& authorization) {
  return {"Authorization: " + authorization, "Content-Type: application/x-www-form-urlencoded",
          "Accept: application/json", "WM_SVC.NAME: Walmart Marketplace",
          "WM_QOS.CORRELATION_ID: b3261d2d-028a-4ef7-8602-633c23200af6"};
}

const std::string kGoodAuth = "Basic " + base64_encode("sim-client-id:sim-client-secret");

struct ListedPage {
  HttpResult http;
  std::vector<std::string> orders;  // minified
  int64_t total_count = -1;
  int64_t limit = -1;
  bool has_cursor = false;
  std::string cursor;
};

ListedPage get_page(HttpClient& client, const std::string& url, const std::string& token) {
  ListedPage page;
  page.http = client.get(url, order_headers(token));
  if (page.http.status != 200) return page;
  simdjson::dom::parser p;
  simdjson::dom::element e;
  EXPECT_EQ(p.parse(page.http.body).get(e), simdjson::SUCCESS);
  page.total_count = e["list"]["meta"]["totalCount"].get_int64().value_unsafe();
  page.limit = e["list"]["meta"]["limit"].get_int64().value_unsafe();
  std::string_view cursor;
  page.has_cursor = e["list"]["meta"]["nextCursor"].get(cursor) == simdjson::SUCCESS;
  page.cursor = std::string(cursor);
  for (simdjson::dom::element o : e["list"]["elements"]["order"].get_array()) {
    page.orders.push_back(simdjson::minify(o));
  }
  return page;
}

// Follows nextCursor from first_url; returns every order served and the page count.
std::vector<std::string> fetch_all(HttpClient& client, const std::string& base,
                                   const std::string& first_url, const std::string& token,
                                   int* pages, int64_t* total = nullptr) {
  std::vector<std::string> all;
  std::string url = first_url;
  int64_t first_total = -1;
  for (int n = 0; n < 100000; ++n) {
    ListedPage page = get_page(client, url, token);
    if (page.http.status == 404) break;
    EXPECT_EQ(page.http.status, 200) << url << "\n" << page.http.body;
    if (page.http.status != 200) break;
    if (first_total < 0) first_total = page.total_count;
    EXPECT_EQ(page.total_count, first_total);
    all.insert(all.end(), page.orders.begin(), page.orders.end());
    ++*pages;
    if (!page.has_cursor) break;
    EXPECT_EQ(page.cursor.rfind("?limit=", 0), 0U) << page.cursor;
    EXPECT_NE(page.cursor.find("&hasMoreElements=true&soIndex="), std::string::npos);
    EXPECT_NE(page.cursor.find("&createdEndDate="), std::string::npos);
    url = base + "/v3/orders" + page.cursor;  // verbatim, no other parameters
  }
  if (total) *total = first_total;
  return all;
}

class SimHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = start_simulator(test_options());
    base_ = sim_->base_url();
    token_ = fetch_token(client_, base_);
    ASSERT_FALSE(token_.empty());
  }
  std::unique_ptr<Simulator> sim_;
  std::string base_;
  std::string token_;
  HttpClient client_;
};

TEST(SimToken, ClientCredentialsFlow) {
  auto sim = start_simulator(test_options());
  HttpClient client;
  const std::string url = sim->base_url() + "/v3/token";
  const HttpResult ok = client.post(url, token_headers(kGoodAuth), "grant_type=client_credentials");
  ASSERT_EQ(ok.curl_code, CURLE_OK);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("content-type").rfind("application/json", 0), 0U);
  EXPECT_TRUE(ok.has_header("x-current-token-count"));
  simdjson::dom::parser p;
  simdjson::dom::element e = p.parse(ok.body);
  EXPECT_EQ(std::string_view(e["access_token"]).rfind("eyJ", 0), 0U);
  EXPECT_EQ(std::string_view(e["token_type"]), "Bearer");
  EXPECT_EQ(int64_t(e["expires_in"]), 900);
  EXPECT_EQ(e["refresh_token"].error(), simdjson::NO_SUCH_FIELD);

  const HttpResult wrong =
      client.post(url, token_headers("Basic " + base64_encode("sim-client-id:nope")),
                  "grant_type=client_credentials");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(error_code(wrong.body), "UNAUTHORIZED.GMP_GATEWAY_API");
  EXPECT_NE(wrong.body.find("{\"error\":[{"), std::string::npos) << "gateway shape";

  std::vector<std::string> no_auth = token_headers(kGoodAuth);
  no_auth.erase(no_auth.begin());
  EXPECT_EQ(client.post(url, no_auth, "grant_type=client_credentials").status, 401);

  for (const char* header : {"WM_SVC.NAME", "WM_QOS.CORRELATION_ID"}) {
    std::vector<std::string> h = token_headers(kGoodAuth);
    h.erase(std::remove_if(h.begin(), h.end(),
                           [&](const std::string& s) { return s.rfind(header, 0) == 0; }),
            h.end());
    const HttpResult r = client.post(url, h, "grant_type=client_credentials");
    EXPECT_EQ(r.status, 400) << header;
    EXPECT_EQ(error_code(r.body), "MISSING_REQUEST_HEADER.GMP_GATEWAY_API");
    EXPECT_EQ(error_field(r.body, "field"), header);
  }
  const HttpResult grant = client.post(url, token_headers(kGoodAuth), "grant_type=password");
  EXPECT_EQ(grant.status, 400);
  EXPECT_EQ(error_field(grant.body, "field"), "grant_type");
  EXPECT_EQ(client.post(url, token_headers(kGoodAuth), "").status, 400);

  std::vector<std::string> xml = token_headers(kGoodAuth);
  xml[2] = "Accept: application/xml";
  const HttpResult x = client.post(url, xml, "grant_type=client_credentials");
  EXPECT_EQ(x.status, 200);
  EXPECT_NE(x.body.find("<OAuthTokenDTO><accessToken>eyJ"), std::string::npos) << x.body;
  EXPECT_NE(x.body.find("<expiresIn>900</expiresIn>"), std::string::npos);
}

TEST(SimToken, TokensExpireAfterTheirTtl) {
  SimulatorOptions o = test_options();
  o.token_ttl = std::chrono::seconds(60);
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string token = fetch_token(client, sim->base_url());
  const std::string url = sim->base_url() + "/v3/orders?shipNodeType=WFSFulfilled&limit=1";
  EXPECT_EQ(client.get(url, order_headers(token)).status, 200);
  sim->clock().advance_wall(std::chrono::seconds(59));
  EXPECT_EQ(client.get(url, order_headers(token)).status, 200);
  sim->clock().advance_wall(std::chrono::seconds(2));
  const HttpResult expired = client.get(url, order_headers(token));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(error_code(expired.body), "UNAUTHORIZED.GMP_GATEWAY_API");
  const std::string fresh = fetch_token(client, sim->base_url());
  ASSERT_NE(fresh, token);
  EXPECT_EQ(client.get(url, order_headers(fresh)).status, 200);
}

TEST_F(SimHttp, OrderCallsCheckTheirHeaders) {
  const std::string url = base_ + "/v3/orders?shipNodeType=WFSFulfilled&limit=1";
  for (const char* header : {"WM_QOS.CORRELATION_ID", "WM_SVC.NAME"}) {
    std::vector<std::string> h = order_headers(token_);
    h.erase(std::remove_if(h.begin(), h.end(),
                           [&](const std::string& s) { return s.rfind(header, 0) == 0; }),
            h.end());
    const HttpResult r = client_.get(url, h);
    EXPECT_EQ(r.status, 400) << header;
    EXPECT_NE(r.body.find("{\"errors\":{\"error\":[{"), std::string::npos);
    EXPECT_EQ(error_code(r.body), "MISSING_REQUEST_HEADER.GMP_GATEWAY_API");
    EXPECT_EQ(error_field(r.body, "field"), header);
    EXPECT_TRUE(r.has_header("x-current-token-count"));
  }
  std::vector<std::string> no_token = order_headers(token_);
  no_token.erase(no_token.begin());
  EXPECT_EQ(client_.get(url, no_token).status, 401);
  const HttpResult bogus = client_.get(url, order_headers("eyJnot-a-token"));
  EXPECT_EQ(bogus.status, 401);
  EXPECT_EQ(error_code(bogus.body), "UNAUTHORIZED.GMP_GATEWAY_API");
  std::vector<std::string> xml = order_headers(token_);
  xml.back() = "Accept: application/xml";
  EXPECT_EQ(client_.get(url, xml).status, 406);
  // An extra Basic header is ignored on order calls.
  std::vector<std::string> extra = order_headers(token_);
  extra.push_back("Authorization: " + kGoodAuth);
  EXPECT_EQ(client_.get(url, extra).status, 200);
}

TEST_F(SimHttp, PaginationServesEveryOrderOnceAndEqualsTheDump) {
  const std::vector<std::string> dump = dump_lines(*sim_);
  ASSERT_EQ(dump.size(), 4000U);
  std::multiset<std::string> expected;
  for (const auto& line : dump) expected.insert(minified(line));

  std::multiset<std::string> served;
  int pages = 0;
  const std::string start = format_iso8601(kNow - 10 * 86'400'000LL);
  for (const char* node : {"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"}) {
    int64_t total = 0;
    const auto orders =
        fetch_all(client_, base_,
                  base_ + "/v3/orders?createdStartDate=" + start + "&limit=25&shipNodeType=" + node,
                  token_, &pages, &total);
    EXPECT_EQ(static_cast<int64_t>(orders.size()), total) << node;
    served.insert(orders.begin(), orders.end());
  }
  EXPECT_GE(pages, 50);
  EXPECT_EQ(served.size(), expected.size());
  EXPECT_TRUE(served == expected) << "every order exactly once, byte-equal to the dump";
}

TEST_F(SimHttp, ConcurrentClientsEachGetTheirOwnConsistentPages) {
  std::multiset<std::string> expected;
  for (const auto& line : dump_lines(*sim_)) expected.insert(minified(line));
  const std::string start = format_iso8601(kNow - 10 * 86'400'000LL);
  const std::vector<std::string> nodes = {"SellerFulfilled", "WFSFulfilled", "3PLFulfilled",
                                          "WFSFulfilled"};
  std::vector<std::vector<std::string>> results(nodes.size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < nodes.size(); ++t) {
    threads.emplace_back([&, t] {
      HttpClient client;
      int pages = 0;
      results[t] = fetch_all(client, base_,
                             base_ + "/v3/orders?createdStartDate=" + start + "&limit=" +
                                 std::to_string(30 + 7 * t) + "&shipNodeType=" + nodes[t],
                             token_, &pages);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(results[1], results[3]) << "same query, different page sizes, same orders";
  std::multiset<std::string> served;
  for (size_t t = 0; t < 3; ++t) served.insert(results[t].begin(), results[t].end());
  EXPECT_TRUE(served == expected);
}

TEST_F(SimHttp, PageMetaAndLastPage) {
  const ListedPage p =
      get_page(client_, base_ + "/v3/orders?shipNodeType=WFSFulfilled&limit=200", token_);
  ASSERT_EQ(p.http.status, 200);
  EXPECT_EQ(p.limit, 200);
  EXPECT_EQ(p.orders.size(), 200U);
  ASSERT_TRUE(p.has_cursor);
  EXPECT_NE(p.cursor.find("&createdEndDate=2024-05-02T17:05:41.250Z"), std::string::npos)
      << p.cursor;
  EXPECT_NE(p.cursor.find("&shipNodeType=WFSFulfilled"), std::string::npos);
  const ListedPage d = get_page(client_, base_ + "/v3/orders?shipNodeType=WFSFulfilled", token_);
  EXPECT_EQ(d.limit, 100) << "default limit";
  // A single page: no nextCursor key at all.
  const std::string start = format_iso8601(kNow - 3600'000);
  const ListedPage last = get_page(
      client_, base_ + "/v3/orders?createdStartDate=" + start + "&shipNodeType=WFSFulfilled",
      token_);
  ASSERT_EQ(last.http.status, 200);
  EXPECT_FALSE(last.has_cursor);
  EXPECT_EQ(last.http.body.find("nextCursor"), std::string::npos);
  EXPECT_EQ(last.total_count, static_cast<int64_t>(last.orders.size()));
}

TEST_F(SimHttp, TheWindowIsFrozenAtTheFirstCall) {
  const std::string first =
      base_ + "/v3/orders?createdStartDate=" + format_iso8601(kNow - 10 * 86'400'000LL) +
      "&limit=40&shipNodeType=SellerFulfilled";
  ListedPage p1 = get_page(client_, first, token_);
  ASSERT_EQ(p1.http.status, 200);
  ASSERT_TRUE(p1.has_cursor);
  const int64_t total = p1.total_count;
  // Three simulated hours pass between pages: ~50 orders are created meanwhile.
  sim_->clock().advance_sim(std::chrono::hours(3));
  int pages = 1;
  std::vector<std::string> rest =
      fetch_all(client_, base_, base_ + "/v3/orders" + p1.cursor, token_, &pages);
  EXPECT_EQ(static_cast<int64_t>(p1.orders.size() + rest.size()), total);
  simdjson::dom::parser parser;
  for (const auto& o : rest) {
    simdjson::dom::element e = parser.parse(o);
    EXPECT_LE(int64_t(e["orderDate"]), kNow) << "nothing created after the frozen end";
  }
  const ListedPage fresh = get_page(client_, first, token_);
  EXPECT_GT(fresh.total_count, total) << "a new query sees the new orders";
}

TEST_F(SimHttp, IncrementalFetchByLastModifiedSeesExactlyTheUpdates) {
  std::map<std::string, std::string> before;  // purchaseOrderId -> json
  simdjson::dom::parser parser;
  for (const auto& line : dump_lines(*sim_)) {
    before[std::string(std::string_view(parser.parse(line)["purchaseOrderId"]))] = line;
  }
  sim_->clock().advance_sim(std::chrono::hours(6));
  std::set<std::string> changed;
  for (const auto& line : dump_lines(*sim_)) {
    const std::string id{std::string_view(parser.parse(line)["purchaseOrderId"])};
    const auto it = before.find(id);
    if (it == before.end() || it->second != line) changed.insert(id);
  }
  ASSERT_GT(changed.size(), 50U);

  std::set<std::string> fetched;
  int pages = 0;
  for (const char* node : {"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"}) {
    const auto orders =
        fetch_all(client_, base_,
                  base_ + "/v3/orders?lastModifiedStartDate=" + format_iso8601_ms(kNow + 1) +
                      "&lastModifiedEndDate=" + format_iso8601_ms(sim_->clock().sim_now_ms()) +
                      "&limit=50&shipNodeType=" + node,
                  token_, &pages);
    for (const auto& o : orders) {
      fetched.insert(std::string(std::string_view(parser.parse(o)["purchaseOrderId"])));
    }
  }
  EXPECT_EQ(fetched, changed);
}

TEST_F(SimHttp, NoMatchIs404ContentNotFoundWithSeverityInfo) {
  const std::string url =
      base_ + "/v3/orders?createdStartDate=" + format_iso8601(kNow - 30 * 86'400'000LL) +
      "&createdEndDate=" + format_iso8601(kNow - 20 * 86'400'000LL);
  const HttpResult r = client_.get(url, order_headers(token_));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_code(r.body), "CONTENT_NOT_FOUND.GMP_ORDER_API");
  EXPECT_EQ(error_field(r.body, "severity"), "INFO");
  EXPECT_EQ(error_field(r.body, "category"), "APPLICATION");
  EXPECT_EQ(client_.get(base_ + "/v3/orders?sku=NOPE", order_headers(token_)).status, 404);
  EXPECT_EQ(client_
                .get(base_ + "/v3/orders/released?createdStartDate=" +
                         format_iso8601(kNow - 30 * 86'400'000LL) +
                         "&createdEndDate=" + format_iso8601(kNow - 20 * 86'400'000LL),
                     order_headers(token_))
                .status,
            404);
}

TEST_F(SimHttp, BadLimitIs400) {
  for (const char* limit : {"201", "0", "ten"}) {
    const HttpResult r =
        client_.get(base_ + "/v3/orders?limit=" + std::string(limit), order_headers(token_));
    EXPECT_EQ(r.status, 400) << limit;
    EXPECT_EQ(error_code(r.body), "INVALID_REQUEST_PARAM.GMP_ORDER_API");
    EXPECT_EQ(error_field(r.body, "field"), "limit");
  }
  EXPECT_EQ(
      client_.get(base_ + "/v3/orders?limit=200&shipNodeType=WFSFulfilled", order_headers(token_))
          .status,
      200);
}

TEST(SimCap, MoreMatchesThanTheCapIs400) {
  SimulatorOptions o = test_options();
  o.max_result_orders = 50;
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string token = fetch_token(client, sim->base_url());
  const HttpResult r =
      client.get(sim->base_url() + "/v3/orders?shipNodeType=WFSFulfilled", order_headers(token));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code(r.body), "INVALID_REQUEST_PARAM.GMP_ORDER_API");
  EXPECT_EQ(error_field(r.body, "field"), "createdStartDate");
  EXPECT_NE(error_field(r.body, "description").find("Too many orders"), std::string::npos);
  // A narrower window passes.
  const HttpResult narrow =
      client.get(sim->base_url() + "/v3/orders?shipNodeType=WFSFulfilled&createdStartDate=" +
                     format_iso8601(kNow - 3 * 3600'000),
                 order_headers(token));
  EXPECT_EQ(narrow.status, 200);
}

TEST_F(SimHttp, ReleasedOrdersHaveACreatedLine) {
  const ListedPage p =
      get_page(client_, base_ + "/v3/orders/released?shipNodeType=WFSFulfilled&limit=200", token_);
  ASSERT_EQ(p.http.status, 200);
  ASSERT_FALSE(p.orders.empty());
  for (const auto& o : p.orders) EXPECT_NE(o.find("\"status\":\"Created\""), std::string::npos);
  if (p.has_cursor) {
    EXPECT_NE(p.cursor.find("status=Created"), std::string::npos);
  }
}

TEST_F(SimHttp, OneOrderIsWrappedAndEqualsTheDump) {
  const std::vector<std::string> dump = dump_lines(*sim_);
  simdjson::dom::parser parser;
  const std::string id{std::string_view(parser.parse(dump[1234])["purchaseOrderId"])};
  const HttpResult r = client_.get(base_ + "/v3/orders/" + id, order_headers(token_));
  ASSERT_EQ(r.status, 200);
  simdjson::dom::element e = parser.parse(r.body);
  EXPECT_EQ(simdjson::minify(e["order"]), minified(dump[1234]));
  const HttpResult rich =
      client_.get(base_ + "/v3/orders/" + id + "?productInfo=true", order_headers(token_));
  EXPECT_NE(rich.body.find("\"imageUrl\""), std::string::npos);
  const HttpResult missing =
      client_.get(base_ + "/v3/orders/123456789012345", order_headers(token_));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing.body), "CONTENT_NOT_FOUND.GMP_ORDER_API");
  EXPECT_EQ(client_.get(base_ + "/v3/orders/not-a-number", order_headers(token_)).status, 404);
}

TEST_F(SimHttp, FiltersOverHttp) {
  const std::vector<std::string> dump = dump_lines(*sim_);
  simdjson::dom::parser parser;
  simdjson::dom::element o = parser.parse(dump[3999]);
  const std::string id{std::string_view(o["purchaseOrderId"])};
  const std::string co{std::string_view(o["customerOrderId"])};
  const std::string node{std::string_view(o["shipNode"]["type"])};
  for (const std::string& q : {"purchaseOrderId=" + id, "customerOrderId=" + co}) {
    const ListedPage p =
        get_page(client_, base_ + "/v3/orders?" + q + "&shipNodeType=" + node, token_);
    ASSERT_EQ(p.http.status, 200) << q;
    ASSERT_EQ(p.orders.size(), 1U);
    EXPECT_EQ(p.orders[0], minified(dump[3999]));
  }
  const ListedPage shipped = get_page(
      client_, base_ + "/v3/orders?status=Shipped&shipNodeType=WFSFulfilled&limit=200", token_);
  ASSERT_EQ(shipped.http.status, 200);
  for (const auto& s : shipped.orders)
    EXPECT_NE(s.find("\"status\":\"Shipped\""), std::string::npos);
  const ListedPage sku = get_page(
      client_, base_ + "/v3/orders?sku=HDMI-6FT&shipNodeType=WFSFulfilled&limit=200", token_);
  ASSERT_EQ(sku.http.status, 200);
  for (const auto& s : sku.orders) EXPECT_NE(s.find("\"sku\":\"HDMI-6FT\""), std::string::npos);
}

TEST_F(SimHttp, CursorAppendedAfterAQuestionMarkStillWorks) {
  const ListedPage p1 =
      get_page(client_, base_ + "/v3/orders?shipNodeType=WFSFulfilled&limit=10", token_);
  ASSERT_TRUE(p1.has_cursor);
  const ListedPage single = get_page(client_, base_ + "/v3/orders" + p1.cursor, token_);
  const ListedPage doubled = get_page(client_, base_ + "/v3/orders?" + p1.cursor, token_);
  ASSERT_EQ(single.http.status, 200);
  EXPECT_EQ(single.orders, doubled.orders);
  EXPECT_NE(single.orders.front(), p1.orders.front());
}

TEST_F(SimHttp, UnknownRouteAndEveryResponseCarryTheTokenCount) {
  const HttpResult r = client_.get(base_ + "/v3/items", order_headers(token_));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_code(r.body), "URI_NOT_FOUND.GMP_GATEWAY_API");
  EXPECT_TRUE(r.has_header("x-current-token-count"));
  for (const char* path :
       {"/v3/orders?shipNodeType=WFSFulfilled", "/v3/orders?limit=999", "/v3/orders/1"}) {
    EXPECT_TRUE(client_.get(base_ + std::string(path), order_headers(token_))
                    .has_header("x-current-token-count"))
        << path;
  }
}

TEST_F(SimHttp, AdminRoutesDumpAndAdvance) {
  const HttpResult d = client_.get(base_ + "/_sim/dump");
  ASSERT_EQ(d.status, 200);
  std::ostringstream expected;
  sim_->write_dump(expected);
  EXPECT_EQ(d.body, expected.str());
  HttpClient admin;
  const HttpResult a = admin.post(base_ + "/_sim/advance?simSeconds=3600", {}, "");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(sim_->clock().sim_now_ms(), kNow + 3600'000);
  EXPECT_NE(a.body.find("\"simNow\":\"2024-05-02T18:05:41.250Z\""), std::string::npos) << a.body;
}

}  // namespace
}  // namespace etl::walmart::sim::test

namespace etl::walmart::sim::test {
namespace {

// --sellers: each seller logs in with its own pair, sees only its own orders (its token reads no
// other seller's order), and has its own token bucket (one seller's throttling leaves the others'
// requests alone).
TEST(SimSellers, EachSellerHasItsOwnCredentialsOrdersAndBucket) {
  SimulatorOptions o = test_options();
  o.sellers = 3;
  o.requests_per_minute = 60;
  o.burst = 2;
  auto sim = start_simulator(o);
  HttpClient client;
  const std::string base = sim->base_url();
  std::vector<std::string> tokens;
  for (int k = 1; k <= 3; ++k) {
    tokens.push_back(fetch_token(client, base, o.seller_client_id(k), o.seller_client_secret(k)));
    ASSERT_FALSE(tokens.back().empty()) << "seller " << k;
  }
  EXPECT_EQ(o.seller_client_id(2), "sim-client-id-2");
  EXPECT_EQ(fetch_token(client, base, "sim-client-id-2", "sim-client-secret"), "")
      << "seller 1's secret does not open seller 2";

  // Seller k's first page: orders that are in its own dump only.
  std::set<std::string> ids[3];
  for (int k = 1; k <= 3; ++k) {
    const auto [status, dump] = [&] {
      const HttpResult r = client.get(base + "/_sim/dump?seller=" + std::to_string(k));
      return std::pair{r.status, r.body};
    }();
    ASSERT_EQ(status, 200);
    std::istringstream in(dump);
    for (std::string line; std::getline(in, line);) {
      const auto at = line.find("\"purchaseOrderId\":\"") + 19;
      ids[k - 1].insert(line.substr(at, line.find('"', at) - at));
    }
    ASSERT_GT(ids[k - 1].size(), 1000u);
  }
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      for (const auto& id : ids[a]) ASSERT_EQ(ids[b].count(id), 0u) << id << " in two sellers";
    }
  }
  const std::string one = *ids[1].begin();  // seller 2's
  EXPECT_EQ(client.get(base + "/v3/orders/" + one, order_headers(tokens[1])).status, 200);
  EXPECT_EQ(client.get(base + "/v3/orders/" + one, order_headers(tokens[0])).status, 404)
      << "seller 1 cannot read seller 2's order";
  EXPECT_EQ(client.get(base + "/_sim/dump?seller=4").status, 400);

  // Seller 1 empties its bucket (2 tokens) and is throttled; sellers 2 and 3 are not.
  const std::string list = base + "/v3/orders?createdStartDate=2024-05-01T00:00:00Z&limit=1";
  long last = 0;
  for (int i = 0; i < 4; ++i) last = client.get(list, order_headers(tokens[0])).status;
  EXPECT_EQ(last, 429);
  EXPECT_EQ(client.get(list, order_headers(tokens[1])).status, 200);
  EXPECT_EQ(client.get(list, order_headers(tokens[2])).status, 200);
}

}  // namespace
}  // namespace etl::walmart::sim::test

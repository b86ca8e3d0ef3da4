// Why one file of this size: it is the HTTP surface of the simulator — one handler per route
// (/v3/token, /v3/orders, /v3/orders/released, one order by id, the reconciliation report's list
// and download, and the /_sim/ test controls) with
// the faults, throttling and authentication each one applies — so a reader sees every route in
// one place. The models behind it
// (orders, queries, rendering, tokens, rate limits) are already files of their own.

#include "tools/sim/simulator.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <array>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "common/utc_time.hpp"
#include "tools/sim/atomic_file.hpp"
#include "tools/sim/basic_auth.hpp"
#include "tools/sim/error_bodies.hpp"
#include "tools/sim/fault_injector.hpp"
#include "tools/sim/json_writer.hpp"
#include "tools/sim/order_query.hpp"
#include "tools/sim/order_render.hpp"
#include "tools/sim/query_string.hpp"
#include "tools/sim/rate_limiter.hpp"
#include "tools/sim/recon_routes.hpp"
#include "tools/sim/return_query.hpp"
#include "tools/sim/token_store.hpp"

namespace etl::walmart::sim {
namespace {

// "Sun, 06 Nov 1994 08:49:37 GMT" for epoch milliseconds (UTC).
std::string http_date(int64_t epoch_ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  const int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::string sql = format_sql_datetime(secs);  // "YYYY-MM-DD HH:MM:SS"
  const int month = std::stoi(sql.substr(5, 2));
  return std::string(kDays[((days % 7) + 7) % 7]) + ", " + sql.substr(8, 2) + " " +
         kMonths[month - 1] + " " + sql.substr(0, 4) + " " + sql.substr(11, 8) + " GMT";
}

constexpr const char* kJson = "application/json";

// Throttling buckets, one per endpoint (the "other" one serves unknown routes).
enum Endpoint : size_t {
  kToken = 0,
  kOrders,
  kReleased,
  kOrder,
  kReturns,
  kReconList,
  kReconFile,
  kOther,
  kEndpointCount
};

// What a Walmart endpoint handler produces before faults are applied to it.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = kJson;
  std::string content_disposition;  // a file download's
};

Reply error_reply(const ApiError& e) { return Reply{e.http_status, e.body(), kJson, {}}; }

bool accepts(const httplib::Request& req, bool xml_ok) {
  const std::string accept = req.get_header_value("Accept");
  if (accept.empty() || accept.find("json") != std::string::npos ||
      accept.find("*/*") != std::string::npos) {
    return true;
  }
  return xml_ok && accept.find("xml") != std::string::npos;
}

bool wants_xml(const httplib::Request& req) {
  const std::string accept = req.get_header_value("Accept");
  return accept.find("xml") != std::string::npos && accept.find("json") == std::string::npos;
}

std::optional<ApiError> missing_service_headers(const httplib::Request& req) {
  for (const char* h : {"WM_SVC.NAME", "WM_QOS.CORRELATION_ID"}) {
    if (req.get_header_value(h).empty()) return missing_request_header(h);
  }
  return std::nullopt;
}

using Buckets = std::array<std::unique_ptr<TokenBucket>, kEndpointCount>;

Buckets make_buckets(const SimulatorOptions& o) {
  Buckets b;
  for (auto& one : b)
    one = std::make_unique<TokenBucket>(o.requests_per_minute, o.effective_burst());
  return b;
}

}  // namespace

// One seller account: its credentials, its orders, its tokens and its throttling buckets (Walmart
// throttles per seller).
struct Seller {
  Seller(const SimulatorOptions& o, int k, int64_t origin_ms)
      : client_id(o.seller_client_id(k)),
        client_secret(o.seller_client_secret(k)),
        seed(o.seed + static_cast<uint64_t>(k - 1)),
        model(seed, o.orders_per_day, origin_ms, o.seed, static_cast<uint32_t>(k - 1)),
        tokens(o.token_ttl, seed),
        identity(cursor_identity(seed)),
        partner_id(std::to_string(10000000000 + k)),
        buckets(make_buckets(o)) {}
  std::string client_id;
  std::string client_secret;
  uint64_t seed;
  OrderModel model;
  TokenStore tokens;
  CursorIdentity identity;
  std::string partner_id;  // names its reconciliation report files
  Buckets buckets;
};

struct Simulator::Impl {
  explicit Impl(SimulatorOptions o)
      : options((o.validate(), std::move(o))),
        clock(options.now_ms.value_or(now_epoch_ms()), options.time_scale),
        faults(options.faults, options.seed),
        buckets(make_buckets(options)) {
    const int64_t origin = clock.start_sim_ms() - options.days * kDayMs;
    for (int k = 1; k <= options.sellers; ++k) {
      sellers.push_back(std::make_unique<Seller>(options, k, origin));
    }
  }

  SimulatorOptions options;
  SimClock clock;
  FaultInjector faults;
  std::vector<std::unique_ptr<Seller>> sellers;  // [0] is seller 1
  Buckets buckets;  // requests no seller can be told from (bad credentials, unknown routes)
  std::atomic<uint64_t> requests{0};

  httplib::Server server;
  std::thread listener;
  int bound_port = 0;
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;  // guarded by stop_mutex

  // Index range of a seller's orders served at simulated time now (empty if first > last).
  static std::pair<uint64_t, std::optional<uint64_t>> served_range(const OrderModel& model,
                                                                   int64_t now) {
    const int64_t from = std::max(model.origin_ms(), now - kServedWindowMs);
    return {model.first_index_at_or_after(from), model.last_index_at_or_before(now)};
  }

  // The seller a request is for: by the client id of a token request, by the access token of an
  // order call; nullptr when neither names one (the call is then refused as unauthorized).
  Seller* seller_of(Endpoint ep, const httplib::Request& req) const {
    if (ep == kToken) {
      const auto creds = parse_basic_auth(req.get_header_value("Authorization"));
      if (!creds) return nullptr;
      for (const auto& s : sellers) {
        if (s->client_id == creds->client_id) return s.get();
      }
      return nullptr;
    }
    const std::string token = req.get_header_value("WM_SEC.ACCESS_TOKEN");
    if (token.empty()) return nullptr;
    for (const auto& s : sellers) {
      if (s->tokens.valid(token, clock.wall_elapsed_ms())) return s.get();
    }
    return nullptr;
  }

  void sleep_interruptibly(std::chrono::milliseconds d) {
    std::unique_lock lock(stop_mutex);
    stop_cv.wait_for(lock, d, [&] { return stopping; });
  }

  // The common path of every Walmart endpoint: throttle, latency, failures, the handler, then
  // the body faults (drop / malformed) on a 200.
  void serve(Endpoint ep, const httplib::Request& req, httplib::Response& res,
             const std::function<Reply(const httplib::Request&, Seller*)>& handle) {
    requests.fetch_add(1, std::memory_order_relaxed);
    FaultPlan plan = faults.next();
    if (ep == kToken && !options.faults.token_endpoint) plan = FaultPlan{};
    // The simulated clock as the server's Date (RFC 7231), as a real gateway sends its own: fetch
    // ends incremental ranges at the server's now, so a simulator running on another clock
    // (--now, --time-scale, /_sim/advance) is fetched in its own time frame.
    res.set_header("Date", http_date(clock.sim_now_ms()));
    if (plan.throttle && ep != kToken) {
      // The gateway in front refuses it; the seller's bucket is not consulted (no token count).
      res.set_header("X-Next-Replenishment-Time",
                     std::to_string(clock.wall_epoch_ms() + options.faults.throttle_hold.count()));
      send(res, error_reply(request_threshold_violated()));
      return;
    }
    Seller* seller = seller_of(ep, req);
    const BucketDecision bucket =
        (seller != nullptr ? seller->buckets : buckets)[ep]->take(clock.wall_elapsed_ms());
    res.set_header("X-Current-Token-Count", std::to_string(bucket.tokens_left));
    if (options.requests_per_minute > 0) {
      res.set_header("X-Next-Replenishment-Time",
                     std::to_string(clock.wall_epoch_ms() + bucket.next_replenish_in_ms));
    }
    if (!bucket.allowed) {
      send(res, error_reply(request_threshold_violated()));
      return;
    }
    if (options.faults.latency.count() > 0 && (ep != kToken || options.faults.token_endpoint)) {
      sleep_interruptibly(options.faults.latency);
    }
    switch (plan.fail) {
      case FailKind::system_error:
        send(res, error_reply(system_error()));
        return;
      case FailKind::gateway_timeout:
        send(res, error_reply(downstream_timeout()));
        return;
      case FailKind::unavailable:
        res.status = 503;
        return;  // bare: no body (gateway down)
      case FailKind::none:
        break;
    }
    Reply reply = handle(req, seller);
    if (reply.status == 200 && reply.body.size() >= 2) {
      if (plan.drop) {
        const size_t cut = plan.cut_at(reply.body.size());  // before the move
        spdlog::debug("simulate-api: request #{} gets its connection dropped after {} of {} bytes",
                      plan.request_number, cut, reply.body.size());
        drop_mid_body(res, std::move(reply), cut);
        return;
      }
      if (plan.malformed) {
        spdlog::debug("simulate-api: request #{} gets a truncated body", plan.request_number);
        reply.body.resize(plan.cut_at(reply.body.size()));
      }
    }
    send(res, std::move(reply));
  }

  static void send(httplib::Response& res, Reply reply) {
    res.status = reply.status;
    res.body = std::move(reply.body);
    res.set_header("Content-Type", reply.content_type);
    if (!reply.content_disposition.empty()) {
      res.set_header("Content-Disposition", reply.content_disposition);
    }
  }

  // Announces the full Content-Length, writes `cut` bytes, then fails the provider: httplib
  // closes the connection, so the client sees a transfer ended early.
  static void drop_mid_body(httplib::Response& res, Reply reply, size_t cut) {
    auto body = std::make_shared<std::string>(std::move(reply.body));
    res.status = reply.status;
    res.set_content_provider(
        body->size(), reply.content_type,
        [body, cut](size_t offset, size_t /*length*/, httplib::DataSink& sink) {
          if (offset < cut) sink.write(body->data() + offset, cut - offset);
          return false;
        });
  }

  // `seller`: the one whose valid token the call carries (seller_of), if any.
  std::optional<ApiError> check_order_call(const httplib::Request& req,
                                           const Seller* seller) const {
    if (auto e = missing_service_headers(req)) return e;
    if (seller == nullptr) return unauthorized();
    if (!accepts(req, false)) return invalid_accept_type(req.get_header_value("Accept"));
    return std::nullopt;
  }
  // A file download answers application/octet-stream whatever the Accept header says.
  static std::optional<ApiError> check_report_call(const httplib::Request& req,
                                                   const Seller* seller) {
    if (auto e = missing_service_headers(req)) return e;
    if (seller == nullptr) return unauthorized();
    return std::nullopt;
  }

  Reply handle_token(const httplib::Request& req, Seller* seller) {
    if (auto e = missing_service_headers(req)) return error_reply(*e);
    const auto creds = parse_basic_auth(req.get_header_value("Authorization"));
    if (!creds || seller == nullptr || creds->client_secret != seller->client_secret) {
      return error_reply(unauthorized());
    }
    if (!accepts(req, true))
      return error_reply(invalid_accept_type(req.get_header_value("Accept")));
    const QueryParams form = parse_query_string(req.body);
    const std::string* grant = find_param(form, "grant_type");
    if (grant == nullptr) {
      return error_reply(invalid_request_content(
          "grant_type", "Missing grant_type: send grant_type=client_credentials as a form body"));
    }
    if (*grant != "client_credentials") {
      return error_reply(invalid_request_content(
          "grant_type", "Unsupported grant_type '" + *grant +
                            "': the simulator issues client_credentials tokens only"));
    }
    const std::string token = seller->tokens.issue(clock.wall_elapsed_ms());
    const auto ttl = seller->tokens.ttl().count();
    Reply r;
    if (wants_xml(req)) {
      r.content_type = "application/xml";
      r.body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\" "
          "standalone=\"yes\"?><OAuthTokenDTO><accessToken>" +
          token + "</accessToken><tokenType>Bearer</tokenType><expiresIn>" + std::to_string(ttl) +
          "</expiresIn></OAuthTokenDTO>";
      return r;
    }
    JsonWriter w(r.body);
    w.begin_object();
    w.field("access_token", token);
    w.field("token_type", "Bearer");
    w.field_int("expires_in", ttl);
    w.end_object();
    return r;
  }

  Reply handle_list(const httplib::Request& req, ListEndpoint endpoint, const Seller* seller) {
    if (auto e = check_order_call(req, seller)) return error_reply(*e);
    const OrderModel& model = seller->model;
    const int64_t now = clock.sim_now_ms();
    const QueryOrError parsed = parse_order_query(normalize_keys(req.params), endpoint, now);
    if (const auto* e = std::get_if<ApiError>(&parsed)) return error_reply(*e);
    const auto& q = std::get<OrderQuery>(parsed);
    const Page page = find_page(model, q, now, options.max_result_orders);
    if (page.over_cap)
      return error_reply(too_many_orders(page.total_count, options.max_result_orders));
    // Observed: the released endpoint answers with the getAllOrders text too.
    if (page.orders.empty()) return error_reply(orders_not_found("getAllOrders"));
    Reply r;
    render_list_body(r.body, q, page, now, seller->seed, seller->identity);
    return r;
  }

  Reply handle_one(const httplib::Request& req, const Seller* seller) {
    if (auto e = check_order_call(req, seller)) return error_reply(*e);
    const OrderModel& model = seller->model;
    const std::string id_text = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
    RenderOptions render;
    const QueryParams params = normalize_keys(req.params);
    for (const auto& [key, target] : {std::pair{"productInfo", &render.product_info},
                                      std::pair{"replacementInfo", &render.replacement_info}}) {
      if (const std::string* v = find_param(params, key)) {
        if (*v != "true" && *v != "false") {
          return error_reply(invalid_request_param(
              key, std::string("Invalid ") + key + " '" + *v + "': use true or false"));
        }
        *target = *v == "true";
      }
    }
    const int64_t now = clock.sim_now_ms();
    const auto id = parse_decimal_u64(id_text);
    const auto index = id ? model.index_of_purchase_order_id(*id) : std::nullopt;
    const auto [first, last] = served_range(model, now);
    if (!index || !last || *index < first || *index > *last) {
      return error_reply(order_not_found(id_text));
    }
    Reply r;
    r.body.reserve(8192);
    r.body = "{\"order\":";
    render_order(r.body, model.skeleton(*index), now, render, seller->seed);
    r.body += '}';
    return r;
  }

  // GET /v3/returns (return_query.hpp has the rules).
  Reply handle_returns(const httplib::Request& req, const Seller* seller) {
    if (auto e = check_order_call(req, seller)) return error_reply(*e);
    const ReturnQueryOrError parsed = parse_return_query(normalize_keys(req.params));
    if (const auto* e = std::get_if<ApiError>(&parsed)) return error_reply(*e);
    const auto& q = std::get<ReturnQuery>(parsed);
    const int64_t now = clock.sim_now_ms();
    const ReturnPage page = find_return_page(seller->model, seller->seed, q, now);
    if (page.total_count == 0) return error_reply(orders_not_found("getReturns"));
    Reply r;
    render_return_page(r.body, q, page, now);
    return r;
  }

  void install_routes() {
    // /released must be registered before the {purchaseOrderId} pattern (first match wins).
    server.Post("/v3/token", [this](const httplib::Request& req, httplib::Response& res) {
      serve(kToken, req, res,
            [this](const httplib::Request& r, Seller* s) { return handle_token(r, s); });
    });
    server.Get("/v3/orders", [this](const httplib::Request& req, httplib::Response& res) {
      serve(kOrders, req, res, [this](const httplib::Request& r, Seller* s) {
        return handle_list(r, ListEndpoint::all_orders, s);
      });
    });
    server.Get("/v3/orders/released", [this](const httplib::Request& req, httplib::Response& res) {
      serve(kReleased, req, res, [this](const httplib::Request& r, Seller* s) {
        return handle_list(r, ListEndpoint::released, s);
      });
    });
    server.Get(R"(/v3/orders/([^/]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 serve(kOrder, req, res,
                       [this](const httplib::Request& r, Seller* s) { return handle_one(r, s); });
               });
    // The reconciliation report: the list of report dates and one report's zip (recon_routes.hpp).
    const auto recon = [](ReconReply r) {
      return Reply{r.status, std::move(r.body), std::move(r.content_type),
                   std::move(r.content_disposition)};
    };
    server.Get(
        "/v3/report/reconreport/availableReconFiles",
        [this, recon](const httplib::Request& req, httplib::Response& res) {
          serve(kReconList, req, res, [this, recon](const httplib::Request& r, Seller* s) {
            if (auto e = check_order_call(r, s)) return error_reply(*e);
            return recon(recon_file_list(s->model, clock.sim_now_ms(), normalize_keys(r.params)));
          });
        });
    server.Get("/v3/report/reconreport/reconFile",
               [this, recon](const httplib::Request& req, httplib::Response& res) {
                 serve(kReconFile, req, res, [this, recon](const httplib::Request& r, Seller* s) {
                   if (auto e = check_report_call(r, s)) return error_reply(*e);
                   return recon(recon_file_download(s->model, clock.sim_now_ms(),
                                                    normalize_keys(r.params), s->partner_id));
                 });
               });
    server.Get("/v3/returns", [this](const httplib::Request& req, httplib::Response& res) {
      serve(kReturns, req, res,
            [this](const httplib::Request& r, Seller* s) { return handle_returns(r, s); });
    });
    install_admin_routes();
    // Unknown routes: a URI_NOT_FOUND body. The error handler also sees every other >= 400
    // response; those already carry their body (or are bare on purpose, like the 503).
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& req, httplib::Response& res) {
          if (res.status != 404 || !res.body.empty() || res.has_header("X-Current-Token-Count")) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          const BucketDecision b = buckets[kOther]->take(clock.wall_elapsed_ms());
          res.set_header("X-Current-Token-Count", std::to_string(b.tokens_left));
          send(res, error_reply(uri_not_found(req.path)));
          return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown exception";
          try {
            std::rethrow_exception(std::move(ep));
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
            // keep "unknown exception": logged below, answered with a 500
          }
          spdlog::error("simulate-api: {} {} failed: {}", req.method, req.path, what);
          send(res, error_reply(system_error()));
        });
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      if (spdlog::should_log(spdlog::level::debug)) {
        spdlog::debug("simulate-api: {} {} -> {} ({} body bytes, correlation {})", req.method,
                      req.target, res.status, res.body.size(),
                      req.get_header_value("WM_QOS.CORRELATION_ID"));
      }
    });
  }

  std::string clock_json() const {
    std::string out;
    JsonWriter w(out);
    const int64_t now = clock.sim_now_ms();
    w.begin_object();
    w.field_int("simNowMs", now);
    w.field("simNow", format_iso8601_ms(now));
    w.field_int("wallEpochMs", clock.wall_epoch_ms());
    w.end_object();
    return out;
  }

  // The seller of ?seller=K (1-based, default 1); nullptr after answering 400 for a bad K.
  const Seller* seller_param(const httplib::Request& req, httplib::Response& res) const {
    const QueryParams params = normalize_keys(req.params);
    uint64_t k = 1;
    if (const std::string* v = find_param(params, "seller")) {
      const auto n = parse_decimal_u64(*v);
      if (!n || *n < 1 || *n > sellers.size()) {
        send(res,
             error_reply(invalid_request_param("seller", "expected a seller number from 1 to " +
                                                             std::to_string(sellers.size()))));
        return nullptr;
      }
      k = *n;
    }
    return sellers[k - 1].get();
  }

  // Simulator-only routes (not part of Walmart's API; never throttled or faulted).
  void install_admin_routes() {
    server.Get("/_sim/clock", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Current-Token-Count", std::to_string(TokenBucket::kUnlimitedCount));
      res.set_content(clock_json(), kJson);
    });
    server.Post("/_sim/advance", [this](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Current-Token-Count", std::to_string(TokenBucket::kUnlimitedCount));
      const QueryParams params = normalize_keys(req.params);
      for (const char* key : {"simSeconds", "wallSeconds"}) {
        const std::string* v = find_param(params, key);
        if (v == nullptr) continue;
        const auto n = parse_decimal_u64(*v);
        if (!n) {
          send(res, error_reply(invalid_request_param(key, "expected a non-negative integer")));
          return;
        }
        const std::chrono::milliseconds d{static_cast<int64_t>(*n) * 1000};
        if (key[0] == 's') {
          clock.advance_sim(d);
        } else {
          clock.advance_wall(d);
        }
      }
      res.set_content(clock_json(), kJson);
    });
    // ?seller=K (1-based, default 1): that seller's returns, one JSON object per line.
    server.Get("/_sim/returns_dump", [this](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Current-Token-Count", std::to_string(TokenBucket::kUnlimitedCount));
      const Seller* seller = seller_param(req, res);
      if (seller == nullptr) return;
      const int64_t now = clock.sim_now_ms();
      std::string body;
      for (const ReturnSkeleton& r : all_returns(seller->model, seller->seed, now)) {
        render_return(body, r, now);
        body.push_back('\n');
      }
      res.set_content(body, "application/x-ndjson");
    });
    // ?seller=K (1-based, default 1): that seller's orders.
    server.Get("/_sim/dump", [this](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Current-Token-Count", std::to_string(TokenBucket::kUnlimitedCount));
      const QueryParams params = normalize_keys(req.params);
      uint64_t k = 1;
      if (const std::string* v = find_param(params, "seller")) {
        const auto n = parse_decimal_u64(*v);
        if (!n || *n < 1 || *n > sellers.size()) {
          send(res,
               error_reply(invalid_request_param("seller", "expected a seller number from 1 to " +
                                                               std::to_string(sellers.size()))));
          return;
        }
        k = *n;
      }
      const Seller* seller = sellers[k - 1].get();
      const int64_t now = clock.sim_now_ms();
      const auto [first, last] = served_range(seller->model, now);
      auto next = std::make_shared<uint64_t>(first);
      const uint64_t end = last && *last >= first ? *last + 1 : first;
      res.set_chunked_content_provider(
          "application/x-ndjson", [seller, next, end, now](size_t, httplib::DataSink& sink) {
            std::string chunk;
            for (int n = 0; n < 200 && *next < end; ++n, ++*next) {
              render_order(chunk, seller->model.skeleton(*next), now, RenderOptions{},
                           seller->seed);
              chunk.push_back('\n');
            }
            if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
            if (*next >= end) sink.done();
            return true;
          });
    });
  }
};

Simulator::Simulator(SimulatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

Simulator::~Simulator() { stop(); }

void Simulator::start() {
  Impl& s = *impl_;
  if (s.listener.joinable()) return;
  std::signal(SIGPIPE, SIG_IGN);
  const int threads = s.options.threads;
  s.server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  s.server.set_keep_alive_max_count(1000);
  // httplib only notices stop() between requests: an idle keep-alive connection delays it by up
  // to this timeout, so keep it short (clients reconnect transparently).
  s.server.set_keep_alive_timeout(1);
  s.server.set_tcp_nodelay(true);
  s.install_routes();
  if (s.options.port == 0) {
    s.bound_port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.bound_port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.bound_port <= 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::io, 0,
                   "simulate-api: cannot listen on " + s.options.host + ":" +
                       std::to_string(s.options.port) + " (address in use or not permitted)");
  }
  s.listener = std::thread([&s] {
    if (!s.server.listen_after_bind()) {
      spdlog::debug("simulate-api: listener on port {} ended", s.bound_port);
    }
  });
  // httplib's stop() is a no-op until the accept loop runs: wait for it so that an early stop()
  // cannot leave the listener running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!s.server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Simulator::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.stop_mutex);
    s.stopping = true;
  }
  s.stop_cv.notify_all();
  if (s.listener.joinable()) {
    s.server.stop();
    s.listener.join();
  }
}

int Simulator::port() const noexcept { return impl_->bound_port; }

std::string Simulator::base_url() const {
  const std::string& host = impl_->options.host;
  const std::string shown = host == "0.0.0.0" ? "127.0.0.1" : host;
  return "http://" + shown + ":" + std::to_string(impl_->bound_port);
}

const SimulatorOptions& Simulator::options() const noexcept { return impl_->options; }
SimClock& Simulator::clock() noexcept { return impl_->clock; }
const SimClock& Simulator::clock() const noexcept { return impl_->clock; }
const OrderModel& Simulator::model() const noexcept { return impl_->sellers[0]->model; }
uint64_t Simulator::request_count() const noexcept { return impl_->requests.load(); }

size_t Simulator::write_dump(std::ostream& out) const {
  const Impl& s = *impl_;
  const int64_t now = s.clock.sim_now_ms();
  std::string line;
  size_t n = 0;
  for (const auto& seller : s.sellers) {
    const auto [first, last] = Impl::served_range(seller->model, now);
    if (!last || *last < first) continue;
    for (uint64_t i = first; i <= *last; ++i, ++n) {
      line.clear();
      render_order(line, seller->model.skeleton(i), now, RenderOptions{}, seller->seed);
      line.push_back('\n');
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
  }
  return n;
}

size_t Simulator::write_dump_file(const std::string& path) const {
  size_t n = 0;
  write_file_atomically(path, [&](std::ostream& out) { n = write_dump(out); });
  return n;
}

}  // namespace etl::walmart::sim

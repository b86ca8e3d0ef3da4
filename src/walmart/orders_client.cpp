#include "walmart/orders_client.hpp"

namespace etl::walmart {

OrdersClientShared orders_client_shared(const config::Config& cfg, TokenProvider& tokens,
                                        RateLimiter& limiter, ServerClock& clock) {
  OrdersClientShared s;
  s.base_url = cfg.walmart_token.base_url;
  s.service_name = cfg.walmart_token.service_name;
  s.tokens = &tokens;
  s.limiter = &limiter;
  s.server_clock = &clock;
  s.max_retries = cfg.fetch.max_retries;
  s.backoff_initial = cfg.fetch.backoff_initial;
  s.backoff_max = cfg.fetch.backoff_max;
  s.http = http_options_for(cfg.fetch, cfg.walmart_token.base_url);
  return s;
}

PacedShared paced_shared(const OrdersClientShared& s) {
  return {s.base_url,    s.service_name,    s.tokens,      s.limiter,         s.server_clock,
          s.max_retries, s.backoff_initial, s.backoff_max, "application/json"};
}

OrdersClient::OrdersClient(OrdersClientShared shared)
    : shared_(std::move(shared)), paced_(paced_shared(shared_)), http_(shared_.http) {}

void OrdersClient::get_page(const std::string& target, std::string_view context, PageResult& result,
                            RequestCounters& counters) {
  result.page.clear();
  PacedResult paced;
  paced_get(
      paced_, http_, response_, target, context,
      [&](const std::string& body) { return parser_.parse(body, result.page); }, paced, counters);
  result.kind = paced.kind == PacedResult::Kind::body        ? PageResult::Kind::page
                : paced.kind == PacedResult::Kind::not_found ? PageResult::Kind::no_orders
                                                             : PageResult::Kind::failed;
  result.request_time = std::move(paced.request_time);
  result.error = std::move(paced.error);
  result.api = std::move(paced.api);
  result.gave_up = paced.gave_up;
}

}  // namespace etl::walmart

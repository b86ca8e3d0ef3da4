#include "walmart/returns_client.hpp"

#include <fmt/format.h>

#include <set>

#include "common/utc_time.hpp"

namespace etl::walmart {

namespace {

// "a=1&b=%2B" -> {{"a","1"},{"b","%2B"}} (values stay encoded: they are sent back as they came).
QueryPairs split_query(std::string_view q) {
  QueryPairs out;
  while (!q.empty() && q.front() == '?') q.remove_prefix(1);
  while (!q.empty()) {
    const size_t amp = q.find('&');
    const std::string_view part = q.substr(0, amp);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      out.emplace_back(std::string(part.substr(0, eq)), eq == std::string_view::npos
                                                            ? std::string()
                                                            : std::string(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

std::string encode_query_value(std::string_view v) {
  std::string out;
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || c == ':') {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string returns_target(const QueryPairs& filters) {
  std::string t = "/v3/returns";
  char sep = '?';
  for (const auto& [k, v] : filters) {
    t += sep;
    t.append(k).append("=").append(encode_query_value(v));
    sep = '&';
  }
  return t;
}

std::string next_returns_target(std::string_view cursor, const QueryPairs& filters) {
  const QueryPairs from_cursor = split_query(cursor);
  std::set<std::string, std::less<>> named;
  std::string t = "/v3/returns";
  char sep = '?';
  for (const auto& [k, v] : from_cursor) {
    named.insert(k);
    t += sep;
    t.append(k).append("=").append(v);
    sep = '&';
  }
  for (const auto& [k, v] : filters) {
    if (named.count(k) != 0) continue;
    t += sep;
    t.append(k).append("=").append(encode_query_value(v));
    sep = '&';
  }
  return t;
}

QueryPairs last_modified_window(int64_t start_ms, int64_t end_ms, int limit) {
  return {{"returnLastModifiedStartDate", format_iso8601_ms(start_ms)},
          {"returnLastModifiedEndDate", format_iso8601_ms(end_ms)},
          {"limit", std::to_string(limit)}};
}

PacedShared returns_client_shared(const config::Config& cfg, TokenProvider& tokens,
                                  RateLimiter& returns_limiter, ServerClock& clock) {
  PacedShared s;
  s.base_url = cfg.walmart_token.base_url;
  s.service_name = cfg.walmart_token.service_name;
  s.tokens = &tokens;
  s.limiter = &returns_limiter;
  s.server_clock = &clock;
  s.max_retries = cfg.fetch.max_retries;
  s.backoff_initial = cfg.fetch.backoff_initial;
  s.backoff_max = cfg.fetch.backoff_max;
  return s;
}

ReturnsClient::ReturnsClient(PacedShared shared, HttpOptions http)
    : shared_(std::move(shared)), http_(std::move(http)) {}

void ReturnsClient::get_page(const std::string& target, std::string_view context,
                             ReturnsPageResult& result, RequestCounters& counters) {
  result.page.clear();
  PacedResult paced;
  paced_get(
      shared_, http_, response_, target, context,
      [&](const std::string& body) { return parser_.parse(body, result.page); }, paced, counters);
  result.kind = paced.kind == PacedResult::Kind::body        ? ReturnsPageResult::Kind::page
                : paced.kind == PacedResult::Kind::not_found ? ReturnsPageResult::Kind::no_returns
                                                             : ReturnsPageResult::Kind::failed;
  result.request_time = std::move(paced.request_time);
  result.error = std::move(paced.error);
  result.api = std::move(paced.api);
  result.gave_up = paced.gave_up;
}

std::optional<Error> ReturnsClient::read_all(
    const QueryPairs& filters, std::string_view context,
    const std::function<bool(const ReturnsPageResult&)>& on_page, RequestCounters& counters) {
  std::string target = returns_target(filters);
  for (int page_no = 1;; ++page_no) {
    const std::string where = fmt::format("{} page {}", context, page_no);
    get_page(target, where, result_, counters);
    if (result_.kind == ReturnsPageResult::Kind::failed) return result_.error;
    if (result_.kind == ReturnsPageResult::Kind::no_returns) return std::nullopt;
    if (!on_page(result_)) return std::nullopt;
    if (!result_.page.next_cursor || result_.page.returns.empty()) return std::nullopt;
    target = next_returns_target(*result_.page.next_cursor, filters);
  }
}

}  // namespace etl::walmart

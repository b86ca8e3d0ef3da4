#include "tools/sim/return_query.hpp"

#include <algorithm>
#include <charconv>

#include "tools/sim/json_writer.hpp"
#include "tools/sim/order_query.hpp"

namespace etl::walmart::sim {

namespace {

// The instants the returns filters accept: ISO 8601 date or date-time with "Z", "+HH:MM",
// "+HHMM", or a '+' that URL decoding turned into a space.
std::optional<int64_t> parse_instant(std::string s) {
  if (s.size() >= 24) {
    const size_t z = s.size() - 5;
    if ((s[z] == '+' || s[z] == '-' || s[z] == ' ') &&
        std::all_of(s.begin() + static_cast<std::ptrdiff_t>(z) + 1, s.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      if (s[z] == ' ') s[z] = '+';
      s.insert(s.size() - 2, ":");
    }
  }
  return parse_iso8601_ms(s);
}

std::optional<ApiError> instant_param(const QueryParams& p, const char* key,
                                      std::optional<int64_t>& out, ReturnQuery& q) {
  const std::string* v = find_param(p, key);
  if (v == nullptr) return std::nullopt;
  out = parse_instant(*v);
  if (!out) {
    return invalid_request_param(key, std::string("Invalid ") + key + " '" + *v +
                                          "': use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss(.SSS)Z");
  }
  q.echo.emplace_back(key, *v);
  return std::nullopt;
}

std::pair<uint64_t, std::optional<uint64_t>> served(const OrderModel& model, int64_t now) {
  const int64_t from = std::max(model.origin_ms(), now - kServedWindowMs);
  return {model.first_index_at_or_after(from), model.last_index_at_or_before(now)};
}

}  // namespace

ReturnQueryOrError parse_return_query(const QueryParams& params) {
  ReturnQuery q;
  for (const char* key : {"limit", "offset"}) {
    const std::string* v = find_param(params, key);
    if (v == nullptr) continue;
    const auto n = parse_decimal_u64(*v);
    if (key[0] == 'l') {
      if (!n || *n < 1 || *n > static_cast<uint64_t>(kReturnsMaxLimit)) {
        return invalid_request_param(
            "limit", "Invalid limit '" + *v + "': use 1 to " + std::to_string(kReturnsMaxLimit));
      }
      q.limit = static_cast<int>(*n);
    } else {
      if (!n || *n > (uint64_t{1} << 40)) {
        return invalid_request_param("offset", "Invalid offset '" + *v + "'");
      }
      q.offset = static_cast<int64_t>(*n);
    }
  }
  if (const std::string* v = find_param(params, "returnOrderId")) {
    q.return_order_id = *v;
    q.echo.emplace_back("returnOrderId", *v);
  }
  if (const std::string* v = find_param(params, "customerOrderId")) {
    q.customer_order_id = parse_decimal_u64(*v);
    if (!q.customer_order_id) q.matches_nothing = true;
    q.echo.emplace_back("customerOrderId", *v);
  }
  if (const std::string* v = find_param(params, "status")) {
    if (*v != "INITIATED" && *v != "DELIVERED" && *v != "COMPLETED") {
      return invalid_request_param(
          "status", "Invalid status '" + *v + "': use INITIATED, DELIVERED or COMPLETED");
    }
    q.status = *v;
    q.echo.emplace_back("status", *v);
  }
  if (auto e = instant_param(params, "returnCreationStartDate", q.created_start_ms, q)) return *e;
  if (auto e = instant_param(params, "returnCreationEndDate", q.created_end_ms, q)) return *e;
  if (auto e = instant_param(params, "returnLastModifiedStartDate", q.modified_start_ms, q))
    return *e;
  if (auto e = instant_param(params, "returnLastModifiedEndDate", q.modified_end_ms, q)) return *e;
  if (q.modified_start_ms && !q.modified_end_ms) {
    return invalid_request_param("returnLastModifiedEndDate",
                                 "returnLastModifiedEndDate is mandatory when "
                                 "returnLastModifiedStartDate is given");
  }
  for (const char* key : {"returnType", "replacementInfo", "isWFSEnabled"}) {
    if (const std::string* v = find_param(params, key)) q.echo.emplace_back(key, *v);
  }
  return q;
}

std::vector<ReturnSkeleton> all_returns(const OrderModel& model, uint64_t seed, int64_t now_ms) {
  std::vector<ReturnSkeleton> out;
  const auto [first, last] = served(model, now_ms);
  if (!last || *last < first) return out;
  for (uint64_t i = first; i <= *last; ++i) {
    auto r = return_of(model.skeleton(i), seed);
    if (r && r->exists_at(now_ms)) out.push_back(*r);
  }
  return out;
}

ReturnPage find_return_page(const OrderModel& model, uint64_t seed, const ReturnQuery& q,
                            int64_t now_ms) {
  ReturnPage page;
  if (q.matches_nothing) return page;
  auto [first, last] = served(model, now_ms);
  if (!last || *last < first) return page;
  // A return's events all lie within kMaxReturnSpanMs of its order: the date filters bound the
  // orders to look at.
  std::optional<int64_t> lower;
  for (const auto& bound : {q.created_start_ms, q.modified_start_ms}) {
    if (bound) lower = std::max(lower.value_or(INT64_MIN), *bound - kMaxReturnSpanMs);
  }
  if (lower) first = std::max(first, model.first_index_at_or_after(*lower));
  std::vector<ReturnSkeleton> matches;
  for (uint64_t i = first; i <= *last; ++i) {
    const OrderSkeleton o = model.skeleton(i);
    if (q.customer_order_id && o.customer_order_id != *q.customer_order_id) continue;
    auto r = return_of(o, seed);
    if (!r || !r->exists_at(now_ms)) continue;
    if (q.return_order_id && r->return_order_id() != *q.return_order_id) continue;
    if (q.status && !r->has_status(*q.status, now_ms)) continue;
    if (q.created_start_ms && r->created_ms < *q.created_start_ms) continue;
    if (q.created_end_ms && r->created_ms > *q.created_end_ms) continue;
    const int64_t lm = r->last_modified_ms(now_ms);
    if (q.modified_start_ms && lm < *q.modified_start_ms) continue;
    if (q.modified_end_ms && lm > *q.modified_end_ms) continue;
    matches.push_back(*r);
  }
  std::sort(matches.begin(), matches.end(), [](const ReturnSkeleton& a, const ReturnSkeleton& b) {
    if (a.created_ms != b.created_ms) return a.created_ms > b.created_ms;
    return a.order.purchase_order_id > b.order.purchase_order_id;
  });
  page.total_count = static_cast<int64_t>(matches.size());
  const auto begin = std::min<int64_t>(q.offset, page.total_count);
  const auto end = std::min<int64_t>(begin + q.limit, page.total_count);
  page.returns.assign(matches.begin() + begin, matches.begin() + end);
  if (end < page.total_count) {
    page.next_cursor = "?limit=" + std::to_string(q.limit) + "&offset=" + std::to_string(end);
    for (const auto& [k, v] : q.echo) page.next_cursor += "&" + k + "=" + encode_query_value(v);
  }
  return page;
}

void render_return_page(std::string& out, const ReturnQuery& query, const ReturnPage& page,
                        int64_t now_ms) {
  JsonWriter w(out);
  w.begin_object();
  w.key("meta");
  w.begin_object();
  w.field_int("totalCount", page.total_count);
  w.field_int("limit", query.limit);
  w.field("nextCursor", page.next_cursor);
  w.end_object();
  w.key("returnOrders");
  out += '[';
  for (size_t i = 0; i < page.returns.size(); ++i) {
    if (i != 0) out += ',';
    render_return(out, page.returns[i], now_ms);
  }
  out += "]}";
}

}  // namespace etl::walmart::sim

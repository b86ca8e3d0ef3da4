#include "tools/sim/order_query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "common/utc_time.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/json_writer.hpp"
#include "tools/sim/rng.hpp"

namespace etl::walmart::sim {
namespace {

constexpr uint64_t kDomainIdentity = 20;

// Filters that are echoed into nextCursor as given (besides the ones written explicitly).
constexpr std::array kEchoedKeys = {std::string_view{"status"},
                                    std::string_view{"sku"},
                                    std::string_view{"purchaseOrderId"},
                                    std::string_view{"customerOrderId"},
                                    std::string_view{"lastModifiedStartDate"},
                                    std::string_view{"lastModifiedEndDate"},
                                    std::string_view{"productInfo"},
                                    std::string_view{"replacementInfo"},
                                    std::string_view{"orderType"},
                                    std::string_view{"shippingProgramType"},
                                    std::string_view{"fromExpectedShipDate"},
                                    std::string_view{"toExpectedShipDate"}};

// Keys /released does not take: ignored there, as unknown parameters are.
bool released_ignores(std::string_view key) {
  return key == "status" || key == "lastModifiedStartDate" || key == "lastModifiedEndDate";
}

std::optional<int64_t> parse_api_date(const std::string& text) {
  if (auto v = parse_iso8601_ms(text)) return v;
  // "+02:00" sent unencoded arrives as " 02:00" (a '+' in a query string is a space).
  const size_t space = text.rfind(' ');
  if (space != std::string::npos && space >= 19) {
    std::string fixed = text;
    fixed[space] = '+';
    return parse_iso8601_ms(fixed);
  }
  return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view s) {
  auto lower_eq = [&](std::string_view word) {
    return s.size() == word.size() &&
           std::equal(s.begin(), s.end(), word.begin(), [](char a, char b) {
             return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
  };
  if (lower_eq("true")) return true;
  if (lower_eq("false")) return false;
  return std::nullopt;
}

ApiError bad_date(std::string_view field, std::string_view value) {
  return invalid_request_param(
      field,
      fmt::format("Invalid {} '{}': use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss[.SSS]Z", field, value));
}

}  // namespace

QueryOrError parse_order_query(const QueryParams& params, ListEndpoint endpoint, int64_t now_ms) {
  OrderQuery q;
  q.endpoint = endpoint;
  const bool released = endpoint == ListEndpoint::released;
  auto get = [&](std::string_view key) -> const std::string* {
    if (released && released_ignores(key)) return nullptr;
    return find_param(params, key);
  };
  auto date = [&](std::string_view key, std::optional<int64_t>& out) -> std::optional<ApiError> {
    if (const std::string* v = get(key)) {
      const auto ms = parse_api_date(*v);
      if (!ms) return bad_date(key, *v);
      out = *ms;
    }
    return std::nullopt;
  };

  if (const std::string* v = get("limit")) {
    const auto n = parse_decimal_u64(*v);
    if (!n || *n == 0) {
      return invalid_request_param(
          "limit", fmt::format("Invalid limit '{}': must be a positive integer", *v));
    }
    if (*n > static_cast<uint64_t>(kMaxLimit)) {
      return invalid_request_param(
          "limit", fmt::format("Invalid limit '{}': must not be greater than {}", *v, kMaxLimit));
    }
    q.limit = static_cast<int>(*n);
  }

  if (const std::string* more = get("hasMoreElements")) {
    const std::string* so = get("soIndex");
    const std::string* po = get("poIndex");
    const auto so_v = so ? parse_decimal_u64(*so) : std::nullopt;
    const auto po_v = po ? parse_decimal_u64(*po) : std::nullopt;
    if (*more != "true" || !so_v || !po_v) {
      return invalid_request_param("poIndex",
                                   "Invalid nextCursor: send list.meta.nextCursor back unchanged");
    }
    q.from_cursor = true;
    q.cursor_total = static_cast<int64_t>(*so_v);
    q.cursor_next_index = *po_v;
  }

  std::optional<int64_t> created_start, created_end;
  if (auto e = date("createdStartDate", created_start)) return *e;
  if (auto e = date("createdEndDate", created_end)) return *e;
  if (auto e = date("lastModifiedStartDate", q.modified_start_ms)) return *e;
  if (auto e = date("lastModifiedEndDate", q.modified_end_ms)) return *e;
  if (auto e = date("fromExpectedShipDate", q.from_expected_ship_ms)) return *e;
  if (auto e = date("toExpectedShipDate", q.to_expected_ship_ms)) return *e;

  if (const std::string* v = get("shipNodeType")) {
    const auto t = parse_ship_node_type(*v);
    if (!t) {
      return invalid_request_param(
          "shipNodeType",
          fmt::format(
              "Invalid shipNodeType '{}': use SellerFulfilled, WFSFulfilled or 3PLFulfilled", *v));
    }
    q.ship_node = *t;
  }
  if (released) {
    q.status = LineStatus::created;
  } else if (const std::string* v = get("status")) {
    const auto s = parse_line_status(*v);
    if (!s) {
      return invalid_request_param(
          "status", fmt::format("Invalid status '{}': use Created, Acknowledged, Shipped, "
                                "Delivered or Cancelled",
                                *v));
    }
    q.status = *s;
  }
  if (const std::string* v = get("sku")) {
    q.sku_product = find_product_by_sku(*v);
    if (!q.sku_product) q.matches_nothing = true;
  }
  if (const std::string* v = get("purchaseOrderId")) {
    q.purchase_order_id = parse_decimal_u64(*v);
    if (!q.purchase_order_id) q.matches_nothing = true;
  }
  if (const std::string* v = get("customerOrderId")) {
    q.customer_order_id = parse_decimal_u64(*v);
    if (!q.customer_order_id) q.matches_nothing = true;
  }
  for (const auto& [key, target] :
       {std::pair{std::string_view{"productInfo"}, &q.render.product_info},
        std::pair{std::string_view{"replacementInfo"}, &q.render.replacement_info}}) {
    if (const std::string* v = get(key)) {
      const auto b = parse_bool(*v);
      if (!b)
        return invalid_request_param(key,
                                     fmt::format("Invalid {} '{}': use true or false", key, *v));
      *target = *b;
    }
  }
  if (const std::string* v = get("orderType")) {
    if (*v == "REGULAR") {
      q.replacement_order = false;
    } else if (*v == "REPLACEMENT") {
      q.replacement_order = true;
    } else {
      return invalid_request_param(
          "orderType", fmt::format("Invalid orderType '{}': use REGULAR or REPLACEMENT", *v));
    }
  }
  if (const std::string* v = get("shippingProgramType")) {
    q.shipping_program = parse_shipping_program(*v);
    if (!q.shipping_program) q.matches_nothing = true;
  }

  // The window. The end is frozen at "now" of the first call (the cursor carries it).
  if (created_end && *created_end <= now_ms) {
    q.created_end_ms = *created_end;
    q.created_end_text = *get("createdEndDate");
  } else {
    q.created_end_ms = now_ms;
    q.created_end_text = format_iso8601_ms(now_ms);
  }
  if (created_start) {
    q.created_start_ms = *created_start;
    q.created_start_text = *get("createdStartDate");
  } else {
    const bool wide = q.purchase_order_id || q.customer_order_id || q.modified_start_ms ||
                      q.modified_end_ms || get("purchaseOrderId") || get("customerOrderId");
    q.created_start_ms = now_ms - (wide ? kServedWindowMs : kDefaultCreatedWindowMs);
    q.created_start_text = format_iso8601_ms(q.created_start_ms);
  }

  for (const auto& [key, value] : params) {
    if (released && released_ignores(key)) continue;
    if (std::find(kEchoedKeys.begin(), kEchoedKeys.end(), key) != kEchoedKeys.end()) {
      q.echo.emplace_back(key, value);
    }
  }
  return q;
}

bool order_matches(const OrderSkeleton& o, const OrderQuery& q, int64_t now_ms) {
  if (q.purchase_order_id && o.purchase_order_id != *q.purchase_order_id) return false;
  if (q.customer_order_id && o.customer_order_id != *q.customer_order_id) return false;
  if (o.ship_node != q.ship_node) return false;
  if (q.sku_product && !o.has_sku(*q.sku_product)) return false;
  if (q.replacement_order && o.replacement != *q.replacement_order) return false;
  if (q.shipping_program && o.shipping_program != *q.shipping_program) return false;
  if (q.from_expected_ship_ms && o.estimated_ship_ms < *q.from_expected_ship_ms) return false;
  if (q.to_expected_ship_ms && o.estimated_ship_ms > *q.to_expected_ship_ms) return false;
  if (q.status && !o.has_line_status(*q.status, now_ms)) return false;
  if (q.modified_start_ms || q.modified_end_ms) {
    const int64_t lm = o.last_modified_ms(now_ms);
    if (q.modified_start_ms && lm < *q.modified_start_ms) return false;
    if (q.modified_end_ms && lm > *q.modified_end_ms) return false;
  }
  return true;
}

Page find_page(const OrderModel& model, const OrderQuery& q, int64_t now_ms, int64_t max_total) {
  Page page;
  page.total_count = q.from_cursor ? q.cursor_total : 0;
  if (q.matches_nothing) return page;

  int64_t lower_t = std::max(q.created_start_ms, now_ms - kServedWindowMs);
  int64_t upper_t = std::min(q.created_end_ms, now_ms);
  if (q.modified_start_ms) lower_t = std::max(lower_t, *q.modified_start_ms - kMaxLifetimeMs);
  if (q.modified_end_ms) upper_t = std::min(upper_t, *q.modified_end_ms);
  if (lower_t > upper_t) return page;
  uint64_t lo = model.first_index_at_or_after(lower_t);
  const auto hi_opt = model.last_index_at_or_before(upper_t);
  if (!hi_opt || *hi_opt < lo) return page;
  uint64_t hi = *hi_opt;

  // An id filter pins the single candidate.
  std::optional<uint64_t> pinned;
  if (q.purchase_order_id) pinned = model.index_of_purchase_order_id(*q.purchase_order_id);
  if (q.customer_order_id && !pinned)
    pinned = model.index_of_customer_order_id(*q.customer_order_id);
  if (q.purchase_order_id || q.customer_order_id) {
    if (!pinned || *pinned < lo || *pinned > hi) return page;
    lo = hi = *pinned;
  }

  const uint64_t start = q.from_cursor ? std::max(lo, q.cursor_next_index) : lo;
  const auto limit = static_cast<size_t>(q.limit);
  page.orders.reserve(limit);
  int64_t count = 0;
  for (uint64_t i = start; i <= hi; ++i) {
    OrderSkeleton o = model.skeleton(i);
    if (!order_matches(o, q, now_ms)) continue;
    if (page.orders.size() < limit) {
      page.orders.push_back(o);
    } else if (!page.next_index) {
      page.next_index = i;
      if (q.from_cursor) break;
    }
    if (!q.from_cursor) {
      ++count;
      if (max_total > 0 && count > max_total) {
        page.over_cap = true;
        page.total_count = count;
        return page;
      }
    }
  }
  if (!q.from_cursor) page.total_count = count;
  return page;
}

CursorIdentity cursor_identity(uint64_t seed) {
  CursorIdentity id;
  id.partner_id = fmt::format("1000{:07}", stream_key(seed, kDomainIdentity, 0) % 10'000'000);
  id.seller_id = fmt::format("{}", 100'000 + stream_key(seed, kDomainIdentity, 1) % 900'000);
  return id;
}

std::string encode_next_cursor(const OrderQuery& q, const Page& page, const CursorIdentity& id) {
  std::string c = fmt::format(
      "?limit={}&hasMoreElements=true&soIndex={}&poIndex={}&partnerId={}&sellerId={}", q.limit,
      page.total_count, page.next_index.value_or(0), id.partner_id, id.seller_id);
  c += "&createdStartDate=";
  c += encode_query_value(q.created_start_text);
  c += "&createdEndDate=";
  c += encode_query_value(q.created_end_text);
  for (const auto& [key, value] : q.echo) {
    c += '&';
    c += key;
    c += '=';
    c += encode_query_value(value);
  }
  if (q.endpoint == ListEndpoint::released) c += "&status=Created";
  c += "&shipNodeType=";
  c += to_string(q.ship_node);
  return c;
}

void render_list_body(std::string& out, const OrderQuery& q, const Page& page, int64_t now_ms,
                      uint64_t seed, const CursorIdentity& identity) {
  out.reserve(out.size() + 512 + page.orders.size() * 3584);
  JsonWriter w(out);
  w.begin_object();
  w.key("list");
  w.begin_object();
  w.key("meta");
  w.begin_object();
  w.field_int("totalCount", page.total_count);
  w.field_int("limit", q.limit);
  if (page.next_index) w.field("nextCursor", encode_next_cursor(q, page, identity));
  w.end_object();
  w.key("elements");
  w.begin_object();
  w.key("order");
  w.begin_array();
  for (size_t i = 0; i < page.orders.size(); ++i) {
    if (i > 0) out.push_back(',');
    render_order(out, page.orders[i], now_ms, q.render, seed);
  }
  // Orders are appended straight into out (separated above); end_array() resumes the writer.
  w.end_array();
  w.end_object();
  w.end_object();
  w.end_object();
}

}  // namespace etl::walmart::sim

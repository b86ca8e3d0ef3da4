#include "walmart/returns_page.hpp"

#include <fmt/format.h>

#include "walmart/orders_page.hpp"

namespace etl::walmart {

namespace {

using namespace simdjson;

Error json_error(std::string what) {
  return Error{ErrorClass::retriable, ErrorOrigin::json, 0, std::move(what)};
}

std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::optional<Error> ReturnsPageParser::parse(const std::string& body, ReturnsPage& page) {
  page.clear();
  if (body.capacity() < body.size() + SIMDJSON_PADDING) {
    return json_error("internal error: the returns page buffer has no parser padding");
  }
  auto fail = [&](std::string_view where, error_code e) {
    page.clear();
    return json_error(fmt::format("returns page ({} bytes) is not valid JSON at {}: {}",
                                  body.size(), where, error_message(e)));
  };
  std::vector<std::string_view> raws;
  {
    ondemand::document doc;
    if (auto e = parser_.iterate(padded_string_view(body.data(), body.size(), body.capacity()))
                     .get(doc)) {
      return fail("document", e);
    }
    ondemand::object root;
    if (auto e = doc.get_object().get(root)) return fail("top level", e);
    for (auto field : root) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return fail("top level", e);
      ondemand::value v;
      if (auto e = field.value().get(v)) return fail(key, e);
      if (key == "meta") {
        ondemand::object meta;
        if (auto e = v.get_object().get(meta)) return fail("meta", e);
        for (auto mf : meta) {
          std::string_view mkey;
          if (auto e = mf.unescaped_key().get(mkey)) return fail("meta", e);
          ondemand::value mv;
          if (auto e = mf.value().get(mv)) return fail("meta", e);
          ondemand::json_type t;
          if (auto e = mv.type().get(t)) return fail("meta", e);
          if (mkey == "totalCount" && t == ondemand::json_type::number) {
            int64_t n = 0;
            if (auto e = mv.get_int64().get(n)) return fail("meta.totalCount", e);
            page.total_count = n;
          } else if (mkey == "nextCursor" && t == ondemand::json_type::string) {
            std::string_view cursor;
            if (auto e = mv.get_string().get(cursor)) return fail("meta.nextCursor", e);
            if (!cursor.empty()) page.next_cursor = repair_cursor(cursor);
          } else if (auto e = validate_json_value(mv)) {
            return fail("meta", e);
          }
        }
      } else if (key == "returnOrders") {
        ondemand::json_type t;
        if (auto e = v.type().get(t)) return fail("returnOrders", e);
        if (t == ondemand::json_type::null) continue;
        ondemand::array list;
        if (auto e = v.get_array().get(list)) return fail("returnOrders", e);
        for (auto element : list) {
          ondemand::object o;
          if (auto e = element.get_object().get(o)) return fail("returnOrders[]", e);
          std::string_view raw;
          if (auto e = o.raw_json().get(raw)) return fail("returnOrders[]", e);
          raws.push_back(trim_right(raw));
        }
      } else if (auto e = validate_json_value(v)) {
        return fail(key, e);
      }
    }
    if (doc.current_location().error() != OUT_OF_BOUNDS) return fail("document", TRAILING_CONTENT);
  }
  // Each return on its own: valid JSON throughout, and its returnOrderId.
  page.returns.resize(raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    const std::string_view raw = raws[i];
    const size_t offset = static_cast<size_t>(raw.data() - body.data());
    auto bad = [&](std::string what) {
      page.clear();
      return json_error(fmt::format("return order [{}] of the page: {}", i, what));
    };
    ondemand::document doc;
    if (auto e =
            parser_.iterate(padded_string_view(raw.data(), raw.size(), body.capacity() - offset))
                .get(doc)) {
      return bad(error_message(e));
    }
    ondemand::object o;
    if (auto e = doc.get_object().get(o)) return bad(error_message(e));
    std::string id;
    for (auto field : o) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return bad(error_message(e));
      ondemand::value v;
      if (auto e = field.value().get(v)) return bad(error_message(e));
      if (key == "returnOrderId" && id.empty()) {
        ondemand::json_type t;
        if (auto e = v.type().get(t)) return bad(error_message(e));
        if (t == ondemand::json_type::string) {
          std::string_view s;
          if (auto e = v.get_string().get(s)) return bad(error_message(e));
          id = s;
        } else if (t == ondemand::json_type::number) {
          uint64_t n = 0;
          if (v.get_uint64().get(n) != SUCCESS) return bad("returnOrderId is not an integer");
          id = std::to_string(n);
        }
        if (id.empty()) return bad("returnOrderId is not a non-empty string");
        continue;
      }
      if (auto e = validate_json_value(v)) return bad(fmt::format("{}: {}", key, error_message(e)));
    }
    if (doc.current_location().error() != OUT_OF_BOUNDS) return bad("trailing content");
    if (id.empty()) return bad("no returnOrderId");
    page.returns[i].json = raw;
    page.returns[i].return_order_id = std::move(id);
  }
  return std::nullopt;
}

}  // namespace etl::walmart

#include "walmart/orders_page.hpp"

#include <fmt/format.h>

namespace etl::walmart {

namespace {

using namespace simdjson;

bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

Error json_error(std::string what) {
  return Error{ErrorClass::retriable, ErrorOrigin::json, 0, std::move(what)};
}

// Reads every value below `v` so that any malformed number, string or literal is found.
error_code walk(ondemand::value v, int depth) {
  if (depth > 64) return DEPTH_ERROR;
  ondemand::json_type type;
  if (auto e = v.type().get(type)) return e;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object o;
      if (auto e = v.get_object().get(o)) return e;
      for (auto field : o) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        ondemand::value child;
        if (auto e = field.value().get(child)) return e;
        if (auto e = walk(child, depth + 1)) return e;
      }
      return SUCCESS;
    }
    case ondemand::json_type::array: {
      ondemand::array a;
      if (auto e = v.get_array().get(a)) return e;
      for (auto element : a) {
        ondemand::value child;
        if (auto e = element.get(child)) return e;
        if (auto e = walk(child, depth + 1)) return e;
      }
      return SUCCESS;
    }
    case ondemand::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case ondemand::json_type::number: {
      ondemand::number n;
      return v.get_number().get(n);
    }
    case ondemand::json_type::boolean: {
      bool b = false;
      return v.get_bool().get(b);
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return e;
      return is_null ? SUCCESS : INCORRECT_TYPE;
    }
  }
  return INCORRECT_TYPE;
}

// True when the whole document was consumed (simdjson 3.0 has no document::at_end()).
bool at_end(ondemand::document& doc) noexcept {
  return doc.current_location().error() == OUT_OF_BOUNDS;
}

std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

simdjson::error_code validate_json_value(simdjson::ondemand::value v) { return walk(v, 1); }

std::string repair_cursor(std::string_view cursor) {
  std::string out;
  out.reserve(cursor.size());
  for (size_t i = 0; i < cursor.size();) {
    if (cursor.compare(i, 5, "&amp;") == 0) {
      out.push_back('&');
      i += 5;
    } else {
      out.push_back(cursor[i++]);
    }
  }
  return out;
}

std::optional<Error> OrdersPageParser::check_order(const std::string& body, std::string_view raw,
                                                   RawOrder& out) {
  // The order's text is inside `body`, whose spare capacity provides the padding.
  const size_t offset = static_cast<size_t>(raw.data() - body.data());
  ondemand::document doc;
  if (auto e = order_parser_
                   .iterate(padded_string_view(raw.data(), raw.size(), body.capacity() - offset))
                   .get(doc)) {
    return json_error(fmt::format("order at byte {} of the page: {}", offset, error_message(e)));
  }
  ondemand::object o;
  if (auto e = doc.get_object().get(o)) {
    return json_error(fmt::format("order at byte {} of the page: {}", offset, error_message(e)));
  }
  bool have_id = false;
  for (auto field : o) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) {
      return json_error(fmt::format("order at byte {} of the page: {}", offset, error_message(e)));
    }
    ondemand::value v;
    if (auto e = field.value().get(v)) {
      return json_error(fmt::format("order at byte {} of the page: {}", offset, error_message(e)));
    }
    if (key == "purchaseOrderId" && !have_id) {
      std::string_view id;
      if (v.get_string().get(id) || id.empty()) {
        return json_error(fmt::format(
            "order at byte {} of the page: purchaseOrderId is not a non-empty string", offset));
      }
      out.purchase_order_id = id;
      have_id = true;
      continue;
    }
    if (auto e = walk(v, 1)) {
      return json_error(fmt::format("order at byte {} of the page ({}): field {}: {}", offset,
                                    have_id ? out.purchase_order_id : std::string("no id yet"), key,
                                    error_message(e)));
    }
  }
  if (!at_end(doc)) {
    return json_error(fmt::format("order at byte {} of the page: trailing content", offset));
  }
  if (!have_id) {
    return json_error(fmt::format("order at byte {} of the page has no purchaseOrderId", offset));
  }
  return std::nullopt;
}

std::optional<Error> OrdersPageParser::parse(const std::string& body, OrdersPage& page) {
  page.clear();
  if (body.capacity() < body.size() + SIMDJSON_PADDING) {
    return Error{ErrorClass::fatal, ErrorOrigin::internal, 0,
                 "orders page buffer without simdjson padding"};
  }
  auto fail = [&](std::string_view where, error_code e) {
    page.clear();
    return json_error(fmt::format("malformed orders page ({} bytes): {}: {}", body.size(), where,
                                  error_message(e)));
  };
  ondemand::document doc;
  if (auto e = page_parser_.iterate(padded_string_view(body.data(), body.size(), body.capacity()))
                   .get(doc)) {
    return fail("document", e);
  }
  ondemand::object root;
  if (auto e = doc.get_object().get(root)) return fail("top level", e);
  bool have_list = false;
  std::vector<std::string_view> raws;
  for (auto root_field : root) {
    std::string_view key;
    if (auto e = root_field.unescaped_key().get(key)) return fail("top level", e);
    if (key != "list") continue;  // unknown top-level members are skipped (still bracket-checked)
    ondemand::object list;
    if (auto e = root_field.value().get_object().get(list)) return fail("list", e);
    have_list = true;
    for (auto list_field : list) {
      std::string_view lkey;
      if (auto e = list_field.unescaped_key().get(lkey)) return fail("list", e);
      if (lkey == "meta") {
        ondemand::object meta;
        if (auto e = list_field.value().get_object().get(meta)) return fail("list.meta", e);
        for (auto mf : meta) {
          std::string_view mkey;
          if (auto e = mf.unescaped_key().get(mkey)) return fail("list.meta", e);
          ondemand::value v;
          if (auto e = mf.value().get(v)) return fail("list.meta", e);
          if (mkey == "totalCount") {
            int64_t n = 0;
            ondemand::json_type t;
            if (auto e = v.type().get(t)) return fail("list.meta.totalCount", e);
            const auto e = t == ondemand::json_type::string ? v.get_int64_in_string().get(n)
                                                            : v.get_int64().get(n);
            if (e) return fail("list.meta.totalCount", e);
            page.total_count = n;
          } else if (mkey == "nextCursor") {
            bool is_null = false;
            if (auto e = v.is_null().get(is_null)) return fail("list.meta.nextCursor", e);
            if (is_null) continue;
            std::string_view cursor;
            if (auto e = v.get_string().get(cursor)) return fail("list.meta.nextCursor", e);
            if (!cursor.empty()) page.next_cursor = repair_cursor(cursor);
          }
        }
      } else if (lkey == "elements") {
        ondemand::object elements;
        if (auto e = list_field.value().get_object().get(elements)) return fail("list.elements", e);
        for (auto ef : elements) {
          std::string_view ekey;
          if (auto e = ef.unescaped_key().get(ekey)) return fail("list.elements", e);
          if (ekey != "order") continue;
          ondemand::value orders_value;
          if (auto e = ef.value().get(orders_value)) return fail("list.elements.order", e);
          bool is_null = false;
          if (auto e = orders_value.is_null().get(is_null)) return fail("list.elements.order", e);
          if (is_null) continue;
          ondemand::array orders;
          if (auto e = orders_value.get_array().get(orders)) return fail("list.elements.order", e);
          for (auto element : orders) {
            ondemand::object order;
            if (auto e = element.get_object().get(order)) return fail("list.elements.order[]", e);
            std::string_view raw;
            if (auto e = order.raw_json().get(raw)) return fail("list.elements.order[]", e);
            raws.push_back(trim_right(raw));
          }
        }
      }
    }
  }
  if (!at_end(doc)) return fail("document", TRAILING_CONTENT);
  if (!have_list) {
    page.clear();
    return json_error(fmt::format("orders page ({} bytes) has no \"list\" object", body.size()));
  }
  page.orders.resize(raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    if (raws[i].empty() || raws[i].back() != '}') {
      page.clear();
      return json_error("an order of the page does not end with '}'");
    }
    page.orders[i].json = raws[i];
    if (auto err = check_order(body, raws[i], page.orders[i])) {
      page.clear();
      return err;
    }
  }
  return std::nullopt;
}

}  // namespace etl::walmart

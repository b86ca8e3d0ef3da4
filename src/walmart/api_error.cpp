#include "walmart/api_error.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace etl::walmart {

namespace {

using namespace simdjson;

void read_item(ondemand::object item, ApiErrorInfo& out) {
  for (auto field : item) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return;
    std::string_view value;
    if (field.value().get_string().get(value)) continue;  // causes, errorIdentifiers, nulls
    if (key == "code") {
      out.code = value;
    } else if (key == "field") {
      out.field = value;
    } else if (key == "description" || key == "message") {
      out.description = value;
    } else if (key == "info") {
      out.info = value;
    }
  }
}

// First element of an array of error items.
bool read_first(ondemand::array items, ApiErrorInfo& out) {
  for (auto element : items) {
    ondemand::object item;
    if (element.get_object().get(item)) return false;
    read_item(item, out);
    return true;
  }
  return false;
}

}  // namespace

std::string ApiErrorInfo::describe() const {
  std::string out = code.empty() ? std::string("(no error code)") : code;
  if (!field.empty()) out += fmt::format(" (field {})", field);
  if (!description.empty()) out += ": " + description;
  if (!info.empty() && info != description) out += " - " + info;
  return out;
}

std::string_view ApiErrorInfo::base_code() const noexcept {
  std::string_view c = code;
  const auto dot = c.find('.');
  return dot == std::string_view::npos ? c : c.substr(0, dot);
}

std::optional<ApiErrorInfo> parse_api_error(std::string_view body) {
  if (body.empty()) return std::nullopt;
  ondemand::parser parser;
  padded_string padded(body);
  ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  ondemand::object root;
  if (doc.get_object().get(root)) return std::nullopt;
  ApiErrorInfo info;
  bool found = false;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    ondemand::value v;
    if (field.value().get(v)) return std::nullopt;
    if (key == "errors") {
      ondemand::json_type type;
      if (v.type().get(type)) return std::nullopt;
      if (type == ondemand::json_type::object) {  // {"errors":{"error":[...]}}
        ondemand::object inner;
        if (v.get_object().get(inner)) return std::nullopt;
        ondemand::array items;
        if (!inner.find_field_unordered("error").get_array().get(items))
          found = read_first(items, info);
      } else if (type == ondemand::json_type::array) {  // {"errors":[...]}
        ondemand::array items;
        if (!v.get_array().get(items)) found = read_first(items, info);
      }
    } else if (key == "error") {  // {"error":[...]}
      ondemand::array items;
      if (!v.get_array().get(items)) found = read_first(items, info);
    }
    if (found) break;
  }
  if (!found || info.empty()) return std::nullopt;
  return info;
}

namespace {
// Whether the query of `target` has a parameter named `name`.
bool has_query_param(std::string_view target, std::string_view name) {
  const size_t query = target.find('?');
  if (query == std::string_view::npos || name.empty()) return false;
  for (size_t at = query + 1; at < target.size();) {
    const size_t end = std::min(target.find('&', at), target.size());
    const std::string_view param = target.substr(at, end - at);
    if (param.substr(0, param.find('=')) == name) return true;
    at = end + 1;
  }
  return false;
}

bool refuses_too_many_orders(long status, const std::optional<ApiErrorInfo>& api,
                             std::string_view target) {
  return status == 400 && api &&
         (api->field == "createdStartDate" || api->field == "lastModifiedStartDate") &&
         has_query_param(target, api->field);
}
}  // namespace

Error classify_http_status(long status, const std::optional<ApiErrorInfo>& api,
                           std::string_view context, std::string_view target) {
  const std::string detail = api ? api->describe() : std::string("no Walmart error body");
  ErrorClass cls = ErrorClass::fatal;
  std::string what;
  if (status == 429) {
    cls = ErrorClass::retriable;
    what = "throttled (429 Too Many Requests)";
  } else if (status >= 500 || status == 408) {
    cls = ErrorClass::retriable;
    what = fmt::format("server error {}", status);
  } else if (status == 401) {
    what = "unauthorized (401): the access token or the credentials were refused";
  } else if (status == 403) {
    what = "forbidden (403): the credentials have no access to this API";
  } else if (status == 400) {
    what = "bad request (400)";
  } else {
    what = fmt::format("unexpected HTTP status {}", status);
  }
  ErrorCause cause = ErrorCause::unspecified;
  if (status == 401 || status == 403) {
    cause = ErrorCause::authentication;
  } else if (refuses_too_many_orders(status, api, target)) {
    cause = ErrorCause::too_many_results;
  }
  return Error{cls, ErrorOrigin::walmart_api, static_cast<int>(status),
               fmt::format("{}: {}: {}", context, what, detail), cause};
}

}  // namespace etl::walmart

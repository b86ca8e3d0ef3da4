#include "order/message_format.hpp"

#include <charconv>

namespace etl::order {

namespace {
bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
}  // namespace

void build_order_message(std::string_view order_json, std::string_view request_time,
                         std::string& out) {
  // order_json ends with '}'. Is the object empty ("{ }")?
  std::string_view inner = order_json.substr(0, order_json.size() - 1);
  while (!inner.empty() && is_space(inner.back())) inner.remove_suffix(1);
  const bool empty_object = !inner.empty() && inner.back() == '{';
  out.clear();
  out.reserve(order_json.size() + kRequestTimeField.size() + 26);
  out.append(order_json.data(), order_json.size() - 1);
  out.append(empty_object ? "\"" : ",\"");
  out.append(kRequestTimeField);
  out.append("\":\"");
  out.append(request_time);
  out.append("\"}");
}

std::optional<int64_t> purchase_order_id_number(std::string_view text) noexcept {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;  // overflow
  return v;
}

}  // namespace etl::order

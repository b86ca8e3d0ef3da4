#include "pipeline/input_records.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace etl::pipeline {

namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view s, size_t i) noexcept {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

std::string_view trim(std::string_view s) noexcept {
  size_t a = 0;
  size_t b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

// s[i] == '"' opens a string: the index just past its closing quote (s.size() if unclosed).
size_t string_end(std::string_view s, size_t i) noexcept {
  size_t from = i + 1;
  while (from < s.size()) {
    const void* q = std::memchr(s.data() + from, '"', s.size() - from);
    if (q == nullptr) return s.size();
    const size_t at = static_cast<size_t>(static_cast<const char*>(q) - s.data());
    size_t backslashes = 0;
    while (at - backslashes > i + 1 && s[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at + 1;
    from = at + 1;
  }
  return s.size();
}

// Index of the first ',' outside strings and brackets, or s.size(). Stray closers never make the
// depth negative, so garbage cannot swallow the rest of the array.
size_t delimiter_at_depth0(std::string_view s) noexcept {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    switch (s[i]) {
      case '"': i = string_end(s, i) - 1; break;
      case '{':
      case '[': ++depth; break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        break;
      case ',':
        if (depth == 0) return i;
        break;
      default: break;
    }
  }
  return s.size();
}

// Cheap pre-check before parsing an object as a possible API page: orders never have a "list" key.
bool might_be_page(std::string_view value) noexcept {
  return value.find("\"list\"") != std::string_view::npos;
}

}  // namespace

size_t json_value_end(std::string_view s) noexcept {
  if (s.empty()) return 0;
  if (s[0] == '"') return string_end(s, 0);
  if (s[0] == '{' || s[0] == '[') {
    int depth = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      switch (s[i]) {
        case '"': i = string_end(s, i) - 1; break;
        case '{':
        case '[': ++depth; break;
        case '}':
        case ']':
          if (--depth == 0) return i + 1;
          break;
        default: break;
      }
    }
    return s.size();
  }
  // A scalar (or garbage): up to the next delimiter; at least one byte so the caller advances.
  size_t i = 0;
  while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}' &&
         s[i] != '[' && s[i] != '{') {
    ++i;
  }
  return i == 0 ? 1 : i;
}

RecordSplitter::RecordSplitter(std::string_view content) : content_(content) {
  // A UTF-8 byte order mark (files saved by some Windows tools) is not a record.
  const size_t bom = content_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const size_t first = skip_space(content_, bom);
  if (first == content_.size()) {
    layout_ = InputLayout::empty;
    pos_ = content_.size();
    return;
  }
  const size_t end = first + json_value_end(content_.substr(first));
  const bool one_line = std::memchr(content_.data() + first, '\n', end - first) == nullptr;
  size_t after = end;
  while (after < content_.size() && (content_[after] == ' ' || content_[after] == '\t' || content_[after] == '\r')) {
    ++after;
  }
  const bool more = skip_space(content_, after) < content_.size();
  layout_ = one_line && more && after < content_.size() && content_[after] == '\n' ? InputLayout::ndjson
                                                                                   : InputLayout::json_values;
  pos_ = first;
}

size_t RecordSplitter::line_at(size_t offset) noexcept {
  if (offset < line_offset_) {  // never happens for in-order records; recount to stay correct
    line_offset_ = 0;
    line_count_ = 1;
  }
  line_count_ += static_cast<size_t>(
      std::count(content_.data() + line_offset_, content_.data() + offset, '\n'));
  line_offset_ = offset;
  return line_count_;
}

bool RecordSplitter::next_value(std::string_view& value, size_t& start) {
  if (layout_ == InputLayout::ndjson) {
    while (pos_ < content_.size()) {
      const void* nl = std::memchr(content_.data() + pos_, '\n', content_.size() - pos_);
      const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - content_.data()) : content_.size();
      const std::string_view line = content_.substr(pos_, end - pos_);
      const std::string_view t = trim(line);
      const size_t line_start = pos_;
      pos_ = nl ? end + 1 : end;
      if (t.empty()) continue;
      value = t;
      start = line_start + static_cast<size_t>(t.data() - line.data());
      return true;
    }
    return false;
  }
  pos_ = skip_space(content_, pos_);
  if (pos_ >= content_.size()) return false;
  start = pos_;
  const size_t len = json_value_end(content_.substr(pos_));
  value = content_.substr(pos_, len);
  pos_ += len;
  return true;
}

void RecordSplitter::expand_value(std::string_view value, size_t start) {
  // value starts with '['; its elements are produced lazily from pending_.
  std::string_view inner = value.substr(1);
  if (json_value_end(value) == value.size() && value.size() >= 2 && value.back() == ']') {
    inner.remove_suffix(1);
  }
  pending_ = inner;
  pending_base_ = start + 1;
  in_array_ = true;
}

bool RecordSplitter::next_from_queue(InputRecord& out) {
  while (in_array_) {
    const size_t lead = skip_space(pending_, 0);
    if (lead == pending_.size()) {
      in_array_ = false;
      break;
    }
    const size_t cut = delimiter_at_depth0(pending_);
    const std::string_view element = trim(pending_.substr(0, cut));
    const size_t element_offset = pending_base_ + lead;
    const bool last = cut == pending_.size();
    pending_base_ += last ? cut : cut + 1;
    pending_ = last ? std::string_view() : pending_.substr(cut + 1);
    out = InputRecord{element, line_at(element_offset), element_offset, std::nullopt};
    if (element.empty()) out.problem = "empty array element (a stray comma)";
    return true;
  }
  return false;
}

bool RecordSplitter::next(InputRecord& out) {
  if (next_from_queue(out)) return true;
  std::string_view value;
  size_t start = 0;
  while (next_value(value, start)) {
    if (value[0] == '[') {
      expand_value(value, start);
      if (next_from_queue(out)) return true;
      continue;  // an empty array: no records
    }
    if (value[0] == '{' && might_be_page(value)) {
      // An API page: list.elements.order, parsed in place (the content is padded).
      simdjson::ondemand::parser parser;
      simdjson::ondemand::document doc;
      simdjson::ondemand::value list;
      simdjson::ondemand::value orders;
      std::string_view array_text;
      const auto capacity = content_.size() - start + simdjson::SIMDJSON_PADDING;
      auto error = parser.iterate(value.data(), value.size(), capacity).get(doc);
      if (!error) error = doc.find_field_unordered("list").get(list);
      if (error != simdjson::NO_SUCH_FIELD) {  // no "list" member: an order after all
        api_pages_ = true;
        if (!error) error = list["elements"]["order"].get(orders);
        if (error == simdjson::NO_SUCH_FIELD) continue;  // a page without orders
        simdjson::ondemand::json_type type{};
        simdjson::ondemand::array array;
        if (!error) error = orders.type().get(type);
        if (!error && type == simdjson::ondemand::json_type::null) continue;
        if (!error) error = orders.get_array().get(array);
        if (!error) error = array.raw_json().get(array_text);
        if (error) {
          out = InputRecord{value, line_at(start), start,
                            std::string("API page without a usable list.elements.order array: ") +
                                simdjson::error_message(error)};
          return true;
        }
        array_text = trim(array_text);
        expand_value(array_text, static_cast<size_t>(array_text.data() - content_.data()));
        if (next_from_queue(out)) return true;
        continue;
      }
    }
    out = InputRecord{value, line_at(start), start, std::nullopt};
    return true;
  }
  return false;
}

}  // namespace etl::pipeline

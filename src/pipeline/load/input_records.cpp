// Why one file of this size: every input layout `load` accepts (NDJSON, a JSON array, one object,
// an API page) is split by one splitter over one bounded window; the layouts differ in a few
// branches of it, not in separate passes, so they stay together.

#include "pipeline/load/input_records.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace etl::pipeline {

namespace {

constexpr size_t npos = std::string_view::npos;

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

// s[i] == '"' opens a string: the index just past its closing quote, npos if s ends inside it.
size_t string_close(std::string_view s, size_t i) noexcept {
  size_t from = i + 1;
  while (from < s.size()) {
    const void* q = std::memchr(s.data() + from, '"', s.size() - from);
    if (q == nullptr) return npos;
    const size_t at = static_cast<size_t>(static_cast<const char*>(q) - s.data());
    size_t backslashes = 0;
    while (at - backslashes > i + 1 && s[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at + 1;
    from = at + 1;
  }
  return npos;
}

// The one structural scan of the reader: walks s outside strings, counting bracket depth (kinds
// are not matched), and stops at the first ',' at depth 0 (when `at_comma`) or at the first
// closer at depth 0 (when `at_closer`; else such a stray closer is skipped, so garbage cannot
// swallow what follows). by == 0: s ended first, or inside a string.
struct Cut {
  size_t at;
  char by;
};
Cut structural_cut(std::string_view s, bool at_comma, bool at_closer) noexcept {
  size_t depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    switch (s[i]) {
      case '"': {
        const size_t e = string_close(s, i);
        if (e == npos) return {s.size(), 0};
        i = e - 1;
        break;
      }
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (depth > 0) {
          --depth;
        } else if (at_closer) {
          return {i, s[i]};
        }
        break;
      case ',':
        if (depth == 0 && at_comma) return {i, ','};
        break;
      default:
        break;
    }
  }
  return {s.size(), 0};
}

// Index of the first ',' outside strings and brackets, or s.size().
size_t delimiter_at_depth0(std::string_view s) noexcept {
  return structural_cut(s, true, false).at;
}

// Where the next element of a top-level array ends, s starting just after the previous delimiter:
// at a ',' or at the array's closing bracket (']', or a '}' that closes it too) outside strings
// and nested brackets. by == 0: s ended first.
Cut element_cut(std::string_view s) noexcept { return structural_cut(s, true, true); }

// json_value_end, and whether the value ended inside s (false: it runs to the end of s, where
// more bytes could continue it).
struct ValueEnd {
  size_t end;
  bool closed;
};
ValueEnd value_end(std::string_view s) noexcept {
  if (s.empty()) return {0, false};
  if (s[0] == '"') {
    const size_t e = string_close(s, 0);
    return e == npos ? ValueEnd{s.size(), false} : ValueEnd{e, true};
  }
  if (s[0] == '{' || s[0] == '[') {  // up to the closer that brings the depth back to 0
    const Cut c = structural_cut(s.substr(1), false, true);
    return c.by == 0 ? ValueEnd{s.size(), false} : ValueEnd{c.at + 2, true};
  }
  // A scalar (or garbage): up to the next delimiter; at least one byte so the caller advances.
  size_t i = 0;
  while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}' &&
         s[i] != '[' && s[i] != '{') {
    ++i;
  }
  if (i == s.size()) return {i, false};
  return {i == 0 ? 1 : i, true};
}

// Cheap pre-check before parsing an object as a possible API page: orders never have a "list" key.
bool might_be_page(std::string_view value) noexcept {
  return value.find("\"list\"") != std::string_view::npos;
}

}  // namespace

size_t json_value_end(std::string_view s) noexcept { return value_end(s).end; }

RecordSplitter::RecordSplitter(std::string_view content, size_t layout_probe_bytes)
    : content_(content) {
  detect_layout(layout_probe_bytes);
}

RecordSplitter::RecordSplitter(InputSource& source, size_t layout_probe_bytes)
    : content_(source.window()), base_(source.window_offset()), source_(&source), complete_(false) {
  pos_ = base_;
  line_offset_ = base_;
  detect_layout(layout_probe_bytes);
}

bool RecordSplitter::more(size_t keep_from) {
  if (complete_) return false;
  line_at(keep_from);
  complete_ = !source_->advance(keep_from);
  content_ = source_->window();
  base_ = source_->window_offset();
  return !complete_;
}

size_t RecordSplitter::skip_space_from(size_t offset, size_t keep_from) {
  for (;;) {
    offset = base_ + skip_space(content_, offset - base_);
    if (offset < end() || !more(keep_from == npos ? offset : keep_from)) return offset;
  }
}

void RecordSplitter::detect_layout(size_t probe_bytes) {
  // A UTF-8 byte order mark (files saved by some Windows tools) is not a record.
  while (content_.size() < 3 && more(base_)) {
  }
  const size_t bom = base_ == 0 && content_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const size_t first = skip_space_from(base_ + bom, npos);
  if (first == end()) {
    layout_ = InputLayout::empty;
    pos_ = end();
    return;
  }
  pos_ = first;
  first_line_ = line_at(first);
  // The first newline within probe_bytes (reading no further than needed: a pipe may be slow).
  size_t n = npos;  // its offset from first
  for (size_t scanned = first;;) {
    const size_t limit = std::min(end(), first + probe_bytes);
    if (const void* nl = std::memchr(content_.data() + (scanned - base_), '\n', limit - scanned)) {
      n = static_cast<size_t>(static_cast<const char*>(nl) - (content_.data() + (first - base_)));
      break;
    }
    scanned = limit;
    if (limit == first + probe_bytes || !more(first)) break;
  }
  if (n != npos) {
    // The first value fills one line if it ends before the first newline.
    const ValueEnd v = value_end(span(first, first + n + 1));
    const bool one_line = v.closed && v.end <= n;
    layout_ = one_line && ndjson_newline(first + v.end, first) != npos ? InputLayout::ndjson
                                                                       : InputLayout::json_values;
    return;
  }
  layout_ = InputLayout::json_values;
  if (complete_ && end() <= first + probe_bytes) return;  // no newline at all after the first value
  if (content_[first - base_] == '[') {
    // A long one-line array: split element by element; NDJSON or not is known at its end.
    layout_pending_ = Pending::until_array_end;
    return;
  }
  // A long first value that is held whole anyway (an order, a page, a string): scan it.
  ValueEnd v = value_end(from(first));
  while (!v.closed && more(first)) v = value_end(from(first));
  const bool one_line = std::memchr(content_.data() + (first - base_), '\n', v.end) == nullptr;
  if (one_line && ndjson_newline(first + v.end, first) != npos) layout_ = InputLayout::ndjson;
}

size_t RecordSplitter::ndjson_newline(size_t value_end_at, size_t keep_from) {
  // NDJSON when only blanks follow the first value on its line, and more content follows.
  size_t after = value_end_at;
  for (;;) {
    while (after < end() && (content_[after - base_] == ' ' || content_[after - base_] == '\t' ||
                             content_[after - base_] == '\r')) {
      ++after;
    }
    if (after < end() || !more(keep_from)) break;
  }
  if (after >= end() || content_[after - base_] != '\n') return npos;
  return skip_space_from(after, keep_from) < end() ? after : npos;
}

void RecordSplitter::decide_pending_layout() {
  layout_pending_ = Pending::no;
  const bool one_line = line_at(pos_) == first_line_;
  const size_t nl = one_line ? ndjson_newline(pos_, pos_) : npos;
  if (nl != npos) {
    layout_ = InputLayout::ndjson;
    pos_ = nl + 1;  // the rest is read line by line, as if the layout had been known from the start
  }
}

size_t RecordSplitter::line_at(size_t offset) noexcept {
  if (offset < line_offset_) {  // never happens for in-order records; recount to stay correct
    if (base_ != 0)
      return line_count_;  // the bytes before are gone (cannot happen: offsets only grow)
    line_offset_ = 0;
    line_count_ = 1;
  }
  line_count_ += static_cast<size_t>(std::count(content_.data() + (line_offset_ - base_),
                                                content_.data() + (offset - base_), '\n'));
  line_offset_ = offset;
  return line_count_;
}

bool RecordSplitter::next_value(std::string_view& value, size_t& start) {
  if (layout_ == InputLayout::ndjson) {
    for (;;) {
      const void* nl = nullptr;
      for (;;) {
        nl = std::memchr(content_.data() + (pos_ - base_), '\n', end() - pos_);
        if (nl != nullptr || !more(pos_)) break;
      }
      if (nl == nullptr && pos_ >= end()) return false;
      const size_t line_end =
          nl ? base_ + static_cast<size_t>(static_cast<const char*>(nl) - content_.data()) : end();
      const std::string_view line = span(pos_, line_end);
      const std::string_view t = trim(line);
      const size_t line_start = pos_;
      pos_ = nl ? line_end + 1 : line_end;
      if (t.empty()) continue;
      value = t;
      start = line_start + static_cast<size_t>(t.data() - line.data());
      return true;
    }
  }
  // One value of a sequence; next() skipped the space before it and took top-level arrays.
  ValueEnd v = value_end(from(pos_));
  while (!v.closed && more(pos_)) v = value_end(from(pos_));
  start = pos_;
  value = span(pos_, pos_ + v.end);
  pos_ += v.end;
  return true;
}

void RecordSplitter::expand_value(std::string_view value, size_t start) {
  // value starts with '['; its elements are produced lazily from [pending_base_, pending_end_).
  size_t inner = value.size() - 1;
  if (json_value_end(value) == value.size() && value.size() >= 2 && value.back() == ']') --inner;
  pending_base_ = start + 1;
  pending_end_ = pending_base_ + inner;
  in_array_ = true;
  array_open_ = false;
}

bool RecordSplitter::next_from_queue(InputRecord& out) {
  if (in_array_ && array_open_) {
    while (in_array_) {
      if (next_from_open_array(out)) return true;
    }
    return false;
  }
  while (in_array_) {
    const std::string_view pending = span(pending_base_, pending_end_);
    const size_t lead = skip_space(pending, 0);
    if (lead == pending.size()) {
      in_array_ = false;
      break;
    }
    const size_t cut = delimiter_at_depth0(pending);
    const std::string_view element = trim(pending.substr(0, cut));
    const size_t element_offset = pending_base_ + lead;
    const bool last = cut == pending.size();
    pending_base_ += last ? cut : cut + 1;
    out = InputRecord{element, line_at(element_offset), element_offset, std::nullopt};
    if (element.empty()) out.problem = "empty array element (a stray comma)";
    return true;
  }
  return false;
}

bool RecordSplitter::next_from_open_array(InputRecord& out) {
  // Same elements as expand_value() on the array's whole text, found without reading ahead of them.
  std::string_view rest;
  size_t lead = 0;
  Cut cut{};
  for (;;) {
    rest = from(pending_base_);
    lead = skip_space(rest, 0);
    cut = lead < rest.size() ? element_cut(rest) : Cut{rest.size(), 0};
    if (cut.by != 0 || complete_) break;
    more(pending_base_);  // the element may go on past the bytes held
  }
  const size_t element_offset = pending_base_ + lead;
  std::string_view element;
  size_t array_end = npos;
  switch (cut.by) {
    case ',':
      element = trim(rest.substr(0, cut.at));
      pending_base_ += cut.at + 1;
      break;
    case ']':
      element = trim(rest.substr(0, cut.at));
      array_end = pending_base_ + cut.at + 1;
      break;
    case '}':  // the whole-text split keeps a closing '}' in the last element
      element = trim(rest.substr(0, cut.at + 1));
      array_end = pending_base_ + cut.at + 1;
      break;
    default:  // the input ends inside the array: the rest is its last element, less a final ']'
      element = rest;
      if (!element.empty() && element.back() == ']') element.remove_suffix(1);
      element = trim(element);
      array_end = end();
      break;
  }
  if (array_end != npos) {
    in_array_ = false;
    array_open_ = false;
    pos_ = array_end;
    if (layout_pending_ == Pending::until_array_end) layout_pending_ = Pending::now;
    if (element.empty()) return false;  // "[]", "[1, ]": no element after the last delimiter
  }
  out = InputRecord{element, line_at(element_offset), element_offset, std::nullopt};
  if (element.empty()) out.problem = "empty array element (a stray comma)";
  return true;
}

bool RecordSplitter::next(InputRecord& out) {
  if (next_from_queue(out)) return true;
  std::string_view value;
  size_t start = 0;
  for (;;) {
    if (layout_pending_ == Pending::now) decide_pending_layout();
    if (layout_ != InputLayout::ndjson) {
      pos_ = skip_space_from(pos_, npos);
      if (pos_ >= end()) return false;
      if (content_[pos_ - base_] ==
          '[') {  // a top-level array: split as it is read, never held whole
        in_array_ = true;
        array_open_ = true;
        pending_base_ = pos_ + 1;
        if (next_from_queue(out)) return true;
        continue;  // an empty array: no records
      }
    }
    if (!next_value(value, start)) return false;
    if (value[0] == '[') {  // an array on an NDJSON line
      expand_value(value, start);
      if (next_from_queue(out)) return true;
      continue;  // an empty array: no records
    }
    if (value[0] == '{' && might_be_page(value)) {
      // An API page: list.elements.order, parsed in place (the content is padded). simdjson may
      // read up to SIMDJSON_PADDING bytes past the value, and on a malformed page what it finds
      // there can change its answer: hold them, so the answer does not depend on the reading.
      const size_t value_size = value.size();
      while (end() < start + value_size + simdjson::SIMDJSON_PADDING && more(start)) {
      }
      value = span(start, start + value_size);
      simdjson::ondemand::parser parser;
      simdjson::ondemand::document doc;
      simdjson::ondemand::value list;
      simdjson::ondemand::value orders;
      std::string_view array_text;
      const auto capacity = end() - start + simdjson::SIMDJSON_PADDING;
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
        expand_value(array_text, base_ + static_cast<size_t>(array_text.data() - content_.data()));
        if (next_from_queue(out)) return true;
        continue;
      }
    }
    out = InputRecord{value, line_at(start), start, std::nullopt};
    return true;
  }
}

}  // namespace etl::pipeline

#pragma once
// Splits a `load` input file into records for the order mapping, detecting its layout:
//  - NDJSON: one JSON value per line (detected when the first value ends on its first line and
//    more content follows). Lines are split on '\n' only, so one broken line never affects the
//    next. A line may be an order, an array of orders, or an API page.
//  - otherwise a sequence of whitespace-separated JSON values (usually exactly one): a JSON array
//    of orders (the original project's saved-response files), a pretty-printed order, or an API
//    page `{"list":{"elements":{"order":[...]}}}` (as GET /v3/orders returns it).
// A top-level array yields one record per element; an API page (an object with a top-level "list")
// yields one record per element of list.elements.order; anything else is one record. A record that is not valid JSON is still
// returned (the mapping rejects it, with its position, into the dead letter): nothing is skipped.
//
// Pure and allocation-free per record: records are views into the content, which must outlive them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace etl::pipeline {

enum class InputLayout { empty, ndjson, json_values };

struct InputRecord {
  std::string_view bytes;  // one message for OrderMapper::parse_message
  size_t line = 1;         // 1-based line of the content where the record starts
  size_t offset = 0;       // byte offset in the content where the record starts
  // Set when the record cannot be a valid message whatever the mapping says (e.g. an API page
  // whose order list is not an array); the record then goes to the dead letter with this reason.
  std::optional<std::string> problem;
};

class RecordSplitter {
 public:
  // `content` must be followed by simdjson::SIMDJSON_PADDING readable bytes (e.g. the data of a
  // simdjson::padded_string): API pages are parsed in place.
  explicit RecordSplitter(std::string_view content);

  [[nodiscard]] InputLayout layout() const noexcept { return layout_; }
  // True once an API page was seen.
  [[nodiscard]] bool api_pages() const noexcept { return api_pages_; }
  // Bytes consumed so far (for progress).
  [[nodiscard]] size_t position() const noexcept { return in_array_ ? pending_base_ : pos_; }

  // The next record; false at the end of the content.
  bool next(InputRecord& out);

 private:
  bool next_value(std::string_view& value, size_t& start);  // next top-level value (by layout)
  bool next_from_queue(InputRecord& out);
  void expand_value(std::string_view value, size_t start);  // array / page -> queued elements
  size_t line_at(size_t offset) noexcept;

  std::string_view content_;
  InputLayout layout_ = InputLayout::empty;
  bool api_pages_ = false;
  size_t pos_ = 0;

  // Elements of the current array or page, produced one by one.
  std::string_view pending_;     // the rest of the current array's contents after the last element
  size_t pending_base_ = 0;      // offset of pending_ in content_
  bool in_array_ = false;
  std::optional<InputRecord> queued_;

  size_t line_offset_ = 0;  // line_at() cache: newlines counted up to here
  size_t line_count_ = 1;
};

// The end (one past the closing bracket/quote/last char) of the JSON value starting at s[0], by a
// structural scan that honours strings and escapes; s.size() if it never closes. Exposed for tests.
size_t json_value_end(std::string_view s) noexcept;

}  // namespace etl::pipeline

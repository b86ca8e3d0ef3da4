#pragma once
// Splits a `load` input into records for the order mapping, detecting its layout:
//  - NDJSON: one JSON value per line (detected when the first value ends on its first line and
//    more content follows). Lines are split on '\n' only, so one broken line never affects the
//    next. A line may be an order, an array of orders, or an API page.
//  - otherwise a sequence of whitespace-separated JSON values (usually exactly one): a JSON array
//    of orders (the original project's saved-response files), a pretty-printed order, or an API
//    page `{"list":{"elements":{"order":[...]}}}` (as GET /v3/orders returns it).
// A top-level array yields one record per element; an API page (an object with a top-level "list")
// yields one record per element of list.elements.order; anything else is one record. A record that
// is not valid JSON is still returned (the mapping rejects it, with its position, into the dead
// letter): nothing is skipped.
//
// Bounded memory: the splitter reads its input front to back and needs only the bytes from the
// start of the record it last returned up to the end of the next one. Given an InputSource it
// pulls bytes as it needs them and lets the source drop the rest, so a file of any size is split
// in memory proportional to its largest record (a top-level array is split element by element,
// never held whole; an API page and a single order are held whole while they are split). Given the
// whole content it splits that, allocation-free per record. Both ways give the same records.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace etl::pipeline {

enum class InputLayout { empty, ndjson, json_values };

struct InputRecord {
  std::string_view
      bytes;          // one message for OrderMapper::parse_message; valid until the next next()
  size_t line = 1;    // 1-based line of the content where the record starts
  size_t offset = 0;  // byte offset in the content where the record starts
  // Set when the record cannot be a valid message whatever the mapping says (e.g. an API page
  // whose order list is not an array); the record then goes to the dead letter with this reason.
  std::optional<std::string> problem;
};

// An input whose bytes arrive over time (a pipe, or a file read piece by piece): the splitter holds
// a window of it and asks for more when a record runs past the window's end.
class InputSource {
 public:
  virtual ~InputSource() = default;
  // The bytes held: window()[0] is the input's byte at offset window_offset(). Followed by
  // simdjson::SIMDJSON_PADDING readable bytes (API pages are parsed in place).
  [[nodiscard]] virtual std::string_view window() const noexcept = 0;
  [[nodiscard]] virtual size_t window_offset() const noexcept = 0;
  // Drops the bytes before input offset `keep_from` (window_offset() <= keep_from <= the window's
  // end) and appends more. Returns false, appending nothing, at the end of the input. Invalidates
  // every view into window(). Throws on a read error.
  virtual bool advance(size_t keep_from) = 0;
};

// When the first value of an input is an array with no newline in its first this-many bytes, the
// layout (NDJSON or not) is known only at the array's end; layout() says json_values until then.
// The records are the same either way.
inline constexpr size_t kLayoutProbeBytes = size_t{8} << 20;

class RecordSplitter {
 public:
  // The whole input. `content` must be followed by simdjson::SIMDJSON_PADDING readable bytes (e.g.
  // the data of a simdjson::padded_string): API pages are parsed in place. Records are views into
  // `content`, which must outlive them.
  explicit RecordSplitter(std::string_view content, size_t layout_probe_bytes = kLayoutProbeBytes);
  // An input read as it is split (the constructor reads up to the first newline, at most
  // layout_probe_bytes, to detect the layout). `source` must outlive the splitter; records are
  // valid until the next next().
  explicit RecordSplitter(InputSource& source, size_t layout_probe_bytes = kLayoutProbeBytes);

  [[nodiscard]] InputLayout layout() const noexcept { return layout_; }
  // True once an API page was seen.
  [[nodiscard]] bool api_pages() const noexcept { return api_pages_; }
  // Bytes consumed so far (for progress).
  [[nodiscard]] size_t position() const noexcept { return in_array_ ? pending_base_ : pos_; }

  // The next record; false at the end of the content.
  bool next(InputRecord& out);

 private:
  void detect_layout(size_t probe_bytes);
  // The offset of the newline ending the first line if the input is NDJSON, given the end of the
  // first value (which has no newline before it), else npos.
  size_t ndjson_newline(size_t value_end_at, size_t keep_from);
  void decide_pending_layout();
  bool next_value(std::string_view& value, size_t& start);  // next top-level value (by layout)
  bool next_from_queue(InputRecord& out);
  bool next_from_open_array(InputRecord& out);
  void expand_value(std::string_view value, size_t start);  // array / page -> queued elements
  size_t line_at(size_t offset) noexcept;

  // The bytes held: content_[0] is at input offset base_. Every position below is an input offset.
  [[nodiscard]] size_t end() const noexcept { return base_ + content_.size(); }
  [[nodiscard]] std::string_view from(size_t offset) const noexcept {
    return content_.substr(offset - base_);
  }
  [[nodiscard]] std::string_view span(size_t a, size_t b) const noexcept {
    return content_.substr(a - base_, b - a);
  }
  // Asks the source for more bytes, keeping those from `keep_from` on (no earlier position may be
  // read again, except by line_at, which counts up to keep_from first). False at the end.
  bool more(size_t keep_from);
  // Like skip_space, reading more as needed; keep_from npos: keep from the first non-space byte.
  size_t skip_space_from(size_t offset, size_t keep_from);

  std::string_view content_;
  size_t base_ = 0;
  InputSource* source_ = nullptr;  // null: content_ is the whole input
  bool complete_ = true;           // content_ reaches the end of the input

  InputLayout layout_ = InputLayout::empty;
  // See kLayoutProbeBytes: the layout is decided once the first value, an array, has ended.
  enum class Pending { no, until_array_end, now };
  Pending layout_pending_ = Pending::no;
  size_t first_line_ = 1;  // line of the first value (for layout_pending_)
  bool api_pages_ = false;
  size_t pos_ = 0;

  // Elements of the current array or page, produced one by one.
  bool in_array_ = false;
  bool array_open_ = false;  // a top-level array, ending where its closing bracket is found
  size_t pending_base_ = 0;  // offset of the rest of the current array after the last element
  size_t pending_end_ = 0;   // end of the array's elements (not for array_open_)

  size_t line_offset_ = 0;  // line_at() cache: newlines counted up to here
  size_t line_count_ = 1;
};

// The end (one past the closing bracket/quote/last char) of the JSON value starting at s[0], by a
// structural scan that honours strings and escapes; s.size() if it never closes. Exposed for tests.
size_t json_value_end(std::string_view s) noexcept;

}  // namespace etl::pipeline

#pragma once
// What must hold for any `load` input, however it is read (shared by tests/unit/pipeline/load and
// the libFuzzer target fuzz/input_splitter_fuzz.cpp; no test framework inside):
//  - every record is the slice of the input at its offset, and its line is 1 + the newlines
//    before that offset; offsets never go backwards;
//  - splitting the whole input and splitting it from a source that reveals it `chunk` bytes at a
//    time give the same records, problems, layout and api_pages — whatever the layout probe size.

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/load/input_records.hpp"

namespace etl::pipeline::test {

// Reveals `text` `chunk` bytes per advance(), into a fresh buffer each time (the old one is
// overwritten first, so a view kept across advance() reads garbage and the check fails).
// misuse() is set when the splitter asks to keep bytes outside the window.
class ChunkedSource final : public InputSource {
 public:
  ChunkedSource(std::string text, size_t chunk) : text_(std::move(text)), chunk_(chunk) {
    hold(0, 0);
  }
  [[nodiscard]] std::string_view window() const noexcept override {
    return {buffer_.get(), length_};
  }
  [[nodiscard]] size_t window_offset() const noexcept override { return offset_; }
  bool advance(size_t keep_from) override {
    if (keep_from < offset_ || keep_from > offset_ + length_) {
      misuse_ = true;
      keep_from = std::clamp(keep_from, offset_, offset_ + length_);
    }
    const size_t end = offset_ + length_;
    const bool more = end < text_.size();
    hold(keep_from, std::min(text_.size(), end + chunk_));
    return more;
  }
  [[nodiscard]] size_t max_window() const noexcept { return max_window_; }
  [[nodiscard]] bool misuse() const noexcept { return misuse_; }

 private:
  void hold(size_t from, size_t to) {
    if (buffer_) std::memset(buffer_.get(), '#', length_);
    buffer_ = std::make_unique<char[]>(to - from + simdjson::SIMDJSON_PADDING);
    std::memcpy(buffer_.get(), text_.data() + from, to - from);
    offset_ = from;
    length_ = to - from;
    max_window_ = std::max(max_window_, length_);
  }
  std::string text_;
  size_t chunk_;
  std::unique_ptr<char[]> buffer_;
  size_t offset_ = 0;
  size_t length_ = 0;
  size_t max_window_ = 0;
  bool misuse_ = false;
};

struct SplitRecords {
  InputLayout layout = InputLayout::empty;
  bool pages = false;
  std::vector<std::string> bytes;
  std::vector<size_t> lines;
  std::vector<size_t> offsets;
  std::vector<std::string> problems;  // "" when none
  bool operator==(const SplitRecords&) const = default;
};

inline SplitRecords drain_records(RecordSplitter& s) {
  SplitRecords out;
  InputRecord r;
  while (s.next(r)) {
    out.bytes.emplace_back(r.bytes);
    out.lines.push_back(r.line);
    out.offsets.push_back(r.offset);
    out.problems.push_back(r.problem.value_or(""));
  }
  out.layout = s.layout();  // once read to the end (the layout may settle late)
  out.pages = s.api_pages();
  return out;
}

// "" when everything above holds for `text` read whole and `chunk` bytes at a time with this
// layout probe size; else what broke.
inline std::string find_split_violation(const std::string& text, size_t chunk,
                                        size_t probe = kLayoutProbeBytes) {
  const simdjson::padded_string content(text);
  RecordSplitter whole_splitter(std::string_view(content.data(), content.size()), probe);
  const SplitRecords whole = drain_records(whole_splitter);
  if (whole_splitter.position() != text.size()) return "the whole input was not consumed";
  size_t newlines = 0;
  size_t counted_to = 0;
  for (size_t i = 0; i < whole.bytes.size(); ++i) {
    const size_t at = whole.offsets[i];
    if (at < counted_to) return "record " + std::to_string(i) + " starts before the previous one";
    if (at > text.size() || whole.bytes[i].size() > text.size() - at ||
        std::string_view(text).substr(at, whole.bytes[i].size()) != whole.bytes[i]) {
      return "record " + std::to_string(i) + " is not the input's slice at its offset";
    }
    newlines +=
        static_cast<size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted_to),
                                       text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    counted_to = at;
    if (whole.lines[i] != newlines + 1)
      return "record " + std::to_string(i) + " has the wrong line";
  }
  ChunkedSource source(text, chunk);
  RecordSplitter chunked_splitter(source, probe);
  const SplitRecords chunked = drain_records(chunked_splitter);
  if (source.misuse()) return "the splitter asked to keep bytes outside the window";
  if (!(chunked == whole))
    return "reading " + std::to_string(chunk) + " byte(s) at a time gives other records";
  return "";
}

}  // namespace etl::pipeline::test

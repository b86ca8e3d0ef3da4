#pragma once
// A minimal, fast JSON appender for the simulator's responses (the hot path renders ~3 KB per
// order). It writes compact JSON into a caller-owned std::string; keys are trusted literals,
// string values are escaped (UTF-8 passes through untouched). Money is written from integer
// cents as a JSON number, the way Walmart prints it: 12 / 29.5 / 24.99 (never a binary float).

#include <cstdint>
#include <string>
#include <string_view>

namespace etl::walmart::sim {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  void begin_object() {
    separate();
    out_.push_back('{');
    need_comma_ = false;
  }
  void end_object() {
    out_.push_back('}');
    need_comma_ = true;
  }
  void begin_array() {
    separate();
    out_.push_back('[');
    need_comma_ = false;
  }
  void end_array() {
    out_.push_back(']');
    need_comma_ = true;
  }

  // Writes ,"k": — the next call must write the value.
  void key(std::string_view k) {
    if (need_comma_) out_.push_back(',');
    out_.push_back('"');
    out_.append(k);
    out_.append("\":", 2);
    need_comma_ = false;
  }

  void string(std::string_view v) {
    separate();
    append_escaped(out_, v);
    need_comma_ = true;
  }
  void integer(int64_t v);
  void money(int64_t cents);
  void null() {
    separate();
    out_.append("null", 4);
    need_comma_ = true;
  }
  void boolean(bool b) {
    separate();
    out_.append(b ? "true" : "false");
    need_comma_ = true;
  }

  void field(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void field_int(std::string_view k, int64_t v) {
    key(k);
    integer(v);
  }
  void field_null(std::string_view k) {
    key(k);
    null();
  }

  // Appends v as a JSON string literal (with quotes) to out.
  static void append_escaped(std::string& out, std::string_view v);

 private:
  void separate() {
    if (need_comma_) out_.push_back(',');
  }

  std::string& out_;
  bool need_comma_ = false;
};

// "24.99", "29.5", "12", "-2.37" for integer cents (what JsonWriter::money writes).
std::string format_money(int64_t cents);

}  // namespace etl::walmart::sim

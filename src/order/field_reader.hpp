#pragma once
// Internal to the order mapping: reads On-Demand values into columns (the conversions of
// docs/data-model.md), validates everything it reads or skips (simdjson On-Demand does not validate
// skipped values, numbers or literals by itself), records conversion warnings, and drives
// object/list iteration with the duplicate-key rule (last occurrence wins; see OrderMapper).
//
// Ownership: text views returned by the reader point either into the message buffer or into the
// order's scratch buffer (unescaped strings); the mapper relocates them into the order's arena.

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "order/json_text.hpp"
#include "order/order_mapper.hpp"
#include "order/order_types.hpp"

namespace etl::order::detail {

namespace od = simdjson::ondemand;

// A JSON path segment, built on the stack while descending; rendered only for warnings/errors.
struct PathSeg {
  const PathSeg* parent = nullptr;
  std::string_view name;  // empty for the order object itself
  int index = -1;         // >= 0: rendered as "[index]" (an element of a JSON array)
  int depth = 1;          // nesting depth of the value this path names

  [[nodiscard]] PathSeg child(std::string_view n) const { return {this, n, -1, depth + 1}; }
  // The index-th element of the JSON array this segment names.
  [[nodiscard]] PathSeg element(int i) const { return {parent, name, i, depth + 1}; }
};
std::string render_path(const PathSeg& p);

enum class Kind : uint8_t { string, number, true_value, false_value, null, object, array };
const char* kind_name(Kind k) noexcept;  // "a string", "an object", ...

// A validated token. string: the raw content between the quotes (escapes not yet decoded);
// number/true/false/null: the literal text; object/array: the opening bracket.
struct Token {
  Kind kind = Kind::null;
  std::string_view text;
};

enum class Step : uint8_t {
  ok,
  fail,     // invalid JSON or an internal limit: FieldReader::failure() says why
  restart,  // a duplicate key was met in fast mode: re-run the message in last-wins mode
};

enum class IntWidth : uint8_t { bigint, int32 };

class FieldReader {
 public:
  // The message: its first byte (offsets in error messages are relative to it).
  void begin_message(const char* message_begin, bool last_wins) noexcept {
    message_begin_ = message_begin;
    last_wins_ = last_wins;
    failure_.clear();
  }
  // One order: where warnings go, and the scratch buffer for decoded strings.
  void begin_order(std::vector<ConversionWarning>* warnings, char* scratch,
                   size_t scratch_capacity) noexcept {
    warnings_ = warnings;
    warning_count_ = 0;
    scratch_ = scratch;
    scratch_capacity_ = scratch_capacity;
    scratch_used_ = 0;
  }

  [[nodiscard]] const std::string& failure() const noexcept { return failure_; }
  [[nodiscard]] size_t warning_count() const noexcept { return warning_count_; }
  [[nodiscard]] const char* scratch() const noexcept { return scratch_; }
  [[nodiscard]] size_t scratch_used() const noexcept { return scratch_used_; }

  // Reserves n bytes of scratch; nullptr when the (provably sufficient) capacity is exceeded.
  char* scratch_alloc(size_t n) noexcept {
    if (n > scratch_capacity_ - scratch_used_) return nullptr;
    char* p = scratch_ + scratch_used_;
    scratch_used_ += n;
    return p;
  }

  // --- tokens and validation ---------------------------------------------------------------
  Step token(od::value& v, Token& t);
  // Validates v completely (nesting limited to kMaxNestingDepth) and discards it.
  Step walk(od::value& v, int depth);

  // --- column conversions: each reads v, sets out (nullopt = NULL), warns when needed --------
  Step text(od::value& v, const PathSeg& p, size_t max_chars, OptText& out);
  Step text_max_bytes(od::value& v, const PathSeg& p, size_t max_bytes, OptText& out);
  Step integer(od::value& v, const PathSeg& p, IntWidth w, OptInt& out);
  Step decimal(od::value& v, const PathSeg& p, OptCents& out);
  Step epoch_ms(od::value& v, const PathSeg& p, OptInt& raw, OptEpochSeconds& formatted);
  Step datetime(od::value& v, const PathSeg& p, OptEpochSeconds& out);
  // For identifiers (purchaseOrderId, lineNumber): the value, or a problem description
  // ("not an integer (INT): \"1.0\"") for the bad-record reason; null gives neither. No warning
  // is recorded.
  Step identifier(od::value& v, const PathSeg& p, IntWidth w, std::optional<int64_t>& out,
                  std::string& problem);

  void warn(const PathSeg& p, std::string detail);
  Step fail_json(simdjson::error_code e);
  Step fail(std::string reason);

  // --- containers ------------------------------------------------------------------------------
  // Iterates the fields of an object, calling h(key_index, value) for each field whose key is
  // in `keys` (the last occurrence only, when the key repeats) and validating all other fields.
  template <size_t N, class H>
  Step fields(od::object& o, const PathSeg& p, const std::array<std::string_view, N>& keys, H&& h);
  template <size_t N, class H>
  Step fields(od::value& v, const PathSeg& p, const std::array<std::string_view, N>& keys, H&& h) {
    od::object o;
    if (auto e = v.get_object().get(o)) return fail_json(e);
    return fields(o, p, keys, h);
  }
  // An object column group: null -> nothing; not an object -> one warning, every column under
  // it stays NULL; an object -> fields().
  template <size_t N, class H>
  Step object(od::value& v, const PathSeg& p, const std::array<std::string_view, N>& keys, H&& h);
  // A list (spec: "a single object where a list is expected counts as a one-element list"):
  // t is v's token, already read by the caller and of kind array or object. Calls
  // h(element, element_path, index) for each element.
  template <class H>
  Step list(od::value& v, const Token& t, const PathSeg& p, H&& h);

 private:
  // The key of f, decoded when it has escapes. `value_start` is the first byte of f's value: the
  // key's closing quote is the last non-blank byte before the ':' that precedes it (simdjson
  // checked that ':').
  Step read_key(od::field& f, const char* value_start, std::string_view& key);
  // Decodes a string token's content (escapes) into scratch when needed.
  Step string_content(const Token& t, std::string_view& out);
  // text()/text_max_bytes(): a string value (numbers and booleans as their text), cut to `limit`
  // code points or bytes.
  Step limited_text(od::value& v, const PathSeg& p, size_t limit, bool limit_in_bytes,
                    OptText& out);
  void put_text(const PathSeg& p, std::string_view s, size_t limit, bool limit_in_bytes,
                OptText& out);
  template <size_t N>
  static int match_key(std::string_view key, const std::array<std::string_view, N>& keys) noexcept {
    for (size_t i = 0; i < N; ++i) {
      if (keys[i].size() == key.size() &&
          std::memcmp(keys[i].data(), key.data(), key.size()) == 0) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  const char* message_begin_ = nullptr;
  const char* last_token_ = nullptr;
  bool last_wins_ = false;
  std::string failure_;
  std::vector<ConversionWarning>* warnings_ = nullptr;
  size_t warning_count_ = 0;
  char* scratch_ = nullptr;
  size_t scratch_capacity_ = 0;
  size_t scratch_used_ = 0;
  char key_buf_[256];  // decoded keys that contained escapes (only used for matching)
};

template <size_t N, class H>
Step FieldReader::fields(od::object& o, const PathSeg& p,
                         const std::array<std::string_view, N>& keys, H&& h) {
  static_assert(N <= 32, "key bitmask is 32 bits");
  std::array<int, N> last;
  last.fill(-1);
  if (last_wins_) {
    // Pre-pass: find the last occurrence of every known key, then rewind the object.
    int idx = 0;
    for (auto f : o) {
      od::field fl;
      if (auto e = std::move(f).get(fl)) return fail_json(e);
      std::string_view key;
      if (Step s = read_key(fl, fl.value().raw_json_token().data(), key); s != Step::ok) return s;
      if (const int k = match_key(key, keys); k >= 0) last[k] = idx;
      ++idx;
    }
    bool unused;
    if (auto e = o.reset().get(unused)) return fail_json(e);
  }
  uint32_t seen = 0;
  int idx = 0;
  for (auto f : o) {
    od::field fl;
    if (auto e = std::move(f).get(fl)) return fail_json(e);
    od::value& v = fl.value();
    std::string_view key;
    if (Step s = read_key(fl, v.raw_json_token().data(), key); s != Step::ok) return s;
    const int k = match_key(key, keys);
    Step s;
    if (k < 0 || (last_wins_ && last[k] != idx)) {
      s = walk(v, p.depth + 1);
    } else {
      if (!last_wins_) {
        if (seen & (uint32_t{1} << k)) return Step::restart;
        seen |= uint32_t{1} << k;
      }
      s = h(k, v);
    }
    if (s != Step::ok) return s;
    ++idx;
  }
  return Step::ok;
}

template <size_t N, class H>
Step FieldReader::object(od::value& v, const PathSeg& p,
                         const std::array<std::string_view, N>& keys, H&& h) {
  Token t;
  if (Step s = token(v, t); s != Step::ok) return s;
  if (t.kind == Kind::null) return Step::ok;
  if (t.kind != Kind::object) {
    warn(p, std::string("expected an object, found ") + kind_name(t.kind));
    return walk(v, p.depth);
  }
  return fields(v, p, keys, h);
}

template <class H>
Step FieldReader::list(od::value& v, const Token& t, const PathSeg& p, H&& h) {
  if (t.kind == Kind::object) return h(v, p, 0);
  od::array a;
  if (auto e = v.get_array().get(a)) return fail_json(e);
  int i = 0;
  for (auto elem : a) {
    od::value ev;
    if (auto e = std::move(elem).get(ev)) return fail_json(e);
    const PathSeg ep = p.element(i);
    if (Step s = h(ev, ep, i); s != Step::ok) return s;
    ++i;
  }
  return Step::ok;
}

}  // namespace etl::order::detail

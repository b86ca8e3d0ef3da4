#pragma once
// A deliberately tiny JSON reader for the e2e verifier. It shares no code with the project's
// order mapping (simdjson On-Demand in src/order), so a bug there cannot hide itself here.
// Numbers keep their own text (money is summed in integer cents from it, never through a
// double); strings are decoded (\uXXXX and surrogate pairs to UTF-8).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etl::e2e {

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  std::string text;              // string (decoded), number (as written), true/false
  std::vector<JsonValue> items;  // array
  std::vector<std::pair<std::string, JsonValue>> members;  // object, in document order

  // Member `key` of an object (first occurrence), or nullptr (absent, or not an object).
  [[nodiscard]] const JsonValue* get(std::string_view key) const;
  [[nodiscard]] bool is_null() const { return kind == Kind::null; }
};

// Parses one complete JSON text. Throws std::runtime_error naming the byte offset on bad input.
JsonValue parse_json(std::string_view text);

// "39.97" / "-5" / "3.4" / "1.005" -> cents, rounded half away from zero. Throws on non-numbers.
int64_t decimal_text_to_cents(std::string_view text);

}  // namespace etl::e2e

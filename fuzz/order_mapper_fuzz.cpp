// libFuzzer target over OrderMapper::parse_message. Beyond "no crash, no sanitizer report" it
// aborts when a result breaks the guarantees the sink relies on
// (tools/testing/order_invariants.hpp: views inside the arena, valid UTF-8 within column widths,
// sorted lines, decimal and timestamp ranges, ...) or when parsing the same bytes twice on the
// reused mapper gives another result (state leaking from one message to the next).
//
// Build and run: see fuzz/README.md.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "order/order_mapper.hpp"
#include "tools/testing/order_invariants.hpp"

namespace {

// A compact fingerprint of a result, to compare two parses of the same bytes.
std::string fingerprint(const etl::order::MessageParseResult& r) {
  std::string s =
      r.bad ? "bad:" + r.bad->reason + "|" +
                  (r.bad->purchase_order_id ? std::to_string(*r.bad->purchase_order_id) : "")
            : "ok";
  s += "|w" + std::to_string(r.conversion_warnings);
  for (const auto& o : r.orders) {
    s += "|" + std::to_string(o.purchase_order_id) + ":" + std::to_string(o.lines.size()) + ":" +
         std::to_string(o.charges.size()) + ":" + std::string(o.raw_json);
    for (const auto& l : o.lines) {
      s += ":" + std::to_string(l.line_number);
      if (l.product_name) s += std::string(*l.product_name);
      if (l.charge_amount) s += "$" + std::to_string(*l.charge_amount);
    }
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static etl::order::OrderMapper mapper;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const etl::order::MessageParseResult first = mapper.parse_message(bytes);
  if (const std::string v = etl::order::find_invariant_violation(first); !v.empty()) {
    std::fprintf(stderr, "invariant violated: %s\n", v.c_str());
    std::abort();
  }
  const etl::order::MessageParseResult second = mapper.parse_message(bytes);
  if (fingerprint(first) != fingerprint(second)) {
    std::fprintf(stderr, "two parses of the same bytes differ\n");
    std::abort();
  }
  return 0;
}

#pragma once
// Checks the guarantees a MessageParseResult gives its users (the MySQL sink, the stream): every
// view inside its order's arena, valid UTF-8 within the column widths, lines sorted by
// lineNumber, charges keyed to their lines, decimals and timestamps inside the column ranges.
// Used by the unit tests, the fuzz target and the fuzz-corpus regression test.

#include <string>

#include "order/order_mapper.hpp"

namespace etl::order {

// Empty when every invariant holds; otherwise a description of the first violation.
std::string find_invariant_violation(const MessageParseResult& r);

}  // namespace etl::order

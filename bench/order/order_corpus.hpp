#pragma once
// A generated, realistic corpus of Walmart order messages for the mapping benchmark: compact JSON
// as fetch produces it, about 2 KB per order, 1-4 lines, 1-2 charges per line, explicit nulls
// where the API sends them (address2, tax, cancellationReason, trackingInfo, carrier, ...),
// request_time added. Synthetic values only; deterministic for a given seed.

#include <cstdint>
#include <string>
#include <vector>

namespace etl::order::bench {

std::vector<std::string> generate_order_messages(size_t count, uint64_t seed = 42);

}  // namespace etl::order::bench

#pragma once
// What requests to the Walmart API cost, as paced_get() counts them (orders and returns). The fetch
// job's own counters (pipeline/fetch/stats.hpp) extend this one type, so a page's cost is counted
// straight into them and summed with them.

#include <cstdint>

namespace etl::walmart {

struct RequestCounters {
  uint64_t requests = 0;         // HTTP requests sent
  uint64_t retries = 0;          // re-sent after a retriable failure (not counting 429s)
  uint64_t throttled = 0;        // 429 answers
  uint64_t slowdowns = 0;        // 429s that lowered the shared pace
  uint64_t token_refreshes = 0;  // 401 answered by getting a new token
};

}  // namespace etl::walmart

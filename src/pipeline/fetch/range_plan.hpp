#pragma once
// Which range of instants one ship-node type is fetched over - a pure function of the request, the
// server's clock and the type's watermark (no I/O: RunWatermarks, fetch_watermarks.hpp, reads those
// and hands them in).
//
//   --start/--end   00:00:00.000 of the first day .. 23:59:59.999 of the last (UTC, inclusive);
//                   without --end, or when the last day is today, up to the server's now
//                   (open-ended: the range ends where the server says "now")
//   --last-hours N  now - N hours .. now
//   --since-last    the stored watermark minus fetch.since_last_overlap .. now; --start only
//                   when the type has no watermark yet

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/window_plan.hpp"

namespace etl::pipeline {

// nullopt: --since-last for a type without a watermark and without --start (the caller says so).
[[nodiscard]] std::optional<TypeRange> plan_range(const FetchRequest& request,
                                                  const std::string& ship_node_type,
                                                  int64_t server_now_ms,
                                                  std::optional<int64_t> watermark_ms,
                                                  int64_t overlap_ms);

// "2024-05-01T00:00:00.000Z..now (2024-05-02T10:00:00.000Z)" for the log.
[[nodiscard]] std::string describe_range(const TypeRange& range);

}  // namespace etl::pipeline

// A line's tracking events read field by field (docs/data-model.md, "Returns":
// walmart_return_tracking), and the statuses that only count for the return's version. Keys not
// listed here are validated and skipped (they stay in the archive).
#include <array>
#include <string_view>
#include <vector>

#include "returns/return_value_readers.hpp"

namespace etl::returns::detail {

namespace {

enum EventKey { kSequenceNo, kEventTag, kEventDescription, kEventTime };
constexpr std::array<std::string_view, 4> kEventKeys{"sequenceNo", "eventTag", "eventDescription",
                                                     "eventTime"};

}  // namespace

Step parse_event(FieldReader& r, od::value& v, const PathSeg& p, int index, ReturnDraft& d) {
  Step s;
  if (!element_is_object(r, v, p, "a tracking event", s)) return s;
  std::vector<ReturnTrackingRow>& events = d.out->tracking;
  events.emplace_back();
  const size_t ei = events.size() - 1;
  events[ei].event_seq = index + 1;
  return r.fields(v, p, kEventKeys, [&](int k, od::value& fv) -> Step {
    ReturnTrackingRow& e = events[ei];
    const PathSeg fp = p.child(kEventKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kSequenceNo:
        return r.integer(fv, fp, IntWidth::bigint, e.sequence_no);
      case kEventTag:
        return text(r, fv, fp, width::event_tag, e.event_tag);
      case kEventDescription:
        return text(r, fv, fp, width::event_description, e.event_description);
      default:
        return instant(r, fv, fp, e.event_time, &d);
    }
  });
}

// currentTrackingStatuses: only their statusTime counts (the version); the rest is archived.
Step parse_current_statuses(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  return list_of(r, v, p, "tracking statuses", [&](od::value& ev, const PathSeg& ep, int) -> Step {
    Step s;
    if (!element_is_object(r, ev, ep, "a tracking status", s)) return s;
    using Keys1 = std::array<std::string_view, 1>;
    return r.fields(ev, ep, Keys1{"statusTime"}, [&](int, od::value& fv) -> Step {
      OptMs at;
      return instant(r, fv, ep.child("statusTime"), at, &d);
    });
  });
}

}  // namespace etl::returns::detail

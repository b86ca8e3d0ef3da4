// A return's line groups read field by field: which lines ship under which label and carrier
// (docs/data-model.md, "Returns": groupNo, labelImageURL, carrierName, trackingNo of
// walmart_return_line). Keys not listed here are validated and skipped (they stay in the archive).
#include <array>
#include <string_view>

#include "returns/return_value_readers.hpp"

namespace etl::returns::detail {

namespace {

enum GroupKey { kGroupNo, kReturnLines, kLabels };
constexpr std::array<std::string_view, 3> kGroupKeys{"groupNo", "returnLines", "labels"};
enum LabelKey { kLabelImageUrl, kCarrierInfoList };
constexpr std::array<std::string_view, 2> kLabelKeys{"labelImageURL", "carrierInfoList"};
enum CarrierKey { kCarrierName, kTrackingNo };
constexpr std::array<std::string_view, 2> kCarrierKeys{"carrierName", "trackingNo"};

Step parse_label(FieldReader& r, od::value& v, const PathSeg& p, LineGroup& g) {
  Step s;
  if (!element_is_object(r, v, p, "a label", s)) return s;
  return r.fields(v, p, kLabelKeys, [&](int k, od::value& fv) -> Step {
    const PathSeg fp = p.child(kLabelKeys[static_cast<size_t>(k)]);
    if (k == kLabelImageUrl) return text(r, fv, fp, width::label_url, g.label_url);
    return list_of(r, fv, fp, "carriers", [&](od::value& cv, const PathSeg& cp, int ci) -> Step {
      if (ci != 0) return r.walk(cv, cp.depth);  // the first carrier has columns
      Step cs;
      if (!element_is_object(r, cv, cp, "a carrier", cs)) return cs;
      return r.fields(cv, cp, kCarrierKeys, [&](int ck, od::value& xv) -> Step {
        const PathSeg xp = cp.child(kCarrierKeys[static_cast<size_t>(ck)]);
        if (ck == kCarrierName) return text(r, xv, xp, width::carrier, g.carrier_name);
        return text(r, xv, xp, width::tracking_no, g.tracking_no);
      });
    });
  });
}

}  // namespace

Step parse_group(FieldReader& r, od::value& v, const PathSeg& p, ReturnDraft& d) {
  Step s;
  if (!element_is_object(r, v, p, "a line group", s)) return s;
  d.groups.emplace_back();
  const size_t gi = d.groups.size() - 1;
  return r.fields(v, p, kGroupKeys, [&](int k, od::value& fv) -> Step {
    LineGroup& g = d.groups[gi];
    const PathSeg fp = p.child(kGroupKeys[static_cast<size_t>(k)]);
    switch (k) {
      case kGroupNo:
        return r.integer(fv, fp, IntWidth::bigint, g.group_no);
      case kReturnLines:
        return list_of(r, fv, fp, "lines", [&](od::value& ev, const PathSeg& ep, int) -> Step {
          Step es;
          if (!element_is_object(r, ev, ep, "a line reference", es)) return es;
          using Keys1 = std::array<std::string_view, 1>;
          return r.fields(ev, ep, Keys1{"returnOrderLineNumber"}, [&](int, od::value& nv) -> Step {
            OptInt n;
            if (Step ns = r.integer(nv, ep.child("returnOrderLineNumber"), IntWidth::int32, n);
                ns != Step::ok) {
              return ns;
            }
            if (n) g.line_numbers.push_back(*n);
            return Step::ok;
          });
        });
      default:
        return list_of(r, fv, fp, "labels", [&](od::value& ev, const PathSeg& ep, int li) -> Step {
          if (li != 0) return r.walk(ev, ep.depth);  // the first label has columns
          return parse_label(r, ev, ep, g);
        });
    }
  });
}

}  // namespace etl::returns::detail

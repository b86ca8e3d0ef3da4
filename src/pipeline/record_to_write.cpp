#include "pipeline/record_to_write.hpp"

#include "common/error.hpp"
#include "order/order_warning_log.hpp"

namespace etl::pipeline {

RecordToWrite record_to_write(order::OrderMapper& mapper, RecordInput in) {
  RecordToWrite out;
  const mysql::RecordOrigin& origin = in.origin;
  // Personal fields are rewritten here, once, for every table the record reaches. A record that
  // does not parse keeps its bytes (the mapper then makes it a dead letter, kept for diagnosis
  // until privacy.dead_letter_retention_days).
  std::string redacted;
  if (in.redactor != nullptr && in.redactor->active() &&
      in.redactor->redact(in.bytes, redacted).outcome == privacy::RedactOutcome::redacted) {
    in.bytes = redacted;
  }
  std::optional<order::BadRecord> bad;
  if (in.unreadable) {
    bad = order::BadRecord{std::move(*in.unreadable), std::nullopt};
  } else {
    order::MessageParseResult parsed = mapper.parse_message(in.bytes);
    bad = std::move(parsed.bad);
    if (!bad && in.refused) {
      bad = order::BadRecord{std::move(*in.refused),
                             parsed.orders.empty()
                                 ? std::nullopt
                                 : std::optional<int64_t>(parsed.orders.front().purchase_order_id)};
      parsed.orders.clear();
    }
    out.conversion_warnings = bad ? 0 : parsed.conversion_warnings;
    out.orders.reserve(parsed.orders.size());
    for (auto& o : parsed.orders) {
      if (!o.warnings.empty()) order::log_conversion_warnings(o, origin.source);
      out.rows += o.lines.size();
      out.bytes += o.arena_size;
      mysql::OrderToWrite w{std::move(o), origin, in.source_file};
      w.origin.record_index = origin.record_index + out.indexes++;
      out.orders.push_back(std::move(w));
    }
  }
  if (bad) {
    mysql::RecordOrigin at = origin;
    at.record_index = origin.record_index + out.indexes++;
    mysql::DeadLetter d = mysql::make_dead_letter(std::move(at), bad->purchase_order_id,
                                                  std::string(in.bytes), std::move(bad->reason));
    out.bytes += d.payload.size();
    out.dead_letter = std::move(d);
  }
  return out;
}

}  // namespace etl::pipeline

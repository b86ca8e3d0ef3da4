#include "pipeline/record_to_write.hpp"

#include "common/error.hpp"
#include "order/order_warning_log.hpp"

namespace etl::pipeline {

RecordToWrite record_to_write(order::OrderMapper& mapper, std::string_view bytes,
                              const mysql::RecordOrigin& origin,
                              std::optional<std::string> source_file,
                              std::optional<std::string> problem) {
  RecordToWrite out;
  std::optional<order::BadRecord> bad;
  if (problem) {
    bad = order::BadRecord{std::move(*problem), std::nullopt};
  } else {
    order::MessageParseResult parsed = mapper.parse_message(bytes);
    bad = std::move(parsed.bad);
    out.conversion_warnings = parsed.conversion_warnings;
    out.orders.reserve(parsed.orders.size());
    for (auto& o : parsed.orders) {
      if (!o.warnings.empty()) order::log_conversion_warnings(o, origin.source);
      out.rows += o.lines.size();
      out.bytes += o.arena_size;
      mysql::OrderToWrite w{std::move(o), origin, source_file};
      w.origin.record_index = origin.record_index + out.indexes++;
      out.orders.push_back(std::move(w));
    }
  }
  if (bad) {
    mysql::DeadLetter d;
    d.origin = origin;
    d.origin.record_index = origin.record_index + out.indexes++;
    d.purchase_order_id = bad->purchase_order_id;
    d.payload = std::string(bytes);
    d.error_class = std::string(to_string(ErrorClass::bad_record));
    d.message = std::move(bad->reason);
    out.bytes += d.payload.size();
    out.dead_letter = std::move(d);
  }
  return out;
}

}  // namespace etl::pipeline

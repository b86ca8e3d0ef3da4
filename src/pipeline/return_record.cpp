#include "pipeline/return_record.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"

namespace etl::pipeline {

namespace {

mysql::ReturnDeadLetter dead_letter(const mysql::RecordOrigin& origin, int32_t index,
                                    std::optional<std::string> id, std::string payload,
                                    std::string reason) {
  mysql::ReturnDeadLetter d;
  d.origin = origin;
  d.origin.record_index = origin.record_index + index;
  d.return_order_id = std::move(id);
  d.payload = std::move(payload);
  d.error_class = std::string(to_string(ErrorClass::bad_record));
  d.message = std::move(reason);
  return d;
}

}  // namespace

ReturnRecordToWrite return_record_to_write(returns::ReturnMapper& mapper, ReturnRecordInput in) {
  ReturnRecordToWrite out;
  const mysql::RecordOrigin& origin = in.origin;
  auto whole = [&](std::string reason) {
    out.dead_letters.push_back(
        dead_letter(origin, out.indexes++, std::nullopt, std::string(in.bytes), std::move(reason)));
    out.bytes += in.bytes.size();
  };
  if (in.unreadable) {
    whole(std::move(*in.unreadable));
    return out;
  }
  returns::ReturnParseResult parsed = mapper.parse_message(in.bytes);
  if (parsed.bad) {
    whole(std::move(parsed.bad->reason));
    return out;
  }
  out.conversion_warnings = parsed.conversion_warnings;
  for (returns::ReturnOutcome& o : parsed.returns) {
    if (o.bad) {
      out.bytes += o.bad->raw_json.size();
      out.dead_letters.push_back(dead_letter(origin, out.indexes++,
                                             std::move(o.bad->return_order_id),
                                             std::move(o.bad->raw_json), std::move(o.bad->reason)));
      continue;
    }
    returns::ParsedReturn& r = *o.ok;
    for (const returns::ConversionWarning& w : r.warnings) {
      spdlog::warn("conversion warning: return {} field {}: {} (source {})", r.return_order_id,
                   w.field, w.detail, origin.source);
    }
    out.bytes += r.raw_json.size();
    mysql::ReturnToWrite w{std::move(r), origin, in.source_file};
    w.origin.record_index = origin.record_index + out.indexes++;
    out.returns.push_back(std::move(w));
  }
  return out;
}

}  // namespace etl::pipeline

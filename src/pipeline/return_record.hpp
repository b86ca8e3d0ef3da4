#pragma once
// One record of the returns data set - a Kafka message for `stream --data returns`, one record of
// an input for `load --data returns` - turned into what goes to MySQL: every return order it
// holds, and a dead letter for each return that cannot be mapped (or one for the whole record
// when it is not a usable message at all). The returns counterpart of record_to_write.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/return_batch.hpp"
#include "returns/return_mapper.hpp"

namespace etl::pipeline {

struct ReturnRecordToWrite {
  std::vector<mysql::ReturnToWrite> returns;
  std::vector<mysql::ReturnDeadLetter> dead_letters;
  size_t conversion_warnings = 0;
  size_t bytes = 0;     // memory held (raw JSON of the returns, payloads of the dead letters)
  int32_t indexes = 0;  // record_index values used from origin.record_index on
};

struct ReturnRecordInput {
  std::string_view bytes;
  // record_index is the first one used (one per return or dead letter, in message order);
  // account is the seller every row is written under.
  mysql::RecordOrigin origin;
  std::optional<std::string> source_file;
  // Already found unusable (by load's input splitter): not parsed, one dead letter.
  std::optional<std::string> unreadable;
};

// Conversion warnings are logged here, naming origin.source.
ReturnRecordToWrite return_record_to_write(returns::ReturnMapper& mapper, ReturnRecordInput in);

}  // namespace etl::pipeline

#pragma once
// One record - a Kafka message for `stream`, one record of an input for `load` - turned into what
// goes to MySQL: the rows of every order it holds, or one dead letter holding the record's bytes
// when it cannot be loaded. Stream and load both go through here, so the same bytes are written
// the same way whichever way they came.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/write_batch.hpp"
#include "order/order_mapper.hpp"

namespace etl::pipeline {

struct RecordToWrite {
  std::vector<mysql::OrderToWrite> orders;  // empty for a dead letter (or an empty array)
  std::optional<mysql::DeadLetter> dead_letter;
  size_t conversion_warnings = 0;
  size_t rows = 0;      // order lines of all orders
  size_t bytes = 0;     // memory held: the orders' arenas, or the dead letter's payload
  int32_t indexes = 0;  // record_index values used from origin.record_index on
};

// `origin` says where the record came from; its record_index is the first one used (one per
// order, or one for the dead letter). `problem`: the record was already found unusable (by load's
// input splitter) - it goes to the dead letter with that reason. Conversion warnings are logged
// here, naming origin.source; the dead letter is left for the caller to log.
RecordToWrite record_to_write(order::OrderMapper& mapper, std::string_view bytes,
                              const mysql::RecordOrigin& origin,
                              std::optional<std::string> source_file,
                              std::optional<std::string> problem = std::nullopt);

}  // namespace etl::pipeline

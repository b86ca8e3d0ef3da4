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
#include "privacy/redactor.hpp"

namespace etl::pipeline {

struct RecordToWrite {
  std::vector<mysql::OrderToWrite> orders;  // empty for a dead letter (or an empty array)
  std::optional<mysql::DeadLetter> dead_letter;
  size_t conversion_warnings = 0;
  size_t rows = 0;      // order lines of all orders
  size_t bytes = 0;     // memory held: the orders' arenas, or the dead letter's payload
  int32_t indexes = 0;  // record_index values used from origin.record_index on
};

struct RecordInput {
  std::string_view bytes;
  // Where the record came from: record_index is the first one used (one per order, or one for the
  // dead letter); account is the seller every row is written under.
  mysql::RecordOrigin origin;
  std::optional<std::string> source_file;
  // Already found unusable (by load's input splitter): not parsed, one dead letter with this
  // reason.
  std::optional<std::string> unreadable;
  // Parsed (so the dead letter names the order's id) but not to be loaded - no account could be
  // told: one dead letter with this reason.
  std::optional<std::string> refused;
  // The field policies (privacy config section) and the erasure list: applied to the bytes
  // before anything else, so rows, archive and dead letter all hold the redacted record. Unset
  // (or inactive): the bytes are used as received.
  privacy::Redactor* redactor = nullptr;
};

// Conversion warnings are logged here, naming origin.source; the dead letter is left for the
// caller to log.
RecordToWrite record_to_write(order::OrderMapper& mapper, RecordInput in);

}  // namespace etl::pipeline

#pragma once
// The input of ReturnWriter::write (return_writer.hpp): everything one MySQL transaction of the
// returns data set writes. `load --data returns` fills it from files, `stream --data returns`
// from Kafka messages (with the offsets of the partitions the batch covers: exactly once).

#include <optional>
#include <string>
#include <vector>

#include "mysql/write_batch.hpp"
#include "returns/return_types.hpp"

namespace etl::mysql {

// One mapped return order to write into every returns table.
struct ReturnToWrite {
  returns::ParsedReturn ret;
  RecordOrigin origin;  // origin.account is written to every row
  // walmart_return_raw.source_file (the file's base name for load, "kafka_stream" for stream).
  std::optional<std::string> source_file;
};

// A returns record that cannot be loaded (walmart_return_dead_letter).
struct ReturnDeadLetter {
  RecordOrigin origin;
  std::optional<std::string> return_order_id;
  std::string payload;                     // the record's raw bytes
  std::string error_class = "bad_record";  // to_string(ErrorClass)
  std::optional<int> error_code;           // mysql_errno for server refusals
  std::string message;                     // the reason
};

// One transaction's worth of work. When the same returnOrderId appears more than once, the newest
// version is written (ReturnWriter: by version, then by position).
struct ReturnBatch {
  std::vector<ReturnToWrite> returns;
  std::vector<ReturnDeadLetter> dead_letters;
  std::vector<OffsetUpdate> offsets;

  [[nodiscard]] bool empty() const noexcept {
    return returns.empty() && dead_letters.empty() && offsets.empty();
  }
  void clear() noexcept {
    returns.clear();
    dead_letters.clear();
    offsets.clear();
  }
};

}  // namespace etl::mysql

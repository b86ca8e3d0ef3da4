#pragma once
// The fence that keeps two consumers from writing one partition (stream, exactly once).
//
// A partition's next offset lives in ods.etl_kafka_offset. Each batch moves it from the value the
// worker knows (where it started the partition, or what it last committed) to the batch's next
// offset, as the FIRST statement of the batch's transaction:
//   row expected:    UPDATE ... SET next_offset = <next> WHERE <key> AND next_offset = <expected>
//   no row expected: INSERT ... (<key>, <next>)
// Those statements (one UPDATE with a CASE over the batch's partitions, one INSERT) take the
// rows' locks, so a second writer of the same partition (a stalled old owner after a rebalance, a
// second process misconfigured with the same group) waits until the first commits, then finds a
// value it did not expect and is refused: a partition's rows are never written twice or out of
// order, whatever the timing.
// A refusal whose found value equals the batch's own next offset means an earlier attempt of this
// very batch committed (its COMMIT reply was lost with the connection): the caller treats it as
// written.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mysql/connection.hpp"
#include "mysql/write_batch.hpp"

namespace etl::mysql {

// A partition whose stored offset was not the one the writer expected.
struct FencedPartition {
  int32_t partition = 0;
  std::optional<int64_t> expected;  // what the writer believed MySQL held (absent: no row)
  std::optional<int64_t> found;     // what MySQL holds (absent: no row)
  int64_t next_offset = 0;          // where the refused batch would have moved it

  // True when MySQL already holds this batch's result (an earlier attempt committed).
  [[nodiscard]] bool already_written() const noexcept { return found && *found == next_offset; }
  [[nodiscard]] std::string describe() const;
};

// First thing in a fresh transaction on `conn`: claims and advances each partition's row (see
// above) with at most two statements per (group, topic). Returns the partitions refused; when any
// is, the transaction has been rolled back and each refused partition carries the value MySQL
// holds. Throws EtlError for server errors (classified).
std::vector<FencedPartition> advance_offsets(Connection& conn,
                                             const std::vector<OffsetUpdate>& offsets);

}  // namespace etl::mysql

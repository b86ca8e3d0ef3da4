#pragma once
// The input of BatchWriter::write (batch_writer.hpp): everything one MySQL transaction writes.
// `load` fills it from files, `stream` from Kafka messages (with the offsets of the partitions
// the batch covers, so rows and offsets commit together: exactly once into MySQL).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "order/order_types.hpp"

namespace etl::mysql {

// Where a record came from. (source, record_index) is the dead-letter table's unique key, so a
// replayed batch or a re-loaded file records each rejection once.
struct RecordOrigin {
  std::string source;  // "topic/partition/offset" (stream) or "file:line" (load); <= 255 chars
  int32_t record_index =
      0;  // the order's index within its message / file record (0 for a single order)
  std::optional<std::string> topic;
  std::optional<int32_t> partition;
  std::optional<int64_t> offset;
  std::optional<std::string> key;  // the Kafka message key (bytes), if any
  // The seller account the record belongs to (the message's `account` header or
  // stream.default_account; load --account), written to every table's account column. Unset:
  // not known (NULL; only a dead letter can be in that state).
  std::optional<std::string> account = std::nullopt;
};

// One parsed order to upsert into walmart_order, walmart_order_charge and walmart_order_raw.
struct OrderToWrite {
  order::ParsedOrder order;
  RecordOrigin origin;
  // Written to walmart_order.source_file and walmart_order_raw.source_file (the file's base name
  // for `load`, "kafka_stream" for `stream`). The writer uses this, not OrderLineRow::source_file.
  // Longer than the column (100 characters) is cut on a code-point boundary.
  std::optional<std::string> source_file;
};

// A record that cannot be loaded (e.g. the mapping's BadRecord). If the server rejects an order
// (a row-level data error), the writer makes one of these itself from the OrderToWrite.
struct DeadLetter {
  RecordOrigin origin;
  std::optional<int64_t> purchase_order_id;
  std::string payload;                     // the raw bytes of the rejected record
  std::string error_class = "bad_record";  // to_string(ErrorClass) of the cause
  std::optional<int> error_code;  // mysql_errno for server rejections; none for mapping errors
  std::string message;            // the reason, naming the field and the order
  // One row per source, whatever the payload: record_sha256 is then the SHA-256 of `source`, so a
  // newer record of the same source replaces the row (fetch's orders too large for Kafka: one row
  // per account and order, whose payload changes with every run's request_time).
  bool one_per_source = false;
};

// A dead letter as every writer of one makes it (the mapping's bad record in record_to_write, an
// order the server refuses in BatchWriter, an order too large for Kafka in fetch's OrderSink):
// class bad_record, the record's raw bytes, the reason; `error_code` for a server's refusal.
[[nodiscard]] inline DeadLetter make_dead_letter(RecordOrigin origin,
                                                 std::optional<int64_t> purchase_order_id,
                                                 std::string payload, std::string message,
                                                 std::optional<int> error_code = std::nullopt) {
  DeadLetter d;
  d.origin = std::move(origin);
  d.purchase_order_id = purchase_order_id;
  d.payload = std::move(payload);
  d.error_class = std::string(to_string(ErrorClass::bad_record));
  d.error_code = error_code;
  d.message = std::move(message);
  return d;
}

// The next offset to read for one partition, stored in ods.etl_kafka_offset. The write is
// fenced (offset_fence.hpp): it succeeds only if the row still holds `expected_stored`, the value
// the writer started the partition from or last committed (absent: no row yet). Anything else
// means another consumer wrote the partition meanwhile, and the batch is refused for it.
struct OffsetUpdate {
  std::string consumer_group;
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;
  std::optional<int64_t> expected_stored;
};

// One transaction's worth of work. Orders are applied in vector order: when the same
// purchaseOrderId appears more than once, only its last occurrence is written (it is the newest
// version); the earlier ones are counted as superseded.
struct WriteBatch {
  std::vector<OrderToWrite> orders;
  std::vector<DeadLetter> dead_letters;
  std::vector<OffsetUpdate> offsets;

  [[nodiscard]] bool empty() const noexcept {
    return orders.empty() && dead_letters.empty() && offsets.empty();
  }
  void clear() noexcept {
    orders.clear();
    dead_letters.clear();
    offsets.clear();
  }
};

}  // namespace etl::mysql

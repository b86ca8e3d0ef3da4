#pragma once
// TopicPartition values and their conversion to/from librdkafka's partition lists.

#include <cstdint>
#include <string>
#include <vector>

#include "kafka/rdkafka_handles.hpp"

namespace etl::kafka {

// Logical offsets (librdkafka's values) for assignment and seek.
inline constexpr int64_t kOffsetUnset =
    RD_KAFKA_OFFSET_INVALID;  // committed, else auto.offset.reset
inline constexpr int64_t kOffsetBeginning = RD_KAFKA_OFFSET_BEGINNING;
inline constexpr int64_t kOffsetEnd = RD_KAFKA_OFFSET_END;

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  // Meaning depends on the call: the start offset on assignment (kOffsetUnset = the group's
  // committed offset, else auto.offset.reset), the next offset to read on commit()
  // (last processed + 1), the committed offset returned by committed().
  int64_t offset = kOffsetUnset;

  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
};

using TopicPartitions = std::vector<TopicPartition>;

PartitionListPtr to_native(const TopicPartitions& partitions);
TopicPartitions from_native(const rd_kafka_topic_partition_list_t* list);

// "walmart_order_raw[0]@42, walmart_order_raw[1]" for logs (offset omitted when invalid).
std::string describe(const TopicPartitions& partitions);

}  // namespace etl::kafka

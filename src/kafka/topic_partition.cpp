#include "kafka/topic_partition.hpp"

#include <fmt/format.h>

namespace etl::kafka {

PartitionListPtr to_native(const TopicPartitions& partitions) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_t* p =
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
    p->offset = tp.offset;
  }
  return list;
}

TopicPartitions from_native(const rd_kafka_topic_partition_list_t* list) {
  TopicPartitions out;
  if (list == nullptr) return out;
  out.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    out.push_back(TopicPartition{p.topic, p.partition, p.offset});
  }
  return out;
}

std::string describe(const TopicPartitions& partitions) {
  std::string out;
  for (const auto& tp : partitions) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}[{}]", tp.topic, tp.partition);
    if (tp.offset >= 0) out += fmt::format("@{}", tp.offset);
  }
  return out.empty() ? std::string("(none)") : out;
}

}  // namespace etl::kafka

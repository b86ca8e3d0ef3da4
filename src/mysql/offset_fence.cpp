#include "mysql/offset_fence.hpp"

#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <map>
#include <utility>

#include "common/error.hpp"

namespace etl::mysql {

namespace {

std::string opt(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string("no row");
}

// The partitions of one (consumer_group, topic): one UPDATE for those with a row, one INSERT for
// those without, so a batch over many partitions still costs two round trips at most.
class PartitionSet {
 public:
  PartitionSet(Connection& conn, std::vector<const OffsetUpdate*> updates)
      : conn_(conn), updates_(std::move(updates)) {
    key_ = fmt::format("consumer_group = {} AND topic = {}",
                       conn_.quote(updates_.front()->consumer_group),
                       conn_.quote(updates_.front()->topic));
  }

  // True when every partition held the expected value (and now holds its next offset).
  bool advance() {
    std::string cases;
    std::string matches;
    std::string ids;
    std::string rows;
    size_t moves = 0;
    bool unchanged = false;
    for (const OffsetUpdate* o : updates_) {
      if (!o->expected_stored) {
        rows += fmt::format("{}({}, {}, {}, {}, UTC_TIMESTAMP())", rows.empty() ? "" : ", ",
                            conn_.quote(o->consumer_group), conn_.quote(o->topic), o->partition,
                            o->next_offset);
      } else if (*o->expected_stored == o->next_offset) {
        unchanged =
            true;  // nothing moves (never for a batch that read the partition); checked below
      } else {
        cases += fmt::format(" WHEN {} THEN {}", o->partition, o->next_offset);
        ids += fmt::format("{}{}", ids.empty() ? "" : ", ", o->partition);
        matches += fmt::format("{}(partition_id = {} AND next_offset = {})",
                               matches.empty() ? "" : " OR ", o->partition, *o->expected_stored);
        ++moves;
      }
    }
    if (moves > 0) {
      // partition_id IN (...) keeps the lookup on primary-key points: only these rows are locked,
      // never those of partitions other workers write (whatever the isolation level).
      conn_.execute(
          fmt::format("UPDATE etl_kafka_offset SET next_offset = CASE partition_id{} END, "
                      "updated_at = UTC_TIMESTAMP() "
                      "WHERE {} AND partition_id IN ({}) AND ({})",
                      cases, key_, ids, matches));
      if (mysql_affected_rows(conn_.handle()) != moves) return false;
    }
    if (!rows.empty()) {
      try {
        conn_.execute(
            "INSERT INTO etl_kafka_offset (consumer_group, topic, partition_id, next_offset, "
            "updated_at) VALUES " +
            rows);
      } catch (const EtlError& e) {
        if (e.error().code != ER_DUP_ENTRY) throw;
        return false;
      }
    }
    if (unchanged) {
      const auto held = stored(" FOR UPDATE");
      for (const OffsetUpdate* o : updates_) {
        const auto it = held.find(o->partition);
        if (o->expected_stored && *o->expected_stored == o->next_offset &&
            (it == held.end() || it->second != o->next_offset)) {
          return false;
        }
      }
    }
    return true;
  }

  // After a refusal and a rollback: what MySQL holds for each partition that differs.
  void refused(std::vector<FencedPartition>& out) {
    const auto held = stored("");
    for (const OffsetUpdate* o : updates_) {
      const auto it = held.find(o->partition);
      const std::optional<int64_t> found =
          it == held.end() ? std::nullopt : std::optional<int64_t>(it->second);
      if (found != o->expected_stored)
        out.push_back({o->partition, o->expected_stored, found, o->next_offset});
    }
  }

 private:
  std::map<int32_t, int64_t> stored(const char* lock) {
    std::string ids;
    for (const OffsetUpdate* o : updates_)
      ids += fmt::format("{}{}", ids.empty() ? "" : ", ", o->partition);
    std::map<int32_t, int64_t> held;
    for (const auto& r :
         conn_.query(fmt::format("SELECT partition_id, next_offset FROM etl_kafka_offset WHERE {} "
                                 "AND partition_id IN ({}){}",
                                 key_, ids, lock))) {
      if (r.size() == 2 && r[0] && r[1]) held[std::stoi(*r[0])] = std::stoll(*r[1]);
    }
    return held;
  }

  Connection& conn_;
  std::vector<const OffsetUpdate*> updates_;
  std::string key_;
};

}  // namespace

std::string FencedPartition::describe() const {
  return fmt::format("partition {}: expected {} in etl_kafka_offset, found {}", partition,
                     opt(expected), opt(found));
}

std::vector<FencedPartition> advance_offsets(Connection& conn,
                                             const std::vector<OffsetUpdate>& offsets) {
  std::map<std::pair<std::string, std::string>, std::vector<const OffsetUpdate*>> by_topic;
  for (const OffsetUpdate& o : offsets) by_topic[{o.consumer_group, o.topic}].push_back(&o);
  std::vector<PartitionSet> sets;
  sets.reserve(by_topic.size());
  for (auto& [key, updates] : by_topic) sets.emplace_back(conn, std::move(updates));
  bool ok = true;
  for (auto& s : sets) {
    if (!s.advance()) {
      ok = false;
      break;
    }
  }
  std::vector<FencedPartition> refused;
  if (ok) return refused;
  conn.rollback();  // undo what this transaction moved, then read what MySQL really holds
  for (auto& s : sets) s.refused(refused);
  if (refused.empty()) {
    // Back to the expected values between the refusal and the read: try the batch again.
    throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, 0,
                   "the stored Kafka offsets changed while the batch claimed them; retrying");
  }
  return refused;
}

}  // namespace etl::mysql

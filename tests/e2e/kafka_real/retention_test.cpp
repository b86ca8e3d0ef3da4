// Retention loss for real, on the shared Apache Kafka broker (scripts/kafka-local.sh checks
// retention every second): a one-partition topic with 1 MiB segments; the stream reads the first
// day and stops; then retention.bytes drops to 1 and two more days arrive, so the broker deletes
// every closed segment - messages this group never read among them. The next stream must say
// DATA LOST once, with the exact count and offsets the broker's low watermark implies, continue
// from the earliest stored offset (stream.on_data_loss=continue) and write the rest. The mock
// cluster cannot show this: it drops old data silently at ~5 MB per partition, with no retention
// settings and no low watermark that follows a segment deletion.

#include <gtest/gtest.h>

#include <regex>

#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

TEST(RealKafkaRetention, UnreadMessagesDeletedByRetentionAreReportedOnceWithTheExactCount) {
  const auto data = sim_data(3, 300, 61);
  auto w = real_world(shared_kafka().bootstrap, data);
  const std::string segment = "1048576";  // the smallest segment Kafka 4 accepts
  create_topic(w->bootstrap, w->topic, 1, {{"segment.bytes", segment}});
  // Uncompressed (~4 KB an order): 300 orders fill more than one segment.
  const std::map<std::string, std::string> plain{
      {"WALMART_ETL_KAFKA__PROPERTIES__COMPRESSION_TYPE", "none"}};

  auto day1 = w->run(fetch_range("2024-04-29", "2024-04-29"), plain, 120s);
  ASSERT_EQ(day1.exit_code, 0) << e2e::describe(day1);
  auto first = w->run({"stream", "--until-idle"}, {}, 120s);
  ASSERT_EQ(first.exit_code, 0) << e2e::describe(first);
  const int64_t read_to = e2e::stored_offsets(w->db(), w->group, w->topic).at(0);
  ASSERT_EQ(read_to, watermarks(w->bootstrap, w->topic).at(0).second);

  set_topic_configs(w->bootstrap, w->topic, {{"segment.bytes", segment}, {"retention.bytes", "1"}});
  auto rest = w->run(fetch_range("2024-04-30", "2024-05-02"), plain, 180s);
  ASSERT_EQ(rest.exit_code, 0) << e2e::describe(rest);
  // Retention runs every second; once it deleted past what the group read, nothing more is
  // produced, so the low watermark stays where it is (only the active segment is left).
  int64_t low = 0;
  ASSERT_TRUE(e2e::eventually(
      [&] { return (low = watermarks(w->bootstrap, w->topic).at(0).first) > read_to; }, 60s))
      << "retention deleted nothing past offset " << read_to;
  ASSERT_TRUE(e2e::eventually(
      [&] {
        const int64_t now = watermarks(w->bootstrap, w->topic).at(0).first;
        const bool settled = now == low;
        low = now;
        return settled;
      },
      30s, 3s));
  const int64_t high = watermarks(w->bootstrap, w->topic).at(0).second;
  const int64_t lost = low - read_to;

  auto second = w->run({"stream", "--until-idle"}, {}, 120s);
  ASSERT_EQ(second.exit_code, 0) << e2e::describe(second);
  const std::string expected_line = "DATA LOST: " + std::to_string(lost) + " message(s) of " +
                                    w->topic + "[0] (offsets " + std::to_string(read_to) + ".." +
                                    std::to_string(low - 1) + ")";
  const std::string all = second.out + second.err;
  EXPECT_NE(all.find(expected_line), std::string::npos) << expected_line << "\n"
                                                        << e2e::describe(second);
  const std::regex reported("DATA LOST");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(all.begin(), all.end(), reported), std::sregex_iterator()),
      1)
      << e2e::describe(second);
  // Every message still stored was written; the lost ones were not; the offsets are at the end.
  EXPECT_EQ(e2e::query_count(w->db(), "SELECT COUNT(*) FROM walmart_order_raw"), high - lost);
  EXPECT_EQ(e2e::stored_offsets(w->db(), w->group, w->topic).at(0), high);
  std::printf("read to %lld, retention kept %lld..%lld: %lld lost\n",
              static_cast<long long>(read_to), static_cast<long long>(low),
              static_cast<long long>(high), static_cast<long long>(lost));
}

}  // namespace
}  // namespace etl::kafka_real

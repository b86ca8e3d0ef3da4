// One record to what goes to MySQL, as stream and load both do it: orders numbered from the
// origin's record_index with the source file, or exactly one dead letter holding the bytes, the
// reason and the order's id when it was readable.

#include "pipeline/record_to_write.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace etl::pipeline {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(ETL_SOURCE_DIR) + "/tests/fixtures/orders/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mysql::RecordOrigin origin(int32_t first_index) {
  mysql::RecordOrigin o;
  o.source = "walmart_order_raw/3/41";
  o.record_index = first_index;
  o.topic = "walmart_order_raw";
  o.partition = 3;
  o.offset = 41;
  return o;
}

TEST(RecordToWrite, AnArrayOfOrdersNumbersThemFromTheOriginsIndex) {
  order::OrderMapper mapper;
  const std::string bytes = fixture("api_example_orders_array.json");
  const RecordToWrite r =
      record_to_write(mapper, {bytes, origin(5), std::string("orders.json"), {}, {}});
  ASSERT_FALSE(r.dead_letter);
  ASSERT_EQ(r.orders.size(), 2u);
  EXPECT_EQ(r.indexes, 2);
  EXPECT_EQ(r.orders[0].origin.record_index, 5);
  EXPECT_EQ(r.orders[1].origin.record_index, 6);
  EXPECT_EQ(r.orders[1].origin.partition, 3);
  EXPECT_EQ(r.orders[0].source_file, "orders.json");
  EXPECT_EQ(r.rows, r.orders[0].order.lines.size() + r.orders[1].order.lines.size());
  EXPECT_GT(r.bytes, 0u);
}

TEST(RecordToWrite, AnOrderThatCannotBeLoadedIsOneDeadLetterWithItsBytesAndId) {
  order::OrderMapper mapper;
  const std::string bytes = R"({"purchaseOrderId":"4000000000001","orderLines":"oops"})";
  const RecordToWrite r = record_to_write(mapper, {bytes, origin(0), std::nullopt, {}, {}});
  EXPECT_TRUE(r.orders.empty());
  ASSERT_TRUE(r.dead_letter);
  EXPECT_EQ(r.indexes, 1);
  EXPECT_EQ(r.dead_letter->payload, bytes);
  EXPECT_EQ(r.dead_letter->purchase_order_id, 4000000000001);
  EXPECT_EQ(r.dead_letter->origin.source, "walmart_order_raw/3/41");
  EXPECT_EQ(r.dead_letter->origin.record_index, 0);
  EXPECT_EQ(r.dead_letter->error_class, "bad_record");
  EXPECT_NE(r.dead_letter->message.find("orderLines"), std::string::npos) << r.dead_letter->message;
  EXPECT_EQ(r.bytes, bytes.size());
}

TEST(RecordToWrite, NotJsonIsADeadLetterWithoutAnId) {
  order::OrderMapper mapper;
  const RecordToWrite r =
      record_to_write(mapper, {"not json at all", origin(9), std::nullopt, {}, {}});
  ASSERT_TRUE(r.dead_letter);
  EXPECT_FALSE(r.dead_letter->purchase_order_id);
  EXPECT_EQ(r.dead_letter->origin.record_index, 9);
}

TEST(RecordToWrite, ARecordAlreadyFoundUnusableIsNotParsed) {
  order::OrderMapper mapper;
  const std::string bytes = fixture("api_example_order_1.json");  // valid, but the splitter said no
  const RecordToWrite r =
      record_to_write(mapper, {bytes,
                               origin(2),
                               std::string("in.ndjson"),
                               std::string("record larger than load.max_record_mb"),
                               {}});
  EXPECT_TRUE(r.orders.empty());
  ASSERT_TRUE(r.dead_letter);
  EXPECT_EQ(r.dead_letter->message, "record larger than load.max_record_mb");
  EXPECT_EQ(r.dead_letter->payload, bytes);
}

TEST(RecordToWrite, ARefusedRecordIsParsedForItsIdAndKeptWholeAsOneDeadLetter) {
  order::OrderMapper mapper;
  const std::string bytes = fixture("api_example_order_1.json");
  mysql::RecordOrigin o = origin(0);
  o.account = std::nullopt;
  const RecordToWrite r = record_to_write(
      mapper, {bytes, o, std::nullopt, {}, std::string("the message has no account header")});
  EXPECT_TRUE(r.orders.empty());
  EXPECT_EQ(r.rows, 0u);
  ASSERT_TRUE(r.dead_letter);
  EXPECT_EQ(r.dead_letter->message, "the message has no account header");
  EXPECT_EQ(r.dead_letter->purchase_order_id, 1817645120031);
  EXPECT_EQ(r.dead_letter->payload, bytes);
}

TEST(RecordToWrite, TheAccountGoesOnEveryOrderAndOnTheDeadLetter) {
  order::OrderMapper mapper;
  mysql::RecordOrigin o = origin(0);
  o.account = "seller-us";
  const RecordToWrite ok =
      record_to_write(mapper, {fixture("api_example_orders_array.json"), o, std::nullopt, {}, {}});
  ASSERT_EQ(ok.orders.size(), 2u);
  EXPECT_EQ(ok.orders[0].origin.account, "seller-us");
  EXPECT_EQ(ok.orders[1].origin.account, "seller-us");
  const RecordToWrite bad = record_to_write(mapper, {"[1]", o, std::nullopt, {}, {}});
  ASSERT_TRUE(bad.dead_letter);
  EXPECT_EQ(bad.dead_letter->origin.account, "seller-us");
}

}  // namespace
}  // namespace etl::pipeline

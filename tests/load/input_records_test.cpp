// RecordSplitter: layout detection and record boundaries of `load` inputs (no I/O).
#include <gtest/gtest.h>

#include <simdjson.h>

#include "pipeline/input_records.hpp"

using etl::pipeline::InputLayout;
using etl::pipeline::InputRecord;
using etl::pipeline::RecordSplitter;

namespace {

struct Split {
  InputLayout layout;
  std::vector<std::string> bytes;
  std::vector<size_t> lines;
  std::vector<std::string> problems;  // "" when none
  bool pages = false;
};

Split split(const std::string& text) {
  const simdjson::padded_string content(text);  // the splitter needs the padding after the data
  RecordSplitter s(std::string_view(content.data(), content.size()));
  Split out{s.layout(), {}, {}, {}};
  InputRecord r;
  while (s.next(r)) {
    out.bytes.emplace_back(r.bytes);
    out.lines.push_back(r.line);
    out.problems.push_back(r.problem.value_or(""));
    EXPECT_EQ(std::string_view(content.data() + r.offset, r.bytes.size()), r.bytes);
  }
  EXPECT_EQ(s.position(), content.size());
  out.pages = s.api_pages();
  return out;
}

using V = std::vector<std::string>;
using L = std::vector<size_t>;

TEST(RecordSplitter, EmptyAndWhitespaceOnlyInputsHaveNoRecords) {
  EXPECT_TRUE(split("").bytes.empty());
  EXPECT_EQ(split("").layout, InputLayout::empty);
  EXPECT_TRUE(split(" \n\t\r\n").bytes.empty());
  EXPECT_TRUE(split("[]").bytes.empty());
  EXPECT_TRUE(split("[ \n ]\n").bytes.empty());
}

TEST(RecordSplitter, AJsonArrayYieldsOneRecordPerElementWithItsLine) {
  const auto s = split("[\n  {\"a\": \"x,]}\\\"\"},\n  {\"b\": [1, {\"c\": 2}]}\n]\n");
  EXPECT_EQ(s.layout, InputLayout::json_values);
  EXPECT_EQ(s.bytes, (V{"{\"a\": \"x,]}\\\"\"}", "{\"b\": [1, {\"c\": 2}]}"}));
  EXPECT_EQ(s.lines, (L{2, 3}));
}

TEST(RecordSplitter, MinifiedArrayOnOneLine) {
  const auto s = split("[{\"a\":1},{\"a\":2},{\"a\":3}]");
  EXPECT_EQ(s.bytes, (V{"{\"a\":1}", "{\"a\":2}", "{\"a\":3}"}));
  EXPECT_EQ(s.lines, (L{1, 1, 1}));
}

TEST(RecordSplitter, NdjsonSplitsOnLinesSoABrokenLineDoesNotSpill) {
  const auto s = split("{\"a\":1}\n{\"a\": [unclosed\n\n{\"a\":3}\r\n[{\"b\":1},{\"b\":2}]\n");
  EXPECT_EQ(s.layout, InputLayout::ndjson);
  EXPECT_EQ(s.bytes, (V{"{\"a\":1}", "{\"a\": [unclosed", "{\"a\":3}", "{\"b\":1}", "{\"b\":2}"}));
  EXPECT_EQ(s.lines, (L{1, 2, 4, 5, 5}));
}

TEST(RecordSplitter, APrettyPrintedSingleOrderIsOneRecord) {
  const auto s = split("{\n  \"purchaseOrderId\": \"1\",\n  \"x\": {\"y\": \"}\"}\n}\n");
  EXPECT_EQ(s.layout, InputLayout::json_values);
  ASSERT_EQ(s.bytes.size(), 1u);
  EXPECT_EQ(s.lines, (L{1}));
}

TEST(RecordSplitter, ConcatenatedPrettyObjectsAreSeparateRecords) {
  const auto s = split("{\n\"a\":1\n}\n{\n\"a\":2\n}");
  EXPECT_EQ(s.bytes, (V{"{\n\"a\":1\n}", "{\n\"a\":2\n}"}));
  EXPECT_EQ(s.lines, (L{1, 4}));
}

TEST(RecordSplitter, AnApiPageYieldsItsOrders) {
  const auto s = split(
      "{\"list\": {\"meta\": {\"totalCount\": 2},\n \"elements\": {\"order\": [\n"
      "{\"purchaseOrderId\": \"1\"},\n{\"purchaseOrderId\": \"2\", \"list\": [1]}\n]}}}\n");
  EXPECT_TRUE(s.pages);
  EXPECT_EQ(s.bytes, (V{"{\"purchaseOrderId\": \"1\"}", "{\"purchaseOrderId\": \"2\", \"list\": [1]}"}));
  EXPECT_EQ(s.lines, (L{3, 4}));
}

TEST(RecordSplitter, ApiPagesOnePerLineAndPagesWithoutOrders) {
  const auto s = split(
      "{\"list\":{\"elements\":{\"order\":[{\"p\":1}]}}}\n"
      "{\"list\":{\"meta\":{\"totalCount\":0}}}\n"
      "{\"list\":{\"elements\":{\"order\":null}}}\n"
      "{\"list\":{\"elements\":{\"order\":[{\"p\":2},{\"p\":3}]}}}\n");
  EXPECT_EQ(s.layout, InputLayout::ndjson);
  EXPECT_EQ(s.bytes, (V{"{\"p\":1}", "{\"p\":2}", "{\"p\":3}"}));
  EXPECT_EQ(s.lines, (L{1, 4, 4}));
}

TEST(RecordSplitter, AnObjectMentioningListIsStillAnOrder) {
  // "list" appears only as a nested key or a value: not a page.
  const auto s = split("{\"purchaseOrderId\":\"1\",\"x\":{\"list\":1},\"y\":\"list\"}");
  EXPECT_FALSE(s.pages);
  EXPECT_EQ(s.bytes.size(), 1u);
}

TEST(RecordSplitter, AnUnusablePageIsOneRecordWithAProblem) {
  const auto s = split("{\"list\":{\"elements\":{\"order\":{\"p\":1}}}}");
  ASSERT_EQ(s.bytes.size(), 1u);
  EXPECT_NE(s.problems[0].find("list.elements.order"), std::string::npos) << s.problems[0];
  const auto broken = split("{\"list\":{\"elements\":{\"order\":[{\"p\":1}");
  ASSERT_EQ(broken.bytes.size(), 1u);
  EXPECT_FALSE(broken.problems[0].empty());
}

TEST(RecordSplitter, BrokenArraysLoseNothing) {
  // A truncated last element, an invalid element in the middle, stray commas, garbage after it:
  // every byte that could be a record comes back as a record (the mapping rejects the bad ones).
  const auto s = split("[{\"a\":1}, {\"a\":,}, , {\"a\":3}, {\"a\":\n");
  EXPECT_EQ(s.bytes, (V{"{\"a\":1}", "{\"a\":,}", "", "{\"a\":3}", "{\"a\":"}));
  EXPECT_EQ(s.problems[2], "empty array element (a stray comma)");
  EXPECT_EQ(s.lines, (L{1, 1, 1, 1, 1}));
  const auto trailing = split("[{\"a\":1}]\ngarbage");
  EXPECT_EQ(trailing.bytes, (V{"{\"a\":1}", "garbage"}));
  EXPECT_EQ(trailing.lines, (L{1, 2}));
  const auto closer = split("}{\"a\":1}");
  EXPECT_EQ(closer.bytes, (V{"}", "{\"a\":1}"}));
}

TEST(RecordSplitter, AByteOrderMarkIsSkipped) {
  const auto s = split("\xEF\xBB\xBF[{\"a\":1}]");
  EXPECT_EQ(s.bytes, (V{"{\"a\":1}"}));
}

TEST(RecordSplitter, EscapedQuotesAndBackslashesInStrings) {
  const auto s = split(R"([{"a":"\\"},{"b":"\\\"]"},{"c":"\\\\\\"}])");
  EXPECT_EQ(s.bytes, (V{R"({"a":"\\"})", R"({"b":"\\\"]"})", R"({"c":"\\\\\\"})"}));
}

}  // namespace

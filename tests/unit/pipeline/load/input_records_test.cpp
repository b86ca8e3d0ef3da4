// RecordSplitter: layout detection and record boundaries of `load` inputs (no I/O). Every case is
// split twice more, from an InputSource revealing the input a few bytes at a time: the records must
// be the same whatever the reading.
#include "pipeline/load/input_records.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "support/background_process.hpp"
#include "support/load/split_check.hpp"

using etl::pipeline::InputLayout;
using etl::pipeline::InputRecord;
using etl::pipeline::InputSource;
using etl::pipeline::RecordSplitter;

namespace {

using etl::pipeline::kLayoutProbeBytes;
using etl::pipeline::test::ChunkedSource;
using etl::pipeline::test::find_split_violation;

struct Split {
  InputLayout layout = InputLayout::empty;
  std::vector<std::string> bytes;
  std::vector<size_t> lines;
  std::vector<std::string> problems;  // "" when none
  bool pages = false;
  std::vector<size_t> offsets;
  size_t position = 0;
  bool operator==(const Split&) const = default;
};

Split drain(RecordSplitter& s) {
  Split out;
  InputRecord r;
  while (s.next(r)) {
    out.bytes.emplace_back(r.bytes);
    out.lines.push_back(r.line);
    out.problems.push_back(r.problem.value_or(""));
    out.offsets.push_back(r.offset);
  }
  out.layout =
      s.layout();  // once read to the end: the layout may settle late (see kLayoutProbeBytes)
  out.position = s.position();
  out.pages = s.api_pages();
  return out;
}

Split split(const std::string& text) {
  const simdjson::padded_string content(text);  // the splitter needs the padding after the data
  RecordSplitter s(std::string_view(content.data(), content.size()));
  Split out = drain(s);
  for (size_t i = 0; i < out.bytes.size(); ++i) {
    EXPECT_EQ(std::string_view(content.data() + out.offsets[i], out.bytes[i].size()), out.bytes[i]);
  }
  EXPECT_EQ(out.position, content.size());
  for (size_t chunk : {size_t{1}, size_t{5}, size_t{64}}) {
    ChunkedSource source(text, chunk);
    RecordSplitter chunked(source);
    EXPECT_EQ(drain(chunked), out) << "read " << chunk << " byte(s) at a time";
    EXPECT_FALSE(source.misuse());
  }
  // The same checks, as the fuzz target runs them, with a tiny layout probe too.
  for (size_t probe : {size_t{3}, kLayoutProbeBytes})
    EXPECT_EQ(find_split_violation(text, 2, probe), "") << probe;
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
  EXPECT_EQ(s.bytes,
            (V{"{\"purchaseOrderId\": \"1\"}", "{\"purchaseOrderId\": \"2\", \"list\": [1]}"}));
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

TEST(RecordSplitter, ALongFirstLineArrayIsSplitBeforeTheLayoutIsKnown) {
  // With a 4-byte probe the first line is too long to tell NDJSON from one array: the array is
  // split element by element, and the layout settles at its end, with the same records.
  const std::string text = "[{\"b\":1},{\"b\":2}] \r\n{\"a\":3}\n[4,\n5]\n";
  const simdjson::padded_string content(text);
  RecordSplitter s(std::string_view(content.data(), content.size()), 4);
  EXPECT_EQ(s.layout(), InputLayout::json_values);  // not known yet
  const Split out = drain(s);
  EXPECT_EQ(out.layout, InputLayout::ndjson);
  EXPECT_EQ(out.bytes, (V{"{\"b\":1}", "{\"b\":2}", "{\"a\":3}", "4", "5]"}));
  EXPECT_EQ(out.lines, (L{1, 1, 2, 3, 4}));
  EXPECT_EQ(split(text).bytes, out.bytes);  // as with the layout known from the start
  ChunkedSource source(text, 3);
  RecordSplitter chunked(source, 4);
  EXPECT_EQ(drain(chunked).bytes, out.bytes);

  RecordSplitter single(std::string_view(content.data(), 20), 4);  // the array alone: not NDJSON
  EXPECT_EQ(drain(single).layout, InputLayout::json_values);
}

TEST(RecordSplitter, AHugeTopLevelArrayIsNeverHeldWhole) {
  // 20,000 elements on one line (about 500 KB): the splitter holds about one element at a time.
  std::string text = "[";
  for (int i = 0; i < 20000; ++i)
    text += (i ? "," : "") + std::string("{\"purchaseOrderId\":\"") + std::to_string(i) + "\"}";
  text += "]";
  ChunkedSource source(text, 256);
  RecordSplitter s(source, 1024);
  const Split out = drain(s);
  ASSERT_EQ(out.bytes.size(), 20000u);
  EXPECT_EQ(out.bytes[19999], "{\"purchaseOrderId\":\"19999\"}");
  EXPECT_EQ(out.layout, InputLayout::json_values);
  EXPECT_LE(source.max_window(), 1024u + 256u) << "the window grew with the array";
}

TEST(RecordSplitter, NdjsonIsReadLineByLine) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "{\"purchaseOrderId\":\"" + std::to_string(i) + "\"}\n";
  ChunkedSource source(text, 100);
  RecordSplitter s(source, 1024);
  const Split out = drain(s);
  EXPECT_EQ(out.layout, InputLayout::ndjson);
  ASSERT_EQ(out.bytes.size(), 5000u);
  EXPECT_EQ(out.lines.back(), 5000u);
  EXPECT_LE(source.max_window(), 1024u + 100u);
}

TEST(RecordSplitter, AMalformedPageSplitsTheSameWhereverTheReadingStops) {
  // simdjson may look a few bytes past a page; on a malformed page its answer depends on them.
  const std::string text = R"({"list":{"elements":{"order":[)"
                           "\n\n\n"
                           R"(]\"\]\] "list",)"
                           "\n"
                           R"({"list":{"elements":{"order":[["x\"y"]}}}{"p":"1"}"x\"y"]"])";
  const Split whole = split(text);  // compares with the chunked reads
  ASSERT_FALSE(whole.bytes.empty());
  EXPECT_FALSE(whole.problems[0].empty());
  for (size_t probe : {size_t{1}, size_t{4}}) {
    ChunkedSource source(text, 1);
    RecordSplitter s(source, probe);
    EXPECT_EQ(drain(s), whole) << probe;
  }
}

// The fuzz target's check (fuzz/input_splitter_fuzz.cpp) over its seed corpus, the mapping's
// corpus and the order fixtures, with the normal compiler: each file, every prefix of it (a cut
// input), and a copy with each structural byte flipped in turn, at several chunk and probe sizes.
TEST(RecordSplitter, FuzzCorporaKeepTheSplitInvariants) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const char* dir : {"fuzz/split_corpus", "fuzz/corpus", "tests/fixtures/orders"}) {
    for (const auto& e : fs::directory_iterator(fs::path(ETL_SOURCE_DIR) / dir)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
  }
  ASSERT_GE(files.size(), 20u) << "seed corpora missing";
  size_t checked = 0;
  for (const auto& f : files) {
    const std::string text = etl::test::read_text_file(f.string());
    auto check = [&](const std::string& input, const std::string& what) {
      for (const size_t chunk : {size_t{1}, size_t{7}, size_t{64}}) {
        for (const size_t probe : {size_t{5}, kLayoutProbeBytes}) {
          ASSERT_EQ(find_split_violation(input, chunk, probe), "")
              << f.filename() << " " << what << ", chunk " << chunk << ", probe " << probe;
        }
      }
      ++checked;
    };
    check(text, "whole");
    const size_t step = std::max<size_t>(1, text.size() / 40);
    for (size_t n = 0; n < text.size(); n += step)
      check(text.substr(0, n), "prefix " + std::to_string(n));
    for (size_t i = 0; i < text.size(); i += step) {
      std::string flipped = text;
      flipped[i] = flipped[i] == '"' ? '[' : flipped[i] == '\n' ? '"' : '\n';
      check(flipped, "byte " + std::to_string(i) + " changed");
    }
  }
  EXPECT_GT(checked, 1000u);
}

}  // namespace

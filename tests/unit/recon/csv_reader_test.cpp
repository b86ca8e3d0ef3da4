#include "recon/csv_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace etl::recon {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows read_all(std::string_view text, std::string* error = nullptr) {
  CsvReader r(text);
  Rows rows;
  std::vector<std::string> cells;
  while (r.next(cells)) rows.push_back(cells);
  if (error != nullptr) *error = r.error().value_or("");
  return rows;
}

TEST(CsvReader, QuotingLineEndsAndBom) {
  const Rows rows = read_all(
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "2,\"two\r\nlines\",\n"
      "3,,last\r"
      "4,\"\",end");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "two\r\nlines", ""}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"3", "", "last"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"4", "", "end"}));
}

TEST(CsvReader, LinesCountPhysicalLinesInsideQuotes) {
  CsvReader r("h\n\"a\nb\nc\"\nnext\n");
  std::vector<std::string> cells;
  ASSERT_TRUE(r.next(cells));
  EXPECT_EQ(r.line(), 1u);
  ASSERT_TRUE(r.next(cells));
  EXPECT_EQ(r.line(), 2u);
  ASSERT_TRUE(r.next(cells));
  EXPECT_EQ(r.line(), 5u);
  EXPECT_EQ(cells, (std::vector<std::string>{"next"}));
  EXPECT_FALSE(r.next(cells));
  EXPECT_FALSE(r.error());
}

TEST(CsvReader, AQuoteInsideAnUnquotedFieldIsACharacter) {
  const Rows rows = read_all("12\" ruler,x\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "12\" ruler");
}

TEST(CsvReader, MalformedQuotingIsAnErrorWithItsLine) {
  std::string error;
  read_all("a\n\"open,\nb\n", &error);
  EXPECT_EQ(error, "CSV line 2: a quoted field is not closed before the end");
  read_all("a\nb\n\"ab\"c,d\n", &error);
  EXPECT_EQ(error, "CSV line 3: text after the closing quote of a field");
}

TEST(CsvReader, HugeFieldsAndRecordsAreBounded) {
  std::string error;
  read_all(std::string(CsvReader::kMaxFieldBytes + 1, 'x'), &error);
  EXPECT_NE(error.find("longer than"), std::string::npos) << error;
  read_all("\"" + std::string(CsvReader::kMaxFieldBytes + 1, 'x') + "\"", &error);
  EXPECT_NE(error.find("longer than"), std::string::npos) << error;
  read_all(std::string(CsvReader::kMaxFields + 1, ','), &error);
  EXPECT_NE(error.find("more than 4096 fields"), std::string::npos) << error;
}

TEST(CsvReader, EmptyTextHasNoRecords) {
  std::string error;
  EXPECT_TRUE(read_all("", &error).empty());
  EXPECT_TRUE(error.empty());
  EXPECT_TRUE(read_all("\xEF\xBB\xBF", &error).empty());
}

}  // namespace
}  // namespace etl::recon

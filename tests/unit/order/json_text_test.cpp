// Strict token checks that simdjson On-Demand leaves to us.

#include "order/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace etl::order::json_text {
namespace {

TEST(JsonText, NumberGrammar) {
  for (const char* ok :
       {"0", "-0", "1", "12.5", "1e2", "1E-2", "-0.0e+10", "123456789012345678901234"}) {
    EXPECT_TRUE(is_number(ok)) << ok;
  }
  for (const char* bad :
       {"", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x1", "1.2.3", "NaN", "--1", "1 "}) {
    EXPECT_FALSE(is_number(bad)) << bad;
  }
}

std::optional<std::string> un(std::string_view s) {
  std::string out(s.size(), '\0');
  const auto n = unescape(s, out.data());
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

TEST(JsonText, Unescape) {
  EXPECT_EQ(un(R"(a\"b\\c\/d\be\ff\ng\rh\ti)"), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(un(R"(\u0041\u00e9\u6f22)"), "A\xC3\xA9\xE6\xBC\xA2");
  EXPECT_EQ(un(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");  // U+1F600
  EXPECT_EQ(un(R"(\ud800)"), std::nullopt);              // lone high surrogate
  EXPECT_EQ(un(R"(\udc00)"), std::nullopt);              // lone low surrogate
  EXPECT_EQ(un(R"(\ud800\u0041)"), std::nullopt);
  EXPECT_EQ(un(R"(\x)"), std::nullopt);
  EXPECT_EQ(un(R"(\u12)"), std::nullopt);
  EXPECT_EQ(un(R"(\u12G4)"), std::nullopt);
  EXPECT_EQ(un("abc\\"), std::nullopt);
  EXPECT_TRUE(escapes_valid(R"(\ud83d\ude00 \n)"));
  EXPECT_FALSE(escapes_valid(R"(\q)"));
}

}  // namespace
}  // namespace etl::order::json_text

namespace etl::order::json_text {
namespace {

TEST(JsonText, HasBackslashAtEveryPosition) {
  for (size_t len = 0; len < 40; ++len) {
    EXPECT_FALSE(has_backslash(std::string(len, 'a'))) << len;
    EXPECT_FALSE(has_backslash(std::string(len, '\xDC'))) << len;  // bytes >= 0x80 are not '\'
    for (size_t at = 0; at < len; ++at) {
      std::string s(len, '[');
      s[at] = '\\';
      EXPECT_TRUE(has_backslash(s)) << len << " " << at;
    }
  }
}

}  // namespace
}  // namespace etl::order::json_text

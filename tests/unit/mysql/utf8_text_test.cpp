// Text limits of the MySQL sink (no server needed).
#include "mysql/utf8_text.hpp"

#include <gtest/gtest.h>

using namespace etl::mysql;

TEST(Utf8Text, CutsToCodePointsNeverSplittingASequence) {
  EXPECT_EQ(cut_to_code_points("abc", 5), "abc");
  EXPECT_EQ(cut_to_code_points("abcdef", 3), "abc");
  EXPECT_EQ(cut_to_code_points("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9");  // é é é
  EXPECT_EQ(cut_to_code_points("a\xF0\x9F\x9A\x9A"
                               "b",
                               2),
            "a\xF0\x9F\x9A\x9A");                                                // a 🚚 b
  EXPECT_EQ(cut_to_code_points("\xE5\x9F\x8E\xE5\xB8\x82", 1), "\xE5\x9F\x8E");  // 城市
}

TEST(Utf8Text, CutsToBytesOnACodePointBoundary) {
  EXPECT_EQ(cut_to_bytes("a\xF0\x9F\x9A\x9A", 3), "a");
  EXPECT_EQ(cut_to_bytes("a\xF0\x9F\x9A\x9A", 5), "a\xF0\x9F\x9A\x9A");
  EXPECT_EQ(cut_to_bytes("abc", 2), "ab");
}

TEST(Utf8Text, RepairsInvalidSequencesOnly) {
  EXPECT_TRUE(is_valid_utf8("plain \xC3\xA9 \xF0\x9F\x9A\x9A"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                           // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                       // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                   // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE5\x9F"));                           // truncated
  EXPECT_EQ(to_valid_utf8("caf\xE9.json"), "caf\xEF\xBF\xBD.json");  // a Latin-1 file name
  EXPECT_EQ(to_valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
}

#include "common/mysql_compress.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "common/sha256.hpp"

namespace etl {
namespace {

TEST(MysqlCompress, RoundTripsAndShrinksJson) {
  std::string json = R"({"purchaseOrderId":"1817645120031","orderLines":{"orderLine":[)";
  for (int i = 0; i < 200; ++i)
    json += R"({"lineNumber":")" + std::to_string(i) + R"(","item":{"sku":"SKU-1"}},)";
  json += "{}]}}";
  const std::string packed = mysql_compress(json);
  EXPECT_LT(packed.size() * 3, json.size()) << "JSON should shrink well below a third";
  EXPECT_EQ(mysql_uncompress(packed), json);
}

TEST(MysqlCompress, TheLengthPrefixIsLittleEndianLikeMysqlsCompress) {
  const std::string data(0x010203, 'x');
  const std::string packed = mysql_compress(data);
  ASSERT_GT(packed.size(), 4U);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x03);
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x02);
  EXPECT_EQ(static_cast<unsigned char>(packed[2]), 0x01);
  EXPECT_EQ(static_cast<unsigned char>(packed[3]), 0x00);
  EXPECT_EQ(mysql_uncompress(packed), data);
}

TEST(MysqlCompress, EmptyStaysEmptyAndGarbageIsRefused) {
  EXPECT_EQ(mysql_compress(""), "");
  EXPECT_EQ(mysql_uncompress(""), "");
  EXPECT_THROW(mysql_uncompress("abc"), std::runtime_error);
  EXPECT_THROW(mysql_uncompress(std::string("\x05\x00\x00\x00garbage", 11)), std::runtime_error);
}

TEST(Sha256, MatchesTheKnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace etl

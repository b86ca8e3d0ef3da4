#include "recon/zip_archive.hpp"

#include <gtest/gtest.h>

#include <string>

#include "recon/report_file.hpp"
#include "support/recon/recon_sample.hpp"

namespace etl::recon {
namespace {

TEST(ZipArchive, RoundTripsOneCsv) {
  const std::string csv = etl::testing::recon::report_csv(2);
  const std::string zip = make_report_zip("10000000354_2026-12-12T08:00:00.000+0000.csv", csv);
  EXPECT_TRUE(looks_like_zip(zip));
  EXPECT_FALSE(looks_like_zip(csv));
  const UnzippedReport u = unzip_report(zip, 1 << 20);
  ASSERT_FALSE(u.error) << *u.error;
  EXPECT_EQ(u.bytes, csv);
  EXPECT_EQ(u.entry_name, "10000000354_2026-12-12T08:00:00.000+0000.csv");
}

TEST(ZipArchive, InflatingBeyondTheBoundIsRefused) {
  // 64 MB of one byte deflates to a few dozen KB: the bound is on what is read.
  const std::string zip = make_report_zip("r.csv", std::string(size_t{64} << 20, 'a'));
  EXPECT_LT(zip.size(), size_t{1} << 20);
  const UnzippedReport u = unzip_report(zip, size_t{1} << 20);
  ASSERT_TRUE(u.error);
  EXPECT_TRUE(u.too_large);
  EXPECT_NE(u.error->find("inflates to more than 1048576 bytes"), std::string::npos) << *u.error;
  const CheckedReport c = check_report_file(zip, size_t{1} << 20);
  ASSERT_TRUE(c.parsed.issue);
  EXPECT_EQ(c.parsed.issue->problem, ReconProblem::too_large);
}

TEST(ZipArchive, CorruptOrTruncatedZipsAreUnreadable) {
  std::string zip = make_report_zip("r.csv", etl::testing::recon::report_csv(5));
  const UnzippedReport cut = unzip_report(std::string_view(zip).substr(0, zip.size() / 2), 1 << 20);
  ASSERT_TRUE(cut.error);
  // Flip a byte of the deflated data: the CRC (or the inflater) notices.
  zip[60] = static_cast<char>(zip[60] ^ 0x55);
  const UnzippedReport flipped = unzip_report(zip, 1 << 20);
  ASSERT_TRUE(flipped.error);
  const CheckedReport c = check_report_file(std::string("PK\3\4garbage"));
  ASSERT_TRUE(c.parsed.issue);
  EXPECT_EQ(c.parsed.issue->problem, ReconProblem::unreadable);
}

TEST(ZipArchive, ChecksumIsOfTheCsvWhateverTheWrapping) {
  const std::string csv = etl::testing::recon::report_csv(2);
  const CheckedReport zipped = check_report_file(make_report_zip("a.csv", csv));
  const CheckedReport plain = check_report_file(csv);
  ASSERT_TRUE(zipped.parsed.report);
  ASSERT_TRUE(plain.parsed.report);
  EXPECT_TRUE(zipped.zipped);
  EXPECT_FALSE(plain.zipped);
  EXPECT_EQ(zipped.csv_sha256, plain.csv_sha256);
  EXPECT_EQ(zipped.csv_sha256.size(), 64u);
}

}  // namespace
}  // namespace etl::recon

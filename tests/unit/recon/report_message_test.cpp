#include "recon/report_message.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/sha256.hpp"

namespace etl::recon {
namespace {

ReportChunkHeaders common() {
  ReportChunkHeaders h;
  h.account = "brand-us";
  h.report_date = "2026-12-12";
  h.file_name = "10000000354_2026-12-12T08:00:00.000+0000.zip";
  h.fetched_at = "2026-12-12 09:00:00";
  return h;
}

std::string file_of(size_t n, char seed = 'a') {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 7) % 23);
  return s;
}

using Kind = ReportAssembler::Verdict::Kind;

TEST(ReportMessage, SplitsIntoBoundedChunksWithHeadersThatReadBack) {
  const std::string file = file_of(2500);
  const auto chunks = split_report(file, common(), 1000);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[2].bytes.size(), 500u);
  for (const auto& c : chunks) {
    EXPECT_EQ(c.headers.chunks, 3u);
    EXPECT_EQ(c.headers.file_sha256, sha256_hex(file));
    std::string why;
    const auto back = parse_message_headers(to_message_headers(c.headers), &why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(back->chunk, c.headers.chunk);
    EXPECT_EQ(back->report_date, "2026-12-12");
  }
  EXPECT_EQ(split_report("", common(), 10).size(), 1u);
  EXPECT_EQ(split_report(file, common(), 5000).size(), 1u);
  EXPECT_EQ(report_message_key("brand-us", "2026-12-12"), "brand-us|2026-12-12");
}

TEST(ReportMessage, BadHeadersAreNamed) {
  auto h = to_message_headers(split_report("x", common(), 10)[0].headers);
  std::string why;
  auto bad = h;
  bad[5].second = "1";  // chunk 1 of 1
  EXPECT_FALSE(parse_message_headers(bad, &why));
  EXPECT_NE(why.find("index below a count"), std::string::npos);
  bad = h;
  bad[4].second = "nothex";
  EXPECT_FALSE(parse_message_headers(bad, &why));
  bad = h;
  bad.erase(bad.begin() + 1);
  EXPECT_FALSE(parse_message_headers(bad, &why));
  EXPECT_EQ(why, "the message has no report_date header");
}

TEST(ReportMessage, InterleavedReportsAreJoinedAndHoldTheOffsetBack) {
  const std::string a = file_of(2500, 'a');
  const std::string b = file_of(1200, 'k');
  ReportChunkHeaders hb = common();
  hb.account = "brand-ca";
  const auto ca = split_report(a, common(), 1000);
  const auto cb = split_report(b, hb, 1000);
  ReportAssembler asm_(1 << 20);
  EXPECT_EQ(asm_.add("A", ca[0].headers, ca[0].bytes, 10).kind, Kind::pending);
  EXPECT_EQ(asm_.min_pending_offset(), 10);
  EXPECT_EQ(asm_.add("B", cb[0].headers, cb[0].bytes, 11).kind, Kind::pending);
  EXPECT_EQ(asm_.add("A", ca[1].headers, ca[1].bytes, 12).kind, Kind::pending);
  auto v = asm_.add("B", cb[1].headers, cb[1].bytes, 13);
  ASSERT_EQ(v.kind, Kind::complete);
  EXPECT_EQ(v.report->bytes, b);
  EXPECT_EQ(v.report->first_offset, 11);
  EXPECT_EQ(v.report->last_offset, 13);
  // A's first chunk is still unwritten: the partition's stored offset may not pass 10.
  EXPECT_EQ(asm_.min_pending_offset(), 10);
  v = asm_.add("A", ca[2].headers, ca[2].bytes, 14);
  ASSERT_EQ(v.kind, Kind::complete);
  EXPECT_EQ(v.report->bytes, a);
  EXPECT_FALSE(asm_.min_pending_offset());
}

TEST(ReportMessage, AResentReportRestartsAndGapsAreGivenUp) {
  const std::string a = file_of(3000);
  const auto c = split_report(a, common(), 1000);
  ReportAssembler asm_(1 << 20);
  asm_.add("A", c[0].headers, c[0].bytes, 1);
  asm_.add("A", c[1].headers, c[1].bytes, 2);
  // fetch died and sent the report again: chunk 0 gives the unfinished one up and starts anew.
  auto v = asm_.add("A", c[0].headers, c[0].bytes, 3);
  EXPECT_EQ(v.kind, Kind::abandoned);
  EXPECT_NE(v.problem.find("given up after 2 of 3"), std::string::npos) << v.problem;
  EXPECT_EQ(asm_.min_pending_offset(), 3);
  asm_.add("A", c[1].headers, c[1].bytes, 4);
  v = asm_.add("A", c[2].headers, c[2].bytes, 5);
  ASSERT_EQ(v.kind, Kind::complete);
  EXPECT_EQ(v.report->bytes, a);

  // A chunk without its beginning (retention deleted it).
  v = asm_.add("A", c[2].headers, c[2].bytes, 6);
  EXPECT_EQ(v.kind, Kind::abandoned);
  EXPECT_EQ(asm_.pending(), 0u);
  // A gap.
  asm_.add("A", c[0].headers, c[0].bytes, 7);
  v = asm_.add("A", c[2].headers, c[2].bytes, 8);
  EXPECT_EQ(v.kind, Kind::abandoned);
  EXPECT_EQ(asm_.pending(), 0u);
}

TEST(ReportMessage, CorruptOrOversizedReportsAreNotWritten) {
  const std::string a = file_of(2000);
  auto c = split_report(a, common(), 1000);
  ReportAssembler asm_(1 << 20);
  asm_.add("A", c[0].headers, c[0].bytes, 1);
  std::string other(c[1].bytes);
  other[5] = static_cast<char>(other[5] ^ 1);
  auto v = asm_.add("A", c[1].headers, other, 2);
  EXPECT_EQ(v.kind, Kind::rejected);
  ASSERT_TRUE(v.report);  // the joined bytes, for the dead letter
  EXPECT_NE(sha256_hex(v.report->bytes), v.report->headers.file_sha256);

  ReportAssembler small(1500);
  small.add("A", c[0].headers, c[0].bytes, 1);
  v = small.add("A", c[1].headers, c[1].bytes, 2);
  EXPECT_EQ(v.kind, Kind::abandoned);
  EXPECT_NE(v.problem.find("larger than 1500 bytes"), std::string::npos);
  EXPECT_FALSE(small.min_pending_offset());
}

}  // namespace
}  // namespace etl::recon

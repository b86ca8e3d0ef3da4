// `walmart-etl --version` / `-V` as a user and a support engineer read it: the product version,
// the librdkafka actually linked (at least 2.6.1, the first that logs in with SCRAM to Kafka 4),
// the MySQL client library, the build type; and, with the librdkafka this project builds, a
// binary that needs no librdkafka.so at run time.

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <sstream>

#include "support/test_env.hpp"

using etl::test::run_binary;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(VersionCli, PrintsProductLibrariesAndBuildType) {
  const auto r = run_binary({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  // A release tag (with the commits since it), else the project version with the commit, else
  // "+nogit" for a source tree that is not a checkout; a valid Debian version in every case (the
  // package carries the same one), so never a "-".
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex(R"(walmart-etl [0-9]+\.[0-9]+\.[0-9]+)"
                           R"((\+[0-9]+\.g[0-9a-f]+|\+g[0-9a-f]{7,}|\+nogit)?([.+]dirty)?)")))
      << lines[0];
  std::smatch m;
  ASSERT_TRUE(
      std::regex_match(lines[1], m, std::regex(R"(librdkafka ([0-9]+)\.([0-9]+)\.([0-9]+).*)")))
      << lines[1];
  const int version = std::stoi(m[1]) * 10000 + std::stoi(m[2]) * 100 + std::stoi(m[3]);
  EXPECT_GE(version, 20601) << lines[1] << ": older than 2.6.1, no SCRAM login to Kafka 4";
  EXPECT_TRUE(std::regex_match(
      lines[2], std::regex(R"(MySQL client library: MariaDB Connector/C [0-9]+\.[0-9]+\.[0-9]+)"
                           R"(( \(built with [0-9.]+\))?)")))
      << lines[2];
  EXPECT_EQ(lines[3], std::string("build type: ") + ETL_TEST_BUILD_TYPE);

  const auto short_flag = run_binary({"-V"});
  EXPECT_EQ(short_flag.exit_code, 0);
  EXPECT_EQ(short_flag.out, r.out);
}

TEST(VersionCli, LinksNoSharedLibrdkafka) {
  if (ETL_TEST_SYSTEM_LIBRDKAFKA) GTEST_SKIP() << "built with -DETL_SYSTEM_LIBRDKAFKA=ON";
  const std::string cmd = std::string("ldd '") + ETL_BINARY_PATH + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  while (const size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << out;
  EXPECT_NE(out.find("libssl"), std::string::npos) << out;  // ldd did list the dependencies
  EXPECT_EQ(out.find("librdkafka"), std::string::npos) << out;
}

}  // namespace

// fetch --interval: every unit, a bare number as seconds, and each malformed value refused with a
// ConfigError that names the option.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "pipeline/fetch/fetch_command.hpp"

namespace etl::pipeline {
namespace {

using std::chrono::milliseconds;

TEST(ParseInterval, Units) {
  EXPECT_EQ(parse_interval("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_interval("5min"), milliseconds(300'000));
  EXPECT_EQ(parse_interval("90s"), milliseconds(90'000));
  EXPECT_EQ(parse_interval("300"), milliseconds(300'000)) << "a bare number is seconds";
  EXPECT_EQ(parse_interval("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parse_interval("500ms"), milliseconds(500));
  EXPECT_EQ(parse_interval("10000000s"), milliseconds(10'000'000'000));
}

std::string error_of(const std::string& text) {
  try {
    (void)parse_interval(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ParseInterval, MalformedValuesAreRefused) {
  for (const std::string bad : {"", "soon", "m", "0", "0s", "-5m", "5d", "5 m", "1.5h", "10000001s",
                                "99999999999999999999"}) {
    const std::string why = error_of(bad);
    EXPECT_NE(why.find("fetch --interval"), std::string::npos) << "'" << bad << "': " << why;
  }
  EXPECT_NE(error_of("5d").find("unknown unit"), std::string::npos);
  EXPECT_NE(error_of("99999999999999999999").find("too long"), std::string::npos);
}

}  // namespace
}  // namespace etl::pipeline

// Unit: label values from data get their own series up to a bound, known ones always.

#include "metrics/bounded_labels.hpp"

#include <gtest/gtest.h>

namespace etl::metrics {
namespace {

TEST(BoundedLabels, KnownAlwaysThenFirstComeUpToTheBoundThenOverflowReportedOnce) {
  BoundedLabels l(2, "(other)");
  l.add_known({"main"});
  EXPECT_EQ(l.label("a").value, "a");
  EXPECT_EQ(l.label("b").value, "b");
  const auto c = l.label("c");
  EXPECT_EQ(c.value, "(other)");
  EXPECT_TRUE(c.first_overflow);
  const auto d = l.label("d");
  EXPECT_EQ(d.value, "(other)");
  EXPECT_FALSE(d.first_overflow) << "said once";
  EXPECT_EQ(l.label("main").value, "main") << "configured accounts never overflow";
  EXPECT_EQ(l.label("a").value, "a") << "an admitted value keeps its series";
}

}  // namespace
}  // namespace etl::metrics

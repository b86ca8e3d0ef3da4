// FetchDedup: an order id is new once per run, whether it is all digits (kept as a number, and
// "007" is not "7") or not; concurrent workers see each id new exactly once.

#include "pipeline/fetch/dedup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace etl::pipeline {
namespace {

TEST(FetchDedup, EachIdIsNewOnce) {
  FetchDedup d;
  EXPECT_TRUE(d.first_time("108829675442951"));
  EXPECT_FALSE(d.first_time("108829675442951"));
  EXPECT_TRUE(d.first_time("108829675442952"));
  EXPECT_TRUE(d.first_time("PO-1"));
  EXPECT_FALSE(d.first_time("PO-1"));
  EXPECT_EQ(d.size(), 3u);
}

TEST(FetchDedup, LeadingZerosAndHugeNumbersAreTheirOwnIds) {
  FetchDedup d;
  EXPECT_TRUE(d.first_time("7"));
  EXPECT_TRUE(d.first_time("007")) << "not the number 7: kept as text";
  EXPECT_FALSE(d.first_time("007"));
  EXPECT_TRUE(d.first_time("99999999999999999999999"));  // past int64: kept as text
  EXPECT_FALSE(d.first_time("99999999999999999999999"));
  EXPECT_TRUE(d.first_time(""));
  EXPECT_FALSE(d.first_time(""));
  EXPECT_EQ(d.size(), 4u);
}

TEST(FetchDedup, ConcurrentWorkersSeeEachIdNewOnce) {
  FetchDedup d;
  std::atomic<int> firsts{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (d.first_time(std::to_string(1000000 + i))) firsts++;
        if (d.first_time("X" + std::to_string(i))) firsts++;
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(firsts.load(), 4000);
  EXPECT_EQ(d.size(), 4000u);
}

}  // namespace
}  // namespace etl::pipeline

// A kill -9 in the middle. `fetch` (paced so it runs for a while) and `stream` run
// side by side; the stream is killed with SIGKILL while orders are flowing and replaced; then
// the fetch is killed with SIGKILL half way and the replacement stream too. Re-running `fetch`
// for the same range and `stream --until-idle` must give exactly the simulator's data: the same
// checks as the clean run (independent verifier), no dead letters, and the stream's stored
// offsets at the end of every partition (duplicates from the re-fetch absorbed by the upsert).

#include <gtest/gtest.h>

#include "support/background_process.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/e2e/kafka_probe.hpp"
#include "support/e2e/order_facts.hpp"

namespace etl::e2e {
namespace {

TEST(CrashE2e, KillNineOfStreamAndFetchMidwayThenRerunGivesExactContent) {
  const std::vector<std::string> data{"--now",  kFixedNow, "--time-scale",     "0",
                                      "--days", "3",       "--orders-per-day", "1000",
                                      "--seed", "31"};
  WorldOptions o;
  o.sim_args = data;
  o.sim_args.insert(o.sim_args.end(), {"--fail-rate", "0.05"});
  World w(o);
  const std::string dump_path = w.dir + "/dump.ndjson";
  std::vector<std::string> dump_args{"simulate-api"};
  dump_args.insert(dump_args.end(), data.begin(), data.end());
  dump_args.insert(dump_args.end(), {"--dump", dump_path, "--dump-only"});
  auto d = w.run(dump_args);
  ASSERT_EQ(d.exit_code, 0) << describe(d);
  const OrderFactsById expected = facts_from_ndjson(read_text_file(dump_path));
  ASSERT_GT(expected.size(), 2900u);

  auto init = w.run({"init-db"});
  ASSERT_EQ(init.exit_code, 0) << describe(init);
  const std::string raw_count = "SELECT COUNT(*) FROM walmart_order_raw";
  const std::vector<std::string> fetch_args{"fetch", "--start",    "2024-04-29",
                                            "--end", "2024-05-02", "--no-progress"};

  // ~100 requests at 3 a second, one window at a time: the first fetch takes ~35 s.
  auto fetch = w.start(
      "fetch-1", fetch_args,
      {{"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "180"}, {"WALMART_ETL_FETCH__CONCURRENCY", "1"}});
  auto stream1 = w.start("stream-1", {"stream"});

  // kill -9 the stream while it is writing and the fetch is producing.
  int64_t written = 0;
  ASSERT_TRUE(eventually([&] { return (written = query_count(w.db(), raw_count)) >= 200; }, 90s))
      << stream1->describe() << fetch->describe();
  ASSERT_TRUE(fetch->running())
      << "fetch finished before the first kill; it should be paced slower\n"
      << fetch->describe();
  stream1->kill9();
  const int64_t after_first_kill = query_count(w.db(), raw_count);
  ASSERT_LT(after_first_kill, static_cast<int64_t>(expected.size()));

  // A new stream takes over the group (after the dead member's session times out) and resumes
  // from the offsets stored in MySQL; once it writes, kill -9 the fetch half way, then it.
  auto stream2 = w.start("stream-2", {"stream"});
  ASSERT_TRUE(eventually([&] { return query_count(w.db(), raw_count) > after_first_kill; }, 90s))
      << stream2->describe();
  ASSERT_TRUE(fetch->running())
      << "fetch finished before it could be killed; it should be paced slower\n"
      << fetch->describe();
  EXPECT_EQ(fetch->kill9(), 128 + 9);
  EXPECT_EQ(stream2->kill9(), 128 + 9);
  const int64_t at_kill = query_count(w.db(), raw_count);
  ASSERT_LT(at_kill, static_cast<int64_t>(expected.size())) << "the kills were not in the middle";
  std::printf("killed stream-1 at %lld orders in MySQL, fetch-1 and stream-2 at %lld of %zu\n",
              static_cast<long long>(after_first_kill), static_cast<long long>(at_kill),
              expected.size());

  // Re-run both: fetch the whole range again (unpaced), then stream until idle.
  auto refetch = w.run(fetch_args, {{"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "0"}}, 180s);
  ASSERT_EQ(refetch.exit_code, 0) << describe(refetch);
  EXPECT_NE(refetch.out.find("result: complete"), std::string::npos) << refetch.out;
  auto until_idle = w.run({"stream", "--until-idle"}, {}, 180s);
  ASSERT_EQ(until_idle.exit_code, 0) << describe(until_idle);

  EXPECT_EQ(compare_facts(expected, facts_from_mysql(w.db())), "");
  EXPECT_EQ(query_count(w.db(), "SELECT COUNT(*) FROM walmart_order_dead_letter"), 0);
  const auto ends = end_offsets(w.bootstrap, w.topic, 8);
  int64_t messages = 0;
  for (const auto& [p, end] : ends) messages += end;
  EXPECT_GT(messages, static_cast<int64_t>(expected.size()))
      << "the re-fetch produced every order again";
  EXPECT_EQ(compare_offsets(ends, stored_offsets(w.db(), w.group, w.topic)), "");
}

}  // namespace
}  // namespace etl::e2e

// Continuous mode. `fetch --follow --interval 2s` and `stream` run side by side
// as background processes; the simulator's clock is advanced (POST /_sim/advance) so line
// statuses change and new orders appear; every change reaches MySQL within a deadline, checked
// with the independent verifier against the simulator's ground truth (GET /_sim/dump). Then both
// stop cleanly on SIGTERM with everything written.

#include <gtest/gtest.h>

#include "support/background_process.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/e2e/order_facts.hpp"

namespace etl::e2e {
namespace {

using Clock = std::chrono::steady_clock;

TEST(FollowE2e, OrdersChangedInTheSimulatorReachMysqlWhileFetchFollowsAndStreamRuns) {
  // The simulator's clock is frozen at kFixedNow except for explicit advances; fetch follows the
  // server's clock (its Date header), so the --since-last watermarks live in simulated time.
  WorldOptions o;
  o.sim_args = {"--now",  kFixedNow, "--time-scale",     "0",
                "--days", "2",       "--orders-per-day", "600",
                "--seed", "21",      "--fail-rate",      "0.05"};
  World w(o);
  auto init = w.run({"init-db"});
  ASSERT_EQ(init.exit_code, 0) << describe(init);

  auto stream = w.start("stream", {"stream"});
  auto follow = w.start("fetch-follow", {"fetch", "--follow", "--interval", "2s", "--start",
                                         "2024-04-30", "--no-progress"});

  // Everything the API serves now arrives.
  const OrderFactsById before = facts_from_ndjson(w.sim_dump());
  ASSERT_GT(before.size(), 1100u);
  std::string diff;
  ASSERT_TRUE(eventually(
      [&] {
        diff = compare_facts(before, facts_from_mysql(w.db()));
        return diff.empty();
      },
      120s, 500ms))
      << diff << follow->describe() << stream->describe();

  // Six simulated hours later: statuses moved, new orders were placed.
  w.advance_sim(6 * 3600);
  const auto advanced_at = Clock::now();
  const OrderFactsById after = facts_from_ndjson(w.sim_dump());
  size_t changed_lines = 0;
  size_t new_orders = 0;
  std::string example;
  for (const auto& [id, f] : after) {
    const auto it = before.find(id);
    if (it == before.end()) {
      ++new_orders;
      continue;
    }
    for (const auto& [line, status] : f.line_status) {
      if (it->second.line_status.at(line) != status) {
        ++changed_lines;
        if (example.empty())
          example = id + " line " + std::to_string(line) + ": " + it->second.line_status.at(line) +
                    " -> " + status;
      }
    }
  }
  ASSERT_GT(changed_lines, 20u) << "the advance should move some line statuses";
  ASSERT_GT(new_orders, 50u);
  // MySQL held exactly `before`, which differs from `after`; within a few follow intervals
  // (2 s each, plus the stream's 200 ms batches and a wide margin for a loaded CI machine) it
  // holds exactly `after`: changed statuses, new orders, sums.
  ASSERT_TRUE(eventually(
      [&] {
        diff = compare_facts(after, facts_from_mysql(w.db()));
        return diff.empty();
      },
      45s, 250ms))
      << "e.g. " << example << "\n"
      << diff << follow->describe() << stream->describe();
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - advanced_at);
  RecordProperty("advance_to_mysql_ms", static_cast<int>(took.count()));
  std::printf(
      "changes visible in MySQL %lld ms after the advance (%zu changed lines, %zu new orders; e.g. "
      "%s)\n",
      static_cast<long long>(took.count()), changed_lines, new_orders, example.c_str());

  // SIGTERM: both exit 0 promptly, nothing lost on the way out.
  const auto t0 = Clock::now();
  EXPECT_EQ(follow->stop(30s), 0) << follow->describe();
  EXPECT_EQ(stream->stop(30s), 0) << stream->describe();
  EXPECT_LT(Clock::now() - t0, 30s);
  EXPECT_NE(follow->out().find("result: complete"), std::string::npos) << follow->describe();
  EXPECT_EQ(compare_facts(after, facts_from_mysql(w.db())), "");
  EXPECT_EQ(query_count(w.db(), "SELECT COUNT(*) FROM walmart_order_dead_letter"), 0);
  // The watermark moved for every ship-node type.
  EXPECT_EQ(query_count(w.db(), "SELECT COUNT(*) FROM etl_fetch_watermark WHERE account = 'main'"),
            3);
}

}  // namespace
}  // namespace etl::e2e

// Every command line the README shows is executed here, against simulate-api,
// dev-broker and MariaDB, checking its exit code and a key line of its output (the README must
// not rot). The README command lines covered (keep this list and README.md in step):
//   walmart-etl --help  (lists exactly the subcommands that exist)
//   (purge and forget, as the README shows them, run in tests/e2e/privacy/privacy_test.cpp;
//   load --data recon in tests/e2e/load/recon_load_test.cpp;
//    privacy apply [--dry-run] in tests/e2e/privacy/privacy_apply_test.cpp)
//   walmart-etl <command> --help  (for every command)
//   walmart-etl check-config
//   walmart-etl --config FILE --set stream.parallelism=2 check-config
//   walmart-etl init-db
//   walmart-etl --set mysql.database=NAME init-db
//   walmart-etl token [--account NAME] [--show]
//   walmart-etl fetch --start … --end …
//   walmart-etl fetch --last-hours N
//   walmart-etl fetch --last-hours 6 --ship-node-type WFSFulfilled --dry-run
//   walmart-etl fetch --since-last --start …  (first run), then walmart-etl fetch --since-last
//   walmart-etl --set fetch.requests_per_minute=300 fetch --follow --interval 5m
//   walmart-etl stream [--group ID] --until-idle
//   walmart-etl load --batch-rows N FILE...
//   zcat orders.ndjson.gz | walmart-etl load --write-path portable -
//   walmart-etl simulate-api --port 0 --port-file FILE --now … --time-scale 0 --seed 7
//   walmart-etl simulate-api --seed 7 --now … --dump FILE --dump-only
//   walmart-etl simulate-api --client-id MyClientId --client-secret MySecret  (--port 0 here)
//   walmart-etl dev-broker --bootstrap-file FILE --topic NAME:PARTITIONS

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/utc_time.hpp"
#include "support/background_process.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/e2e/json_tree.hpp"
#include "support/e2e/kafka_probe.hpp"
#include "support/e2e/order_facts.hpp"

namespace etl::e2e {
namespace {

constexpr int64_t kDay = 86'400'000;

const std::set<std::string> kCommands{"check-config", "init-db", "token",        "fetch",
                                      "stream",       "load",    "simulate-api", "dev-broker",
                                      "purge",        "forget",  "privacy",      "report"};

// Names listed under "Subcommands:" in the top-level help.
std::set<std::string> listed_subcommands(const std::string& help) {
  std::set<std::string> out;
  std::istringstream in(help);
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (!line.empty() && line[0] != ' ') break;  // the next section
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      out.insert(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return out;
}

int64_t total_messages(const World& w) {
  int64_t n = 0;
  for (const auto& [p, end] : end_offsets(w.bootstrap, w.topic, 4)) n += end;
  return n;
}

TEST(ReadmeE2e, TopLevelHelpListsExactlyTheWorkingCommandsAndEveryCommandHasHelp) {
  const auto help = test::run_binary({"--help"});
  ASSERT_EQ(help.exit_code, 0) << describe(help);
  EXPECT_NE(help.out.find("Usage: walmart-etl"), std::string::npos) << help.out;
  EXPECT_EQ(listed_subcommands(help.out), kCommands) << help.out;
  for (const auto& command : kCommands) {
    const auto r = test::run_binary({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command << ": " << describe(r);
    EXPECT_NE(r.out.find("Usage: walmart-etl " + command), std::string::npos)
        << command << ": " << r.out;
  }
}

TEST(ReadmeE2e, EveryReadmeCommandRunsAgainstTheSimulatorTheDevBrokerAndMariadb) {
  // The README's simulator, frozen at 2024-05-02T17:05:41Z. fetch follows the server's clock
  // (its Date header), so --last-hours and --since-last work in simulated time; --dump-only
  // with the same --now writes the same data.
  const std::string now = kFixedNow;
  const int64_t now_ms = *parse_iso8601_ms(now);
  const std::vector<std::string> data{
      "--now", now, "--time-scale", "0", "--days", "2", "--orders-per-day", "400", "--seed", "7"};
  WorldOptions o;
  o.sim_args = data;
  o.partitions = 4;
  World w(o);

  // walmart-etl simulate-api --port 0 --port-file FILE --now … --time-scale 0 --seed 7, and
  // walmart-etl dev-broker --bootstrap-file FILE --topic T:4 (started by World): what they print.
  EXPECT_NE(w.sim->out().find("listening on " + w.base_url), std::string::npos)
      << w.sim->describe();
  EXPECT_EQ(w.broker->out().substr(0, w.broker->out().find('\n')), w.bootstrap)
      << w.broker->describe();

  // walmart-etl simulate-api --seed 7 --now … --dump truth.ndjson --dump-only
  const std::string dump_path = w.dir + "/truth.ndjson";
  std::vector<std::string> dump_args{"simulate-api"};
  dump_args.insert(dump_args.end(), data.begin(), data.end());
  dump_args.insert(dump_args.end(), {"--dump", dump_path, "--dump-only"});
  auto r = w.run(dump_args);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string dump = read_text_file(dump_path);
  const OrderFactsById expected = facts_from_ndjson(dump);
  ASSERT_GT(expected.size(), 700u);
  EXPECT_NE(r.err.find("wrote " + std::to_string(expected.size()) + " orders"), std::string::npos)
      << describe(r);

  // walmart-etl check-config: the effective values, secrets masked.
  r = w.run({"check-config"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("bootstrap_servers: [" + w.bootstrap + "]"), std::string::npos) << r.out;
  const auto secret_at = r.out.find("client_secret: ");
  ASSERT_NE(secret_at, std::string::npos) << r.out;
  EXPECT_NE(r.out.substr(secret_at, r.out.find('\n', secret_at) - secret_at).find("***"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("sim-client-secret"), std::string::npos) << "a secret was printed";

  // walmart-etl --config FILE --set stream.parallelism=2 check-config
  const std::string config_path = w.dir + "/config.yml";
  { std::ofstream(config_path) << "stream:\n  max_retries: 5\n  parallelism: 1\n"; }
  r = w.run({"--config", config_path, "--set", "stream.parallelism=2", "check-config"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("source: " + config_path), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  max_retries: 5\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  parallelism: 2\n"), std::string::npos) << r.out;

  // walmart-etl --set mysql.database=NAME init-db (then walmart-etl init-db again: safe to re-run).
  auto no_database = w.env();
  no_database.erase("WALMART_ETL_MYSQL__DATABASE");
  r = test::run_binary({"--set", "mysql.database=" + w.db().database, "init-db"}, no_database, 60s,
                       w.dir);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("created database " + w.db().database), std::string::npos) << r.out;
  r = w.run({"init-db"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find(w.db().database + ".walmart_order "), std::string::npos) << r.out;

  // walmart-etl token [--account NAME] [--show]
  r = w.run({"token"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("account main at " + w.base_url + ": access token (Bearer) valid for"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1)
      << "the token itself is shown only with --show";
  r = w.run({"token", "--account", "main", "--show"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
  EXPECT_GT(r.out.substr(r.out.find('\n') + 1).size(), 10u) << r.out;

  const std::string first_day = utc_day(now_ms - 2 * kDay);
  const std::string yesterday = utc_day(now_ms - kDay);

  // walmart-etl fetch --last-hours 6 --ship-node-type WFSFulfilled --dry-run: counts, produces
  // nothing.
  r = w.run({"fetch", "--last-hours", "6", "--ship-node-type", "WFSFulfilled", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("DRY RUN, nothing produced"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("WFSFulfilled"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("SellerFulfilled"), std::string::npos) << r.out;
  EXPECT_EQ(total_messages(w), 0);

  // walmart-etl fetch --start … --end …: exactly yesterday's orders.
  size_t yesterdays = 0;
  {
    std::istringstream in(dump);
    const int64_t day_start = now_ms / kDay * kDay - kDay;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const int64_t t = std::stoll(parse_json(line).get("orderDate")->text);
      if (t >= day_start && t < day_start + kDay) ++yesterdays;
    }
  }
  ASSERT_GT(yesterdays, 300u);
  r = w.run({"fetch", "--start", yesterday, "--end", yesterday});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("result: complete - " + std::to_string(yesterdays) +
                       " orders acknowledged by Kafka"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(total_messages(w), static_cast<int64_t>(yesterdays));

  // walmart-etl fetch --last-hours N
  r = w.run({"fetch", "--last-hours", "6"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("result: complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("orders by created date"), std::string::npos) << r.out;
  EXPECT_GT(total_messages(w), static_cast<int64_t>(yesterdays));  // the last 6 h have orders too

  // walmart-etl fetch --since-last: the first incremental run needs --start (a clear usage
  // error without), then it runs from its watermark.
  r = w.run({"fetch", "--since-last"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("--start"), std::string::npos) << r.err;
  r = w.run({"fetch", "--since-last", "--start", first_day});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("result: complete - " + std::to_string(expected.size()) + " orders"),
            std::string::npos)
      << r.out;
  r = w.run({"fetch", "--since-last"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("orders by lastModified date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: complete"), std::string::npos) << r.out;

  // walmart-etl --set fetch.requests_per_minute=300 fetch --follow --interval 5m: its first
  // cycle runs at once; SIGTERM stops it cleanly while it waits for the next.
  {
    auto follow = w.start("follow", {"--set", "fetch.requests_per_minute=300", "fetch", "--follow",
                                     "--interval", "5m"});
    EXPECT_TRUE(eventually(
        [&] { return follow->out().find("result: complete") != std::string::npos; }, 60s))
        << follow->describe();
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(follow->stop(30s), 0) << follow->describe();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 15s);
  }

  // walmart-etl stream --group ID --until-idle: everything in MySQL, as the API serves it.
  const std::string group = "readme_" + test::random_suffix(6);
  r = w.run({"stream", "--group", group, "--until-idle"}, {}, 180s);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("every assigned partition has been read to its end and written"),
            std::string::npos)
      << describe(r);
  EXPECT_EQ(compare_facts(expected, facts_from_mysql(w.db())), "");
  EXPECT_EQ(
      compare_offsets(end_offsets(w.bootstrap, w.topic, 4), stored_offsets(w.db(), group, w.topic)),
      "");

  // walmart-etl load FILE...: the dump in two files into a second database, same facts.
  const std::string part1 = w.dir + "/part-1.json";
  const std::string part2 = w.dir + "/part-2.json";
  {
    std::istringstream in(dump);
    std::ofstream a(part1), b(part2);
    size_t i = 0;
    for (std::string line; std::getline(in, line); ++i) (i % 2 ? b : a) << line << '\n';
  }
  test::ScopedDatabase second(test::test_mysql_config());
  const auto second_env = w.env_for(second.config());
  r = test::run_binary({"init-db"}, second_env, 60s, w.dir);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  r = test::run_binary({"load", "--batch-rows", "500", part1, part2}, second_env, 120s, w.dir);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("loaded    " + std::to_string(expected.size()) + " orders"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("in 2 file(s)"), std::string::npos) << r.out;
  EXPECT_EQ(compare_facts(expected, facts_from_mysql(second.config())), "");

  // zcat orders.ndjson.gz | walmart-etl load -
  test::ScopedDatabase third(test::test_mysql_config());
  const auto third_env = w.env_for(third.config());
  r = test::run_binary({"init-db"}, third_env, 60s, w.dir);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto piped = BackgroundProcess::shell(
      "load-stdin",
      "gzip -c truth.ndjson > orders.ndjson.gz && zcat orders.ndjson.gz | '" + binary_path() +
          "' load --write-path portable -",
      third_env, w.dir);
  EXPECT_EQ(piped->wait(120s), 0) << piped->describe();
  EXPECT_NE(piped->out().find("loaded    " + std::to_string(expected.size()) + " orders"),
            std::string::npos)
      << piped->describe();
  EXPECT_EQ(compare_facts(expected, facts_from_mysql(third.config())), "");
}

// walmart-etl simulate-api --port … --client-id MyClientId --client-secret MySecret: the
// simulator accepts those credentials (and refuses others), as `token` shows.
TEST(ReadmeE2e, SimulatorWithOwnCredentials) {
  WorldOptions o;
  o.sim_args = {"--client-id", "MyClientId", "--client-secret",  "MySecret",
                "--days",      "1",          "--orders-per-day", "10"};
  o.partitions = 1;
  World w(o);
  EXPECT_NE(w.sim->out().find("MyClientId"), std::string::npos) << w.sim->describe();
  auto r =
      w.run({"token"}, {{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID", "MyClientId"},
                        {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET", "MySecret"}});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("access token (Bearer) valid for"), std::string::npos) << r.out;
  r = w.run({"token"});  // the default sim-client-id / sim-client-secret
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace etl::e2e

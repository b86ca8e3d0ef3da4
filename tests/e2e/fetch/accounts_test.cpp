// Several sellers end to end, every piece a real walmart-etl process: simulate-api --sellers 3
// (each seller its own credentials, orders and throttling) -> fetch over the accounts -> the dev
// broker -> stream --until-idle -> MariaDB. Proves: every order of every seller is in MySQL once,
// under its own account; --since-last keeps watermarks per account and a second run reads only
// what changed; one account's refused credentials fail that account only (exit 1 naming it);
// --shard 0/2 and 1/2 together fetch every account exactly once.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "mysql/connection.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/e2e/order_facts.hpp"

namespace etl::e2e {
namespace {

// Account names as configured; seller k of the simulator is kAccounts[k - 1].
const std::vector<std::string> kAccounts{"main", "s2", "s3"};

WorldOptions three_sellers() {
  WorldOptions o;
  o.sim_args = {"--now", kFixedNow, "--time-scale", "0",         "--days", "2", "--orders-per-day",
                "300",   "--seed",  "31",           "--sellers", "3"};
  return o;
}

// The environment naming the simulator's sellers 2 and 3 as accounts s2 and s3 (main is seller
// 1); `s3_secret` replaces seller 3's secret (a refused account).
std::map<std::string, std::string> accounts_env(
    const std::string& s3_secret = "sim-client-secret-3") {
  return {{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_ID", "sim-client-id-2"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_SECRET", "sim-client-secret-2"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S3__CLIENT_ID", "sim-client-id-3"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S3__CLIENT_SECRET", s3_secret},
          {"WALMART_ETL_FETCH__ACCOUNT_CONCURRENCY", "3"}};
}

// Seller k's ground truth (GET /_sim/dump?seller=k).
std::string seller_dump(const World& w, int k) {
  auto [status, body] = http_call("GET", w.base_url + "/_sim/dump?seller=" + std::to_string(k));
  if (status != 200) throw std::runtime_error("dump of seller " + std::to_string(k) + ": " + body);
  return body;
}

// account -> (state, orders) from the per-account lines of fetch's summary.
std::map<std::string, std::pair<std::string, uint64_t>> account_lines(const std::string& out) {
  static const std::regex re(R"(^  (\S+) +(complete|INCOMPLETE|FAILED) +orders +(\d+) )");
  std::map<std::string, std::pair<std::string, uint64_t>> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, re)) lines[m[1]] = {m[2], std::stoull(m[3])};
  }
  return lines;
}

// purchaseOrderId -> account, from walmart_order_raw (one row per order).
std::map<std::string, std::string> stored_accounts(const World& w) {
  auto c = mysql::Connection::open(w.db());
  std::map<std::string, std::string> out;
  for (const auto& r : c.query("SELECT purchaseOrderId, account FROM walmart_order_raw")) {
    out[*r[0]] = r[1].value_or("NULL");
  }
  return out;
}

// Every order of the sellers `sellers` (1-based) is stored once under its account, the lines of
// walmart_order carry the same account, and nothing else is stored.
void expect_every_order_under_its_account(const World& w, const std::vector<int>& sellers) {
  const auto stored = stored_accounts(w);
  size_t expected = 0;
  std::string all_dumps;
  for (int k : sellers) {
    const std::string dump = seller_dump(w, k);
    all_dumps += dump;
    const OrderFactsById facts = facts_from_ndjson(dump);
    ASSERT_GT(facts.size(), 500u) << "seller " << k;
    expected += facts.size();
    size_t wrong = 0;
    for (const auto& [id, f] : facts) {
      const auto it = stored.find(id);
      if (it == stored.end() || it->second != kAccounts[k - 1]) ++wrong;
    }
    EXPECT_EQ(wrong, 0u) << "orders of seller " << k << " missing or under another account";
  }
  EXPECT_EQ(stored.size(), expected) << "an order stored twice, or one no seller has";
  // Lines, statuses and charges of every order equal the simulator's.
  const std::string diff = compare_facts(facts_from_ndjson(all_dumps), facts_from_mysql(w.db()));
  EXPECT_TRUE(diff.empty()) << diff;
  auto c = mysql::Connection::open(w.db());
  EXPECT_EQ(*c.query("SELECT COUNT(*) FROM walmart_order o JOIN walmart_order_raw r USING "
                     "(purchaseOrderId) WHERE NOT o.account <=> r.account")[0][0],
            "0");
  EXPECT_EQ(*c.query("SELECT COUNT(*) FROM walmart_order_charge c JOIN walmart_order_raw r USING "
                     "(purchaseOrderId) WHERE NOT c.account <=> r.account")[0][0],
            "0");
}

TEST(AccountsE2e, ThreeSellersEveryOrderOnceUnderItsAccountAndSinceLastPerAccount) {
  World w(three_sellers());
  const auto env = accounts_env();
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);

  auto first =
      w.run({"fetch", "--all-accounts", "--since-last", "--start", "2024-04-30", "--no-progress"},
            env, 180s);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  for (const auto& a : kAccounts) {
    EXPECT_NE(first.out.find("=== account " + a + " ==="), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("account '" + a + "'"), std::string::npos) << first.out;
  }
  EXPECT_NE(first.out.find("result: OK - all 3 account(s) complete"), std::string::npos)
      << first.out;
  const auto first_lines = account_lines(first.out);
  ASSERT_EQ(first_lines.size(), 3u) << first.out;

  auto stream = w.run({"stream", "--until-idle"}, env, 180s);
  ASSERT_EQ(stream.exit_code, 0) << describe(stream);
  expect_every_order_under_its_account(w, {1, 2, 3});
  {
    auto c = mysql::Connection::open(w.db());
    EXPECT_EQ(*c.query("SELECT COUNT(DISTINCT account) FROM etl_fetch_watermark")[0][0], "3");
  }

  // Three simulated hours later: statuses moved and orders were placed, for every seller. The
  // second --since-last run of each account reads what changed since that account's watermark.
  std::map<int, OrderFactsById> before;
  for (int k = 1; k <= 3; ++k) before[k] = facts_from_ndjson(seller_dump(w, k));
  w.advance_sim(3 * 3600);
  auto second = w.run({"fetch", "--all-accounts", "--since-last", "--no-progress"}, env, 180s);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  const auto second_lines = account_lines(second.out);
  ASSERT_EQ(second_lines.size(), 3u) << second.out;
  for (int k = 1; k <= 3; ++k) {
    const auto after = facts_from_ndjson(seller_dump(w, k));
    size_t changed = 0;
    for (const auto& [id, f] : after) {
      const auto it = before[k].find(id);
      if (it == before[k].end() || it->second.line_status != f.line_status) ++changed;
    }
    const std::string& a = kAccounts[k - 1];
    ASSERT_GT(changed, 0u) << a;
    const uint64_t fetched = second_lines.at(a).second;
    EXPECT_GE(fetched, changed) << a << ": every changed order is fetched again";
    EXPECT_LT(fetched, first_lines.at(a).second / 2)
        << a << ": the second run reads only what changed (plus the overlap), not everything";
  }
  stream = w.run({"stream", "--until-idle"}, env, 180s);
  ASSERT_EQ(stream.exit_code, 0) << describe(stream);
  expect_every_order_under_its_account(w, {1, 2, 3});
}

// --follow over every account, one of them refused: the others get their watermarks cycle after
// cycle and reach MySQL; the refused one is retried, never stops the service; SIGTERM exits 0.
TEST(AccountsE2e, FollowServesEveryAccountAndSurvivesARefusedOne) {
  World w(three_sellers());
  const auto env = accounts_env("a-wrong-secret");
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  auto stream = w.start("stream", {"stream"}, env);
  auto follow = w.start("fetch-follow",
                        {"fetch", "--follow", "--all-accounts", "--interval", "2s", "--start",
                         "2024-04-30", "--no-progress"},
                        env);
  auto c = mysql::Connection::open(w.db());
  // Two complete accounts x three ship-node types.
  ASSERT_TRUE(eventually(
      [&] {
        // At least two cycles, each naming the refused account.
        const std::string out = follow->out();
        const std::string line = "result: INCOMPLETE - 1 of 3 account(s) incomplete: s3";
        const size_t first = out.find(line);
        return *c.query("SELECT COUNT(*) FROM etl_fetch_watermark")[0][0] == "6" &&
               first != std::string::npos && out.find(line, first + 1) != std::string::npos;
      },
      120s, 500ms))
      << follow->describe();
  EXPECT_TRUE(follow->running()) << "a refused account must not stop --follow";
  EXPECT_EQ(*c.query("SELECT COUNT(*) FROM etl_fetch_watermark WHERE account = 's3'")[0][0], "0");
  std::string diff;
  std::string all;
  for (int k : {1, 2}) all += seller_dump(w, k);
  const auto truth = facts_from_ndjson(all);
  ASSERT_TRUE(eventually(
      [&] {
        diff = compare_facts(truth, facts_from_mysql(w.db()));
        return diff.empty();
      },
      120s, 500ms))
      << diff << stream->describe();
  EXPECT_EQ(follow->stop(), 0) << follow->describe();
  EXPECT_EQ(stream->stop(), 0) << stream->describe();
  expect_every_order_under_its_account(w, {1, 2});
}

TEST(AccountsE2e, OneAccountRefusedTheOthersCompleteAndExitOneNamesIt) {
  World w(three_sellers());
  const auto env = accounts_env("a-wrong-secret");
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  auto fetch =
      w.run({"fetch", "--all-accounts", "--start", "2024-04-30", "--no-progress"}, env, 180s);
  EXPECT_EQ(fetch.exit_code, 1) << describe(fetch);
  EXPECT_NE(fetch.out.find("result: INCOMPLETE - 1 of 3 account(s) incomplete: s3"),
            std::string::npos)
      << fetch.out;
  EXPECT_NE(fetch.out.find("the credentials of Walmart account 's3' were refused"),
            std::string::npos)
      << fetch.out;
  const auto lines = account_lines(fetch.out);
  EXPECT_EQ(lines.at("main").first, "complete");
  EXPECT_EQ(lines.at("s2").first, "complete");
  EXPECT_EQ(lines.at("s3").first, "FAILED");
  EXPECT_NE(fetch.err.find("account 's3' failed"), std::string::npos) << fetch.err;

  auto stream = w.run({"stream", "--until-idle"}, env, 180s);
  ASSERT_EQ(stream.exit_code, 0) << describe(stream);
  expect_every_order_under_its_account(w, {1, 2});
}

// Account names of every kind - an accent, a hyphen, a dot - in a configuration file that holds no
// secret: each account takes its credentials from an environment variable or a file (a relative
// one under $CREDENTIALS_DIRECTORY, as systemd's LoadCredential= passes them). And 'müller' and
// 'muller' are two sellers with two watermarks: muller's first --since-last run does not resume
// from müller's, it needs its own --start.
TEST(AccountsE2e, EveryAccountNameTakesItsSecretsByNameAndKeepsItsOwnWatermarks) {
  WorldOptions o;
  o.sim_args = {"--now", kFixedNow, "--time-scale", "0",         "--days", "1", "--orders-per-day",
                "60",    "--seed",  "37",           "--sellers", "4"};
  World w(o);
  const std::string credentials = w.dir + "/credentials";
  std::filesystem::create_directories(credentials);
  std::ofstream(credentials + "/muller-secret") << "sim-client-secret-2\n";
  std::ofstream(w.dir + "/brand-eu-secret") << "sim-client-secret-4";
  const std::string config = w.dir + "/accounts.yml";
  std::ofstream(config) << "walmart_token:\n"
                           "  accounts:\n"
                           "    \"m\xC3\xBCller\": {client_id: sim-client-id, client_secret_env: "
                           "ETL_E2E_MUELLER_SECRET}\n"
                           "    muller: {client_id_env: ETL_E2E_MULLER_ID, client_secret_file: "
                           "muller-secret}\n"
                           "    brand-us: {client_id: sim-client-id-3, client_secret_env: "
                           "ETL_E2E_BRAND_US_SECRET}\n"
                           "    brand.eu: {client_id: sim-client-id-4, client_secret_file: "
                        << w.dir << "/brand-eu-secret}\n";
  const std::map<std::string, std::string> env{{"ETL_E2E_MUELLER_SECRET", "sim-client-secret"},
                                               {"ETL_E2E_MULLER_ID", "sim-client-id-2"},
                                               {"ETL_E2E_BRAND_US_SECRET", "sim-client-secret-3"},
                                               {"CREDENTIALS_DIRECTORY", credentials}};
  auto with_config = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config});
    return args;
  };
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);

  auto mueller = w.run(with_config({"fetch", "--account", "m\xC3\xBCller", "--since-last",
                                    "--start", "2024-04-30", "--no-progress"}),
                       env, 180s);
  ASSERT_EQ(mueller.exit_code, 0) << describe(mueller);

  auto muller = w.run(
      with_config({"fetch", "--account", "muller", "--since-last", "--no-progress"}), env, 180s);
  EXPECT_NE(muller.exit_code, 0) << describe(muller);
  EXPECT_NE((muller.out + muller.err).find("account 'muller' has no watermark"), std::string::npos)
      << describe(muller);

  auto others =
      w.run(with_config({"fetch", "--account", "muller", "--account", "brand-us", "--account",
                         "brand.eu", "--since-last", "--start", "2024-04-30", "--no-progress"}),
            env, 180s);
  ASSERT_EQ(others.exit_code, 0) << describe(others);
  EXPECT_NE(others.out.find("result: OK - all 3 account(s) complete"), std::string::npos)
      << others.out;
  {
    auto c = mysql::Connection::open(w.db());
    EXPECT_EQ(*c.query("SELECT COUNT(DISTINCT account) FROM etl_fetch_watermark")[0][0], "4");
  }

  auto shown = w.run(with_config({"check-config"}), env);
  ASSERT_EQ(shown.exit_code, 0) << describe(shown);
  EXPECT_NE(shown.out.find("client_secret_env: ETL_E2E_BRAND_US_SECRET"), std::string::npos)
      << shown.out;
  EXPECT_EQ(shown.out.find("sim-client-secret-"), std::string::npos) << shown.out;
}

TEST(AccountsE2e, TwoShardsFetchEveryAccountExactlyOnce) {
  World w(three_sellers());
  const auto env = accounts_env();
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  std::map<std::string, int> fetched;
  for (const char* shard : {"0/2", "1/2"}) {
    auto r =
        w.run({"fetch", "--shard", shard, "--start", "2024-04-30", "--no-progress"}, env, 180s);
    ASSERT_EQ(r.exit_code, 0) << shard << "\n" << describe(r);
    const auto lines = account_lines(r.out);
    EXPECT_FALSE(lines.empty()) << shard << ": these names spread over both shards\n" << r.out;
    for (const auto& [a, state] : lines) {
      EXPECT_EQ(state.first, "complete") << a;
      ++fetched[a];
    }
  }
  ASSERT_EQ(fetched.size(), 3u);
  for (const auto& [a, times] : fetched) EXPECT_EQ(times, 1) << a << " fetched by both shards";
  auto stream = w.run({"stream", "--until-idle"}, env, 180s);
  ASSERT_EQ(stream.exit_code, 0) << describe(stream);
  expect_every_order_under_its_account(w, {1, 2, 3});
  // A shard count larger than the accounts: some shard has none, and says so (exit 0).
  std::set<std::string> empty_shards;
  for (int k = 0; k < 8; ++k) {
    const std::string shard = std::to_string(k) + "/8";
    auto r =
        w.run({"fetch", "--shard", shard, "--start", "2024-05-02", "--no-progress", "--dry-run"},
              env, 120s);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    if (r.out.find("is in this shard; nothing to do") != std::string::npos)
      empty_shards.insert(shard);
  }
  EXPECT_GE(empty_shards.size(), 5u);
}

}  // namespace
}  // namespace etl::e2e

// `walmart-etl privacy apply` against the real server: an ODS written with `keep` (archive
// compressed, archive plain, no archive; dead letters that parse and one that does not) converted
// to `hash`. Run once uninterrupted, and once SIGKILLed twice mid-run and started again: both end
// with exactly the tables a load under `hash` writes (every personal column, every archive JSON,
// every dead letter), no original personal value anywhere in the database, archive load_time
// untouched; a second run changes nothing; --dry-run counts exactly and writes nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "privacy/field_policy.hpp"
#include "support/background_process.hpp"
#include "support/test_env.hpp"

using namespace etl;
using etl::test::run_binary;

namespace {

const std::string kKey = "e2e-privacy-apply-key-0123456789abcdef012345";
constexpr int kOrders = 60;      // 20 archived compressed, 20 plain, 20 without archive
constexpr int kDeadLetters = 5;  // records that parse but cannot be loaded (no lineNumber)

// Every personal value holds a character that is no hex digit, so a 64-digit hash can never
// contain it by chance and a search of the database text means what it says.
std::string email(int i) { return fmt::format("apply.buyer.{}@example.com", i); }
std::string phone(int i) { return fmt::format("+1-479-555-{:04}", i); }
std::string name(int i) { return fmt::format("Buyer Number{} Person", i); }
std::string address1(int i) { return fmt::format("{} Walton Street", 100 + i); }
std::string address2(int i) { return fmt::format("Unit {}Q", i); }
std::string city(int i) { return fmt::format("Townsville{}", i); }
std::string postal(int i) { return fmt::format("ZIP-{:05}", i); }
std::string pickup(int i) { return fmt::format("Pickup Person{}", i); }

std::string personal(int i) {
  return fmt::format(
      R"("customerEmailId":"{}","shippingInfo":{{"phone":"{}","postalAddress":{{"name":"{}",)"
      R"("address1":"{}","address2":"{}","city":"{}","state":"AR","postalCode":"{}",)"
      R"("country":"USA"}}}},"pickupPersons":[{{"name":{{"completeName":"{}"}}}}])",
      email(i), phone(i), name(i), address1(i), address2(i), city(i), postal(i), pickup(i));
}

std::string order(int i) {
  return fmt::format(
      R"({{"purchaseOrderId":"{}","customerOrderId":"{}","orderDate":1700000000000,{},)"
      R"("orderLines":{{"orderLine":[{{"lineNumber":"1","item":{{"sku":"S-{}","productName":"Kettle"}}}},)"
      R"({{"lineNumber":"2","item":{{"sku":"T-{}","productName":"Lid"}}}}]}}}})",
      4100000000000 + i, 5100000000000 + i, personal(i), i, i);
}

std::string dead_letter(int i) {
  return fmt::format(R"({{"purchaseOrderId":"{}","customerOrderId":"{}",{},)"
                     R"("orderLines":{{"orderLine":[{{"item":{{"sku":"X"}}}}]}}}})",
                     4200000000000 + i, 5200000000000 + i, personal(1000 + i));
}

std::vector<std::string> all_personal_values() {
  std::vector<std::string> v;
  const auto add = [&v](int i) {
    for (const auto& s :
         {email(i), phone(i), name(i), address1(i), address2(i), city(i), postal(i), pickup(i)}) {
      v.push_back(s);
    }
  };
  for (int i = 0; i < kOrders; ++i) add(i);
  for (int i = 0; i < kDeadLetters; ++i) add(1000 + i);
  return v;
}

class PrivacyApplyE2E : public ::testing::Test {
 protected:
  struct Ods {
    etl::test::ScopedDatabase db{etl::test::test_mysql_config()};
    std::map<std::string, std::string> env = etl::test::mysql_env(db.config());
    std::optional<mysql::Connection> conn;
  };

  PrivacyApplyE2E() {
    dir_ = etl::test::make_temp_dir("etl-privacy-apply");
    const auto write = [this](const std::string& file, int from, int to) {
      std::ofstream out(dir_ + "/" + file, std::ios::binary);
      for (int i = from; i < to; ++i) out << order(i) << "\n";
    };
    write("compressed.jsonl", 0, kOrders / 3);
    write("plain.jsonl", kOrders / 3, 2 * kOrders / 3);
    write("no-archive.jsonl", 2 * kOrders / 3, kOrders);
    std::ofstream dead(dir_ + "/dead.jsonl", std::ios::binary);
    for (int i = 0; i < kDeadLetters; ++i) dead << dead_letter(i) << "\n";
    dead << R"({"purchaseOrderId":"4300000000001", "not json)"
         << "\n";
  }
  ~PrivacyApplyE2E() override { std::filesystem::remove_all(dir_); }

  std::map<std::string, std::string> hashing(std::map<std::string, std::string> env) {
    for (const char* f : {"CUSTOMER_EMAIL_ID", "PHONE", "RECIPIENT_NAME", "ADDRESS1", "ADDRESS2",
                          "CITY", "POSTAL_CODE", "PICKUP_PERSONS"}) {
      env[std::string("WALMART_ETL_PRIVACY__") + f] = "hash";
    }
    env["WALMART_ETL_PRIVACY__HASH_SECRET"] = kKey;
    return env;
  }

  // The same files loaded the same way (relative names: the dead letters' sources are equal).
  void load_all(Ods& o, const std::map<std::string, std::string>& env) {
    mysql::init_db(o.db.config());
    o.conn.emplace(mysql::Connection::open(o.db.config()));
    for (const auto& [file, archive] :
         std::vector<std::pair<std::string, std::string>>{{"compressed.jsonl", "compressed"},
                                                          {"plain.jsonl", "plain"},
                                                          {"no-archive.jsonl", "off"},
                                                          {"dead.jsonl", "compressed"}}) {
      const auto r = run_binary({"load", "--account", "seller-a", "--raw-archive", archive, file},
                                env, std::chrono::seconds(120), dir_);
      ASSERT_EQ(r.exit_code, 0) << file << ": " << r.err;
    }
  }

  static std::string q(Ods& o, const std::string& sql) {
    const auto rows = o.conn->query(sql);
    return rows.empty() || !rows[0].at(0) ? "NULL" : *rows[0].at(0);
  }

  static std::string rows_text(Ods& o, const std::string& sql) {
    std::string text;
    for (const auto& row : o.conn->query(sql)) {
      for (const auto& v : row) text += v.value_or("NULL") + "\t";
      text += "\n";
    }
    return text;
  }

  // What apply must bring to the policy: every column of the lines but load_time, the archive
  // JSON and its format, every dead letter's key and payload.
  static std::string tables(Ods& o) {
    return rows_text(o,
                     "SELECT purchaseOrderId, lineNumber, customerOrderId, customerEmailId, phone, "
                     "recipient_name, address1, address2, city, state, postalCode, country, sku, "
                     "productName, source_file, account FROM walmart_order ORDER BY 1, 2") +
           rows_text(o,
                     "SELECT purchaseOrderId, COALESCE(payload, UNCOMPRESS(payload_zlib)), payload "
                     "IS NULL, payload_zlib IS NULL, source_file, account FROM walmart_order_raw "
                     "ORDER BY 1") +
           rows_text(o,
                     "SELECT source, record_index, purchaseOrderId, CAST(payload AS CHAR), "
                     "record_sha256, error_message FROM walmart_order_dead_letter ORDER BY 1, 2");
  }

  // Every table of the database as text.
  static std::string everything(Ods& o) {
    std::string text;
    const std::string& db = o.db.config().database;
    for (const auto& t : o.conn->query(
             fmt::format("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = {}",
                         o.conn->quote(db)))) {
      text += rows_text(o, fmt::format("SELECT * FROM `{}`.`{}`", db, *t.at(0)));
    }
    return text;
  }

  static void expect_no_personal_value(Ods& o) {
    const std::string all = everything(o);
    ASSERT_NE(all.find("4100000000059"), std::string::npos) << "the orders are there";
    size_t found = 0;
    for (const auto& v : all_personal_values()) {
      if (all.find(v) != std::string::npos && ++found <= 5) {
        ADD_FAILURE() << "'" << v << "' is still in the database";
      }
    }
    EXPECT_EQ(found, 0U);
  }

  std::string dir_;
};

TEST_F(PrivacyApplyE2E, ConvertsAKeepOdsToHashResumablyAndEndsAsAHashLoadWouldHaveWritten) {
  Ods reference;  // loaded under hash from the start
  load_all(reference, hashing(reference.env));
  Ods straight;  // keep, then one uninterrupted apply
  load_all(straight, straight.env);
  Ods killed;  // keep, then apply killed twice and started again
  load_all(killed, killed.env);
  ASSERT_NE(tables(straight), tables(reference));
  ASSERT_NE(everything(straight).find(email(7)), std::string::npos);
  ASSERT_EQ(q(straight, "SELECT COUNT(*) FROM walmart_order_raw"), std::to_string(2 * kOrders / 3));
  ASSERT_EQ(q(straight, "SELECT COUNT(*) FROM walmart_order_dead_letter"),
            std::to_string(kDeadLetters + 1));
  const std::string load_times_before =
      rows_text(killed, "SELECT purchaseOrderId, load_time FROM walmart_order_raw ORDER BY 1");

  // --dry-run: exact counts, nothing written.
  const std::string before = tables(straight);
  const auto dry = run_binary({"privacy", "apply", "--dry-run", "--batch-rows", "7"},
                              hashing(straight.env), std::chrono::seconds(120));
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find(fmt::format("walmart_order_raw: {0} scanned, {0} to rewrite (dry run",
                                     2 * kOrders / 3)),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find(fmt::format("walmart_order: {} row(s) to rewrite", 2 * kOrders)),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find(fmt::format("walmart_order_dead_letter: {} scanned, {} to rewrite (dry "
                                     "run, nothing written), 1 not JSON",
                                     kDeadLetters + 1, kDeadLetters)),
            std::string::npos)
      << dry.out;
  EXPECT_EQ(tables(straight), before) << "a dry run writes nothing";

  const auto r = run_binary({"privacy", "apply", "--batch-rows", "7"}, hashing(straight.env),
                            std::chrono::seconds(300));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(fmt::format("walmart_order: {} row(s) rewritten", 2 * kOrders)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("privacy apply: rows:"), std::string::npos) << "a progress line: " << r.err;
  EXPECT_EQ(tables(straight), tables(reference));
  expect_no_personal_value(straight);

  // Killed mid-run twice (in the archive step, then in the rows step), then run to the end.
  const auto kill_when = [&](const std::string& step) {
    etl::test::BackgroundProcess p("apply-" + step,
                                   {"privacy", "apply", "--batch-rows", "3", "--pause-ms", "150"},
                                   hashing(killed.env), dir_);
    const bool reached = etl::test::wait_until(
        [&] {
          return q(killed, fmt::format("SELECT COUNT(*) FROM etl_privacy_apply WHERE step = '{}' "
                                       "AND after_id IS NOT NULL AND done = 0",
                                       step)) == "1";
        },
        std::chrono::seconds(120));
    ASSERT_TRUE(reached) << p.describe();
    EXPECT_EQ(p.kill9(), 128 + 9) << "killed while it was still working: " << p.describe();
  };
  kill_when("archive");
  const std::string half = everything(killed);
  EXPECT_NE(half.find(email(kOrders - 1)), std::string::npos) << "stopped part way";
  kill_when("rows");
  EXPECT_NE(everything(killed).find(email(kOrders - 1)), std::string::npos) << "part way again";
  const auto rest = run_binary({"privacy", "apply", "--batch-rows", "3"}, hashing(killed.env),
                               std::chrono::seconds(300));
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_NE(rest.err.find("privacy apply: archive: done by the interrupted run"), std::string::npos)
      << rest.err;
  EXPECT_NE(rest.err.find("privacy apply: rows: continuing after key"), std::string::npos)
      << rest.err;
  EXPECT_EQ(tables(killed), tables(reference)) << "the same result as an uninterrupted run";
  EXPECT_EQ(tables(killed), tables(straight));
  expect_no_personal_value(killed);
  EXPECT_EQ(q(killed, "SELECT COUNT(*) FROM etl_privacy_apply"), "0") << "a complete run clears";
  EXPECT_EQ(
      rows_text(killed, "SELECT purchaseOrderId, load_time FROM walmart_order_raw ORDER BY 1"),
      load_times_before)
      << "retention (purge) still counts from the order's last write";
  EXPECT_EQ(q(killed,
              "SELECT customerEmailId FROM walmart_order WHERE purchaseOrderId = "
              "4100000000042 AND lineNumber = 2"),
            privacy::hmac_sha256_hex(kKey, email(42)))
      << "a row without archive: the hash of its column";

  // Idempotent: nothing is hashed twice.
  const auto again =
      run_binary({"privacy", "apply"}, hashing(killed.env), std::chrono::seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 rewritten, 1 not JSON"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("walmart_order: 0 row(s) rewritten"), std::string::npos) << again.out;
  EXPECT_EQ(tables(killed), tables(reference));
}

TEST_F(PrivacyApplyE2E, KeepEverywhereHasNothingToApply) {
  Ods o;
  load_all(o, o.env);
  const auto r = run_binary({"privacy", "apply"}, o.env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nothing to apply"), std::string::npos) << r.out;
  const auto no_key = run_binary({"privacy", "apply"}, [&] {
    auto env = hashing(o.env);
    env.erase("WALMART_ETL_PRIVACY__HASH_SECRET");
    return env;
  }());
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
}

}  // namespace

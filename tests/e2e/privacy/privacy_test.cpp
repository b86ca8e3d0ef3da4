// `walmart-etl load` with the privacy field policies, and `walmart-etl purge`, against the real
// server: with `hash` and with `drop` no original personal value is anywhere in the database
// (every table and view as text: the columns, the decompressed archive, the dead letters); the
// hash is the one this process computes with the same key (so the same in every process and run)
// and another key gives another; a hash policy without a key is exit 2. purge deletes exactly what
// is past retention, in batches, and --dry-run deletes nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "privacy/field_policy.hpp"
#include "support/test_env.hpp"

using namespace etl;
using etl::test::run_binary;

namespace {

const std::string kFixture = std::string(ETL_SOURCE_DIR) + "/tests/fixtures/load/api_page_7_2.json";
const std::string kKey = "e2e-privacy-key-0123456789abcdef0123456789";
const std::string kOtherKey = "e2e-privacy-other-key-0123456789abcdef012345";

// Every personal value of the fixture's two orders, and of the dead letter the test adds.
const std::vector<std::string> kPersonal = {
    "9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com",
    "0B6E2D94C1F84A7B9E3A55D0C8172E6B@relay.walmart.com",
    "4795550142",
    "3125550187",
    "Jordan Avery",
    "Priya Raman",
    "1200 SE Walton Blvd",
    "455 N Cityfront Plaza Dr",
    "Apt 4B",
    "Bentonville",
    "Chicago",
    "72712",
    "60611",
    "dead.letter.buyer@example.com",
    "Casey Deadletter",
};

// A record the mapping refuses (no lineNumber) but that parses: a dead letter whose payload is
// redacted like any order.
const std::string kDeadLetterRecord =
    R"({"purchaseOrderId":"3817645000001","customerOrderId":"5391200000001",)"
    R"("customerEmailId":"dead.letter.buyer@example.com","shippingInfo":{"phone":"2065550111",)"
    R"("postalAddress":{"name":"Casey Deadletter","city":"Seattle","postalCode":"98101"}},)"
    R"("orderLines":{"orderLine":[{"item":{"sku":"X"}}]}})";

class PrivacyE2E : public ::testing::Test {
 protected:
  PrivacyE2E() : db_(etl::test::test_mysql_config()), env_(etl::test::mysql_env(db_.config())) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
    dir_ = etl::test::make_temp_dir("etl-privacy");
    std::ofstream(dir_ + "/dead.jsonl", std::ios::binary) << kDeadLetterRecord << "\n";
  }
  ~PrivacyE2E() override { std::filesystem::remove_all(dir_); }

  std::map<std::string, std::string> with_policy(const std::string& policy,
                                                 const std::string& key) {
    auto env = env_;
    for (const char* f : {"CUSTOMER_EMAIL_ID", "PHONE", "RECIPIENT_NAME", "ADDRESS1", "ADDRESS2",
                          "CITY", "POSTAL_CODE", "PICKUP_PERSONS"}) {
      env[std::string("WALMART_ETL_PRIVACY__") + f] = policy;
    }
    if (!key.empty()) env["WALMART_ETL_PRIVACY__HASH_SECRET"] = key;
    return env;
  }

  etl::test::ProcessResult load(const std::map<std::string, std::string>& env) {
    return run_binary({"load", "--account", "seller-a", kFixture, dir_ + "/dead.jsonl"}, env,
                      std::chrono::seconds(120));
  }

  std::string q(const std::string& sql) {
    const auto rows = conn_->query(sql);
    return rows.empty() || !rows[0].at(0) ? "NULL" : *rows[0].at(0);
  }

  // Every table and view of the database as text, row by row: what a person could read there.
  std::string everything() {
    std::string text;
    const std::string& db = db_.config().database;
    for (const auto& t : conn_->query(
             fmt::format("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = {}",
                         conn_->quote(db)))) {
      for (const auto& row : conn_->query(fmt::format("SELECT * FROM `{}`.`{}`", db, *t.at(0)))) {
        for (const auto& v : row) text += v.value_or("NULL") + "\t";
        text += "\n";
      }
    }
    return text;
  }

  void expect_no_personal_value() {
    const std::string all = everything();
    ASSERT_NE(all.find("1817645120031"), std::string::npos) << "the orders are there";
    ASSERT_NE(all.find("3817645000001"), std::string::npos) << "the dead letter is there";
    for (const auto& v : kPersonal) {
      EXPECT_EQ(all.find(v), std::string::npos) << "'" << v << "' is still in the database";
    }
  }

  etl::test::ScopedDatabase db_;
  std::map<std::string, std::string> env_;
  std::optional<mysql::Connection> conn_;
  std::string dir_;
};

TEST_F(PrivacyE2E, HashWritesKeyedHashesEverywhereAndNoOriginalValue) {
  const auto r = load(with_policy("hash", kKey));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_no_personal_value();
  const auto h = [](const std::string& key, const std::string& v) {
    return privacy::hmac_sha256_hex(key, v);
  };
  EXPECT_EQ(q("SELECT customerEmailId FROM walmart_order WHERE purchaseOrderId = 1817645120031 "
              "AND lineNumber = 1"),
            h(kKey, "9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com"))
      << "the binary's hash is this process's: the same in every process";
  EXPECT_EQ(q("SELECT phone FROM walmart_order WHERE purchaseOrderId = 1817645120031 AND "
              "lineNumber = 2"),
            h(kKey, "4795550142"));
  EXPECT_EQ(q("SELECT postalCode FROM walmart_order WHERE purchaseOrderId = 2817645987412 AND "
              "lineNumber = 1"),
            h(kKey, "60611"))
      << "a 64-digit hash fits the widened column";
  EXPECT_EQ(q("SELECT state FROM walmart_order WHERE purchaseOrderId = 2817645987412 AND "
              "lineNumber = 1"),
            "IL");
  // The archive: the same hash at the same JSON path; the rest of the order as received.
  EXPECT_EQ(q("SELECT JSON_UNQUOTE(JSON_EXTRACT(payload, '$.shippingInfo.postalAddress.name')) "
              "FROM walmart_order_raw_json WHERE purchaseOrderId = 1817645120031"),
            h(kKey, "Jordan Avery"));
  EXPECT_EQ(q("SELECT JSON_UNQUOTE(JSON_EXTRACT(payload, '$.shippingInfo.postalAddress.state')) "
              "FROM walmart_order_raw_json WHERE purchaseOrderId = 1817645120031"),
            "AR");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE purchaseOrderId = "
              "3817645000001"),
            "1");
  EXPECT_NE(q("SELECT CAST(payload AS CHAR) FROM walmart_order_dead_letter")
                .find(h(kKey, "dead.letter.buyer@example.com")),
            std::string::npos)
      << "a dead letter that parses is redacted by the same paths";

  // Another key: other hashes (the order is replaced by the same id).
  ASSERT_EQ(load(with_policy("hash", kOtherKey)).exit_code, 0);
  EXPECT_EQ(q("SELECT customerEmailId FROM walmart_order WHERE purchaseOrderId = 1817645120031 "
              "AND lineNumber = 1"),
            h(kOtherKey, "9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com"));
  EXPECT_NE(h(kOtherKey, "4795550142"), h(kKey, "4795550142"));
  expect_no_personal_value();
}

TEST_F(PrivacyE2E, DropWritesNullEverywhereAndNoOriginalValue) {
  const auto r = load(with_policy("drop", ""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_no_personal_value();
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE customerEmailId IS NOT NULL OR phone IS "
              "NOT NULL OR recipient_name IS NOT NULL OR address1 IS NOT NULL OR address2 IS NOT "
              "NULL OR city IS NOT NULL OR postalCode IS NOT NULL"),
            "0");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE state IS NOT NULL"), "4");
  EXPECT_EQ(q("SELECT JSON_TYPE(JSON_EXTRACT(payload, '$.customerEmailId')) FROM "
              "walmart_order_raw_json WHERE purchaseOrderId = 2817645987412"),
            "NULL")
      << "a JSON null in the archive";
}

TEST_F(PrivacyE2E, HashWithoutAKeyIsAConfigurationErrorAndWritesNothing) {
  const auto r = load(with_policy("hash", ""));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("privacy.hash_secret"), std::string::npos) << r.err;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0");
}

TEST_F(PrivacyE2E, PurgeDeletesExactlyWhatIsPastRetention) {
  // Archive rows last written 30 days, 8 days, 6 days, 1 hour and 7 days 1 hour ago; dead
  // letters as old. Past 7 days: 1, 2 and 5.
  for (const auto& [id, age] :
       std::vector<std::pair<int, std::string>>{{1, "30 DAY"},
                                                {2, "8 DAY"},
                                                {3, "6 DAY"},
                                                {4, "1 HOUR"},
                                                {5, "7 DAY - INTERVAL 1 HOUR"}}) {
    conn_->execute(fmt::format(
        "INSERT INTO walmart_order_raw (purchaseOrderId, payload, load_time) VALUES ({0}, '{{}}', "
        "UTC_TIMESTAMP() - INTERVAL {1})",
        id, age));
    conn_->execute(fmt::format(
        "INSERT INTO walmart_order_dead_letter (source, error_class, error_message, created_at, "
        "record_sha256) VALUES ('test:{0}', 'bad_record', 'x', UTC_TIMESTAMP() - INTERVAL {1}, "
        "SHA2('{0}', 256))",
        id, age));
  }
  auto env = env_;
  env["WALMART_ETL_PRIVACY__RAW_RETENTION_DAYS"] = "7";
  env["WALMART_ETL_PRIVACY__DEAD_LETTER_RETENTION_DAYS"] = "7";
  const auto dry = run_binary({"purge", "--dry-run"}, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("walmart_order_raw: 3 row(s)"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("walmart_order_dead_letter: 3 row(s)"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("dry run"), std::string::npos) << dry.out;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "5") << "a dry run deletes nothing";

  const auto r = run_binary({"purge", "--batch-rows", "2"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("walmart_order_raw: 3 row(s)"), std::string::npos) << r.out;
  EXPECT_EQ(q("SELECT GROUP_CONCAT(purchaseOrderId ORDER BY purchaseOrderId) FROM "
              "walmart_order_raw"),
            "3,4");
  EXPECT_EQ(q("SELECT GROUP_CONCAT(source ORDER BY source) FROM walmart_order_dead_letter"),
            "test:3,test:4");

  // Again: nothing left past retention; with retention 0 nothing is deleted at all.
  const auto again = run_binary({"purge"}, env);
  EXPECT_NE(again.out.find("walmart_order_raw: 0 row(s)"), std::string::npos) << again.out;
  const auto keep = run_binary({"purge"}, env_);
  EXPECT_NE(keep.out.find("kept (privacy.raw_retention_days is 0)"), std::string::npos) << keep.out;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "2");
}

TEST_F(PrivacyE2E, ForgetErasesEveryTableIsIdempotentAndARedeliveryStaysErased) {
  // A dead letter of the same buyer (customerOrderId 5391204487712) and one that does not parse
  // but names the id.
  std::ofstream(dir_ + "/dead.jsonl", std::ios::binary)
      << R"({"purchaseOrderId":"1817645120031","customerOrderId":"5391204487712",)"
      << R"("customerEmailId":"dead.letter.buyer@example.com","orderLines":{"orderLine":[{}]}})"
      << "\n"
      << R"({"customerOrderId":"5391204487712","customerEmailId":"Casey Deadletter" broken)"
      << "\n";
  ASSERT_EQ(load(env_).exit_code, 0);
  ASSERT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter"), "2");
  const std::string erased_order =
      "SELECT COUNT(*) FROM walmart_order WHERE purchaseOrderId = "
      "1817645120031 AND customerEmailId IS NULL AND phone IS NULL "
      "AND recipient_name IS NULL AND address1 IS NULL AND city IS "
      "NULL AND postalCode IS NULL AND state = 'AR'";

  const auto r =
      run_binary({"forget", "--customer-order-id", "5391204487712", "--settle-s", "0"}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 walmart_order row(s), 1 archive entr(ies), 1 dead letter(s) erased, 1 "
                       "unparsable dead letter(s) deleted"),
            std::string::npos)
      << r.out;
  for (const auto& v : kPersonal) {
    EXPECT_EQ((r.out + r.err).find(v), std::string::npos) << "the log names no data: " << v;
  }
  EXPECT_EQ(q(erased_order), "2");
  EXPECT_EQ(q("SELECT JSON_TYPE(JSON_EXTRACT(payload, '$.shippingInfo.postalAddress.name')) "
              "FROM walmart_order_raw_json WHERE purchaseOrderId = 1817645120031"),
            "NULL");
  EXPECT_EQ(q("SELECT JSON_UNQUOTE(JSON_EXTRACT(payload, '$.shippingInfo.postalAddress.state')) "
              "FROM walmart_order_raw_json WHERE purchaseOrderId = 1817645120031"),
            "AR");
  EXPECT_EQ(q("SELECT recipient_name FROM walmart_order WHERE purchaseOrderId = 2817645987412 "
              "AND lineNumber = 1"),
            "Priya Raman")
      << "another buyer keeps their data";
  const std::string all = everything();
  for (const char* v :
       {"9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com", "Jordan Avery", "4795550142",
        "1200 SE Walton Blvd", "dead.letter.buyer@example.com", "Casey Deadletter"}) {
    EXPECT_EQ(all.find(v), std::string::npos) << v;
  }

  // Idempotent: nothing left to change.
  const auto again =
      run_binary({"forget", "--customer-order-id", "5391204487712", "--settle-s", "0"}, env_);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("(0 newly listed): 0 walmart_order row(s), 0 archive entr(ies), 0 "
                           "dead letter(s) erased, 0 unparsable"),
            std::string::npos)
      << again.out;

  // The same orders delivered again: the erased buyer stays erased, the other is written.
  ASSERT_EQ(load(env_).exit_code, 0);
  EXPECT_EQ(q(erased_order), "2");
  EXPECT_EQ(q("SELECT JSON_TYPE(JSON_EXTRACT(payload, '$.customerEmailId')) FROM "
              "walmart_order_raw_json WHERE purchaseOrderId = 1817645120031"),
            "NULL");
  const std::string after = everything();
  for (const char* v : {"9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com", "Jordan Avery",
                        "dead.letter.buyer@example.com"}) {
    EXPECT_EQ(after.find(v), std::string::npos) << v << " came back";
  }
  EXPECT_NE(after.find("Priya Raman"), std::string::npos);
}

TEST_F(PrivacyE2E, ForgetFindsOrdersThroughTheIndexAndOrdersWithoutLinesWithScanArchive) {
  // An order with no lines: only in the archive.
  std::ofstream(dir_ + "/dead.jsonl", std::ios::binary)
      << R"({"purchaseOrderId":"3817645000777","customerOrderId":"5391200000777",)"
      << R"("customerEmailId":"lineless.buyer@example.com","orderLines":{"orderLine":[]}})"
      << "\n";
  ASSERT_EQ(load(env_).exit_code, 0);
  ASSERT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw WHERE purchaseOrderId = 3817645000777"), "1");
  // The lookup forget makes can use the index init-db creates.
  const auto plan = conn_->query(
      "EXPLAIN SELECT DISTINCT purchaseOrderId FROM walmart_order WHERE customerOrderId = "
      "5391204487712");
  std::string plan_text;
  for (const auto& row : plan) {
    for (const auto& v : row) plan_text += v.value_or("NULL") + " ";
  }
  EXPECT_NE(plan_text.find("ix_walmart_order_customer_order"), std::string::npos) << plan_text;

  // Found by the index: the order with lines, its archive entry by its key.
  const auto r =
      run_binary({"forget", "--customer-order-id", "5391204487712", "--settle-s", "0"}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 walmart_order row(s), 1 archive entr(ies)"), std::string::npos) << r.out;

  // Without lines there is nothing to find it by but the archive's text.
  const auto plain =
      run_binary({"forget", "--customer-order-id", "5391200000777", "--settle-s", "0"}, env_);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("0 walmart_order row(s), 0 archive entr(ies)"), std::string::npos)
      << plain.out;
  EXPECT_NE(everything().find("lineless.buyer@example.com"), std::string::npos);
  const auto scan = run_binary(
      {"forget", "--customer-order-id", "5391200000777", "--settle-s", "0", "--scan-archive"},
      env_);
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.out.find("0 walmart_order row(s), 1 archive entr(ies)"), std::string::npos)
      << scan.out;
  EXPECT_EQ(everything().find("lineless.buyer@example.com"), std::string::npos);
  EXPECT_NE(everything().find("Priya Raman"), std::string::npos) << "another buyer keeps theirs";
}

TEST_F(PrivacyE2E, ForgetRefusesWhatIsNotAnId) {
  const auto r = run_binary({"forget", "--customer-order-id", "12ab"}, env_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("customerOrderId"), std::string::npos) << r.err;
  const auto none = run_binary({"forget"}, env_);
  EXPECT_EQ(none.exit_code, 2) << none.err;
}

}  // namespace

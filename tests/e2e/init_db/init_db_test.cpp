// init-db against the real server started by scripts/test.sh (MariaDB and MySQL: registered once
// per server).
#include <gtest/gtest.h>

#include <chrono>

#include "common/error.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "mysql/watermark_store.hpp"
#include "support/test_env.hpp"

using namespace etl;
using etl::test::run_binary;

namespace {

std::vector<mysql::Row> columns_of(mysql::Connection& c, const std::string& db,
                                   const std::string& table) {
  return c.query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE "
      "TABLE_SCHEMA=" +
      c.quote(db) + " AND TABLE_NAME=" + c.quote(table) + " ORDER BY ORDINAL_POSITION");
}

std::vector<std::string> primary_key_of(mysql::Connection& c, const std::string& db,
                                        const std::string& table) {
  std::vector<std::string> out;
  for (auto& r :
       c.query("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA=" +
               c.quote(db) + " AND TABLE_NAME=" + c.quote(table) +
               " AND CONSTRAINT_NAME='PRIMARY' ORDER BY ORDINAL_POSITION")) {
    out.push_back(*r[0]);
  }
  return out;
}

// Creates the test database with tables as an earlier release (or the original project) left
// them: every statement's "{db}" is the quoted database name.
void create_earlier_tables(const config::MysqlConfig& cfg,
                           const std::vector<std::string>& statements) {
  auto conn = mysql::Connection::open(cfg, mysql::UseDatabase::none);
  const std::string q = mysql::quote_identifier(cfg.database);
  conn.execute("CREATE DATABASE " + q);
  for (std::string sql : statements) {
    for (size_t at = sql.find("{db}"); at != std::string::npos; at = sql.find("{db}")) {
      sql.replace(at, 4, q);
    }
    conn.execute(sql);
  }
}

// The data contract's 52 columns (docs/data-model.md), name and type, in order.
const std::vector<std::pair<std::string, std::string>> kWalmartOrderColumns = {
    {"purchaseOrderId", "bigint"},
    {"customerOrderId", "bigint"},
    {"customerEmailId", "varchar(100)"},
    {"orderDate", "bigint"},
    {"orderDate_formatted", "timestamp"},
    {"shipNode_type", "varchar(50)"},
    {"shipNode_name", "varchar(100)"},
    {"shipNode_id", "varchar(50)"},
    {"source_file", "varchar(100)"},
    {"phone", "varchar(64)"},
    {"estimatedDeliveryDate", "bigint"},
    {"estimatedDeliveryDate_formatted", "timestamp"},
    {"estimatedShipDate", "bigint"},
    {"estimatedShipDate_formatted", "timestamp"},
    {"methodCode", "varchar(50)"},
    {"recipient_name", "varchar(100)"},
    {"address1", "varchar(200)"},
    {"address2", "varchar(200)"},
    {"city", "varchar(100)"},
    {"state", "varchar(50)"},
    {"postalCode", "varchar(64)"},
    {"country", "varchar(10)"},
    {"addressType", "varchar(20)"},
    {"lineNumber", "int"},
    {"sku", "varchar(50)"},
    {"productName", "text"},
    {"product_condition", "varchar(50)"},
    {"quantity", "int"},
    {"unitOfMeasurement", "varchar(20)"},
    {"statusDate", "bigint"},
    {"statusDate_formatted", "timestamp"},
    {"fulfillmentOption", "varchar(50)"},
    {"shipMethod", "varchar(50)"},
    {"storeId", "varchar(50)"},
    {"shippingProgramType", "varchar(50)"},
    {"chargeType", "varchar(50)"},
    {"chargeName", "varchar(100)"},
    {"chargeAmount", "decimal(10,2)"},
    {"currency", "varchar(10)"},
    {"taxAmount", "decimal(10,2)"},
    {"taxName", "varchar(50)"},
    {"orderLineStatus", "varchar(50)"},
    {"statusQuantity", "int"},
    {"cancellationReason", "varchar(200)"},
    {"shipDateTime", "bigint"},
    {"shipDateTime_formatted", "timestamp"},
    {"carrierName", "varchar(100)"},
    {"carrierMethodCode", "varchar(50)"},
    {"trackingNumber", "varchar(100)"},
    {"trackingURL", "varchar(500)"},
    {"request_time", "datetime"},
    {"load_time", "datetime"}};

// MariaDB prints display widths (bigint(20)); MySQL 8 does not. Compare without them.
std::string strip_width(std::string t) {
  for (const char* p : {"bigint", "int"}) {
    if (t.rfind(p, 0) == 0 && t.size() > strlen(p) && t[strlen(p)] == '(') return p;
  }
  return t;
}

}  // namespace

TEST(InitDb, CreatesEveryTableWithTheExactShapeAndIsIdempotent) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  auto env = etl::test::mysql_env(db.config());
  auto first = run_binary({"init-db"}, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("created   " + db.config().database + ".walmart_order"),
            std::string::npos);

  auto conn = mysql::Connection::open(db.config(), mysql::UseDatabase::none);
  const auto cols = columns_of(conn, db.config().database, "walmart_order");
  ASSERT_EQ(cols.size(), 53u);  // the contract's 52, then the seller account
  EXPECT_EQ(*cols[52][0], "account");
  EXPECT_EQ(*cols[52][1], "varchar(100)");
  for (size_t i = 0; i < kWalmartOrderColumns.size(); ++i) {
    EXPECT_EQ(*cols[i][0], kWalmartOrderColumns[i].first) << "column " << i + 1;
    EXPECT_EQ(strip_width(*cols[i][1]), kWalmartOrderColumns[i].second) << *cols[i][0];
  }
  EXPECT_EQ(*cols[0][2], "NO");
  EXPECT_EQ(*cols[23][2], "NO");
  EXPECT_EQ(primary_key_of(conn, db.config().database, "walmart_order"),
            (std::vector<std::string>{"purchaseOrderId", "lineNumber"}));
  EXPECT_EQ(primary_key_of(conn, db.config().database, "walmart_order_charge"),
            (std::vector<std::string>{"purchaseOrderId", "lineNumber", "chargeSeq"}));
  EXPECT_EQ(primary_key_of(conn, db.config().database, "walmart_order_raw"),
            (std::vector<std::string>{"purchaseOrderId"}));
  EXPECT_EQ(primary_key_of(conn, db.config().database, "etl_kafka_offset"),
            (std::vector<std::string>{"consumer_group", "topic", "partition_id"}));
  EXPECT_EQ(primary_key_of(conn, db.config().database, "etl_fetch_watermark"),
            (std::vector<std::string>{"account", "data_set", "ship_node_type"}));
  EXPECT_EQ(primary_key_of(conn, db.config().database, "walmart_order_dead_letter"),
            (std::vector<std::string>{"id"}));
  const auto charset = conn.query(
      "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM "
      "information_schema.SCHEMATA WHERE SCHEMA_NAME=" +
      conn.quote(db.config().database));
  ASSERT_EQ(charset.size(), 1u);
  EXPECT_EQ(*charset[0][0], "utf8mb4");
  EXPECT_EQ(*charset[0][1], "utf8mb4_unicode_ci");
  const auto table_collation =
      conn.query("SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA=" +
                 conn.quote(db.config().database) + " AND TABLE_NAME='walmart_order'");
  EXPECT_EQ(*table_collation.at(0)[0], "utf8mb4_unicode_ci");

  // Idempotent: a second run changes nothing and keeps data.
  conn.execute("INSERT INTO " + mysql::quote_identifier(db.config().database) +
               ".walmart_order (purchaseOrderId, lineNumber) VALUES (1, 1)");
  auto second = run_binary({"init-db"}, env);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("ok        " + db.config().database + ".walmart_order "),
            std::string::npos);
  EXPECT_EQ(*conn.query("SELECT COUNT(*) FROM " + mysql::quote_identifier(db.config().database) +
                        ".walmart_order")[0][0],
            "1");
}

TEST(InitDb, RefusesTheOriginalsSkuPrimaryKeyWithoutChangingIt) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  create_earlier_tables(
      db.config(),
      {"CREATE TABLE {db}.walmart_order (purchaseOrderId BIGINT NOT NULL, "
       "lineNumber INT NOT NULL, sku VARCHAR(50) NOT NULL, PRIMARY KEY (purchaseOrderId, sku))",
       "INSERT INTO {db}.walmart_order VALUES (7, 1, 'A')"});
  auto r = run_binary({"init-db"}, etl::test::mysql_env(db.config()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.err.find("primary key is (purchaseOrderId, sku), expected (purchaseOrderId, lineNumber)"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("how to migrate"), std::string::npos);
  EXPECT_NE(r.err.find("RENAME TABLE"), std::string::npos);
  auto conn = mysql::Connection::open(db.config());
  EXPECT_EQ(*conn.query("SELECT COUNT(*) FROM walmart_order")[0][0], "1");
  EXPECT_EQ(primary_key_of(conn, db.config().database, "walmart_order"),
            (std::vector<std::string>{"purchaseOrderId", "sku"}));
  EXPECT_THROW(mysql::require_schema(conn, db.config().database), EtlError);
}

// The previous release's dead-letter table (unique on source, record_index; no record_sha256),
// with rows: init-db prints the additive migration and refuses; --migrate applies it, keeps every
// row, fills the digest from the stored payload; a second --migrate changes nothing.
TEST(InitDb, MigratesThePreviousDeadLetterTableWithoutLosingRows) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  create_earlier_tables(
      db.config(),
      {"CREATE TABLE {db}.walmart_order_dead_letter ("
       "id BIGINT NOT NULL AUTO_INCREMENT, source VARCHAR(255) NOT NULL, record_index INT NOT "
       "NULL DEFAULT 0, "
       "source_topic VARCHAR(249) NULL, source_partition INT NULL, source_offset BIGINT NULL, "
       "message_key VARBINARY(1024) NULL, purchaseOrderId BIGINT NULL, payload LONGBLOB NULL, "
       "error_class VARCHAR(32) NOT NULL, error_code INT NULL, error_message TEXT NOT NULL, "
       "created_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id), "
       "UNIQUE KEY uq_dead_letter_source (source, record_index)) "
       "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
       "INSERT INTO {db}.walmart_order_dead_letter (source, record_index, payload, error_class, "
       "error_message) VALUES ('stdin:1', 0, '{old broken', 'bad_record', 'old'), "
       "('t/0/5', 0, NULL, 'bad_record', 'no payload')"});
  const auto env = etl::test::mysql_env(db.config());
  auto refused = run_binary({"init-db"}, env);
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("ADD COLUMN record_sha256"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("init-db --migrate"), std::string::npos) << refused.err;
  auto conn = mysql::Connection::open(db.config());
  EXPECT_THROW(mysql::require_schema(conn, db.config().database), EtlError);

  auto migrated = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_NE(migrated.out.find("migrated  ALTER TABLE"), std::string::npos) << migrated.out;
  EXPECT_NE(migrated.out.find("DROP INDEX uq_dead_letter_source"), std::string::npos)
      << migrated.out;
  EXPECT_NO_THROW(mysql::require_schema(conn, db.config().database));
  EXPECT_EQ(*conn.query("SELECT COUNT(*) FROM walmart_order_dead_letter")[0][0], "2");
  EXPECT_EQ(*conn.query("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE record_sha256 = "
                        "SHA2(COALESCE(payload, ''), 256)")[0][0],
            "2");
  EXPECT_EQ(
      *conn.query(
          "SELECT error_message FROM walmart_order_dead_letter WHERE source = 'stdin:1'")[0][0],
      "old");

  auto again = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("migrated"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("ok        " + db.config().database + ".walmart_order_dead_letter"),
            std::string::npos)
      << again.out;
}

// The watermark table from before data sets (key account, ship_node_type), with rows: init-db
// prints the migration and refuses; --migrate adds data_set (the rows become the orders'), widens
// the key, keeps every row and value; the store then reads them as orders and keeps a returns
// watermark of the same account apart; a second --migrate changes nothing.
TEST(InitDb, MigratesTheWatermarkTableToDataSetsKeepingEveryRow) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  create_earlier_tables(
      db.config(),
      {"CREATE TABLE {db}.etl_fetch_watermark ("
       "account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
       "ship_node_type VARCHAR(50) NOT NULL, watermark_ms BIGINT NOT NULL, run_id VARCHAR(64) "
       "NULL, updated_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP, "
       "PRIMARY KEY (account, ship_node_type)) "
       "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
       "INSERT INTO {db}.etl_fetch_watermark (account, ship_node_type, watermark_ms, run_id) "
       "VALUES ('main', 'SellerFulfilled', 1714000000000, 'r1'), "
       "('main', 'WFSFulfilled', 1714000001000, 'r1'), ('s2', 'SellerFulfilled', 17, 'r2')"});
  const auto env = etl::test::mysql_env(db.config());
  EXPECT_THROW(mysql::WatermarkStore{db.config()}, EtlError);  // names init-db --migrate
  auto refused = run_binary({"init-db"}, env);
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("column data_set is missing"), std::string::npos) << refused.err;

  auto migrated = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_NE(migrated.out.find("ADD COLUMN data_set"), std::string::npos) << migrated.out;
  EXPECT_NE(migrated.out.find("ADD PRIMARY KEY (account, data_set, ship_node_type)"),
            std::string::npos)
      << migrated.out;
  auto conn = mysql::Connection::open(db.config());
  EXPECT_EQ(primary_key_of(conn, db.config().database, "etl_fetch_watermark"),
            (std::vector<std::string>{"account", "data_set", "ship_node_type"}));
  EXPECT_EQ(*conn.query("SELECT COUNT(*) FROM etl_fetch_watermark WHERE data_set = 'orders'")[0][0],
            "3");
  mysql::WatermarkStore store(db.config());
  EXPECT_EQ(store.load("main", "orders", "WFSFulfilled"), 1714000001000);
  EXPECT_EQ(store.load("s2", "orders", "SellerFulfilled"), 17);
  EXPECT_EQ(store.load("main", "returns", ""), std::nullopt);
  store.advance("main", "returns", "", 1714000009000, "r3");
  EXPECT_EQ(store.load("main", "returns", ""), 1714000009000);
  EXPECT_EQ(store.load("main", "orders", "SellerFulfilled"), 1714000000000);

  auto again = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("migrated"), std::string::npos) << again.out;
}

// The previous release's raw table (payload NOT NULL, no payload_zlib) with rows: --migrate allows
// NULL and adds the compressed column; the rows read the same through the view.
TEST(InitDb, MigratesThePreviousRawTableAndTheViewShowsOldAndNewRows) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  create_earlier_tables(
      db.config(),
      {"CREATE TABLE {db}.walmart_order_raw (purchaseOrderId BIGINT NOT NULL, payload LONGTEXT NOT "
       "NULL, "
       "request_time DATETIME NULL, source_topic VARCHAR(249) NULL, source_partition INT NULL, "
       "source_offset BIGINT NULL, source_file VARCHAR(255) NULL, load_time DATETIME NULL DEFAULT "
       "CURRENT_TIMESTAMP, PRIMARY KEY (purchaseOrderId)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
       "COLLATE=utf8mb4_unicode_ci",
       "INSERT INTO {db}.walmart_order_raw (purchaseOrderId, payload) VALUES (1, '{\"old\":1}')"});
  const auto env = etl::test::mysql_env(db.config());
  auto refused = run_binary({"init-db"}, env);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("MODIFY COLUMN payload longtext NULL"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("ADD COLUMN payload_zlib"), std::string::npos) << refused.err;
  auto migrated = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_NE(migrated.out.find("view      " + db.config().database + ".walmart_order_raw_json"),
            std::string::npos)
      << migrated.out;
  auto conn = mysql::Connection::open(db.config());
  EXPECT_NO_THROW(mysql::require_schema(conn, db.config().database));
  conn.execute(
      "INSERT INTO walmart_order_raw (purchaseOrderId, payload_zlib) VALUES (2, "
      "COMPRESS('{\"new\":2}'))");
  const auto rows =
      conn.query("SELECT purchaseOrderId, payload FROM walmart_order_raw_json ORDER BY 1");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(*rows[0][1], "{\"old\":1}");
  EXPECT_EQ(*rows[1][1], "{\"new\":2}");
  auto again = run_binary({"init-db", "--migrate"}, env);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("migrated"), std::string::npos) << again.out;
}

// The tables of the previous release (sql/*.sql before the account columns), verbatim.
const std::vector<std::string> kPreviousReleaseTables = {
    R"sql(CREATE TABLE {db}.walmart_order (
  purchaseOrderId BIGINT NOT NULL,
  customerOrderId BIGINT NULL,
  customerEmailId VARCHAR(100) NULL,
  orderDate BIGINT NULL,
  orderDate_formatted TIMESTAMP NULL DEFAULT NULL,
  shipNode_type VARCHAR(50) NULL,
  shipNode_name VARCHAR(100) NULL,
  shipNode_id VARCHAR(50) NULL,
  source_file VARCHAR(100) NULL,
  phone VARCHAR(20) NULL,
  estimatedDeliveryDate BIGINT NULL,
  estimatedDeliveryDate_formatted TIMESTAMP NULL DEFAULT NULL,
  estimatedShipDate BIGINT NULL,
  estimatedShipDate_formatted TIMESTAMP NULL DEFAULT NULL,
  methodCode VARCHAR(50) NULL,
  recipient_name VARCHAR(100) NULL,
  address1 VARCHAR(200) NULL,
  address2 VARCHAR(200) NULL,
  city VARCHAR(100) NULL,
  state VARCHAR(50) NULL,
  postalCode VARCHAR(20) NULL,
  country VARCHAR(10) NULL,
  addressType VARCHAR(20) NULL,
  lineNumber INT NOT NULL,
  sku VARCHAR(50) NULL,
  productName TEXT NULL,
  product_condition VARCHAR(50) NULL,
  quantity INT NULL,
  unitOfMeasurement VARCHAR(20) NULL,
  statusDate BIGINT NULL,
  statusDate_formatted TIMESTAMP NULL DEFAULT NULL,
  fulfillmentOption VARCHAR(50) NULL,
  shipMethod VARCHAR(50) NULL,
  storeId VARCHAR(50) NULL,
  shippingProgramType VARCHAR(50) NULL,
  chargeType VARCHAR(50) NULL,
  chargeName VARCHAR(100) NULL,
  chargeAmount DECIMAL(10,2) NULL,
  currency VARCHAR(10) NULL,
  taxAmount DECIMAL(10,2) NULL,
  taxName VARCHAR(50) NULL,
  orderLineStatus VARCHAR(50) NULL,
  statusQuantity INT NULL,
  cancellationReason VARCHAR(200) NULL,
  shipDateTime BIGINT NULL,
  shipDateTime_formatted TIMESTAMP NULL DEFAULT NULL,
  carrierName VARCHAR(100) NULL,
  carrierMethodCode VARCHAR(50) NULL,
  trackingNumber VARCHAR(100) NULL,
  trackingURL VARCHAR(500) NULL,
  request_time DATETIME NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (purchaseOrderId, lineNumber)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)sql",
    R"sql(CREATE TABLE {db}.walmart_order_charge (
  purchaseOrderId BIGINT NOT NULL,
  lineNumber INT NOT NULL,
  chargeSeq INT NOT NULL,
  chargeType VARCHAR(50) NULL,
  chargeName VARCHAR(100) NULL,
  chargeAmount DECIMAL(10,2) NULL,
  currency VARCHAR(10) NULL,
  taxName VARCHAR(50) NULL,
  taxAmount DECIMAL(10,2) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (purchaseOrderId, lineNumber, chargeSeq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)sql",
    R"sql(CREATE TABLE {db}.walmart_order_raw (
  purchaseOrderId BIGINT NOT NULL,
  payload LONGTEXT NULL,
  request_time DATETIME NULL,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  source_file VARCHAR(255) NULL,
  load_time DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  payload_zlib LONGBLOB NULL,
  PRIMARY KEY (purchaseOrderId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)sql",
    R"sql(CREATE TABLE {db}.walmart_order_dead_letter (
  id BIGINT NOT NULL AUTO_INCREMENT,
  source VARCHAR(255) NOT NULL,
  record_index INT NOT NULL DEFAULT 0,
  source_topic VARCHAR(249) NULL,
  source_partition INT NULL,
  source_offset BIGINT NULL,
  message_key VARBINARY(1024) NULL,
  purchaseOrderId BIGINT NULL,
  payload LONGBLOB NULL,
  error_class VARCHAR(32) NOT NULL,
  error_code INT NULL,
  error_message TEXT NOT NULL,
  created_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP,
  record_sha256 CHAR(64) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_dead_letter_record (source, record_index, record_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)sql"};

// An ODS of the previous release with rows in every seller table: init-db prints the exact
// statements (ADD COLUMN / ADD INDEX only, online) and refuses; --migrate keeps every row and
// value, adds the account columns (NULL in the old rows) and the index; a second run changes
// nothing; the tables then equal a fresh init-db's.
TEST(InitDb, MigratesAnOdsOfThePreviousReleaseWithRowsByAddingOnly) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  std::vector<std::string> statements = kPreviousReleaseTables;
  statements.insert(
      statements.end(),
      {"INSERT INTO {db}.walmart_order (purchaseOrderId, lineNumber, sku, orderDate_formatted, "
       "chargeAmount) VALUES (11, 1, 'A', '2024-05-01 10:00:00', 12.34), (11, 2, 'B', "
       "'2024-05-01 10:00:00', 5.00), (12, 1, 'C', '2024-05-02 11:00:00', 1.00)",
       "INSERT INTO {db}.walmart_order_charge (purchaseOrderId, lineNumber, chargeSeq, "
       "chargeAmount) VALUES (11, 1, 1, 12.34), (11, 2, 1, 5.00)",
       "INSERT INTO {db}.walmart_order_raw (purchaseOrderId, payload) VALUES (11, '{\"a\":1}')",
       "INSERT INTO {db}.walmart_order_dead_letter (source, error_class, error_message, "
       "record_sha256) VALUES ('t/0/1', 'bad_record', 'old', SHA2('', 256))"});
  create_earlier_tables(db.config(), statements);
  const auto env = etl::test::mysql_env(db.config());
  auto conn = mysql::Connection::open(db.config());
  auto snapshot = [&] {
    std::string s;
    for (const char* q :
         {"SELECT purchaseOrderId, lineNumber, sku, orderDate_formatted, chargeAmount, load_time "
          "FROM walmart_order ORDER BY 1, 2",
          "SELECT purchaseOrderId, lineNumber, chargeSeq, chargeAmount FROM walmart_order_charge "
          "ORDER BY 1, 2, 3",
          "SELECT purchaseOrderId, payload FROM walmart_order_raw ORDER BY 1",
          "SELECT id, source, error_message, record_sha256 FROM walmart_order_dead_letter"}) {
      for (const auto& row : conn.query(q)) {
        for (const auto& v : row) s += v.value_or("NULL") + "|";
        s += "\n";
      }
    }
    return s;
  };
  const std::string rows_before = snapshot();

  auto refused = run_binary({"init-db"}, env);
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  const std::string q = mysql::quote_identifier(db.config().database);
  for (const std::string& statement :
       {"ALTER TABLE " + q +
            ".walmart_order ADD COLUMN account varchar(100) CHARACTER SET utf8mb4 COLLATE "
            "utf8mb4_bin "
            "NULL AFTER load_time, "
            "ALGORITHM=INPLACE, LOCK=NONE;",
        "ALTER TABLE " + q +
            ".walmart_order ADD INDEX ix_walmart_order_account_date (account, "
            "orderDate_formatted), ALGORITHM=INPLACE, LOCK=NONE;",
        "ALTER TABLE " + q +
            ".walmart_order ADD INDEX ix_walmart_order_customer_order (customerOrderId), "
            "ALGORITHM=INPLACE, LOCK=NONE;",
        "ALTER TABLE " + q +
            ".walmart_order_charge ADD COLUMN account varchar(100) CHARACTER SET utf8mb4 COLLATE "
            "utf8mb4_bin NULL AFTER load_time, "
            "ALGORITHM=INPLACE, LOCK=NONE;",
        "ALTER TABLE " + q +
            ".walmart_order_raw ADD COLUMN account varchar(100) CHARACTER SET utf8mb4 COLLATE "
            "utf8mb4_bin NULL AFTER payload_zlib, "
            "ALGORITHM=INPLACE, LOCK=NONE;",
        "ALTER TABLE " + q +
            ".walmart_order_dead_letter ADD COLUMN account varchar(100) CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_bin NULL AFTER "
            "record_sha256, ALGORITHM=INPLACE, LOCK=NONE;"}) {
    EXPECT_NE(refused.err.find(statement), std::string::npos) << statement << "\n" << refused.err;
  }
  EXPECT_EQ(refused.err.find("DROP"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("init-db --migrate"), std::string::npos) << refused.err;
  EXPECT_EQ(columns_of(conn, db.config().database, "walmart_order").size(), 52u)
      << "nothing changes without --migrate";
  EXPECT_THROW(mysql::require_schema(conn, db.config().database), EtlError);

  auto migrated = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  size_t statements_run = 0;
  for (size_t at = migrated.out.find("migrated  "); at != std::string::npos;
       at = migrated.out.find("migrated  ", at + 1)) {
    ++statements_run;
  }
  // Six additions (the customerOrderId index of forget among them), and phone and postalCode
  // widened from VARCHAR(20) to VARCHAR(64).
  EXPECT_EQ(statements_run, 8u) << migrated.out;
  EXPECT_NE(migrated.out.find("MODIFY COLUMN phone varchar(64)"), std::string::npos)
      << migrated.out;
  // No statement of the migration left a warning on this server (each would be logged).
  EXPECT_EQ(migrated.err.find("mysql: Warning"), std::string::npos) << migrated.err;
  EXPECT_EQ(migrated.err.find("mysql: Note"), std::string::npos) << migrated.err;
  EXPECT_NO_THROW(mysql::require_schema(conn, db.config().database));
  EXPECT_EQ(snapshot(), rows_before) << "every row and value kept (load_time included)";
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw",
                        "walmart_order_dead_letter"}) {
    EXPECT_EQ(*conn.query(std::string("SELECT COUNT(*) FROM ") + t + " WHERE account IS NOT NULL")
                   .at(0)[0],
              "0")
        << t << ": rows of before are not given an account they did not have";
  }
  const auto cols = columns_of(conn, db.config().database, "walmart_order");
  ASSERT_EQ(cols.size(), 53u);
  for (size_t i = 0; i < kWalmartOrderColumns.size(); ++i) {
    EXPECT_EQ(*cols[i][0], kWalmartOrderColumns[i].first) << "column " << i + 1;
  }
  EXPECT_EQ(*cols[52][0], "account");
  // The per-account query uses the index.
  const auto plan = conn.query(
      "EXPLAIN SELECT COUNT(*) FROM walmart_order WHERE account = 'x' AND orderDate_formatted >= "
      "'2024-05-01'");
  ASSERT_FALSE(plan.empty());
  std::string plan_text;
  for (const auto& v : plan[0]) plan_text += v.value_or("NULL") + " ";
  EXPECT_NE(plan_text.find("ix_walmart_order_account_date"), std::string::npos) << plan_text;

  auto again = run_binary({"init-db", "--migrate"}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("migrated"), std::string::npos) << again.out;
  EXPECT_EQ(snapshot(), rows_before);
  auto plain = run_binary({"init-db"}, env);
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
}

bool index_exists(mysql::Connection& c, const std::string& db, const std::string& table,
                  const std::string& index) {
  return *c.query("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
                  c.quote(db) + " AND TABLE_NAME = " + c.quote(table) +
                  " AND INDEX_NAME = " + c.quote(index))[0][0] != "0";
}

// A DBA's unique key that holds the primary key cannot refuse a row walmart-etl writes: init-db
// and --migrate accept it and never drop it, and load writes with it in place.
TEST(InitDb, ADbasUniqueKeyHoldingThePrimaryKeyIsAcceptedAndKept) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  const auto env = etl::test::mysql_env(db.config());
  ASSERT_EQ(run_binary({"init-db"}, env).exit_code, 0);
  auto conn = mysql::Connection::open(db.config());
  conn.execute(
      "ALTER TABLE walmart_order_raw ADD UNIQUE KEY uq_dba_offset "
      "(purchaseOrderId, source_offset)");
  conn.execute(
      "ALTER TABLE walmart_order ADD UNIQUE KEY uq_dba_line (lineNumber, "
      "purchaseOrderId, sku)");
  auto plain = run_binary({"init-db"}, env);
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  auto migrated = run_binary({"init-db", "--migrate"}, env);
  EXPECT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_EQ(migrated.out.find("DROP"), std::string::npos) << migrated.out;
  EXPECT_TRUE(index_exists(conn, db.config().database, "walmart_order_raw", "uq_dba_offset"));
  EXPECT_TRUE(index_exists(conn, db.config().database, "walmart_order", "uq_dba_line"));
  EXPECT_NO_THROW(mysql::require_schema(conn, db.config().database));
  auto load = run_binary({"load", "--account", "main",
                          std::string(ETL_SOURCE_DIR) + "/tests/fixtures/load/orders_array.json"},
                         env);
  EXPECT_EQ(load.exit_code, 0) << load.out << load.err;
  EXPECT_NE(*conn.query("SELECT COUNT(*) FROM walmart_order_raw")[0][0], "0");
}

// A unique key someone made that can refuse rows walmart-etl writes: init-db says why and how a
// person can fix it, --migrate drops nothing, and load refuses to start naming it.
TEST(InitDb, ADbasUniqueKeyThatCanRefuseRowsIsReportedNeverDropped) {
  etl::test::ScopedDatabase db(etl::test::test_mysql_config());
  const auto env = etl::test::mysql_env(db.config());
  ASSERT_EQ(run_binary({"init-db"}, env).exit_code, 0);
  auto conn = mysql::Connection::open(db.config());
  conn.execute("ALTER TABLE walmart_order_raw ADD UNIQUE KEY uq_dba_file (source_file)");
  auto migrated = run_binary({"init-db", "--migrate"}, env);
  EXPECT_EQ(migrated.exit_code, 1) << migrated.out << migrated.err;
  EXPECT_NE(migrated.err.find("unique key uq_dba_file (source_file) was not created by "
                              "walmart-etl and can refuse rows"),
            std::string::npos)
      << migrated.err;
  EXPECT_EQ(migrated.out.find("migrated"), std::string::npos) << migrated.out;
  EXPECT_TRUE(index_exists(conn, db.config().database, "walmart_order_raw", "uq_dba_file"));
  auto load = run_binary({"load", "--account", "main",
                          std::string(ETL_SOURCE_DIR) + "/tests/fixtures/load/orders_array.json"},
                         env);
  EXPECT_EQ(load.exit_code, 1) << load.out << load.err;
  EXPECT_NE(load.err.find("uq_dba_file"), std::string::npos) << load.err;
  EXPECT_TRUE(index_exists(conn, db.config().database, "walmart_order_raw", "uq_dba_file"));
}

TEST(InitDb, WrongPasswordIsAClearFatalError) {
  auto cfg = etl::test::test_mysql_config();
  cfg.password = "definitely-wrong";
  auto r = run_binary({"init-db"}, etl::test::mysql_env(cfg));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Access denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mysql error 1045"), std::string::npos);
  try {
    mysql::Connection::open(cfg);
    FAIL() << "connected with a wrong password";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::fatal);
  }
}

TEST(InitDb, ServerNotThereFailsWithinTheConnectTimeout) {
  auto cfg = etl::test::test_mysql_config();
  cfg.port = 1;  // nothing listens there
  const auto start = std::chrono::steady_clock::now();
  auto r = run_binary({"init-db"}, etl::test::mysql_env(cfg), std::chrono::seconds(30));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot connect to MySQL at 127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_LT(took, std::chrono::seconds(15));
  // A blackholed address (no RST): bounded by connect_timeout_s.
  auto env = etl::test::mysql_env(cfg);
  env["WALMART_ETL_MYSQL__HOST"] = "10.255.255.1";
  env["WALMART_ETL_MYSQL__CONNECT_TIMEOUT_S"] = "2";
  const auto start2 = std::chrono::steady_clock::now();
  auto r2 = run_binary({"init-db"}, env, std::chrono::seconds(30));
  EXPECT_FALSE(r2.timed_out);
  EXPECT_EQ(r2.exit_code, 1) << r2.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start2, std::chrono::seconds(12));
  try {
    mysql::Connection::open(cfg);
    FAIL();
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::retriable);
  }
}

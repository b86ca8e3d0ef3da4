// The server's kind and version from its version string, and how the upserts name the inserted row.
#include "mysql/server_dialect.hpp"

#include <gtest/gtest.h>

#include "mysql/sink_sql.hpp"

using etl::mysql::parse_server_dialect;
using etl::mysql::ServerFlavor;
using etl::mysql::ServerVersion;

TEST(ServerDialect, ReadsMariaDbVersionsWithAndWithoutTheOldClientPrefix) {
  for (const char* info : {"10.11.6-MariaDB-0+deb12u1", "5.5.5-10.11.6-MariaDB-log"}) {
    const auto d = parse_server_dialect(info);
    EXPECT_EQ(d.flavor, ServerFlavor::mariadb) << info;
    EXPECT_EQ(d.version, (ServerVersion{10, 11, 6})) << info;
    EXPECT_FALSE(d.row_alias()) << info;
    EXPECT_EQ(d.inserted("c"), "VALUES(c)");
    EXPECT_EQ(d.after_values(), "");
  }
}

TEST(ServerDialect, UsesTheRowAliasFromMySql8019On) {
  struct Case {
    const char* info;
    ServerVersion version;
    bool alias;
  };
  for (const Case& c :
       {Case{"9.7.4-2", {9, 7, 4}, true}, Case{"8.4.3", {8, 4, 3}, true},
        Case{"8.0.19", {8, 0, 19}, true}, Case{"8.0.18-0ubuntu0.20.04.1", {8, 0, 18}, false},
        Case{"5.7.44-log", {5, 7, 44}, false}}) {
    const auto d = parse_server_dialect(c.info);
    EXPECT_EQ(d.flavor, ServerFlavor::mysql) << c.info;
    EXPECT_EQ(d.version, c.version) << c.info;
    EXPECT_EQ(d.row_alias(), c.alias) << c.info;
  }
  const auto d = parse_server_dialect("9.7.4");
  EXPECT_EQ(d.inserted("load_time"), "new.load_time");
  EXPECT_EQ(d.after_values(), " AS new");
  EXPECT_EQ(d.describe(), "MySQL 9.7.4");
}

TEST(ServerDialect, AnUnreadableVersionTakesTheOldestWording) {
  const auto d = parse_server_dialect("garbage");
  EXPECT_EQ(d.version, (ServerVersion{0, 0, 0}));
  EXPECT_FALSE(d.row_alias());
}

TEST(ServerDialect, TheUpsertsUseOneWordingThroughout) {
  const auto mysql = parse_server_dialect("9.7.4");
  const auto mariadb = parse_server_dialect("10.11.6-MariaDB");
  for (const auto& shape :
       {etl::mysql::sql::upsert_order_lines(mysql), etl::mysql::sql::upsert_raw(mysql),
        etl::mysql::sql::upsert_dead_letters(mysql)}) {
    EXPECT_EQ(shape.suffix.find("VALUES("), std::string::npos) << shape.suffix;
    EXPECT_EQ(shape.suffix.rfind(" AS new ON DUPLICATE KEY UPDATE ", 0), 0u) << shape.suffix;
  }
  for (const auto& shape :
       {etl::mysql::sql::upsert_order_lines(mariadb), etl::mysql::sql::upsert_raw(mariadb),
        etl::mysql::sql::upsert_dead_letters(mariadb)}) {
    EXPECT_EQ(shape.suffix.find("new."), std::string::npos) << shape.suffix;
    EXPECT_EQ(shape.suffix.rfind(" ON DUPLICATE KEY UPDATE ", 0), 0u) << shape.suffix;
  }
  const std::string lines = etl::mysql::sql::upsert_order_lines(mysql).suffix;
  EXPECT_NE(lines.find("sku = new.sku, "), std::string::npos) << lines;
  EXPECT_NE(lines.find("load_time = new.load_time"), std::string::npos) << lines;
}

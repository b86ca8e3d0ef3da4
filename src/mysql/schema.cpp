#include "mysql/schema.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>

#include "common/error.hpp"
#include "mysql/schema_growth.hpp"
#include "mysql/table_shape.hpp"

namespace etl::mysql {

// Generated at build time from sql/*.sql (see src/mysql/CMakeLists.txt).
extern const TableDdl kEmbeddedSchema[];
extern const size_t kEmbeddedSchemaCount;

const std::vector<TableDdl>& schema_tables() {
  static const std::vector<TableDdl> tables(kEmbeddedSchema,
                                            kEmbeddedSchema + kEmbeddedSchemaCount);
  return tables;
}

namespace {

// Appended to the ADD COLUMN / ADD INDEX statements of a migration: both servers (MariaDB >= 10.0,
// MySQL >= 5.6) add a nullable column or a secondary index while the table stays readable and
// writable. A server that cannot do one of them this way refuses the clause (1845/1846), and the
// migration then runs the statement without it (init_db).
constexpr std::string_view kOnline = ", ALGORITHM=INPLACE, LOCK=NONE";

// A column added by a later version and how `init-db --migrate` fills it for existing rows (from
// the row's own columns, in SQL both MariaDB and MySQL 8 accept).
struct ColumnBackfill {
  std::string_view table;
  std::string_view column;
  std::string_view expression;
};
// The JSON of walmart_order_raw whichever column holds it (stream.raw_archive), for plain SQL and
// JSON_EXTRACT on both servers. Recreated by every init-db (idempotent).
constexpr std::string_view kRawJsonView =
    "CREATE OR REPLACE VIEW walmart_order_raw_json AS SELECT purchaseOrderId, "
    "COALESCE(payload, CONVERT(UNCOMPRESS(payload_zlib) USING utf8mb4) COLLATE utf8mb4_unicode_ci) "
    "AS payload, request_time, source_topic, source_partition, source_offset, source_file, "
    "load_time, account FROM walmart_order_raw";
// The same for the returns archive (walmart_return_raw).
constexpr std::string_view kReturnRawJsonView =
    "CREATE OR REPLACE VIEW walmart_return_raw_json AS SELECT returnOrderId, "
    "COALESCE(payload, CONVERT(UNCOMPRESS(payload_zlib) USING utf8mb4) COLLATE utf8mb4_unicode_ci) "
    "AS payload, last_event_at, request_time, source_topic, source_partition, source_offset, "
    "source_file, load_time, account FROM walmart_return_raw";

constexpr ColumnBackfill kBackfills[] = {
    {"walmart_order_dead_letter", "record_sha256", "SHA2(COALESCE(payload, ''), 256)"},
};

// Unique keys earlier versions of walmart-etl created and this one no longer has: init-db --migrate
// drops them (they would refuse rows this version writes). Any other unknown unique key is
// someone's, and is never dropped.
constexpr std::pair<std::string_view, std::string_view> kEarlierUniqueKeys[] = {
    {"walmart_order_dead_letter", "uq_dead_letter_source"},  // (source, record_index)
};

bool created_by_earlier_version(std::string_view table, const std::string& key) {
  return std::any_of(std::begin(kEarlierUniqueKeys), std::end(kEarlierUniqueKeys),
                     [&](const auto& k) { return k.first == table && k.second == key; });
}

bool contains_all(const std::vector<std::string>& key, const std::vector<std::string>& columns) {
  return std::all_of(columns.begin(), columns.end(), [&](const std::string& c) {
    return std::find(key.begin(), key.end(), c) != key.end();
  });
}

// A unique key holding every (whole) column of the primary key or of a unique key of this version
// cannot refuse a row the pipeline writes: rows the pipeline keeps apart differ in one of those
// keys (it upserts on them), so they differ in this one too.
bool cannot_refuse_a_written_row(const std::vector<std::string>& key, const TableShape& expected) {
  if (!expected.primary_key.empty() && contains_all(key, expected.primary_key)) return true;
  return std::any_of(expected.unique_keys.begin(), expected.unique_keys.end(),
                     [&](const auto& ours) { return contains_all(key, ours.second); });
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool table_exists(Connection& conn, const std::string& database, std::string_view table) {
  const auto rows = conn.query(fmt::format(
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
      conn.quote(database), conn.quote(table)));
  return !rows.empty() && rows[0].at(0).value_or("0") != "0";
}

// The expected DDL turned into a TEMPORARY table with another name.
std::string temporary_ddl(const TableDdl& t, const std::string& temp_name) {
  std::string sql(t.sql);
  const std::string from = fmt::format("CREATE TABLE IF NOT EXISTS {} ", t.table);
  const auto pos = sql.find(from);
  if (pos == std::string::npos) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0,
                   fmt::format("embedded DDL of {} does not start with '{}'", t.table, from));
  }
  sql.replace(pos, from.size(), fmt::format("CREATE TEMPORARY TABLE {} ", temp_name));
  return sql;
}

void compare(const TableDdl& t, const std::string& qualified, const TableShape& expected,
             const TableShape& actual, std::vector<SchemaProblem>& problems) {
  const std::string table(t.table);
  std::map<std::string, const ColumnInfo*> have;
  for (const auto& c : actual.columns) have[c.name] = &c;
  std::string previous;
  for (const auto& want : expected.columns) {
    auto it = have.find(want.name);
    const std::string null_sql = want.nullable ? "NULL" : "NOT NULL";
    if (it == have.end()) {
      const std::string add_position = previous.empty() ? " FIRST" : " AFTER " + previous;
      const std::string add = fmt::format("ALTER TABLE {} ADD COLUMN {} {} {}{}{}", qualified,
                                          want.name, column_type_sql(want), null_sql, add_position,
                                          want.nullable ? kOnline : "");
      SchemaProblem p{
          table,
          fmt::format("column {} is missing (expected {} {})", want.name, want.type, null_sql),
          add + ";",
          {}};
      if (auto defaulted = add_defaulted_column(table, qualified, want, add_position)) {
        p.migrate = *defaulted + ";";
        p.statements.push_back(std::move(*defaulted));
      } else if (want.nullable) {
        p.statements.push_back(add);
        for (const auto& b : kBackfills) {
          if (b.table == t.table && b.column == want.name) {
            p.statements.push_back(fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL", qualified,
                                               want.name, b.expression, want.name));
            p.migrate += fmt::format(" {};", p.statements.back());
          }
        }
      }
      problems.push_back(std::move(p));
    } else if (it->second->type == want.type && binary_collation(want) &&
               it->second->collation != want.collation &&
               (it->second->nullable == want.nullable || want.nullable)) {
      // An earlier version's account column compared ignoring case and accents. Changing the
      // collation rewrites no value, and binary comparison is finer than any other, so no unique
      // key can refuse a row it held.
      const std::string exact = fmt::format("ALTER TABLE {} MODIFY COLUMN {} {} {}{}", qualified,
                                            want.name, column_type_sql(want), null_sql, kOnline);
      problems.push_back(
          {table,
           fmt::format("column {} compares with {}, expected {}: account names are exact, "
                       "byte for byte (the change keeps every row and value; it is a change of "
                       "metadata, in place, where the column is in no index, and rebuilds the "
                       "index that holds it)",
                       want.name, it->second->collation.empty() ? "?" : it->second->collation,
                       want.collation),
           exact + ";",
           {exact}});
    } else if (it->second->type == want.type && !it->second->nullable && want.nullable) {
      // Allowing NULL where an earlier version required a value changes no row.
      const std::string relax = fmt::format("ALTER TABLE {} MODIFY COLUMN {} {} NULL", qualified,
                                            want.name, column_type_sql(want));
      problems.push_back({table,
                          fmt::format("column {} is NOT NULL, expected NULL", want.name),
                          relax + ";",
                          {relax}});
    } else if (widens(*it->second, want)) {
      // In place where the length prefix keeps its size (up to 255 bytes, 63 characters of
      // utf8mb4); a wider one is a table copy, and the server then refuses the online clause.
      const std::string widen = fmt::format("ALTER TABLE {} MODIFY COLUMN {} {} {}{}", qualified,
                                            want.name, column_type_sql(want), null_sql, kOnline);
      problems.push_back({table,
                          fmt::format("column {} is {}, expected {} (wider: every value is kept)",
                                      want.name, it->second->type, want.type),
                          widen + ";",
                          {widen}});
    } else if (it->second->type != want.type || it->second->nullable != want.nullable) {
      problems.push_back(
          {table,
           fmt::format("column {} is {} {}, expected {} {}", want.name, it->second->type,
                       it->second->nullable ? "NULL" : "NOT NULL", want.type, null_sql),
           fmt::format(
               "ALTER TABLE {} MODIFY COLUMN {} {} {}; -- check that existing values fit first",
               qualified, want.name, column_type_sql(want), null_sql),
           {}});
    }
    previous = want.name;
  }
  for (const auto& c : actual.columns) {
    const bool known = std::any_of(expected.columns.begin(), expected.columns.end(),
                                   [&](const ColumnInfo& e) { return e.name == c.name; });
    if (!known && !c.nullable) {
      problems.push_back(
          {table,
           fmt::format("extra column {} is NOT NULL; the pipeline does not write it", c.name),
           fmt::format("ALTER TABLE {} MODIFY COLUMN {} {} NULL;", qualified, c.name, c.type),
           {}});
    } else if (!known) {
      spdlog::warn("schema: {} has an extra column {} ({}); it is left as it is", qualified, c.name,
                   c.type);
    }
  }
  // Unique keys: one the pipeline relies on is added (or, named as ours with other columns,
  // replaced). Of the others, an earlier version's goes, someone's that cannot refuse a row stays,
  // and someone's that can is reported and left to a person (below).
  for (const auto& [name, cols] : expected.unique_keys) {
    const auto it = actual.unique_keys.find(name);
    if (it != actual.unique_keys.end() && it->second == cols) continue;
    const std::string add =
        fmt::format("ALTER TABLE {} {}ADD UNIQUE KEY {} ({})", qualified,
                    it == actual.unique_keys.end() ? "" : fmt::format("DROP INDEX {}, ", name),
                    name, joined(cols));
    problems.push_back({table,
                        it == actual.unique_keys.end()
                            ? fmt::format("unique key {} ({}) is missing", name, joined(cols))
                            : fmt::format("unique key {} is ({}), expected ({})", name,
                                          joined(it->second), joined(cols)),
                        add + ";",
                        {add}});
  }
  // Secondary (non-unique) indexes of this version are added; one a person added is left alone.
  // One of that name with other columns is reported: only a person can tell whether it is theirs.
  for (const auto& [name, cols] : expected.plain_keys) {
    const auto it = actual.plain_keys.find(name);
    if (it != actual.plain_keys.end() && it->second == cols) continue;
    if (it != actual.plain_keys.end()) {
      problems.push_back(
          {table,
           fmt::format("index {} is ({}), expected ({})", name, joined(it->second), joined(cols)),
           fmt::format("ALTER TABLE {} DROP INDEX {}, ADD INDEX {} ({});", qualified, name, name,
                       joined(cols)),
           {}});
      continue;
    }
    const std::string add =
        fmt::format("ALTER TABLE {} ADD INDEX {} ({}){}", qualified, name, joined(cols), kOnline);
    problems.push_back(
        {table, fmt::format("index {} ({}) is missing", name, joined(cols)), add + ";", {add}});
  }
  for (const auto& [name, cols] : actual.unique_keys) {
    if (expected.unique_keys.count(name) != 0) continue;
    const std::string drop = fmt::format("ALTER TABLE {} DROP INDEX {}", qualified, name);
    if (created_by_earlier_version(t.table, name)) {
      problems.push_back(
          {table,
           fmt::format("unique key {} ({}) was created by an earlier version of walmart-etl and "
                       "would refuse rows this one writes; dropping it removes an index, no row",
                       name, joined(cols)),
           drop + ";",
           {drop}});
      continue;
    }
    if (cannot_refuse_a_written_row(cols, expected)) {
      spdlog::info(
          "schema: {} has a unique key {} ({}) of its own; it holds every column of a key the "
          "pipeline writes by, so it cannot refuse a row: left as it is",
          qualified, name, joined(cols));
      continue;
    }
    // Someone's key that can refuse rows: never dropped here, only a person may decide.
    problems.push_back(
        {table,
         fmt::format("unique key {} ({}) was not created by walmart-etl and can refuse rows it "
                     "writes: two of its rows may share ({}) while their ({}) differ; a unique key "
                     "holding all of ({}) would be accepted",
                     name, joined(cols), joined(cols), joined(expected.primary_key),
                     joined(expected.primary_key)),
         fmt::format("decide yourself: drop it ({};) or widen it to hold ({}); walmart-etl "
                     "never drops an index it did not create",
                     drop, joined(expected.primary_key)),
         {}});
  }
  if (actual.primary_key != expected.primary_key) {
    problems.push_back(
        {table,
         fmt::format("primary key is ({}), expected ({})", joined(actual.primary_key),
                     joined(expected.primary_key)),
         fmt::format(
             "keep the old table and let init-db create the new one, then copy:\n"
             "  RENAME TABLE {0} TO {0}_old;\n"
             "  walmart-etl init-db\n"
             "  INSERT IGNORE INTO {0} SELECT * FROM {0}_old;  -- or replay with walmart-etl load "
             "/ stream\n"
             "(or in place, if no two rows share the new key: ALTER TABLE {0} DROP PRIMARY KEY, "
             "ADD PRIMARY KEY ({1});)",
             qualified, joined(expected.primary_key)),
         {}});
    // A key grown by columns: rows distinct under the old one stay distinct.
    if (auto grown = widen_primary_key(qualified, actual, expected)) {
      problems.back().migrate = *grown + ";";
      problems.back().statements.push_back(std::move(*grown));
    }
  }
}

// Runs one migration statement; where the server refuses the online clause (1845
// ER_ALTER_OPERATION_NOT_SUPPORTED, 1846 ..._REASON: e.g. an old server or a table it must
// rebuild), runs it without, which locks the table for the duration instead. Returns what ran.
std::string run_migration_statement(Connection& conn, const std::string& statement) {
  const auto online = statement.rfind(kOnline);
  try {
    conn.execute(statement);
    return statement;
  } catch (const EtlError& e) {
    const int code = e.error().code;
    if (online == std::string::npos || (code != 1845 && code != 1846)) throw;
    std::string locked = statement.substr(0, online);
    spdlog::warn(
        "init-db: the server cannot run this change online ({}); running it with a lock: {}",
        e.error().message, locked);
    conn.execute(locked);
    return locked;
  }
}

}  // namespace

std::vector<SchemaProblem> check_schema(Connection& conn, const std::string& database) {
  std::vector<SchemaProblem> problems;
  const std::string db = quote_identifier(database);
  for (const auto& t : schema_tables()) {
    if (!table_exists(conn, database, t.table)) continue;
    const std::string qualified = db + "." + std::string(t.table);
    const std::string temp = fmt::format("etl_expected_{}", t.table);
    const std::string temp_qualified = fmt::format("{}.{}", db, temp);
    // Created and dropped on this connection, also when reading it fails; without IF EXISTS,
    // which leaves a note (1051) on both servers when there is nothing to drop.
    try {
      conn.execute(fmt::format("USE {}", db));
      conn.execute(temporary_ddl(t, temp));
    } catch (const EtlError& e) {
      // The expected shape comes from the server itself (the DDL as a temporary table), so the
      // check needs CREATE TEMPORARY TABLES; the server's own text only says "access denied to
      // database" (1044 ER_DBACCESS_DENIED_ERROR, 1142 ER_TABLEACCESS_DENIED_ERROR).
      if (e.error().code != 1044 && e.error().code != 1142) throw;
      throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, e.error().code,
                     fmt::format("checking the tables of {} needs the CREATE TEMPORARY TABLES "
                                 "privilege (GRANT CREATE TEMPORARY TABLES ON {}.* TO the user; "
                                 "docs/operations.md lists every privilege): {}",
                                 database, db, e.error().message));
    }
    TableShape expected;
    try {
      expected = read_shape(conn, temp_qualified);
    } catch (const std::exception&) {
      conn.execute(fmt::format("DROP TEMPORARY TABLE {}", temp_qualified));
      throw;
    }
    conn.execute(fmt::format("DROP TEMPORARY TABLE {}", temp_qualified));
    compare(t, qualified, expected, read_shape(conn, qualified), problems);
  }
  return problems;
}

InitDbReport init_db(const config::MysqlConfig& cfg, bool migrate) {
  InitDbReport report;
  Connection conn = Connection::open(cfg, UseDatabase::none);
  const std::string db = quote_identifier(cfg.database);
  const auto exists = conn.query(fmt::format(
      "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {}",
      conn.quote(cfg.database)));
  if (exists.empty()) {
    conn.execute(fmt::format(
        "CREATE DATABASE IF NOT EXISTS {} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", db));
    report.database_created = true;
  } else if (exists[0].at(0).value_or("") != "utf8mb4") {
    spdlog::warn(
        "init-db: database {} has default charset {}; tables are created utf8mb4 explicitly",
        cfg.database, exists[0].at(0).value_or("?"));
  }
  conn.execute(fmt::format("USE {}", db));
  report.problems = check_schema(conn, cfg.database);
  const bool all_additive =
      std::all_of(report.problems.begin(), report.problems.end(),
                  [](const SchemaProblem& p) { return !p.statements.empty(); });
  if (migrate && !report.problems.empty() && all_additive) {
    for (const auto& p : report.problems) {
      for (const auto& statement : p.statements) {
        spdlog::info("init-db: migrating: {}", statement);
        report.migrated.push_back(run_migration_statement(conn, statement));
      }
    }
    report.problems = check_schema(conn, cfg.database);
  }
  for (const auto& t : schema_tables()) {
    if (table_exists(conn, cfg.database, t.table)) {
      const bool bad = std::any_of(report.problems.begin(), report.problems.end(),
                                   [&](const SchemaProblem& p) { return p.table == t.table; });
      if (!bad) report.existing.emplace_back(t.table);
      continue;
    }
    conn.execute(t.sql);
    report.created.emplace_back(t.table);
    spdlog::info("init-db: created {}.{}", cfg.database, t.table);
  }
  const bool raw_ok =
      std::none_of(report.problems.begin(), report.problems.end(),
                   [](const SchemaProblem& p) { return p.table == "walmart_order_raw"; });
  if (raw_ok) {
    conn.execute(kRawJsonView);
    report.views.emplace_back("walmart_order_raw_json");
  }
  if (std::none_of(report.problems.begin(), report.problems.end(),
                   [](const SchemaProblem& p) { return p.table == "walmart_return_raw"; })) {
    conn.execute(kReturnRawJsonView);
    report.views.emplace_back("walmart_return_raw_json");
  }
  return report;
}

void require_schema(Connection& conn, const std::string& database) {
  std::string missing;
  for (const auto& t : schema_tables()) {
    if (!table_exists(conn, database, t.table))
      missing += (missing.empty() ? "" : ", ") + std::string(t.table);
  }
  if (!missing.empty()) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 1146,
                   fmt::format("database {} lacks table(s) {}: run `walmart-etl init-db` first",
                               database, missing));
  }
  const auto problems = check_schema(conn, database);
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += fmt::format("; {}: {}", p.table, p.what);
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::mysql, 0,
        fmt::format(
            "incompatible schema in database {}{} (`walmart-etl init-db` prints the migration, "
            "`walmart-etl init-db --migrate` applies it when it keeps every row and value)",
            database, text));
  }
}

}  // namespace etl::mysql

// walmart-etl init-db: create the ods database and every table of the data contract (idempotent);
// refuse, with migration steps, when an existing table has an incompatible shape.

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "mysql/schema.hpp"

namespace etl::cli {

void add_init_db_command(CLI::App& app, CliContext& ctx) {
  auto migrate = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "init-db",
      "Create the MySQL database (mysql.database, default ods; utf8mb4) and every table from "
      "sql/:\n"
      "walmart_order, walmart_order_charge, walmart_order_raw, walmart_order_dead_letter,\n"
      "etl_kafka_offset, etl_fetch_watermark, etl_privacy_erasure, etl_privacy_apply.\n"
      "Safe to re-run. If a table exists with another shape it prints what differs and the\n"
      "statements that migrate it, changes nothing, and exits 1.\n"
      "With --migrate it runs those statements when every one keeps every row and value (a\n"
      "nullable column and filling it from existing columns, an index or unique key, the exact\n"
      "collation of an account column, a wider VARCHAR, dropping a unique key an earlier version\n"
      "of walmart-etl created); it never drops a table, a column or an index it did not\n"
      "create, and never rewrites existing values. A changed type or primary key, or a unique\n"
      "key of yours that "
      "would refuse rows, is left to you, with the reason and the steps printed.");
  cmd->add_flag(
      "--migrate", *migrate,
      "Apply the additive migration of tables created by an earlier version (printed without it)");
  cmd->callback([&ctx, migrate] {
    ctx.action = [&ctx, migrate] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "init-db");
      const mysql::InitDbReport report = mysql::init_db(cfg.mysql, *migrate);
      const auto& db = cfg.mysql.database;
      if (report.database_created) std::printf("created database %s\n", db.c_str());
      for (const auto& t : report.created) std::printf("created   %s.%s\n", db.c_str(), t.c_str());
      for (const auto& m : report.migrated) std::printf("migrated  %s;\n", m.c_str());
      for (const auto& t : report.existing)
        std::printf("ok        %s.%s (already there, shape matches)\n", db.c_str(), t.c_str());
      for (const auto& v : report.views)
        std::printf("view      %s.%s (the archived JSON, decompressed)\n", db.c_str(), v.c_str());
      if (report.problems.empty()) return static_cast<int>(ExitCode::ok);
      const bool additive =
          std::all_of(report.problems.begin(), report.problems.end(),
                      [](const mysql::SchemaProblem& p) { return !p.statements.empty(); });
      std::fprintf(stderr,
                   "walmart-etl: init-db: %zu incompatible table definition(s); nothing was "
                   "changed in them:\n",
                   report.problems.size());
      for (const auto& p : report.problems) {
        std::fprintf(stderr, "  %s.%s: %s\n    how to migrate: %s\n", db.c_str(), p.table.c_str(),
                     p.what.c_str(), p.migrate.c_str());
      }
      if (additive) {
        std::fprintf(stderr,
                     "walmart-etl: init-db: every step above keeps every row and value; "
                     "`walmart-etl init-db --migrate` runs them\n");
      } else if (*migrate) {
        std::fprintf(stderr,
                     "walmart-etl: init-db: --migrate changed nothing: some steps above are not "
                     "additive and "
                     "must be done by hand\n");
      }
      return static_cast<int>(ExitCode::failure);
    };
  });
}

}  // namespace etl::cli

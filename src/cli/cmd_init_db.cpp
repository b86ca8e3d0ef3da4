// walmart-etl init-db: create the ods database and every table of the data contract (idempotent);
// refuse, with migration steps, when an existing table has an incompatible shape.

#include <cstdio>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "mysql/schema.hpp"

namespace etl::cli {

void add_init_db_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "init-db",
      "Create the MySQL database (mysql.database, default ods; utf8mb4) and every table from sql/:\n"
      "walmart_order, walmart_order_charge, walmart_order_raw, walmart_order_dead_letter,\n"
      "etl_kafka_offset, etl_fetch_watermark. Safe to re-run. Never drops or alters a table: if one\n"
      "exists with another shape it prints what differs and how to migrate, and exits 1.");
  cmd->callback([&ctx] {
    ctx.action = [&ctx] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "init-db");
      const mysql::InitDbReport report = mysql::init_db(cfg.mysql);
      const auto& db = cfg.mysql.database;
      if (report.database_created) std::printf("created database %s\n", db.c_str());
      for (const auto& t : report.created) std::printf("created   %s.%s\n", db.c_str(), t.c_str());
      for (const auto& t : report.existing) std::printf("ok        %s.%s (already there, shape matches)\n", db.c_str(), t.c_str());
      if (report.problems.empty()) return static_cast<int>(ExitCode::ok);
      std::fprintf(stderr, "walmart-etl: init-db: %zu incompatible table definition(s); nothing was changed in them:\n",
                   report.problems.size());
      for (const auto& p : report.problems) {
        std::fprintf(stderr, "  %s.%s: %s\n    how to migrate: %s\n", db.c_str(), p.table.c_str(),
                     p.what.c_str(), p.migrate.c_str());
      }
      return static_cast<int>(ExitCode::failure);
    };
  });
}

}  // namespace etl::cli

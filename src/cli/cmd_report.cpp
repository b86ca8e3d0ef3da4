// walmart-etl report money: the money of each account — sales, refunds, commission, fees, net and
// payout — from what the ODS holds (sql/queries/money_summary.sql, mysql/money_queries.hpp).

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "mysql/connection.hpp"
#include "mysql/money_queries.hpp"

namespace etl::cli {

namespace {

constexpr const char* kColumns[] = {"account", "sales", "refunds", "commission",
                                    "fees",    "net",   "payout"};
constexpr size_t kColumnCount = std::size(kColumns);

// A row's cells as printed: an account NULL (rows written before the column existed) as "-".
std::vector<std::string> cells(const mysql::Row& row) {
  std::vector<std::string> out;
  for (size_t i = 0; i < kColumnCount; ++i) {
    out.push_back(i < row.size() && row[i] ? *row[i] : std::string("-"));
  }
  return out;
}

void print_table(const std::vector<mysql::Row>& rows, bool tsv) {
  std::vector<std::vector<std::string>> table;
  table.emplace_back(std::begin(kColumns), std::end(kColumns));
  for (const auto& r : rows) table.push_back(cells(r));
  if (tsv) {
    for (const auto& line : table) {
      std::string text;
      for (size_t i = 0; i < line.size(); ++i) text += (i > 0 ? "\t" : "") + line[i];
      std::printf("%s\n", text.c_str());
    }
    return;
  }
  std::vector<size_t> width(kColumnCount, 0);
  for (const auto& line : table) {
    for (size_t i = 0; i < kColumnCount; ++i) width[i] = std::max(width[i], line[i].size());
  }
  for (const auto& line : table) {
    std::string text;
    for (size_t i = 0; i < kColumnCount; ++i) {
      const std::string pad(width[i] - line[i].size(), ' ');
      // The account to the left, amounts to the right (their decimal points line up).
      text += i == 0 ? line[i] + pad : "  " + pad + line[i];
    }
    std::printf("%s\n", text.c_str());
  }
}

}  // namespace

void add_report_command(CLI::App& app, CliContext& ctx) {
  struct Options {
    std::string account;
    bool tsv = false;
  };
  auto opts = std::make_shared<Options>();
  auto* report = app.add_subcommand("report", "Reports on what the ODS holds");
  report->require_subcommand(1);
  auto* cmd = report->add_subcommand(
      "money",
      "One row per account: sales (charges of order lines not cancelled, tax excluded), refunds\n"
      "(returned lines' refunds, tax excluded), commission and fees (as settled in the\n"
      "reconciliation reports; positive = paid by the seller), net = sales - refunds -\n"
      "commission - fees, and payout (the reports' Total Payable). The query is\n"
      "sql/queries/money_summary.sql; docs/data-model.md (\"Money\") defines each amount.\n"
      "Reads only.");
  cmd->add_option("--account", opts->account, "Only this account (default: every account)");
  cmd->add_flag("--tsv", opts->tsv, "Tab-separated values with a header line, for scripts");
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts] {
      const config::Config cfg = ctx.load_config();
      auto conn = mysql::Connection::open(cfg.mysql);
      const std::optional<std::string> account =
          opts->account.empty() ? std::nullopt : std::optional<std::string>(opts->account);
      const auto rows = mysql::run_money_query(conn, "money_summary", account);
      print_table(rows, opts->tsv);
      if (rows.empty() && !opts->tsv) {
        std::fprintf(stderr, "no orders, returns or settlement reports%s%s in %s\n",
                     account ? " of account " : "", account ? account->c_str() : "",
                     cfg.mysql.database.c_str());
      }
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli

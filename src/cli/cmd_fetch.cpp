// walmart-etl fetch: Walmart orders (and returns, settlement reports: --data) -> Kafka. Options
// only; the work is pipeline::run_fetch_command (once or --follow, one account or several). See
// pipeline/fetch/fetch_command.hpp and fetch_job.hpp for the semantics.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "common/utc_time.hpp"
#include "config/config_keys.hpp"
#include "config/data_set.hpp"
#include "pipeline/account_resolution.hpp"
#include "pipeline/fetch/fetch_command.hpp"
#include "pipeline/fetch/recon_plan.hpp"

namespace etl::cli {

namespace {

struct FetchFlags {
  std::vector<std::string> data;
  std::vector<std::string> report_dates;
  std::string start;
  std::string end;
  int last_hours = 0;
  bool since_last = false;
  std::vector<std::string> accounts;
  bool all_accounts = false;
  std::string shard;
  std::vector<std::string> ship_node_types;
  bool dry_run = false;
  bool follow = false;
  std::string interval = "5m";
  bool no_progress = false;
};

// SellerFulfilled, WFSFulfilled, 3PLFulfilled: as the configuration key declares them.
const std::vector<std::string>& ship_node_types() {
  static const auto choices = config::declared_choices("fetch.ship_node_types");
  return choices;
}

int64_t day_ms(const std::string& text, const char* flag) {
  const auto secs = parse_date(text);
  if (!secs)
    throw ConfigError(std::string("fetch ") + flag + ": expected YYYY-MM-DD, got '" + text + "'");
  return *secs * 1000;
}

// "orders,returns" and repeated --data: every name, checked.
std::vector<config::DataSet> to_data_sets(const std::vector<std::string>& values) {
  std::vector<config::DataSet> out;
  for (const auto& value : values) {
    std::string_view rest = value;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      const auto d = config::parse_data_set(name);
      if (!d) {
        throw ConfigError(
            "fetch --data: expected orders, returns or recon (comma-separated), "
            "got '" +
            std::string(name) + "'");
      }
      out.push_back(*d);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

pipeline::FetchRequest to_request(const FetchFlags& f) {
  pipeline::FetchRequest r;
  r.data_sets = to_data_sets(f.data);
  r.report_dates = pipeline::parse_report_date_args(f.report_dates);
  if (!r.report_dates.empty() && !r.data_sets.empty() &&
      std::find(r.data_sets.begin(), r.data_sets.end(), config::DataSet::recon) ==
          r.data_sets.end()) {
    throw ConfigError("fetch --report-date applies to --data recon only");
  }
  if (!r.report_dates.empty() && f.follow) {
    throw ConfigError(
        "fetch --report-date cannot be used with --follow: a report date is fetched again once "
        "(every cycle would download it again every two hours)");
  }
  // Settlement reports have no time range: `--data recon` alone needs none of --start,
  // --last-hours, --since-last or --follow (the mode then only stands for "no range").
  const bool recon_only =
      !r.data_sets.empty() &&
      std::all_of(r.data_sets.begin(), r.data_sets.end(),
                  [](config::DataSet d) { return d == config::DataSet::recon; });
  if (recon_only && f.start.empty() && f.end.empty() && f.last_hours == 0 && !f.since_last &&
      !f.follow) {
    r.mode = pipeline::FetchMode::since_last;
    r.dry_run = f.dry_run;
    r.progress = !f.no_progress;
    return r;
  }
  const bool since = f.since_last || f.follow;
  if (f.last_hours != 0 && (since || !f.start.empty() || !f.end.empty())) {
    throw ConfigError(
        "fetch: --last-hours cannot be combined with --start/--end/--since-last/--follow");
  }
  if (since) {
    r.mode = pipeline::FetchMode::since_last;
    if (!f.end.empty())
      throw ConfigError("fetch: --end cannot be used with --since-last or --follow");
  } else if (f.last_hours != 0) {
    r.mode = pipeline::FetchMode::last_hours;
    r.last_hours = f.last_hours;
  } else {
    if (f.start.empty()) {
      throw ConfigError(
          "fetch: say what to fetch: --start YYYY-MM-DD [--end YYYY-MM-DD], "
          "--last-hours N, --since-last or --follow");
    }
    r.mode = pipeline::FetchMode::date_range;
  }
  if (!f.start.empty()) r.start_day_ms = day_ms(f.start, "--start");
  if (!f.end.empty()) r.end_day_ms = day_ms(f.end, "--end");
  for (const auto& t : f.ship_node_types) {
    if (std::find(ship_node_types().begin(), ship_node_types().end(), t) ==
        ship_node_types().end()) {
      throw ConfigError("fetch --ship-node-type: expected " + config::or_list(ship_node_types()) +
                        ", got '" + t + "'");
    }
  }
  r.ship_node_types = f.ship_node_types;
  r.dry_run = f.dry_run;
  r.progress = !f.no_progress;
  if (f.follow && f.dry_run) throw ConfigError("fetch: --dry-run cannot be used with --follow");
  pipeline::validate_fetch_request(r);
  return r;
}

void print_text(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) spdlog::info("{}", line);
}

}  // namespace

void add_fetch_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "fetch",
      "Fetch orders from the Walmart Marketplace API (GET /v3/orders, every configured ship-node\n"
      "type, following nextCursor; windows sized from the API's totalCount, split only past the\n"
      "per-query cap or for idle workers; paced by fetch.requests_per_minute and the server's\n"
      "throttling headers) and produce each order to Kafka (kafka.topic, key purchaseOrderId; the\n"
      "order JSON as received plus \"request_time\"). An order too large for Kafka is kept in\n"
      "walmart_order_dead_letter. Exit 0 only if every window was fetched completely and every\n"
      "order was acknowledged by Kafka (or kept there); otherwise 1, saying what is missing.\n"
      "--data recon: every settlement report date not fetched yet (etl_recon_fetch) and each\n"
      "--report-date, the zip in chunks to kafka.recon_topic (key account|YYYY-MM-DD); a date is\n"
      "recorded once Kafka acknowledged every chunk; one downloaded under two hours ago is\n"
      "deferred (not an error).");
  auto f = std::make_shared<FetchFlags>();
  cmd->add_option("--data", f->data,
                  "What to fetch: orders, returns, recon, comma-separated or repeated (default: "
                  "fetch.data, itself orders by default). Returns: GET /v3/returns by "
                  "returnLastModified windows to kafka.returns_topic (key returnOrderId); each "
                  "data set keeps its own watermark per account")
      ->type_name("SET[,SET]")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--report-date", f->report_dates,
                  "With --data recon: fetch this settlement report date again (Walmart regenerates "
                  "reports), whether fetched before or not: MMDDYYYY as the API lists it, YYYYMMDD "
                  "or YYYY-MM-DD; repeatable or comma-separated. A date downloaded less than two "
                  "hours ago is deferred (reported with the time it is allowed), not an error")
      ->type_name("DATE[,DATE]")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--start", f->start,
                  "First UTC day of orders created (YYYY-MM-DD); with "
                  "--since-last/--follow: where the first run starts")
      ->type_name("YYYY-MM-DD");
  cmd->add_option("--end", f->end, "Last UTC day, inclusive (default: today)")
      ->type_name("YYYY-MM-DD");
  cmd->add_option("--last-hours", f->last_hours, "Orders created in the last N hours")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cmd->add_flag(
      "--since-last", f->since_last,
      "Orders modified since the watermark stored in MySQL (etl_fetch_watermark) minus "
      "fetch.since_last_overlap_minutes; the watermark moves once Kafka acknowledged all");
  cmd->add_option("--account", f->accounts,
                  "Account under walmart_token.accounts; repeatable: those accounts, fetched "
                  "concurrently (default: the default or only one)")
      ->type_name("NAME")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--all-accounts", f->all_accounts,
                "Every account under walmart_token.accounts, fetch.account_concurrency at a time, "
                "each with its own token, rate limit, watermarks and summary");
  cmd->add_option("--shard", f->shard,
                  "K/N: only the accounts whose name hashes (FNV-1a) to K mod N, so N processes "
                  "(0/N .. N-1/N) cover every account exactly once")
      ->type_name("K/N");
  cmd->add_option(
         "--ship-node-type", f->ship_node_types,
         config::or_list(ship_node_types()) + "; repeatable (default: fetch.ship_node_types)")
      ->type_name("TYPE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--dry-run", f->dry_run, "Fetch and count, produce nothing, move no watermark");
  cmd->add_flag("--follow", f->follow,
                "Run --since-last every --interval until SIGINT/SIGTERM, surviving API and Kafka "
                "outages with backoff; serves /metrics and /healthz on "
                "fetch.metrics_bind:fetch.metrics_port (per account; 503 when an account has not "
                "completed a cycle for fetch.unhealthy_after_s)");
  cmd->add_option("--interval", f->interval,
                  "With --follow: time between runs, e.g. 30s, 5m, 1h "
                  "(default 5m)")
      ->type_name("DURATION");
  cmd->add_flag("--no-progress", f->no_progress,
                "No live progress line (it is shown only on a terminal anyway)");
  cmd->callback([&ctx, f] {
    ctx.action = [&ctx, f] {
      pipeline::FetchCommand command;
      command.request = to_request(*f);
      command.accounts.accounts = f->accounts;
      command.accounts.all = f->all_accounts;
      if (!f->shard.empty()) command.accounts.shard = pipeline::parse_shard(f->shard);
      command.follow = f->follow;
      if (f->follow) command.interval = pipeline::parse_interval(f->interval);
      command.on_report = [](int, const pipeline::AccountsRun&, const std::string& summary) {
        if (!summary.empty()) print_text(summary);
      };
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "fetch");
      return pipeline::run_fetch_command(cfg, command);
    };
  });
}

}  // namespace etl::cli

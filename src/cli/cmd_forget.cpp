// walmart-etl forget: erase buyers' personal data on request, by customerOrderId, in every table,
// and keep it erased (pipeline/privacy/forget.hpp).

#include <cstdio>
#include <memory>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "pipeline/privacy/forget.hpp"

namespace etl::cli {

void add_forget_command(CLI::App& app, CliContext& ctx) {
  struct Options {
    std::vector<std::string> ids;
    std::string file;
    int settle_s = 10;
    bool scan_archive = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "forget",
      "Erase a buyer's personal data on request: the customerOrderId goes into\n"
      "etl_privacy_erasure (stream and load then write every later delivery of that order with\n"
      "its personal fields NULL), walmart_order's personal columns become NULL, and the\n"
      "personal JSON paths of the archive and of dead letters become null (a dead letter naming\n"
      "the id that does not parse is deleted). After --settle-s it erases once more (a batch\n"
      "parsed just before). Logs ids and counts, never the data. Idempotent.");
  cmd->add_option("--customer-order-id", opts->ids, "customerOrderId to erase (repeatable)");
  cmd->add_option("--file", opts->file,
                  "File of customerOrderIds, one per line ('#' comments and blank lines skipped)");
  cmd->add_option("--settle-s", opts->settle_s,
                  "Seconds before the second erasure pass (0: none); longer than a stream batch "
                  "takes from parsing to commit")
      ->check(CLI::Range(0, 3600));
  cmd->add_flag("--scan-archive", opts->scan_archive,
                "Also search the text of every archive entry for the id (finds orders without "
                "lines; reads the whole archive)");
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts] {
      pipeline::ForgetOptions o;
      for (const auto& text : opts->ids) {
        const auto id = pipeline::parse_customer_order_id(text);
        if (!id) {
          throw ConfigError(
              "--customer-order-id: expected decimal digits (a customerOrderId), "
              "got '" +
              text.substr(0, 40) + "'");
        }
        o.customer_order_ids.push_back(*id);
      }
      if (!opts->file.empty()) {
        const auto more = pipeline::read_customer_order_ids(opts->file);
        o.customer_order_ids.insert(o.customer_order_ids.end(), more.begin(), more.end());
      }
      if (o.customer_order_ids.empty()) {
        throw ConfigError("forget: give --customer-order-id ID (repeatable) or --file FILE");
      }
      o.settle = std::chrono::seconds(opts->settle_s);
      o.scan_archive = opts->scan_archive;
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "forget");
      const pipeline::ForgetReport r = pipeline::run_forget(cfg.mysql, o);
      std::printf(
          "forgot %zu customerOrderId(s) (%zu newly listed): %zu walmart_order row(s), %zu "
          "archive entr(ies), %zu dead letter(s) erased, %zu unparsable dead letter(s) deleted\n",
          r.ids, r.newly_listed, r.rows, r.archive, r.dead_letters, r.dead_letters_deleted);
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli

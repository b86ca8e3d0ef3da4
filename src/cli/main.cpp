// walmart-etl: one binary, one subcommand per job. Options only here; the work lives in the
// libraries under src/ so that tests can call it too.

#include <curl/curl.h>
#include <mysql.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "cli/cli_context.hpp"
#include "cli/version.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"

namespace {

// Global library init and cleanup, once per process.
struct GlobalLibraries {
  GlobalLibraries() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    mysql_library_init(0, nullptr, nullptr);
  }
  ~GlobalLibraries() {
    mysql_library_end();
    curl_global_cleanup();
  }
  GlobalLibraries(const GlobalLibraries&) = delete;
  GlobalLibraries& operator=(const GlobalLibraries&) = delete;
};

}  // namespace

// Only a programming error (CLI11 refusing a duplicate option) or std::bad_alloc can escape the
// set-up before the try blocks below; terminating with it is the right end for either.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  // First: a SIGTERM that arrives while the libraries initialise asks for a clean stop instead of
  // killing the process with the default action.
  etl::install_stop_signal_handlers();
  using etl::cli::CliContext;
  GlobalLibraries libraries;
  CliContext ctx;

  CLI::App app{
      "walmart-etl: moves Walmart Marketplace orders into MySQL through Kafka.\n"
      "  Walmart API --fetch--> Kafka (walmart_order_raw) --stream--> MySQL ods.walmart_order\n\n"
      "Configuration: --config FILE (default $WALMART_ETL_CONFIG or config/config.yml), then\n"
      "WALMART_ETL_<SECTION>__<KEY> environment variables, then --set key.path=value.\n"
      "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error."};
  app.name("walmart-etl");
  app.require_subcommand(1);
  if (const char* env = std::getenv("WALMART_ETL_CONFIG"); env != nullptr && *env != '\0') {
    ctx.config_path = env;
    ctx.config_path_explicit = true;
  } else {
    ctx.config_path = "config/config.yml";
  }
  app.add_option_function<std::string>(
         "-c,--config",
         [&ctx](const std::string& p) {
           ctx.config_path = p;
           ctx.config_path_explicit = true;
         },
         "Config file (default: $WALMART_ETL_CONFIG, else config/config.yml if present)")
      ->type_name("PATH");
  app.add_option(
         "--set", ctx.sets,
         "Override a config key, repeatable: --set mysql.port=3307 --set stream.parallelism=2")
      ->type_name("KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("-v,--verbose", ctx.verbosity, "More logging: -v debug, -vv trace");
  app.set_version_flag(
      "-V,--version", [] { return etl::cli::version_text(); },
      "Print the version, the librdkafka and MySQL client library versions, the build type; exit");

  etl::cli::add_check_config_command(app, ctx);
  etl::cli::add_init_db_command(app, ctx);
  etl::cli::add_token_command(app, ctx);
  etl::cli::add_fetch_command(app, ctx);
  etl::cli::add_dev_broker_command(app, ctx);
  etl::cli::add_simulate_api_command(app, ctx);
  etl::cli::add_stream_command(app, ctx);
  etl::cli::add_load_command(app, ctx);
  etl::cli::add_purge_command(app, ctx);
  etl::cli::add_forget_command(app, ctx);
  etl::cli::add_privacy_command(app, ctx);
  etl::cli::add_report_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help/--version exit 0; every usage error exits 2 (CLI11's own codes are not documented
    // ours).
    return app.exit(e) == 0 ? 0 : static_cast<int>(etl::ExitCode::usage);
  }

  try {
    return ctx.action ? ctx.action() : static_cast<int>(etl::ExitCode::usage);
  } catch (const etl::ConfigError& e) {
    std::fprintf(stderr, "walmart-etl: configuration error: %s\n", e.what());
    return static_cast<int>(etl::ExitCode::usage);
  } catch (const etl::EtlError& e) {
    std::fprintf(stderr, "walmart-etl: %s\n", e.what());
    return static_cast<int>(etl::ExitCode::failure);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "walmart-etl: unexpected error: %s\n", e.what());
    return static_cast<int>(etl::ExitCode::failure);
  }
}

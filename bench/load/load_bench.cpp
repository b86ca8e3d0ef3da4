// `load` throughput into the local MariaDB next to the server's own ceiling, LOAD DATA LOCAL
// INFILE of the identical rows into the same tables, in the same run.
//
// Corpus: bench/order's generator (about 2 KB per order, 1-4 lines, explicit nulls), written as
// NDJSON. Every measured run starts from fresh, empty tables (a new database). The LOAD DATA rows
// are produced by the writer's own parameter tables (ParamTable::append_load_data_row), so both
// sides write the same values; only the LOAD DATA statements themselves are timed. LOAD DATA runs
// two ways: one statement per table for the whole corpus (from files), and in ~5,000-row
// transactions (from memory through the local-infile callbacks); the ceiling is the faster.
// `load` is timed end to end (reading the file, mapping, writing).
//
//   load_bench [--orders=N] [--rounds=R] [google-benchmark flags]   (scripts/bench-load.sh runs it)
// --rounds runs the selected benchmarks R times in turn (interleaved, so a busy shared machine
// affects both sides alike) and reports each round's ratio and the median.
//   load_bench [--orders=N] --write-corpus=PATH           writes the NDJSON corpus and exits
// MariaDB: ETL_TEST_MYSQL_HOST/PORT/USER/PASSWORD, default 127.0.0.1:33306 root.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "../order/order_corpus.hpp"
#include "mysql/connection.hpp"
#include "mysql/order_tables.hpp"
#include "mysql/schema.hpp"
#include "mysql/sink_sql.hpp"
#include "order/order_mapper.hpp"
#include "pipeline/load/load_job.hpp"

namespace {

using namespace etl;
using Clock = std::chrono::steady_clock;

size_t g_orders = 200000;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

config::MysqlConfig bench_mysql() {
  config::MysqlConfig cfg;
  cfg.host = env_or("ETL_TEST_MYSQL_HOST", "127.0.0.1");
  cfg.port = std::stoi(env_or("ETL_TEST_MYSQL_PORT", "33306"));
  cfg.user = env_or("ETL_TEST_MYSQL_USER", "root");
  cfg.password = env_or("ETL_TEST_MYSQL_PASSWORD", "");
  std::mt19937_64 rng(std::random_device{}());
  cfg.database = fmt::format("etl_bench_{:x}", rng() & 0xffffffffffULL);
  return cfg;
}

// A fresh database with the contract's tables; dropped when the scope ends.
struct FreshDatabase {
  config::MysqlConfig cfg = bench_mysql();
  FreshDatabase() { mysql::init_db(cfg); }
  ~FreshDatabase() {
    try {
      auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
      c.execute("DROP DATABASE IF EXISTS " + mysql::quote_identifier(cfg.database));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench: could not drop %s: %s\n", cfg.database.c_str(), e.what());
    }
  }
};

struct Corpus {
  std::string dir;
  std::string ndjson;     // the input of `load`
  std::string order_tsv;  // LOAD DATA files with the identical rows
  std::string charge_tsv;
  std::string raw_tsv;
  size_t orders = 0;
  size_t rows = 0;
  size_t charges = 0;
  size_t bytes = 0;
  // The same rows cut into transactions of about kChunkRows walmart_order rows (what `load`
  // commits at a time), held in memory for LOAD DATA through the local-infile callbacks.
  struct Chunk {
    std::string orders, charges, raw;
  };
  std::vector<Chunk> chunks;
};

constexpr size_t kChunkOrders = 2500;  // about 5,000 rows: load's default transaction

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus k;
    k.dir = (std::filesystem::temp_directory_path() / fmt::format("etl-load-bench-{}", getpid()))
                .string();
    std::filesystem::create_directories(k.dir);
    k.ndjson = k.dir + "/orders.ndjson";
    k.order_tsv = k.dir + "/walmart_order.tsv";
    k.charge_tsv = k.dir + "/walmart_order_charge.tsv";
    k.raw_tsv = k.dir + "/walmart_order_raw.tsv";
    std::ofstream nd(k.ndjson, std::ios::binary);
    std::ofstream ot(k.order_tsv, std::ios::binary);
    std::ofstream ct(k.charge_tsv, std::ios::binary);
    std::ofstream rt(k.raw_tsv, std::ios::binary);
    order::OrderMapper mapper;
    mysql::OrderTables tables;
    const auto messages = order::bench::generate_order_messages(g_orders, 42);
    for (size_t first = 0; first < messages.size(); first += kChunkOrders) {
      const size_t n = std::min(kChunkOrders, messages.size() - first);
      std::vector<mysql::OrderToWrite> parsed;
      tables.clear();
      for (size_t i = first; i < first + n; ++i) {
        const std::string& m = messages[i];
        nd << m << '\n';
        k.bytes += m.size() + 1;
        auto r = mapper.parse_message(m);
        for (auto& o : r.orders) {
          mysql::OrderToWrite w;
          w.order = std::move(o);
          w.source_file = "orders.ndjson";  // what `load` writes for this input
          parsed.push_back(std::move(w));
        }
      }
      for (const auto& w : parsed) tables.add(w);
      Corpus::Chunk& chunk = k.chunks.emplace_back();
      for (size_t r = 0; r < tables.lines.rows(); ++r)
        tables.lines.append_load_data_row(r, chunk.orders);
      ot << chunk.orders;
      for (size_t r = 0; r < tables.charges.rows(); ++r)
        tables.charges.append_load_data_row(r, chunk.charges);
      ct << chunk.charges;
      for (size_t r = 0; r < tables.raw.rows(); ++r) tables.raw.append_load_data_row(r, chunk.raw);
      rt << chunk.raw;
      k.orders += parsed.size();
      k.rows += tables.lines.rows();
      k.charges += tables.charges.rows();
    }
    std::fprintf(stderr, "corpus: %zu orders, %zu rows, %zu charges, %.1f MB of NDJSON in %s\n",
                 k.orders, k.rows, k.charges, static_cast<double>(k.bytes) / 1e6, k.dir.c_str());
    return k;
  }();
  return c;
}

// Rows/s per configuration and round, for the summary after the run.
std::map<std::string, std::vector<double>> g_rates;
size_t g_round = 0;

void set_counters(benchmark::State& state, const std::string& key, double seconds) {
  const auto& c = corpus();
  state.SetIterationTime(seconds);
  state.counters["rows_per_s"] = static_cast<double>(c.rows) / seconds;
  state.counters["orders_per_s"] = static_cast<double>(c.orders) / seconds;
  state.counters["MB_per_s"] = static_cast<double>(c.bytes) / 1e6 / seconds;
  auto& rates = g_rates[key];
  rates.resize(g_round + 1, 0.0);
  rates[g_round] = static_cast<double>(c.rows) / seconds;
}

void BM_LoadDataInfile(benchmark::State& state) {
  const auto& c = corpus();
  for (auto _ : state) {
    FreshDatabase db;
    auto conn = mysql::Connection::open(db.cfg, mysql::UseDatabase::configured,
                                        mysql::LocalFiles::allow_for_benchmarks);
    const std::string options =
        " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY "
        "'\\n' ";
    // The archive's rows hold payload_zlib's compressed bytes: MySQL checks every field of a
    // CHARACTER SET utf8mb4 file and refuses them (error 1300), MariaDB does not. `binary` takes
    // the bytes as they are on both servers; the text fields are UTF-8 already.
    std::string raw_options = options;
    raw_options.replace(raw_options.find("utf8mb4"), 7, "binary");
    const auto t0 = Clock::now();
    conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(c.order_tsv) + " INTO TABLE walmart_order" +
                 options + "(" + mysql::sql::order_line_columns() +
                 ") SET load_time = UTC_TIMESTAMP()");
    conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(c.charge_tsv) +
                 " INTO TABLE walmart_order_charge" + options + "(" + mysql::sql::charge_columns() +
                 ") SET load_time = UTC_TIMESTAMP()");
    conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(c.raw_tsv) +
                 " INTO TABLE walmart_order_raw" + raw_options + "(" + mysql::sql::raw_columns() +
                 ") SET load_time = UTC_TIMESTAMP()");
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto rows = conn.query("SELECT COUNT(*) FROM walmart_order");
    if (rows.at(0).at(0).value_or("") != std::to_string(c.rows)) {
      state.SkipWithError("LOAD DATA did not load every row");
      return;
    }
    set_counters(state, "LOAD DATA LOCAL INFILE", secs);
  }
}

// LOAD DATA LOCAL INFILE from memory (mysql_set_local_infile_handler): the statement's file name
// is ignored, the rows come from `Infile::data`.
struct Infile {
  std::string_view data;
  size_t pos = 0;
};
int infile_init(void** ptr, const char*, void* userdata) {
  auto* in = static_cast<Infile*>(userdata);
  in->pos = 0;
  *ptr = in;
  return 0;
}
int infile_read(void* ptr, char* buf, unsigned int len) {
  auto* in = static_cast<Infile*>(ptr);
  const size_t n = std::min<size_t>(len, in->data.size() - in->pos);
  std::memcpy(buf, in->data.data() + in->pos, n);
  in->pos += n;
  return static_cast<int>(n);
}
void infile_end(void*) {}
int infile_error(void*, char* msg, unsigned int len) {
  std::snprintf(msg, len, "in-memory infile error");
  return 2000;
}

// The same rows as LOAD DATA, one transaction per ~5,000-row chunk (3 statements, one per table):
// the shape of load's transactions, without a giant single transaction per table.
void BM_LoadDataInfileChunked(benchmark::State& state) {
  const auto& c = corpus();
  for (auto _ : state) {
    FreshDatabase db;
    auto conn = mysql::Connection::open(db.cfg, mysql::UseDatabase::configured,
                                        mysql::LocalFiles::allow_for_benchmarks);
    const std::string options =
        " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY "
        "'\\n' ";
    // The archive's rows hold payload_zlib's compressed bytes: MySQL checks every field of a
    // CHARACTER SET utf8mb4 file and refuses them (error 1300), MariaDB does not. `binary` takes
    // the bytes as they are on both servers; the text fields are UTF-8 already.
    std::string raw_options = options;
    raw_options.replace(raw_options.find("utf8mb4"), 7, "binary");
    const std::string sql_orders = "LOAD DATA LOCAL INFILE 'mem' INTO TABLE walmart_order" +
                                   options + "(" + mysql::sql::order_line_columns() +
                                   ") SET load_time = UTC_TIMESTAMP()";
    const std::string sql_charges = "LOAD DATA LOCAL INFILE 'mem' INTO TABLE walmart_order_charge" +
                                    options + "(" + mysql::sql::charge_columns() +
                                    ") SET load_time = UTC_TIMESTAMP()";
    const std::string sql_raw = "LOAD DATA LOCAL INFILE 'mem' INTO TABLE walmart_order_raw" +
                                raw_options + "(" + mysql::sql::raw_columns() +
                                ") SET load_time = UTC_TIMESTAMP()";
    Infile in;
    mysql_set_local_infile_handler(conn.handle(), infile_init, infile_read, infile_end,
                                   infile_error, &in);
    const auto t0 = Clock::now();
    for (const auto& chunk : c.chunks) {
      conn.begin();
      in.data = chunk.orders;
      conn.execute(sql_orders);
      in.data = chunk.charges;
      conn.execute(sql_charges);
      in.data = chunk.raw;
      conn.execute(sql_raw);
      conn.commit();
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto rows = conn.query("SELECT COUNT(*) FROM walmart_order");
    if (rows.at(0).at(0).value_or("") != std::to_string(c.rows)) {
      state.SkipWithError("LOAD DATA did not load every row");
      return;
    }
    set_counters(state, "LOAD DATA LOCAL INFILE, 5000-row transactions", secs);
  }
}

// args: write path (0 bulk, 1 portable), rows per transaction, overlap (1) or not (0)
void BM_Load(benchmark::State& state) {
  const auto& c = corpus();
  for (auto _ : state) {
    FreshDatabase db;
    config::Config cfg;
    cfg.mysql = db.cfg;
    pipeline::LoadOptions o;
    o.inputs = {c.ndjson};
    o.writer.path = state.range(0) == 0 ? mysql::WritePath::bulk : mysql::WritePath::portable;
    o.batch_rows = static_cast<size_t>(state.range(1));
    o.overlap = state.range(2) != 0;
    const auto t0 = Clock::now();
    const auto s = pipeline::run_load(cfg, o);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s.rows != c.rows || s.orders_written != c.orders || s.dead_letters != 0) {
      state.SkipWithError("load did not write every row");
      return;
    }
    set_counters(
        state,
        fmt::format("load path={} batch_rows={} overlap={}", mysql::to_string(o.writer.path),
                    o.batch_rows, o.overlap ? "yes" : "no"),
        secs);
  }
}

}  // namespace

BENCHMARK(BM_LoadDataInfile)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_LoadDataInfileChunked)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Load)
    ->ArgNames({"portable", "batch_rows", "overlap"})
    ->Args({0, 5000, 1})
    ->Args({1, 5000, 1})
    ->Args({0, 5000, 0})
    ->Args({0, 100, 1})
    ->Args({0, 1000, 1})
    ->Args({0, 20000, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

int main(int argc, char** argv) {
  // Our own flag first: --orders=N (the corpus size).
  std::vector<char*> rest;
  std::string write_corpus;
  size_t rounds = 1;
  for (int i = 0; i < argc; ++i) {
    std::string_view a(argv[i]);
    if (a.rfind("--orders=", 0) == 0) {
      g_orders = std::stoul(std::string(a.substr(9)));
    } else if (a.rfind("--rounds=", 0) == 0) {
      rounds = std::stoul(std::string(a.substr(9)));
    } else if (a.rfind("--write-corpus=", 0) == 0) {
      write_corpus = std::string(a.substr(15));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!write_corpus.empty()) {
    std::ofstream out(write_corpus, std::ios::binary);
    for (const auto& m : order::bench::generate_order_messages(g_orders, 42)) out << m << '\n';
    return out ? 0 : 1;
  }
  int n = static_cast<int>(rest.size());
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  mysql_library_init(0, nullptr, nullptr);
  benchmark::ConsoleReporter reporter(
      benchmark::ConsoleReporter::OO_None);  // the default one cannot run twice
  for (g_round = 0; g_round < rounds; ++g_round) benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  // Per round, the ceiling is the fastest LOAD DATA variant of that round; ratios are per round.
  std::vector<double> ceilings(rounds, 0.0);
  for (const auto& [name, rates] : g_rates) {
    if (name.rfind("LOAD DATA", 0) != 0) continue;
    for (size_t r = 0; r < rates.size(); ++r) ceilings[r] = std::max(ceilings[r], rates[r]);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty()      ? 0.0
           : v.size() % 2 ? v[v.size() / 2]
                          : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  std::printf(
      "\n%zu orders, %zu rows, %zu charges; %zu round(s); ceiling = the fastest LOAD DATA variant "
      "of the round\n",
      corpus().orders, corpus().rows, corpus().charges, rounds);
  std::printf("%-50s %12s %12s  %s\n", "configuration", "median rows/s", "median ratio",
              "per-round ratios");
  for (const auto& [name, rates] : g_rates) {
    std::vector<double> ratios;
    std::string each;
    for (size_t r = 0; r < rates.size(); ++r) {
      if (ceilings[r] <= 0 || rates[r] <= 0) continue;
      ratios.push_back(rates[r] / ceilings[r]);
      each += fmt::format("{}{:.2f}", each.empty() ? "" : " ", ratios.back());
    }
    std::printf("%-50s %12.0f %12.2f  %s\n", name.c_str(), median(rates), median(ratios),
                each.c_str());
  }
  std::error_code ec;
  if (!corpus().dir.empty()) std::filesystem::remove_all(corpus().dir, ec);
  mysql_library_end();
  return 0;
}

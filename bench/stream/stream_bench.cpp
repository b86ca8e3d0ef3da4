// End-to-end benchmark of `walmart-etl stream`, run by scripts/bench-stream.sh:
//
//  1. Backlog: N generated orders (bench/order's corpus, ~2.4 KB each) are produced into the dev
//     broker (or, with --bootstrap, a running Apache Kafka broker: topics made with the Admin API)
//     first (in this process; spread over enough partitions to stay inside its ~5 MB per
//     partition retention, checked). Then the real binary runs `stream --until-idle` into a fresh
//     database for each setting of kSettings (the previous defaults, then group commit at
//     parallelism 1, 2 = today's defaults, and 4), --rounds times, alternating. Reported per
//     setting: median rows/s from the partition assignment to the last commit (the mock group's
//     fixed ~3 s join wait is excluded) with the min–max spread, orders/s, peak RSS.
//  2. Ceiling: LOAD DATA LOCAL INFILE of the identical rows (same values, source_file
//     kafka_stream, same raw offsets) into the same, empty tables, one connection.
//  3. Latency: a fresh topic; the stream runs with the previous defaults, then today's, while
//     orders are produced at a steady rate (default 2,000/s); each message's delay from produce()
//     to its partition's offset being committed in MySQL (polled every 5 ms) -> p50/p99.
//
// With --suspects, step 1 runs another list of settings instead (kSuspects): the defaults of the
// binary under test with single statements of its writer turned off (ETL_BENCH_SKIP; needs a
// build with -DETL_BENCH_SWITCHES=ON, mysql/bench_switches.hpp), next to an earlier build
// (--binary-before, e.g. main built in another folder) at parallelism 1, 2 and 4 and re-streaming
// orders already stored (a second consumer group over the same tables: every id is known). Then
// the ceiling is measured every round, also for the order lines without the account index and
// without the account column, and the latency step is left out unless --latency-seconds is given.
//
// With --restream, step 1 runs kRestream: --binary next to --binary-before (any two builds, no
// benchmark switches needed), new orders at the defaults and with the archive off, and
// re-streaming: a first pass stores every order, the timed second pass (another consumer group)
// finds every id known. The ceiling is measured every round; no latency step unless
// --latency-seconds is given.
//
// Every run also reports the CPU seconds of the server (mariadbd/mysqld, from /proc, when it runs
// on this machine) and of the stream (its rusage) per 1,000 rows, and the server's counters
// (SHOW GLOBAL STATUS before and after; the benchmark's own progress query adds about one
// Com_select per 250 ms) per 1,000 rows and per transaction (Com_commit).
//
// Prints a Markdown report on stdout (for docs/benchmarks.md). Needs the test MariaDB
// (ETL_TEST_MYSQL_* or 127.0.0.1:33306 root) and the built binary (--binary).

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "../order/order_corpus.hpp"
#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "mysql/connection.hpp"
#include "mysql/order_tables.hpp"
#include "mysql/schema.hpp"
#include "mysql/sink_sql.hpp"
#include "order/order_mapper.hpp"
#include "tools/dev_broker/dev_broker.hpp"

extern char** environ;

namespace {

using namespace etl;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  std::string binary;
  size_t orders = 100000;
  int partitions = 16;
  double rate = 2000;  // orders/s for the latency run
  int latency_seconds = 20;
  int rounds = 3;         // every setting this many times, alternating, to see the machine's noise
  std::string bootstrap;  // empty: an in-process dev broker
  std::map<std::string, std::string> properties;  // kafka.properties of the stream runs
  std::string binary_before;  // --binary-before: an earlier build, run next to --binary
  bool suspects = false;
  bool restream = false;
  bool latency_given = false;
  std::string only;  // --only=A,B: only the settings whose label contains A or B
};

// One configuration of the stream under test.
struct Setting {
  Setting(std::string label_, int parallelism_, int batch_size_, int batch_interval_ms_,
          bool group_commit_, std::string raw_archive_, bool before_ = false,
          std::string skip_ = "", bool restream_ = false)
      : label(std::move(label_)),
        parallelism(parallelism_),
        batch_size(batch_size_),
        batch_interval_ms(batch_interval_ms_),
        group_commit(group_commit_),
        raw_archive(std::move(raw_archive_)),
        before(before_),
        skip(std::move(skip_)),
        restream(restream_) {}
  std::string label;
  int parallelism = 1;
  int batch_size = 100;
  int batch_interval_ms = 5000;
  bool group_commit = false;
  std::string raw_archive = "compressed";
  bool before = false;    // run the --binary-before build
  std::string skip;       // ETL_BENCH_SKIP of the run (a build with ETL_BENCH_SWITCHES)
  bool restream = false;  // measure a second pass over tables that hold every order already
};

// The previous defaults first, then group commit at parallelism 1, 2 (today's defaults) and 4.
const std::vector<Setting> kSettings = {
    {"previous defaults: parallelism 1, batch 100 / 5000 ms, no group commit, plain archive", 1,
     100, 5000, false, "plain"},
    {"group commit, parallelism 1, batch ≤ 2000, compressed archive", 1, 2000, 1000, true,
     "compressed"},
    {"**defaults**: group commit, parallelism 2, batch ≤ 2000, compressed archive", 2, 2000, 1000,
     true, "compressed"},
    {"group commit, parallelism 4, batch ≤ 2000, compressed archive", 4, 2000, 1000, true,
     "compressed"},
    {"defaults with the plain archive", 2, 2000, 1000, true, "plain"},
};

// --suspects: what each statement of the writer costs at the defaults, and the build before.
const std::vector<Setting> kSuspects = {
    {"before: defaults (parallelism 2)", 2, 2000, 1000, true, "compressed", true},
    {"after: defaults (parallelism 2)", 2, 2000, 1000, true, "compressed"},
    {"after, upsert way for every order (`new_path` off)", 2, 2000, 1000, true, "compressed", false,
     "new_path"},
    {"upsert way, without the guard's SELECT", 2, 2000, 1000, true, "compressed", false,
     "new_path,guard_select"},
    {"upsert way, without the claim INSERT (nor the SELECT)", 2, 2000, 1000, true, "compressed",
     false, "new_path,claim"},
    {"upsert way, without the DELETE of charges", 2, 2000, 1000, true, "compressed", false,
     "new_path,delete_charges"},
    {"upsert way, without the DELETE of vanished lines", 2, 2000, 1000, true, "compressed", false,
     "new_path,delete_lines"},
    {"upsert way, lines by plain INSERT", 2, 2000, 1000, true, "compressed", false,
     "new_path,upsert_lines"},
    {"upsert way, without the offset fence", 2, 2000, 1000, true, "compressed", false,
     "new_path,fence"},
    {"before: parallelism 1", 1, 2000, 1000, true, "compressed", true},
    {"after: parallelism 1", 1, 2000, 1000, true, "compressed"},
    {"before: parallelism 4", 4, 2000, 1000, true, "compressed", true},
    {"after: parallelism 4", 4, 2000, 1000, true, "compressed"},
    {"before: re-streaming stored orders (defaults)", 2, 2000, 1000, true, "compressed", true, "",
     true},
    {"after: re-streaming stored orders (defaults)", 2, 2000, 1000, true, "compressed", false, "",
     true},
};

// --restream: the build before next to this one on known orders (every id stored by a first
// pass) and on new ones, at the defaults and with the archive off.
const std::vector<Setting> kRestream = {
    {"before: new orders (defaults)", 2, 2000, 1000, true, "compressed", true},
    {"after: new orders (defaults)", 2, 2000, 1000, true, "compressed"},
    {"before: re-streaming stored orders (defaults)", 2, 2000, 1000, true, "compressed", true, "",
     true},
    {"after: re-streaming stored orders (defaults)", 2, 2000, 1000, true, "compressed", false, "",
     true},
    {"before: new orders, archive off", 2, 2000, 1000, true, "off", true},
    {"after: new orders, archive off", 2, 2000, 1000, true, "off"},
};

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

config::MysqlConfig mysql_config(const std::string& database) {
  config::MysqlConfig cfg;
  cfg.host = env_or("ETL_TEST_MYSQL_HOST", "127.0.0.1");
  cfg.port = std::stoi(env_or("ETL_TEST_MYSQL_PORT", "33306"));
  cfg.user = env_or("ETL_TEST_MYSQL_USER", "root");
  cfg.password = env_or("ETL_TEST_MYSQL_PASSWORD", "");
  cfg.database = database;
  return cfg;
}

struct FreshDatabase {
  explicit FreshDatabase(const std::string& name) : cfg(mysql_config(name)) { mysql::init_db(cfg); }
  ~FreshDatabase() {
    try {
      auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
      c.execute("DROP DATABASE IF EXISTS " + mysql::quote_identifier(cfg.database));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench: could not drop %s: %s\n", cfg.database.c_str(), e.what());
    }
  }
  config::MysqlConfig cfg;
};

struct Produced {
  int32_t partition = -1;
  int64_t offset = -1;
  Clock::time_point sent{};
};

// Produces messages (key = purchaseOrderId) and records where each landed.
class Writer {
 public:
  Writer(const std::string& bootstraps, std::string topic) : topic_(std::move(topic)) {
    config::KafkaConfig cfg;
    cfg.bootstrap_servers = {bootstraps};
    producer_ = std::make_unique<kafka::Producer>(cfg);
  }
  void produce(size_t slot, const std::string& key, const std::string& value) {
    if (slot >= out.size()) out.resize(slot + 1);
    out[slot].sent = Clock::now();
    // As fetch produces them: tagged with the seller (the stream dead-letters untagged ones).
    static constexpr std::array<kafka::HeaderView, 1> kAccount{
        kafka::HeaderView{"account", "bench-seller"}};
    const auto err = producer_->produce(kafka::OutgoingMessage(topic_, key, value, kAccount),
                                        [this, slot](const kafka::DeliveryReport& r) {
                                          if (r.acknowledged()) {
                                            out[slot].partition = r.partition;
                                            out[slot].offset = r.offset;
                                          }
                                        });
    if (err) throw EtlError(*err);
  }
  void poll() { producer_->poll(0ms); }
  void flush() {
    const auto r = producer_->flush(120s);
    if (!r.complete()) throw std::runtime_error("produce: " + r.describe());
  }
  std::vector<Produced> out;

 private:
  std::string topic_;
  std::unique_ptr<kafka::Producer> producer_;
};

// kafka.properties written into every stream run's config (--property).
std::map<std::string, std::string> g_properties;

std::string write_config(const std::string& dir, const std::string& bootstraps,
                         const std::string& topic, const std::string& group,
                         const config::MysqlConfig& db, const Setting& setting) {
  const std::string path = fmt::format("{}/{}.yml", dir, group);
  std::ofstream out(path);
  out << "kafka:\n  bootstrap_servers: [\"" << bootstraps << "\"]\n  topic: " << topic
      << "\n  consumer_group: " << group << "\n";
  if (!g_properties.empty()) {
    out << "  properties:\n";
    for (const auto& [k, v] : g_properties) out << "    " << k << ": \"" << v << "\"\n";
  }
  out << "mysql:\n  host: " << db.host << "\n  port: " << db.port << "\n  user: " << db.user
      << "\n  password: \"" << db.password << "\"\n  database: " << db.database << "\n"
      << "stream:\n  parallelism: " << setting.parallelism
      << "\n  batch_size: " << setting.batch_size
      << "\n  batch_interval_ms: " << setting.batch_interval_ms
      << "\n  group_commit: " << (setting.group_commit ? "true" : "false")
      << "\n  raw_archive: " << setting.raw_archive
      << "\n  metrics_port: 0\n  status_interval_s: 5\n"
      << "logging:\n  dir: \"\"\n  level: info\n";
  return path;
}

struct Child {
  pid_t pid = -1;
  std::string log_path;
};

Child spawn_stream(const std::string& binary, const std::string& config, bool until_idle,
                   const std::string& log, const std::string& skip = "") {
  std::vector<std::string> args{binary, "--config", config, "stream"};
  if (until_idle) args.emplace_back("--until-idle");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  Child c;
  c.log_path = log;
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("ETL_BENCH_SKIP=", 0) != 0) env_text.emplace_back(*e);
  }
  if (!skip.empty()) env_text.push_back("ETL_BENCH_SKIP=" + skip);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  if (posix_spawn(&c.pid, binary.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0) {
    throw std::runtime_error("cannot start " + binary);
  }
  posix_spawn_file_actions_destroy(&fa);
  return c;
}

// VmRSS (current) or VmHWM (peak since exec: ru_maxrss of a posix_spawn'ed child would include
// this process's memory from before the exec).
long status_kb(pid_t pid, const char* field) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return 0;
}
long rss_kb(pid_t pid) { return status_kb(pid, "VmRSS"); }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "2026-11-24T09:12:44.534Z" at the start of the first line containing `needle` -> seconds of day.
double log_time(const std::string& log, const std::string& needle, bool last = false) {
  size_t pos = last ? log.rfind(needle) : log.find(needle);
  if (pos == std::string::npos) return -1;
  const size_t bol = log.rfind('\n', pos);
  const std::string line = log.substr(bol == std::string::npos ? 0 : bol + 1, 24);
  // YYYY-MM-DDTHH:MM:SS.mmmZ
  const int h = std::stoi(line.substr(11, 2));
  const int m = std::stoi(line.substr(14, 2));
  const double s = std::stod(line.substr(17, 6));
  return h * 3600 + m * 60 + s;
}

// The server's counters this benchmark reports (SHOW GLOBAL STATUS).
const std::vector<std::string> kCounters = {"Com_commit",        "Com_delete",
                                            "Com_insert",        "Com_select",
                                            "Com_update",        "Com_stmt_execute",
                                            "Questions",         "Handler_read_key",
                                            "Handler_read_next", "Handler_read_rnd_next",
                                            "Handler_write",     "Handler_update",
                                            "Handler_delete",    "Innodb_os_log_written"};

std::map<std::string, double> server_counters(const config::MysqlConfig& cfg) {
  std::map<std::string, double> out;
  auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
  std::string names;
  for (const auto& n : kCounters) names += (names.empty() ? "'" : ", '") + n + "'";
  for (const auto& r : c.query("SHOW GLOBAL STATUS WHERE Variable_name IN (" + names + ")")) {
    if (r.size() == 2 && r[0] && r[1]) out[*r[0]] = std::stod(*r[1]);
  }
  return out;
}

// CPU seconds (user + system) the server process has used, when it runs here; -1 otherwise.
double server_cpu_seconds(const config::MysqlConfig& cfg) {
  try {
    auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
    const auto rows = c.query("SELECT @@pid_file");
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return -1;
    std::ifstream pid_file(*rows[0][0]);
    long pid = 0;
    if (!(pid_file >> pid)) return -1;
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    double utime = 0;
    double stime = 0;
    for (int i = 3; i <= 15 && (fields >> f); ++i) {
      if (i == 14) utime = std::stod(f);
      if (i == 15) stime = std::stod(f);
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  } catch (const std::exception&) {
    return -1;
  }
}

struct RunResult {
  std::string label;
  double server_cpu = -1;                  // CPU seconds of the server during the run
  double client_cpu = 0;                   // CPU seconds of the stream process
  std::map<std::string, double> counters;  // deltas over the run
  double seconds = 0;                      // assignment -> stopped
  double wall = 0;                         // process start -> exit
  size_t rows = 0;
  size_t orders = 0;
  long peak_rss_kb = 0;
  std::vector<long> rss_at_quarters;
  size_t retries = 0;  // failed batch attempts (deadlocks, lock waits) logged by the stream
  double raw_mb = 0;   // walmart_order_raw on disk (data + indexes) after the run
  bool ok = false;
};

size_t count_rows(const config::MysqlConfig& cfg, const std::string& table) {
  auto c = mysql::Connection::open(cfg);
  return std::stoull(*c.query("SELECT COUNT(*) FROM " + table)[0][0]);
}

RunResult run_backlog(const Options& o, const std::string& dir, const std::string& bootstraps,
                      const std::string& topic, const Setting& setting, int run_no,
                      size_t expected_rows, size_t expected_orders) {
  RunResult r;
  r.label = setting.label;
  FreshDatabase db(fmt::format("etl_bench_stream_{}_{}", getpid(), run_no));
  const std::string& binary = setting.before ? o.binary_before : o.binary;
  if (setting.before) {
    // The build before may expect an earlier shape of the tables (it refuses any other): the
    // database is made again, empty, and its own init-db creates them.
    {
      auto c = mysql::Connection::open(db.cfg, mysql::UseDatabase::none);
      c.execute("DROP DATABASE " + mysql::quote_identifier(db.cfg.database));
      c.execute("CREATE DATABASE " + mysql::quote_identifier(db.cfg.database));
    }
    const std::string init = write_config(dir, bootstraps, topic, "init", db.cfg, setting);
    const std::string command =
        binary + " --config " + init + " init-db > " + dir + "/init.log 2>&1";
    if (std::system(command.c_str()) != 0)  // NOLINT(cert-env33-c): the benchmark's own binary
      throw std::runtime_error("init-db of the build before failed: " +
                               read_file(dir + "/init.log"));
  }
  if (setting.restream) {
    // A first pass stores every order; the measured pass (another group) finds them all known.
    const std::string first = fmt::format("bench-{}-{}-first", getpid(), run_no);
    Child f = spawn_stream(binary, write_config(dir, bootstraps, topic, first, db.cfg, setting),
                           true, dir + "/" + first + ".log", setting.skip);
    int st = 0;
    waitpid(f.pid, &st, 0);
  }
  const std::string group = fmt::format("bench-{}-{}", getpid(), run_no);
  const std::string cfg = write_config(dir, bootstraps, topic, group, db.cfg, setting);
  const auto counters_before = server_counters(db.cfg);
  const double server_cpu_before = server_cpu_seconds(db.cfg);
  const auto t0 = Clock::now();
  Child c = spawn_stream(binary, cfg, true, dir + "/" + group + ".log", setting.skip);
  std::vector<std::pair<double, long>> samples;  // (rows fraction, rss)
  int status = 0;
  rusage usage{};
  auto last_sample = Clock::now() - 1s;
  for (;;) {
    const pid_t w = wait4(c.pid, &status, WNOHANG, &usage);
    if (w == c.pid) break;
    if (Clock::now() - last_sample >= 250ms) {
      last_sample = Clock::now();
      const long rss = rss_kb(c.pid);
      r.peak_rss_kb = std::max(r.peak_rss_kb, status_kb(c.pid, "VmHWM"));
      // Progress from the stored offsets (one message per order): a COUNT(*) would read the
      // whole table and show in the server's counters.
      size_t rows = 0;
      try {
        auto conn = mysql::Connection::open(db.cfg);
        const auto sum =
            conn.query("SELECT SUM(next_offset) FROM etl_kafka_offset WHERE consumer_group = " +
                       conn.quote(group));
        if (!sum.empty() && !sum[0].empty() && sum[0][0]) rows = std::stoull(*sum[0][0]);
      } catch (const std::exception&) {
      }
      samples.emplace_back(static_cast<double>(rows) / static_cast<double>(expected_orders), rss);
    }
    std::this_thread::sleep_for(20ms);
  }
  r.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  {
    const double server_cpu_after = server_cpu_seconds(db.cfg);
    if (server_cpu_before >= 0 && server_cpu_after >= 0)
      r.server_cpu = server_cpu_after - server_cpu_before;
    r.client_cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    const auto counters_after = server_counters(db.cfg);
    for (const auto& [name, v] : counters_after) r.counters[name] = v - counters_before.at(name);
  }
  for (double q : {0.25, 0.5, 0.75}) {
    long v = 0;
    for (const auto& [f, rss] : samples) {
      if (f >= q) {
        v = rss;
        break;
      }
    }
    r.rss_at_quarters.push_back(v);
  }
  const std::string log = read_file(c.log_path);
  const double start = log_time(log, "assigned:");
  const double stop = log_time(log, "every assigned partition has been read");
  r.seconds = stop - start;
  for (size_t pos = log.find("failed (attempt"); pos != std::string::npos;
       pos = log.find("failed (attempt", pos + 1)) {
    ++r.retries;
  }
  r.rows = count_rows(db.cfg, "walmart_order");
  // With the archive off, the orders are those with lines (every generated order has some).
  r.orders = setting.raw_archive == "off"
                 ? count_rows(db.cfg, "(SELECT DISTINCT purchaseOrderId FROM walmart_order) AS o")
                 : count_rows(db.cfg, "walmart_order_raw");
  {
    auto conn = mysql::Connection::open(db.cfg);
    conn.query("ANALYZE TABLE walmart_order_raw");
    r.raw_mb = std::stod(*conn.query(
                   "SELECT DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES WHERE "
                   "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'walmart_order_raw'")[0][0]) /
               1e6;
  }
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && r.rows == expected_rows &&
         r.orders == expected_orders;
  if (!r.ok)
    std::fprintf(stderr, "bench: %s failed (exit %d, %zu rows); log %s\n", r.label.c_str(), status,
                 r.rows, c.log_path.c_str());
  std::fprintf(stderr, "bench: %s: %.1f s, %.0f rows/s, peak RSS %ld MB\n", r.label.c_str(),
               r.seconds, static_cast<double>(r.rows) / r.seconds, r.peak_rss_kb / 1024);
  return r;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (a.rfind(name + "=", 0) == 0) return a.substr(name.size() + 1);
      return std::nullopt;
    };
    if (auto v = value("--binary"))
      o.binary = *v;
    else if (auto v2 = value("--orders"))
      o.orders = std::stoull(*v2);
    else if (auto v3 = value("--partitions"))
      o.partitions = std::stoi(*v3);
    else if (auto v4 = value("--rate"))
      o.rate = std::stod(*v4);
    else if (auto v5 = value("--latency-seconds")) {
      o.latency_seconds = std::stoi(*v5);
      o.latency_given = true;
    } else if (auto v9 = value("--binary-before"))
      o.binary_before = *v9;
    else if (a == "--suspects")
      o.suspects = true;
    else if (a == "--restream")
      o.restream = true;
    else if (auto v10 = value("--only"))
      o.only = *v10;
    else if (auto v6 = value("--rounds"))
      o.rounds = std::max(1, std::stoi(*v6));
    else if (auto v7 = value("--bootstrap"))
      o.bootstrap = *v7;
    else if (auto v8 = value("--property"); v8 && v8->find('=') != std::string::npos) {
      o.properties[v8->substr(0, v8->find('='))] = v8->substr(v8->find('=') + 1);
    } else {
      std::fprintf(stderr,
                   "usage: stream_bench --binary=PATH [--orders=N] [--partitions=P] [--rate=R] "
                   "[--latency-seconds=S] [--rounds=N] [--bootstrap=HOST:PORT] "
                   "[--property=NAME=VALUE]... [--suspects|--restream --binary-before=PATH]\n");
      return 2;
    }
  }
  if (o.binary.empty()) o.binary = ETL_BINARY_PATH;
  if ((o.suspects || o.restream) && o.binary_before.empty()) {
    std::fprintf(stderr, "stream_bench: --suspects and --restream need --binary-before=PATH\n");
    return 2;
  }
  const std::vector<Setting>& list = o.suspects ? kSuspects : o.restream ? kRestream : kSettings;
  std::vector<Setting> settings;
  for (const Setting& st : list) {
    bool take = o.only.empty();
    for (size_t a = 0; !take && a <= o.only.size();) {
      const size_t comma = std::min(o.only.find(',', a), o.only.size());
      take = st.label.find(o.only.substr(a, comma - a)) != std::string::npos;
      a = comma + 1;
    }
    if (take) settings.push_back(st);
  }
  const bool latency = !(o.suspects || o.restream) || o.latency_given;
  spdlog::set_level(spdlog::level::warn);
  const std::string dir =
      (std::filesystem::temp_directory_path() / fmt::format("etl-stream-bench-{}", getpid()))
          .string();
  std::filesystem::create_directories(dir);

  // ---- the backlog
  const std::string topic = fmt::format("bench-orders-{}", getpid());
  g_properties = o.properties;
  std::optional<kafka::DevBroker> dev_broker;
  std::string bootstraps = o.bootstrap;
  if (bootstraps.empty()) {
    dev_broker.emplace(kafka::DevBrokerOptions{
        1, {{topic, o.partitions}, {topic + "-latency", 8}, {topic + "-latency2", 8}}});
    bootstraps = dev_broker->bootstraps();
  } else {
    config::KafkaConfig kcfg;
    kcfg.bootstrap_servers = {bootstraps};
    kafka::AdminClient admin(kcfg);
    for (const auto& [name, partitions] :
         {std::pair{topic, o.partitions}, std::pair{topic + "-latency", 8},
          std::pair{topic + "-latency2", 8}}) {
      kafka::TopicSpec spec;
      spec.name = name;
      spec.partitions = partitions;
      admin.ensure_topic(spec);
    }
  }
  const std::string broker_name = dev_broker ? std::string("dev broker (librdkafka mock cluster)")
                                             : "Apache Kafka at " + bootstraps;
  const auto messages = order::bench::generate_order_messages(o.orders, 42);
  order::OrderMapper mapper;
  std::vector<std::string> keys;
  keys.reserve(messages.size());
  size_t bytes = 0;
  for (const auto& m : messages) {
    auto r = mapper.parse_message(m);
    keys.push_back(r.orders.empty() ? std::string()
                                    : std::string(r.orders[0].purchase_order_id_text));
    bytes += m.size();
  }
  Writer writer(bootstraps, topic);
  const auto p0 = Clock::now();
  for (size_t i = 0; i < messages.size(); ++i) writer.produce(i, keys[i], messages[i]);
  writer.flush();
  std::fprintf(stderr, "bench: produced %zu orders (%.0f MB) in %.1f s into %d partitions\n",
               messages.size(), static_cast<double>(bytes) / 1e6,
               std::chrono::duration<double>(Clock::now() - p0).count(), o.partitions);
  {
    config::KafkaConfig kcfg;
    kcfg.bootstrap_servers = {bootstraps};
    kafka::AdminClient admin(kcfg);
    for (const auto& w : admin.all_watermarks(topic, 10s)) {
      if (w.low != 0) {
        std::fprintf(
            stderr,
            "bench: partition %d lost %lld messages to the dev broker's retention: use more "
            "--partitions\n",
            w.partition, static_cast<long long>(w.low));
        return 1;
      }
    }
  }

  // The rows every run must produce, and the LOAD DATA files with the identical values.
  mysql::OrderTables tables;
  std::vector<mysql::OrderToWrite> parsed;
  for (size_t i = 0; i < messages.size(); ++i) {
    auto r = mapper.parse_message(messages[i]);
    int32_t index = 0;
    for (auto& ord : r.orders) {
      mysql::OrderToWrite w;
      w.order = std::move(ord);
      w.origin.source =
          fmt::format("{}/{}/{}", topic, writer.out[i].partition, writer.out[i].offset);
      w.origin.record_index = index++;
      w.origin.topic = topic;
      w.origin.partition = writer.out[i].partition;
      w.origin.offset = writer.out[i].offset;
      w.source_file = "kafka_stream";
      w.origin.account = "bench-seller";  // the producer's account header
      parsed.push_back(std::move(w));
    }
  }
  for (const auto& w : parsed) tables.add(w);
  const size_t expected_rows = tables.lines.rows();
  const size_t expected_orders = parsed.size();
  const std::string order_tsv = dir + "/walmart_order.tsv";
  const std::string charge_tsv = dir + "/walmart_order_charge.tsv";
  const std::string raw_tsv = dir + "/walmart_order_raw.tsv";
  {
    std::string buf;
    std::ofstream ot(order_tsv, std::ios::binary);
    for (size_t r = 0; r < tables.lines.rows(); ++r) tables.lines.append_load_data_row(r, buf);
    ot << buf;
    buf.clear();
    std::ofstream ct(charge_tsv, std::ios::binary);
    for (size_t r = 0; r < tables.charges.rows(); ++r) tables.charges.append_load_data_row(r, buf);
    ct << buf;
    buf.clear();
    std::ofstream rt(raw_tsv, std::ios::binary);
    for (size_t r = 0; r < tables.raw.rows(); ++r) tables.raw.append_load_data_row(r, buf);
    rt << buf;
  }
  parsed.clear();
  tables.clear();

  // ---- the ceiling: every table; the lines alone; in --suspects also the lines without the
  // account index, and without the index and the account column.
  struct Ceiling {
    double all = 0;
    double lines = 0;
    double lines_no_index = 0;
    double lines_no_account = 0;
  };
  auto measure_ceiling = [&](int round) -> Ceiling {
    Ceiling out;
    const std::string opts =
        " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY "
        "'\\n' ";
    // The archive's rows hold payload_zlib's compressed bytes: MySQL checks every field of a
    // CHARACTER SET utf8mb4 file and refuses them (error 1300), MariaDB does not. `binary` takes
    // the bytes as they are on both servers; the text fields are UTF-8 already.
    std::string raw_opts = opts;
    raw_opts.replace(raw_opts.find("utf8mb4"), 7, "binary");
    auto seconds_since = [](Clock::time_point t) {
      return std::chrono::duration<double>(Clock::now() - t).count();
    };
    {
      FreshDatabase db(fmt::format("etl_bench_stream_{}_loaddata_{}", getpid(), round));
      auto conn = mysql::Connection::open(db.cfg, mysql::UseDatabase::configured,
                                          mysql::LocalFiles::allow_for_benchmarks);
      const auto t0 = Clock::now();
      conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(order_tsv) + " INTO TABLE walmart_order" +
                   opts + "(" + mysql::sql::order_line_columns() +
                   ") SET load_time = UTC_TIMESTAMP()");
      out.lines = seconds_since(t0);
      conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(charge_tsv) +
                   " INTO TABLE walmart_order_charge" + opts + "(" + mysql::sql::charge_columns() +
                   ") SET load_time = UTC_TIMESTAMP()");
      conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(raw_tsv) +
                   " INTO TABLE walmart_order_raw" + raw_opts + "(" + mysql::sql::raw_columns() +
                   ") SET load_time = UTC_TIMESTAMP()");
      out.all = seconds_since(t0);
      if (count_rows(db.cfg, "walmart_order") != expected_rows)
        throw std::runtime_error("LOAD DATA did not load every row");
    }
    if (!o.suspects) return out;
    for (const bool drop_column : {false, true}) {
      FreshDatabase db(fmt::format("etl_bench_stream_{}_loaddata_{}_{}", getpid(), round,
                                   drop_column ? "nocol" : "noidx"));
      auto conn = mysql::Connection::open(db.cfg, mysql::UseDatabase::configured,
                                          mysql::LocalFiles::allow_for_benchmarks);
      conn.execute("ALTER TABLE walmart_order DROP INDEX ix_walmart_order_account_date" +
                   std::string(drop_column ? ", DROP COLUMN account" : ""));
      std::string columns = mysql::sql::order_line_columns();
      if (drop_column) columns = columns.substr(0, columns.rfind(", account")) + ", @account";
      const auto t0 = Clock::now();
      conn.execute("LOAD DATA LOCAL INFILE " + conn.quote(order_tsv) + " INTO TABLE walmart_order" +
                   opts + "(" + columns + ") SET load_time = UTC_TIMESTAMP()");
      (drop_column ? out.lines_no_account : out.lines_no_index) = seconds_since(t0);
    }
    return out;
  };
  std::vector<Ceiling> ceilings;
  ceilings.push_back(measure_ceiling(0));
  const double ceiling_seconds = ceilings[0].all;
  const double ceiling = static_cast<double>(expected_rows) / ceiling_seconds;
  std::fprintf(stderr, "bench: LOAD DATA LOCAL INFILE: %.1f s, %.0f rows/s\n", ceiling_seconds,
               ceiling);

  // ---- the stream runs
  std::vector<std::vector<RunResult>> runs(settings.size());  // per setting, one per round
  int run_no = 0;
  for (int round = 0; round < o.rounds; ++round) {
    if ((o.suspects || o.restream) && round > 0) ceilings.push_back(measure_ceiling(round));
    for (size_t i = 0; i < settings.size(); ++i) {
      runs[i].push_back(run_backlog(o, dir, bootstraps, topic, settings[i], run_no++, expected_rows,
                                    expected_orders));
    }
  }

  // ---- latency at a steady rate
  struct Latency {
    std::vector<double> delays_ms;
    long rss = 0;
  };
  auto measure_latency = [&](const Setting& setting, const std::string& ltopic) {
    Latency result;
    std::vector<double>& delays_ms = result.delays_ms;
    long& latency_rss = result.rss;
    FreshDatabase db(fmt::format("etl_bench_stream_{}_latency_{}", getpid(), setting.parallelism));
    const std::string group = fmt::format("bench-{}-latency-{}", getpid(), setting.parallelism);
    const std::string cfg = write_config(dir, bootstraps, ltopic, group, db.cfg, setting);
    Child c = spawn_stream(setting.before ? o.binary_before : o.binary, cfg, false,
                           dir + "/" + group + ".log", setting.skip);
    // Wait for the assignment.
    for (int i = 0; i < 300 && read_file(c.log_path).find("assigned:") == std::string::npos; ++i) {
      std::this_thread::sleep_for(50ms);
    }
    Writer lw(bootstraps, ltopic);
    const size_t total = static_cast<size_t>(o.rate * o.latency_seconds);
    std::atomic<bool> done{false};
    std::vector<std::vector<std::pair<int64_t, Clock::time_point>>> visible(
        8);  // per partition: (next, when)
    std::thread poller([&] {
      auto conn = mysql::Connection::open(db.cfg, mysql::UseDatabase::configured,
                                          mysql::LocalFiles::allow_for_benchmarks);
      std::vector<int64_t> last(8, 0);
      while (!done.load()) {
        for (const auto& r : conn.query("SELECT partition_id, next_offset FROM etl_kafka_offset")) {
          const int p = std::stoi(*r[0]);
          const int64_t n = std::stoll(*r[1]);
          if (p >= 0 && p < 8 && n > last[static_cast<size_t>(p)]) {
            last[static_cast<size_t>(p)] = n;
            visible[static_cast<size_t>(p)].emplace_back(n, Clock::now());
          }
        }
        conn.rollback();
        std::this_thread::sleep_for(5ms);
      }
    });
    const auto start = Clock::now();
    for (size_t i = 0; i < total; ++i) {
      const auto due = start + std::chrono::nanoseconds(
                                   static_cast<int64_t>(1e9 * static_cast<double>(i) / o.rate));
      std::this_thread::sleep_until(due);
      lw.produce(i, keys[i % keys.size()], messages[i % messages.size()]);
      if (i % 64 == 0) {
        lw.poll();
        latency_rss = std::max(latency_rss, status_kb(c.pid, "VmHWM"));
      }
    }
    lw.flush();
    // Wait until everything is visible.
    std::map<int32_t, int64_t> ends;
    for (const auto& m : lw.out) ends[m.partition] = std::max(ends[m.partition], m.offset + 1);
    for (int i = 0; i < 600; ++i) {
      bool all = true;
      for (const auto& [p, end] : ends) {
        const auto& v = visible[static_cast<size_t>(p)];
        all = all && !v.empty() && v.back().first >= end;
      }
      if (all) break;
      std::this_thread::sleep_for(50ms);
    }
    done.store(true);
    poller.join();
    ::kill(c.pid, SIGTERM);
    int status = 0;
    waitpid(c.pid, &status, 0);
    for (const auto& m : lw.out) {
      const auto& v = visible[static_cast<size_t>(m.partition)];
      const auto it =
          std::find_if(v.begin(), v.end(), [&](const auto& e) { return e.first > m.offset; });
      if (it == v.end()) continue;
      delays_ms.push_back(std::chrono::duration<double, std::milli>(it->second - m.sent).count());
    }
    std::fprintf(stderr, "bench: latency run: %zu of %zu messages visible\n", delays_ms.size(),
                 total);
    return result;
  };
  const Setting& latency_before = o.suspects || o.restream ? list[0] : kSettings[0];
  const Setting& latency_after = o.suspects || o.restream ? list[1] : kSettings[2];
  const Latency before = latency ? measure_latency(latency_before, topic + "-latency") : Latency{};
  const Latency after = latency ? measure_latency(latency_after, topic + "-latency2") : Latency{};

  // ---- report
  // The ceilings' medians over the rounds (one round without --suspects).
  auto median_rate = [&](double Ceiling::*member) {
    std::vector<double> v;
    for (const auto& c : ceilings) v.push_back(static_cast<double>(expected_rows) / (c.*member));
    return percentile(v, 0.5);
  };
  const double all_rate = median_rate(&Ceiling::all);
  const double lines_rate = median_rate(&Ceiling::lines);
  std::string props;
  for (const auto& [k, v] : o.properties) props += fmt::format(", {}={}", k, v);
  std::printf(
      "### `stream` end to end, %s%s (%zu orders, %zu rows, %.0f MB of JSON, %d partitions)\n\n",
      broker_name.c_str(), props.c_str(), expected_orders, expected_rows,
      static_cast<double>(bytes) / 1e6, o.partitions);
  std::printf(
      "LOAD DATA LOCAL INFILE of the identical rows of every table written (lines, charges, "
      "compressed archive; one connection): **%.0f rows/s** (median of %zu)\n\n",
      all_rate, ceilings.size());
  std::printf("LOAD DATA LOCAL INFILE of the order lines alone: **%.0f rows/s**\n\n", lines_rate);
  if (o.suspects) {
    std::printf(
        "The order lines alone without the index (account, orderDate_formatted): %.0f rows/s; "
        "without the index and the account column: %.0f rows/s\n\n",
        median_rate(&Ceiling::lines_no_index), median_rate(&Ceiling::lines_no_account));
  }
  std::printf(
      "Each setting %d time(s), alternating; rows/s from the partition assignment to the last "
      "commit.\n\n",
      o.rounds);
  std::printf(
      "| setting | rows/s median | min – max | × ceiling (median) | × lines alone | orders/s "
      "median | walmart_order_raw MB | peak RSS MB | retried batches | ok |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  auto median_of = [&](size_t i, auto&& value) {
    std::vector<double> v;
    for (const auto& r : runs[i]) v.push_back(value(r));
    return percentile(v, 0.5);
  };
  for (size_t i = 0; i < settings.size(); ++i) {
    std::vector<double> rates;
    std::vector<double> order_rates;
    long rss = 0;
    size_t retries = 0;
    double raw_mb = 0;
    bool ok = true;
    for (const auto& r : runs[i]) {
      rates.push_back(static_cast<double>(r.rows) / r.seconds);
      order_rates.push_back(static_cast<double>(r.orders) / r.seconds);
      rss = std::max(rss, r.peak_rss_kb);
      retries += r.retries;
      raw_mb = std::max(raw_mb, r.raw_mb);
      ok = ok && r.ok;
    }
    std::printf("| %s | %.0f | %.0f – %.0f | %.2f | %.2f | %.0f | %.0f | %ld | %zu | %s |\n",
                settings[i].label.c_str(), percentile(rates, 0.5), percentile(rates, 0.0),
                percentile(rates, 1.0), percentile(rates, 0.5) / all_rate,
                percentile(rates, 0.5) / lines_rate, percentile(order_rates, 0.5), raw_mb,
                rss / 1024, retries, ok ? "yes" : "NO");
  }
  std::printf(
      "\nPer 1,000 rows (medians): CPU seconds of the server and of the stream, and the server's "
      "counters; statements per transaction = Questions / Com_commit.\n\n");
  std::printf(
      "| setting | server CPU s | stream CPU s | Com_delete | Com_insert | Com_stmt_execute | "
      "Handler_read_key | Handler_read_next | Handler_read_rnd_next | Handler_write | redo KB | "
      "transactions | statements per transaction |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < settings.size(); ++i) {
    auto per_k = [&](const char* name) {
      return median_of(i, [&](const RunResult& r) {
        const auto it = r.counters.find(name);
        return it == r.counters.end() ? 0.0 : it->second * 1000.0 / static_cast<double>(r.rows);
      });
    };
    const double server_cpu = median_of(i, [](const RunResult& r) {
      return r.server_cpu < 0 ? -1.0 : r.server_cpu * 1000.0 / static_cast<double>(r.rows);
    });
    const double client_cpu = median_of(
        i, [](const RunResult& r) { return r.client_cpu * 1000.0 / static_cast<double>(r.rows); });
    const double commits = median_of(i, [](const RunResult& r) {
      const auto it = r.counters.find("Com_commit");
      return it == r.counters.end() ? 0.0 : it->second;
    });
    const double per_txn = median_of(i, [](const RunResult& r) {
      const auto q = r.counters.find("Questions");
      const auto c = r.counters.find("Com_commit");
      return q == r.counters.end() || c == r.counters.end() || c->second == 0
                 ? 0.0
                 : q->second / c->second;
    });
    std::printf(
        "| %s | %s | %.3f | %.1f | %.2f | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f "
        "|\n",
        settings[i].label.c_str(), server_cpu < 0 ? "—" : fmt::format("{:.3f}", server_cpu).c_str(),
        client_cpu, per_k("Com_delete"), per_k("Com_insert"), per_k("Com_stmt_execute"),
        per_k("Handler_read_key"), per_k("Handler_read_next"), per_k("Handler_read_rnd_next"),
        per_k("Handler_write"), per_k("Innodb_os_log_written") / 1024.0, commits, per_txn);
  }
  const Setting* latency_settings[2] = {&latency_before, &latency_after};
  for (int k = 0; k < (latency ? 2 : 0); ++k) {
    const Latency* l = k == 0 ? &before : &after;
    std::printf(
        "\nProduce → visible in MySQL at a steady %.0f orders/s for %d s (%s): **p50 %.0f ms, "
        "p99 %.0f ms**, max %.0f ms over %zu messages; stream RSS %ld MB\n",
        o.rate, o.latency_seconds, latency_settings[k]->label.c_str(),
        percentile(l->delays_ms, 0.5), percentile(l->delays_ms, 0.99),
        percentile(l->delays_ms, 1.0), l->delays_ms.size(), l->rss / 1024);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}

#include "e2e/kafka_real/real_world.hpp"

#include <stdexcept>

#include "e2e/kafka_real/real_kafka.hpp"

namespace etl::kafka_real {

std::vector<std::string> sim_data(int days, int per_day, int seed) {
  return {"--now",  e2e::kFixedNow,       "--time-scale",     "0",
          "--days", std::to_string(days), "--orders-per-day", std::to_string(per_day),
          "--seed", std::to_string(seed)};
}

std::unique_ptr<e2e::World> real_world(const std::string& bootstrap,
                                       const std::vector<std::string>& data) {
  e2e::WorldOptions o;
  o.sim_args = data;
  o.bootstrap = bootstrap;
  auto w = std::make_unique<e2e::World>(o);
  auto init = w->run({"init-db"});
  if (init.exit_code != 0) throw std::runtime_error("init-db: " + e2e::describe(init));
  return w;
}

e2e::OrderFactsById expected_orders(const e2e::World& w, const std::vector<std::string>& data) {
  const std::string path = w.dir + "/dump.ndjson";
  std::vector<std::string> args{"simulate-api"};
  args.insert(args.end(), data.begin(), data.end());
  args.insert(args.end(), {"--dump", path, "--dump-only"});
  auto d = w.run(args);
  if (d.exit_code != 0) throw std::runtime_error("simulate-api --dump-only: " + e2e::describe(d));
  return e2e::facts_from_ndjson(test::read_text_file(path));
}

std::vector<std::string> fetch_range(const std::string& start, const std::string& end) {
  return {"fetch", "--start", start, "--end", end, "--no-progress"};
}

std::map<std::string, std::string> with_partitions(int partitions,
                                                   std::map<std::string, std::string> env) {
  env["WALMART_ETL_KAFKA__TOPIC_PARTITIONS"] = std::to_string(partitions);
  env["WALMART_ETL_KAFKA__REPLICATION_FACTOR"] = "1";
  return env;
}

int64_t messages_in(const std::string& bootstrap, const std::string& topic) {
  int64_t n = 0;
  for (const auto& [p, lh] : watermarks(bootstrap, topic)) n += lh.second - lh.first;
  return n;
}

std::string check_mysql_exact(const e2e::World& w, const e2e::OrderFactsById& expected) {
  std::string out = e2e::compare_facts(expected, e2e::facts_from_mysql(w.db()));
  const int64_t dead = e2e::query_count(w.db(), "SELECT COUNT(*) FROM walmart_order_dead_letter");
  if (dead != 0) out += std::to_string(dead) + " dead letters\n";
  std::map<int32_t, int64_t> ends;
  for (const auto& [p, lh] : watermarks(w.bootstrap, w.topic)) ends[p] = lh.second;
  out += e2e::compare_offsets(ends, e2e::stored_offsets(w.db(), w.group, w.topic));
  return out;
}

}  // namespace etl::kafka_real

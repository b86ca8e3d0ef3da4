#pragma once
// What the tests of this folder share on top of the e2e world: a simulator data set, the world
// pointed at a real broker, the expected orders from the simulator's --dump, and the checks that
// Kafka and MySQL hold exactly those orders.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support/e2e/e2e_world.hpp"
#include "support/e2e/order_facts.hpp"

namespace etl::kafka_real {

// A frozen simulator data set: `days` days ending at e2e::kFixedNow, `per_day` orders a day.
std::vector<std::string> sim_data(int days, int per_day, int seed);

// A world whose simulator serves `data` and whose broker is `bootstrap` (a real Kafka); the
// database is initialised (init-db). Throws std::runtime_error on failure.
std::unique_ptr<e2e::World> real_world(const std::string& bootstrap,
                                       const std::vector<std::string>& data);

// The simulator's orders of `data` (simulate-api --dump-only), as the verifier reads them.
e2e::OrderFactsById expected_orders(const e2e::World& w, const std::vector<std::string>& data);

// fetch of the UTC days start..end (both inclusive) without the progress line. sim_data(3, ...)
// is all in 2024-04-29..2024-05-02.
std::vector<std::string> fetch_range(const std::string& start = "2024-04-29",
                                     const std::string& end = "2024-05-02");

// Environment for fetch: the topic is created with `partitions` partitions.
std::map<std::string, std::string> with_partitions(int partitions,
                                                   std::map<std::string, std::string> env = {});

// Messages in the topic (sum of high - low over partitions).
int64_t messages_in(const std::string& bootstrap, const std::string& topic);

// "" when MySQL holds exactly `expected` (verifier), no dead letters, and the stream's stored
// offsets equal the topic's end offsets; else what differs.
std::string check_mysql_exact(const e2e::World& w, const e2e::OrderFactsById& expected);

}  // namespace etl::kafka_real

#pragma once
// Shared fixtures for the simulator's integration tests: a simulator with a fixed clock on a free
// port, JSON helpers, and curl's global init.

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/utc_time.hpp"
#include "support/sim/http_client.hpp"
#include "tools/sim/simulator.hpp"

namespace etl::walmart::sim::test {

inline const int64_t kNow = *parse_iso8601_ms("2024-05-02T17:05:41.250Z");

// 10 days x 400 orders a day ending at kNow, frozen clock, no throttling, no faults.
inline SimulatorOptions test_options() {
  SimulatorOptions o;
  o.port = 0;
  o.now_ms = kNow;
  o.time_scale = 0.0;
  o.orders_per_day = 400;
  o.days = 10;
  o.seed = 2024;
  o.requests_per_minute = 0;
  o.threads = 4;
  return o;
}

inline std::unique_ptr<Simulator> start_simulator(const SimulatorOptions& o) {
  auto sim = std::make_unique<Simulator>(o);
  sim->start();
  return sim;
}

inline std::string minified(std::string_view json) {
  simdjson::dom::parser p;
  simdjson::dom::element e;
  if (p.parse(json.data(), json.size()).get(e) != simdjson::SUCCESS) return "<invalid json>";
  return simdjson::minify(e);
}

inline std::vector<std::string> dump_lines(const Simulator& sim) {
  std::ostringstream out;
  sim.write_dump(out);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Error code of either documented error shape, or "".
inline std::string error_code(const std::string& body) {
  simdjson::dom::parser p;
  simdjson::dom::element e;
  if (p.parse(body).get(e) != simdjson::SUCCESS) return "";
  std::string_view code;
  if (e["errors"]["error"].at(0)["code"].get(code) == simdjson::SUCCESS) return std::string(code);
  if (e["error"].at(0)["code"].get(code) == simdjson::SUCCESS) return std::string(code);
  return "";
}

inline std::string error_field(const std::string& body, const char* name) {
  simdjson::dom::parser p;
  simdjson::dom::element e;
  if (p.parse(body).get(e) != simdjson::SUCCESS) return "";
  std::string_view v;
  if (e["errors"]["error"].at(0)[name].get(v) == simdjson::SUCCESS) return std::string(v);
  if (e["error"].at(0)[name].get(v) == simdjson::SUCCESS) return std::string(v);
  return "";
}

}  // namespace etl::walmart::sim::test

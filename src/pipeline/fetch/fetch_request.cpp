#include "pipeline/fetch/fetch_request.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace etl::pipeline {

void validate_fetch_request(const FetchRequest& request) {
  switch (request.mode) {
    case FetchMode::date_range:
      if (!request.start_day_ms) throw ConfigError("fetch: --start YYYY-MM-DD is required");
      if (request.end_day_ms && *request.end_day_ms < *request.start_day_ms) {
        throw ConfigError("fetch: --end is before --start");
      }
      break;
    case FetchMode::last_hours:
      if (request.last_hours <= 0) throw ConfigError("fetch: --last-hours must be at least 1");
      break;
    case FetchMode::since_last:
      if (request.end_day_ms) throw ConfigError("fetch: --end cannot be used with --since-last");
      break;
  }
}

std::vector<std::string> ship_node_types_to_fetch(const FetchRequest& request,
                                                  const std::vector<std::string>& configured) {
  const auto& named = request.ship_node_types.empty() ? configured : request.ship_node_types;
  std::vector<std::string> out;
  for (const auto& t : named) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

std::vector<config::DataSet> data_sets_to_fetch(const FetchRequest& request,
                                                const std::vector<std::string>& configured) {
  std::vector<config::DataSet> named = request.data_sets;
  if (named.empty()) {
    for (const auto& name : configured) {
      const auto d = config::parse_data_set(name);
      if (!d) {
        throw ConfigError("fetch.data: expected orders, returns or recon, got '" + name + "'");
      }
      named.push_back(*d);
    }
  }
  if (named.empty()) named.push_back(config::DataSet::orders);
  std::vector<config::DataSet> out;
  for (const auto d : named) {
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  }
  return out;
}

}  // namespace etl::pipeline

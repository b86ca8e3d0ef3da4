// Unit: deploy/prometheus-alerts.yml and deploy/grafana-dashboard.json are valid YAML and JSON,
// and every metric an alert or a panel names is one the code exposes (stream, fetch, or the
// metrics endpoint's own); the README documents every fetch and endpoint metric.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

#include "metrics/server.hpp"
#include "pipeline/fetch/fetch_metrics.hpp"
#include "pipeline/stream/metrics.hpp"
#include "pipeline/stream/stream_data_set.hpp"

namespace etl::pipeline {
namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(ETL_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The metric families named in a text (histogram suffixes removed).
std::set<std::string> metric_names(const std::string& text) {
  static const std::regex name("walmart_etl_[a-z_]+");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator();
       ++it) {
    std::string n = it->str();
    for (const char* suffix : {"_bucket", "_count", "_sum"}) {
      if (n.ends_with(suffix)) n.erase(n.size() - std::strlen(suffix));
    }
    out.insert(n);
  }
  return out;
}

std::set<std::string> exposed_metrics() {
  const StreamMetrics stream;
  // `stream --data returns` names its record series after returns.
  const StreamMetrics returns_stream(stream_metric_names(config::DataSet::returns));
  // `stream --data recon` after reports.
  const StreamMetrics recon_stream(stream_metric_names(config::DataSet::recon));
  const FetchMetrics fetch({"main"});
  std::set<std::string> out = metric_names(stream.registry.render());
  out.merge(metric_names(returns_stream.registry.render()));
  out.merge(metric_names(recon_stream.registry.render()));
  out.merge(metric_names(fetch.registry.render()));
  out.merge(metric_names(metrics::render_server_counters({})));
  return out;
}

TEST(MonitoringDocs, EveryAlertParsesAndNamesOnlyExposedMetrics) {
  const std::set<std::string> exposed = exposed_metrics();
  const YAML::Node doc =
      YAML::LoadFile(std::string(ETL_SOURCE_DIR) + "/deploy/prometheus-alerts.yml");
  ASSERT_TRUE(doc["groups"].IsSequence());
  size_t alerts = 0;
  std::set<std::string> covered;
  for (const auto& group : doc["groups"]) {
    ASSERT_TRUE(group["rules"].IsSequence()) << group["name"].as<std::string>();
    for (const auto& rule : group["rules"]) {
      const std::string alert = rule["alert"].as<std::string>("");
      const std::string expr = rule["expr"].as<std::string>("");
      ASSERT_FALSE(alert.empty());
      ASSERT_FALSE(expr.empty()) << alert;
      ++alerts;
      const auto names = metric_names(expr);
      EXPECT_TRUE(!names.empty() || expr.find("up{") != std::string::npos)
          << alert << " names no metric: " << expr;
      for (const auto& n : names) {
        EXPECT_EQ(exposed.count(n), 1u) << alert << " names unknown metric " << n;
        covered.insert(n);
      }
    }
  }
  EXPECT_GE(alerts, 10u);
  for (const char* must : {"walmart_etl_fetch_healthy", "walmart_etl_fetch_failures_total",
                           "walmart_etl_fetch_last_success_timestamp_seconds",
                           "walmart_etl_stream_account_dead_letters_total",
                           "walmart_etl_http_connections_dropped_total"}) {
    EXPECT_EQ(covered.count(must), 1u) << "no alert on " << must;
  }
}

TEST(MonitoringDocs, EveryDashboardPanelParsesAndNamesOnlyExposedMetrics) {
  const std::set<std::string> exposed = exposed_metrics();
  simdjson::dom::parser parser;
  const simdjson::padded_string json(read_file("deploy/grafana-dashboard.json"));
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << "not valid JSON";
  simdjson::dom::array panels;
  ASSERT_EQ(doc["panels"].get(panels), simdjson::SUCCESS);
  std::set<int64_t> ids;
  std::set<std::string> covered;
  for (simdjson::dom::element panel : panels) {
    int64_t id = 0;
    ASSERT_EQ(panel["id"].get(id), simdjson::SUCCESS);
    EXPECT_TRUE(ids.insert(id).second) << "panel id " << id << " twice";
    simdjson::dom::array targets;
    ASSERT_EQ(panel["targets"].get(targets), simdjson::SUCCESS) << "panel " << id;
    for (simdjson::dom::element t : targets) {
      std::string_view expr;
      ASSERT_EQ(t["expr"].get(expr), simdjson::SUCCESS) << "panel " << id;
      const auto names = metric_names(std::string(expr));
      EXPECT_FALSE(names.empty()) << "panel " << id << ": " << expr;
      for (const auto& n : names) {
        EXPECT_EQ(exposed.count(n), 1u) << "panel " << id << " names unknown metric " << n;
        covered.insert(n);
      }
    }
  }
  for (const char* must : {"walmart_etl_fetch_orders_total", "walmart_etl_fetch_requests_total",
                           "walmart_etl_fetch_throttled_total", "walmart_etl_fetch_failures_total",
                           "walmart_etl_fetch_last_success_timestamp_seconds",
                           "walmart_etl_stream_account_orders_total",
                           "walmart_etl_stream_account_dead_letters_total"}) {
    EXPECT_EQ(covered.count(must), 1u) << "no panel shows " << must;
  }
}

TEST(MonitoringDocs, ReadmeDocumentsEveryExposedMetricAndNoOther) {
  const std::set<std::string> documented = metric_names(read_file("README.md"));
  const std::set<std::string> exposed = exposed_metrics();
  ASSERT_GT(exposed.size(), 15u);
  for (const auto& n : exposed) {
    EXPECT_EQ(documented.count(n), 1u) << "README.md does not document " << n;
  }
  for (const auto& n : documented)
    EXPECT_EQ(exposed.count(n), 1u) << "README.md names unknown " << n;
}

}  // namespace
}  // namespace etl::pipeline

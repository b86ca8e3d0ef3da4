#include "pipeline/fetch/fetch_watermarks.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/error.hpp"
#include "mysql/watermark_store.hpp"
#include "pipeline/fetch/fetch_result.hpp"
#include "pipeline/fetch/range_plan.hpp"
#include "walmart/order_window.hpp"

namespace etl::pipeline {

RunWatermarks::RunWatermarks(const config::Config& cfg, const FetchRequest& request,
                             std::string account, std::string run_id, config::DataSet data_set)
    : cfg_(cfg),
      request_(request),
      account_(std::move(account)),
      run_id_(std::move(run_id)),
      data_set_(data_set) {}

RunWatermarks::~RunWatermarks() = default;

std::string RunWatermarks::lane(const std::string& ship_node_type) const {
  return data_set_ == config::DataSet::orders ? ship_node_type
                                              : std::string(config::to_string(data_set_));
}

TypeRange RunWatermarks::range(const std::string& ship_node_type, int64_t server_now_ms) {
  std::optional<int64_t> watermark;
  if (request_.mode == FetchMode::since_last) {
    if (!store_) store_ = std::make_unique<mysql::WatermarkStore>(cfg_.mysql);
    watermark = store_->load(account_, config::to_string(data_set_), ship_node_type);
    if (watermark && request_.start_day_ms) {
      spdlog::info("fetch {}: {} resumes from its watermark {}; --start is ignored", run_id_,
                   lane(ship_node_type), walmart::format_api_time(*watermark));
    }
  }
  const int64_t overlap_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.fetch.since_last_overlap).count();
  auto range = plan_range(request_, ship_node_type, server_now_ms, watermark, overlap_ms);
  if (!range) {
    throw ConfigError(fmt::format(
        "fetch --since-last: account '{}' has no watermark for {} yet (table {}.etl_fetch_"
        "watermark); the first incremental run needs --start YYYY-MM-DD",
        account_, lane(ship_node_type), cfg_.mysql.database));
  }
  return std::move(*range);
}

std::optional<std::string> RunWatermarks::store(ShipNodeSummary& type) {
  const auto mark = watermark_to_store(request_, type);
  if (!mark || !store_) return std::nullopt;
  try {
    store_->advance(account_, config::to_string(data_set_), type.ship_node_type, *mark, run_id_);
    type.watermark_stored = mark;
    return std::nullopt;
  } catch (const EtlError& e) {
    type.errors.push_back(fmt::format("watermark not stored: {}", e.what()));
    return fmt::format("the watermark of {} could not be stored: {}", type.label(), e.what());
  }
}

}  // namespace etl::pipeline

#pragma once
// The watermarks of one data set's part of a fetch run. With --since-last each lane's range (a
// ship-node type of the orders; the other data sets have one lane, ship-node type "") starts from
// the watermark stored for the account, data set and type (mysql::WatermarkStore, table
// etl_fetch_watermark),
// and a finished type stores its new one when watermark_to_store (fetch_result.hpp) says so;
// other modes neither read nor store any. The ranges themselves are plan_range's (range_plan.hpp).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/data_set.hpp"
#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/stats.hpp"
#include "pipeline/fetch/window_plan.hpp"

namespace etl::mysql {
class WatermarkStore;
}

namespace etl::pipeline {

class RunWatermarks {
 public:
  // `cfg` and `request` outlive this. Connects to MySQL only when a watermark is first needed.
  RunWatermarks(const config::Config& cfg, const FetchRequest& request, std::string account,
                std::string run_id, config::DataSet data_set);
  ~RunWatermarks();
  RunWatermarks(const RunWatermarks&) = delete;
  RunWatermarks& operator=(const RunWatermarks&) = delete;

  // The range of `ship_node_type` up to `server_now_ms`. Throws ConfigError when --since-last
  // finds neither a watermark nor --start, EtlError when MySQL fails.
  [[nodiscard]] TypeRange range(const std::string& ship_node_type, int64_t server_now_ms);

  // Stores the new watermark of a finished type when it is due, and notes it in `type`
  // (watermark_stored, or an error). Returns why it could not be stored: the run is incomplete.
  [[nodiscard]] std::optional<std::string> store(ShipNodeSummary& type);

 private:
  const config::Config& cfg_;
  const FetchRequest& request_;
  std::string account_;
  std::string run_id_;
  config::DataSet data_set_;
  std::unique_ptr<mysql::WatermarkStore> store_;

  // "SellerFulfilled", or the data set's name (for messages).
  [[nodiscard]] std::string lane(const std::string& ship_node_type) const;
};

}  // namespace etl::pipeline

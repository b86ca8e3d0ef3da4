// Which data sets a fetch run moves (--data, else fetch.data, else orders; each once, in the
// order named), the table behind them (every data set has an entry; one whose reader is not
// built is refused before anything is fetched) and how the lanes of the other data sets are named.

#include "pipeline/fetch/data_sets.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "pipeline/fetch/fetch_request.hpp"
#include "pipeline/fetch/fetch_result.hpp"

namespace etl::pipeline {
namespace {

using config::DataSet;

TEST(DataSetsToFetch, TheRequestsElseTheConfiguredElseOrdersEachOnce) {
  FetchRequest r;
  EXPECT_EQ(data_sets_to_fetch(r, {}), std::vector<DataSet>{DataSet::orders});
  EXPECT_EQ(data_sets_to_fetch(r, {"orders"}), std::vector<DataSet>{DataSet::orders});
  EXPECT_EQ(data_sets_to_fetch(r, {"returns", "orders", "returns"}),
            (std::vector<DataSet>{DataSet::returns, DataSet::orders}));
  r.data_sets = {DataSet::returns, DataSet::returns};
  EXPECT_EQ(data_sets_to_fetch(r, {"orders"}), std::vector<DataSet>{DataSet::returns});
  EXPECT_THROW((void)data_sets_to_fetch(FetchRequest{}, {"refunds"}), ConfigError);
}

TEST(DataSetTable, EveryDataSetHasItsEntry) {
  for (const DataSet d : {DataSet::orders, DataSet::returns, DataSet::recon}) {
    EXPECT_EQ(data_set_entry(d).data_set, d);
    EXPECT_NE(data_set_entry(d).fetch, nullptr) << config::to_string(d);
  }
}

TEST(DataSetLanes, OrdersShowTheirTypeTheOthersTheirName) {
  ShipNodeSummary orders;
  orders.ship_node_type = "WFSFulfilled";
  EXPECT_EQ(orders.label(), "WFSFulfilled");
  ShipNodeSummary returns;
  returns.data_set = DataSet::returns;
  EXPECT_EQ(returns.label(), "returns");
  FetchResult r;
  r.data_sets = {"orders", "returns"};
  r.filter = "lastModified";
  r.types = {orders, returns};
  const std::string text = r.describe();
  EXPECT_NE(text.find("orders by lastModified date, returns by lastModified date"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nreturns "), std::string::npos) << text;
}

}  // namespace
}  // namespace etl::pipeline

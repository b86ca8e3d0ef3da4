#pragma once
// The data sets walmart-etl moves: orders, returns, and the reconciliation (settlement) report.
// `load --data`, `stream --data` and `fetch --data` name them this way.

#include <optional>
#include <string_view>

namespace etl::pipeline {

enum class DataSet { orders, returns, recon };

constexpr std::string_view to_string(DataSet d) noexcept {
  switch (d) {
    case DataSet::orders:
      return "orders";
    case DataSet::returns:
      return "returns";
    case DataSet::recon:
      return "recon";
  }
  return "orders";
}

constexpr std::optional<DataSet> parse_data_set(std::string_view name) noexcept {
  if (name == "orders") return DataSet::orders;
  if (name == "returns") return DataSet::returns;
  if (name == "recon") return DataSet::recon;
  return std::nullopt;
}

}  // namespace etl::pipeline

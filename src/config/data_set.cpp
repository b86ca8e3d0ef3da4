#include "config/data_set.hpp"

namespace etl::config {

std::string_view to_string(DataSet d) noexcept {
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

std::optional<DataSet> parse_data_set(std::string_view s) noexcept {
  for (DataSet d : {DataSet::orders, DataSet::returns, DataSet::recon}) {
    if (s == to_string(d)) return d;
  }
  return std::nullopt;
}

}  // namespace etl::config

#pragma once
// The data sets walmart-etl moves: orders (GET /v3/orders), returns (GET /v3/returns) and the
// settlement (reconciliation) report. Each has its own topic, mapping and tables; `load --data`
// and `stream --data` pick one (docs/architecture.md, "Data sets").

#include <optional>
#include <string_view>

namespace etl::config {

enum class DataSet { orders, returns, recon };

[[nodiscard]] std::string_view to_string(DataSet d) noexcept;
// "orders", "returns", "recon"; nullopt for anything else.
[[nodiscard]] std::optional<DataSet> parse_data_set(std::string_view s) noexcept;

}  // namespace etl::config

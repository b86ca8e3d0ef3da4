#pragma once
// Fixed vocabularies the generated orders draw from: products, recipients, places, carriers.
// They deliberately include what breaks naive pipelines: accents, CJK, emoji, straight and curly
// quotes, apostrophes, a backslash, whole-dollar prices (rendered without a decimal point).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace etl::walmart::sim {

struct Product {
  std::string_view sku;
  std::string_view name;
  int64_t unit_price_cents;
  std::string_view weight_pounds;  // item.weight.value is a string in the API
  std::string_view condition;      // item.condition when present
};

struct Place {
  std::string_view city;
  std::string_view state;
  std::string_view postal_code;
};

struct NamedNode {
  std::string_view name;
  std::string_view id;
};

std::span<const Product> products() noexcept;
// Index of the product with this exact SKU, if any (the sku filter).
std::optional<uint16_t> find_product_by_sku(std::string_view sku) noexcept;

std::span<const std::string_view> recipient_names() noexcept;
std::span<const std::string_view> street_lines() noexcept;
std::span<const std::string_view> second_address_lines() noexcept;
std::span<const Place> places() noexcept;
std::span<const std::string_view> carriers() noexcept;        // carrierName.carrier enum values
std::span<const std::string_view> other_carriers() noexcept;  // carrierName.otherCarrier texts
std::span<const std::string_view> cancellation_reasons() noexcept;
std::span<const NamedNode> seller_ship_nodes() noexcept;
std::span<const NamedNode> tpl_ship_nodes() noexcept;

}  // namespace etl::walmart::sim

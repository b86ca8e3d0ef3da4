#pragma once
// The parameters of one batch's order statements (sink_sql.hpp), filled once per write and laid
// out so that any contiguous range of orders [a, b) maps to contiguous row ranges in every table:
// the writer can write (or, after a row-level error, bisect) a range without refilling anything.
//
// Text parameters are views into the orders (their arenas) and into `storage_` here: the orders
// must outlive the use of the tables.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "mysql/param_table.hpp"
#include "mysql/utf8_text.hpp"
#include "mysql/write_batch.hpp"

namespace etl::mysql {

class OrderTables {
 public:
  // `archive`: which column of walmart_order_raw gets the JSON (payload, or payload_zlib
  // compressed in the COMPRESS() format); with off the raw rows are still built (the writer
  // does not send them).
  explicit OrderTables(config::RawArchive archive = config::RawArchive::compressed);

  void clear();
  // Appends one order (all its lines, charges, its raw row and its delete keys).
  void add(const OrderToWrite& w);

  [[nodiscard]] size_t orders() const noexcept { return line_begin_.size() - 1; }
  // Row ranges of orders [a, b) in each table.
  [[nodiscard]] size_t line_row(size_t order) const noexcept { return line_begin_[order]; }
  [[nodiscard]] size_t charge_row(size_t order) const noexcept { return charge_begin_[order]; }
  // Approximate bytes order i sends (lines + charges + raw), to refuse one that cannot fit in a
  // packet.
  [[nodiscard]] size_t order_bytes(size_t order) const noexcept;
  [[nodiscard]] int64_t purchase_order_id(size_t order) const noexcept { return order_ids_[order]; }

  ParamTable ids;  // purchaseOrderId                      (delete_charges), 1 row per order
  ParamTable
      line_sets;     // purchaseOrderId, "1,2,5"              (delete_stale_lines), 1 row per order
  ParamTable lines;  // 52 columns of walmart_order            1 row per line
  ParamTable charges;  // 10 columns of walmart_order_charge     1 row per charge
  ParamTable raw;      // 9 columns of walmart_order_raw         1 row per order

 private:
  config::RawArchive archive_;
  std::vector<int64_t> order_ids_;
  std::vector<size_t> line_begin_{0};
  std::vector<size_t> charge_begin_{0};
  std::deque<std::string> storage_;  // line lists, cut source files (deque: elements never move)
};

}  // namespace etl::mysql

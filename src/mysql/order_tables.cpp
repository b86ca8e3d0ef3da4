#include "mysql/order_tables.hpp"

#include <fmt/format.h>

#include "common/mysql_compress.hpp"
#include "mysql/sink_sql.hpp"

namespace etl::mysql {

namespace {

using T = ParamType;

// Layout of walmart_order's 52 bound columns, in table order (sink_sql.cpp kOrderColumns).
std::vector<ParamType> order_line_types() {
  return {T::int64, T::int64,    T::text,     T::int64,    T::datetime, T::text,  T::text,
          T::text,  T::text,     T::text,     T::int64,    T::datetime, T::int64, T::datetime,
          T::text,  T::text,     T::text,     T::text,     T::text,     T::text,  T::text,
          T::text,  T::text,     T::int32,    T::text,     T::text,     T::text,  T::int64,
          T::text,  T::int64,    T::datetime, T::text,     T::text,     T::text,  T::text,
          T::text,  T::text,     T::cents,    T::text,     T::cents,    T::text,  T::text,
          T::int64, T::text,     T::int64,    T::datetime, T::text,     T::text,  T::text,
          T::text,  T::datetime, T::text};
}

}  // namespace

OrderTables::OrderTables(config::RawArchive archive)
    : ids({T::int64}),
      line_sets({T::int64, T::text}),
      lines(order_line_types()),
      charges({T::int64, T::int32, T::int32, T::text, T::text, T::cents, T::text, T::text, T::cents,
               T::text}),
      raw({T::int64, T::text, T::datetime, T::text, T::int32, T::int64, T::text, T::text, T::text}),
      archive_(archive) {
  static_assert(sql::kChargeParams == 10 && sql::kRawParams == 9);
}

void OrderTables::clear() {
  ids.clear();
  order_ids_.clear();
  line_sets.clear();
  lines.clear();
  charges.clear();
  raw.clear();
  line_begin_.assign(1, 0);
  charge_begin_.assign(1, 0);
  storage_.clear();
}

size_t OrderTables::order_bytes(size_t order) const noexcept {
  size_t n = raw.wire_bytes(order);
  for (size_t r = line_begin_[order]; r < line_begin_[order + 1]; ++r) n += lines.wire_bytes(r);
  for (size_t r = charge_begin_[order]; r < charge_begin_[order + 1]; ++r)
    n += charges.wire_bytes(r);
  return n;
}

void OrderTables::add(const OrderToWrite& w) {
  const order::ParsedOrder& o = w.order;
  std::optional<std::string_view> file_for_lines;
  std::optional<std::string_view> file_for_raw;
  if (w.source_file) {
    std::string_view file = *w.source_file;
    if (!is_valid_utf8(file))
      file = storage_.emplace_back(to_valid_utf8(file));  // e.g. a Latin-1 file name
    file_for_lines = cut_to_code_points(file, 100);       // walmart_order.source_file VARCHAR(100)
    file_for_raw = cut_to_code_points(file, 255);  // walmart_order_raw.source_file VARCHAR(255)
  }
  // The callers (stream, load) check that an account fits its column before it gets here.
  std::optional<std::string_view> account;
  if (w.origin.account) account = cut_to_code_points(*w.origin.account, 100);

  ids.add_row();
  ids.set_int64(0, o.purchase_order_id);
  order_ids_.push_back(o.purchase_order_id);

  std::string& list = storage_.emplace_back();
  for (const auto& l : o.lines) {
    if (!list.empty()) list += ',';
    fmt::format_to(std::back_inserter(list), "{}", l.line_number);
  }
  line_sets.add_row();
  line_sets.set_int64(0, o.purchase_order_id);
  line_sets.set_text(1, std::string_view(list));

  for (const auto& l : o.lines) {
    lines.add_row();
    size_t c = 0;
    lines.set_int64(c++, l.purchase_order_id);
    lines.set_int64(c++, l.customer_order_id);
    lines.set_text(c++, l.customer_email_id);
    lines.set_int64(c++, l.order_date);
    lines.set_datetime(c++, l.order_date_formatted);
    lines.set_text(c++, l.ship_node_type);
    lines.set_text(c++, l.ship_node_name);
    lines.set_text(c++, l.ship_node_id);
    lines.set_text(c++, file_for_lines);
    lines.set_text(c++, l.phone);
    lines.set_int64(c++, l.estimated_delivery_date);
    lines.set_datetime(c++, l.estimated_delivery_date_formatted);
    lines.set_int64(c++, l.estimated_ship_date);
    lines.set_datetime(c++, l.estimated_ship_date_formatted);
    lines.set_text(c++, l.method_code);
    lines.set_text(c++, l.recipient_name);
    lines.set_text(c++, l.address1);
    lines.set_text(c++, l.address2);
    lines.set_text(c++, l.city);
    lines.set_text(c++, l.state);
    lines.set_text(c++, l.postal_code);
    lines.set_text(c++, l.country);
    lines.set_text(c++, l.address_type);
    lines.set_int32(c++, l.line_number);
    lines.set_text(c++, l.sku);
    lines.set_text(c++, l.product_name);
    lines.set_text(c++, l.product_condition);
    lines.set_int64(c++, l.quantity);
    lines.set_text(c++, l.unit_of_measurement);
    lines.set_int64(c++, l.status_date);
    lines.set_datetime(c++, l.status_date_formatted);
    lines.set_text(c++, l.fulfillment_option);
    lines.set_text(c++, l.ship_method);
    lines.set_text(c++, l.store_id);
    lines.set_text(c++, l.shipping_program_type);
    lines.set_text(c++, l.charge_type);
    lines.set_text(c++, l.charge_name);
    lines.set_cents(c++, l.charge_amount);
    lines.set_text(c++, l.currency);
    lines.set_cents(c++, l.tax_amount);
    lines.set_text(c++, l.tax_name);
    lines.set_text(c++, l.order_line_status);
    lines.set_int64(c++, l.status_quantity);
    lines.set_text(c++, l.cancellation_reason);
    lines.set_int64(c++, l.ship_date_time);
    lines.set_datetime(c++, l.ship_date_time_formatted);
    lines.set_text(c++, l.carrier_name);
    lines.set_text(c++, l.carrier_method_code);
    lines.set_text(c++, l.tracking_number);
    lines.set_text(c++, l.tracking_url);
    lines.set_datetime(c++, l.request_time);
    lines.set_text(c++, account);
  }

  for (const auto& ch : o.charges) {
    charges.add_row();
    charges.set_int64(0, ch.purchase_order_id);
    charges.set_int32(1, ch.line_number);
    charges.set_int32(2, ch.charge_seq);
    charges.set_text(3, ch.charge_type);
    charges.set_text(4, ch.charge_name);
    charges.set_cents(5, ch.charge_amount);
    charges.set_text(6, ch.currency);
    charges.set_text(7, ch.tax_name);
    charges.set_cents(8, ch.tax_amount);
    charges.set_text(9, account);
  }

  raw.add_row();
  raw.set_int64(0, o.purchase_order_id);
  if (archive_ == config::RawArchive::compressed) {
    raw.set_text(7, storage_.emplace_back(mysql_compress(o.raw_json)));
  } else if (archive_ == config::RawArchive::plain) {
    raw.set_text(1, o.raw_json);
  }
  raw.set_datetime(2, o.request_time);
  if (w.origin.topic) raw.set_text(3, std::string_view(*w.origin.topic));
  raw.set_int32(4, w.origin.partition);
  raw.set_int64(5, w.origin.offset);
  raw.set_text(6, file_for_raw);
  raw.set_text(8, account);

  line_begin_.push_back(lines.rows());
  charge_begin_.push_back(charges.rows());
}

}  // namespace etl::mysql

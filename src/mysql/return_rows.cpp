// ReturnWriter::Tables::add and add_letter: the parameter rows of one return (header, lines,
// charges, tracking events, archive) and of one dead letter.
#include <optional>
#include <string>
#include <string_view>

#include "common/mysql_compress.hpp"
#include "common/sha256.hpp"
#include "mysql/return_tables.hpp"
#include "mysql/utf8_text.hpp"

namespace etl::mysql {

namespace {

std::optional<int32_t> as_int32(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<int32_t>(*v);
}
std::optional<int32_t> as_int32(const std::optional<bool>& v) {
  if (!v) return std::nullopt;
  return *v ? 1 : 0;
}
std::optional<std::string_view> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}

}  // namespace

using return_writer_detail::seconds;

void ReturnWriter::Tables::add(const ReturnToWrite& w, config::RawArchive archive) {
  const returns::ParsedReturn& r = w.ret;
  const returns::ReturnHeaderRow& h = r.header;
  const std::optional<std::string_view> account = view(w.origin.account);
  header.add_row();
  size_t c = 0;
  header.set_text(c++, r.return_order_id);
  header.set_int64(c++, h.customer_order_id);
  header.set_text(c++, view(h.customer_email_id));
  header.set_text(c++, view(h.customer_first_name));
  header.set_text(c++, view(h.customer_last_name));
  header.set_text(c++, instant(h.return_order_date));
  header.set_text(c++, instant(h.return_by_date));
  header.set_text(c++, view(h.refund_mode));
  header.set_cents(c++, h.total_refund_amount);
  header.set_text(c++, view(h.total_refund_currency));
  header.set_text(c++, view(h.return_type));
  header.set_text(c++, view(h.replacement_customer_order_id));
  header.set_text(c++, view(h.return_channel));
  header.set_text(c++, view(h.status));
  header.set_int32(c++, static_cast<int32_t>(r.lines.size()));
  header.set_text(c++, instant(h.last_event_at));
  header.set_datetime(c++, seconds(h.request_time));
  header.set_text(c++, account);

  for (const returns::ReturnLineRow& l : r.lines) {
    lines.add_row();
    c = 0;
    lines.set_text(c++, r.return_order_id);
    lines.set_int32(c++, l.return_order_line_number);
    lines.set_int64(c++, h.customer_order_id);
    lines.set_int32(c++, as_int32(l.sales_order_line_number));
    lines.set_int64(c++, l.purchase_order_id);
    lines.set_int32(c++, as_int32(l.purchase_order_line_number));
    lines.set_text(c++, view(l.seller_order_id));
    lines.set_text(c++, view(l.return_reason));
    lines.set_text(c++, view(l.sku));
    lines.set_text(c++, view(l.product_name));
    lines.set_text(c++, view(l.item_condition));
    lines.set_cents(c++, l.item_weight);
    lines.set_text(c++, view(l.item_weight_unit));
    lines.set_cents(c++, l.unit_price);
    lines.set_text(c++, view(l.currency));
    lines.set_cents(c++, l.quantity);
    lines.set_text(c++, view(l.quantity_unit));
    lines.set_int32(c++, as_int32(l.cancellable_qty));
    lines.set_cents(c++, l.refunded_qty);
    lines.set_cents(c++, l.rechargeable_qty);
    lines.set_text(c++, view(l.refund_channel));
    lines.set_text(c++, view(l.status));
    lines.set_text(c++, instant(l.status_time));
    lines.set_text(c++, view(l.current_delivery_status));
    lines.set_text(c++, view(l.current_refund_status));
    lines.set_int32(c++, as_int32(l.return_expected_flag));
    lines.set_int32(c++, as_int32(l.is_keep_it));
    lines.set_int32(c++, as_int32(l.last_item));
    lines.set_int32(c++, as_int32(l.is_return_for_exception));
    lines.set_int32(c++, as_int32(l.is_fast_replacement));
    lines.set_text(c++, view(l.exception_item_type));
    lines.set_text(c++, view(l.recharge_reason));
    lines.set_text(c++, view(l.return_cancellation_reason));
    lines.set_cents(c++, l.line_unit_price);
    lines.set_cents(c++, l.line_product_taxes);
    lines.set_cents(c++, l.line_total_taxes);
    lines.set_cents(c++, l.line_restocking_fee);
    lines.set_cents(c++, l.line_shipping_fee);
    lines.set_cents(c++, l.line_sub_total);
    lines.set_cents(c++, l.line_total);
    lines.set_int64(c++, l.group_no);
    lines.set_text(c++, view(l.carrier_name));
    lines.set_text(c++, view(l.tracking_no));
    lines.set_text(c++, view(l.label_url));
    lines.set_text(c++, account);
  }
  for (const returns::ReturnChargeRow& ch : r.charges) {
    charges.add_row();
    c = 0;
    charges.set_text(c++, r.return_order_id);
    charges.set_int32(c++, ch.return_order_line_number);
    charges.set_int32(c++, ch.charge_seq);
    charges.set_text(c++, view(ch.charge_category));
    charges.set_text(c++, view(ch.charge_name));
    charges.set_cents(c++, ch.charge_per_unit);
    charges.set_text(c++, view(ch.currency));
    charges.set_int32(c++, as_int32(ch.is_discount));
    charges.set_int32(c++, as_int32(ch.is_billable));
    charges.set_cents(c++, ch.tax_per_unit);
    charges.set_cents(c++, ch.excess_tax);
    charges.set_text(c++, view(ch.tax_names));
    charges.set_cents(c++, ch.excess_charge);
    charges.set_text(c++, account);
  }
  for (const returns::ReturnTrackingRow& e : r.tracking) {
    tracking.add_row();
    c = 0;
    tracking.set_text(c++, r.return_order_id);
    tracking.set_int32(c++, e.return_order_line_number);
    tracking.set_int32(c++, e.event_seq);
    tracking.set_int64(c++, e.sequence_no);
    tracking.set_text(c++, view(e.event_tag));
    tracking.set_text(c++, view(e.event_description));
    tracking.set_text(c++, instant(e.event_time));
    tracking.set_text(c++, account);
  }
  raw.add_row();
  c = 0;
  raw.set_text(c++, r.return_order_id);
  raw.set_text(c++, archive == config::RawArchive::plain
                        ? std::optional<std::string_view>(r.raw_json)
                        : std::nullopt);
  raw.set_text(
      c++, archive == config::RawArchive::compressed
               ? std::optional<std::string_view>(storage.emplace_back(mysql_compress(r.raw_json)))
               : std::nullopt);
  raw.set_text(c++, instant(h.last_event_at));
  raw.set_datetime(c++, seconds(h.request_time));
  raw.set_text(c++, view(w.origin.topic));
  raw.set_int32(c++, w.origin.partition);
  raw.set_int64(c++, w.origin.offset);
  if (w.source_file) {
    const std::string& f = *w.source_file;
    raw.set_text(c++, cut_to_code_points(f, 255));
  } else {
    raw.set_text(c++, std::nullopt);
  }
  raw.set_text(c++, account);
}

void ReturnWriter::Tables::add_letter(const ReturnDeadLetter& d) {
  letters.add_row();
  size_t c = 0;
  letters.set_text(c++, cut_to_code_points(d.origin.source, 255));
  letters.set_int32(c++, d.origin.record_index);
  letters.set_text(c++, view(d.origin.topic));
  letters.set_int32(c++, d.origin.partition);
  letters.set_int64(c++, d.origin.offset);
  if (d.origin.key) {
    letters.set_text(c++, std::string_view(*d.origin.key).substr(0, 1024));
  } else {
    letters.set_text(c++, std::nullopt);
  }
  letters.set_text(c++, view(d.return_order_id));
  letters.set_text(c++, d.payload);
  letters.set_text(c++, d.error_class);
  letters.set_int32(c++, d.error_code);
  letters.set_text(c++, d.message);
  letters.set_text(c++, storage.emplace_back(sha256_hex(d.payload)));
  letters.set_text(c++, view(d.origin.account));
}

}  // namespace etl::mysql

#include "mysql/return_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <deque>
#include <map>
#include <set>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/mysql_compress.hpp"
#include "common/sha256.hpp"
#include "common/stop_signal.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/param_table.hpp"
#include "mysql/prepared_statement.hpp"
#include "mysql/table_statement.hpp"
#include "mysql/utf8_text.hpp"
#include "returns/return_values.hpp"

namespace etl::mysql {

namespace {

using P = ParamType;

// Bounds one statement's parameter bytes (the server's max_allowed_packet is at least 4 MiB on
// every supported version; a single bigger row is still sent alone).
constexpr size_t kStatementBytes = 2u << 20;

// "(?, ?, ?)"
std::string placeholders(size_t n) {
  std::string tuple = "(";
  for (size_t i = 0; i < n; ++i) tuple += i == 0 ? "?" : ", ?";
  return tuple + ")";
}

// INSERT of `params` bound columns, then load_time (the session is UTC).
StatementShape insert_shape(std::string_view table, std::string_view columns, size_t params) {
  std::string tuple = placeholders(params);
  tuple.insert(tuple.size() - 1, ", UTC_TIMESTAMP()");
  return {fmt::format("INSERT INTO {} ({}, load_time) VALUES ", table, columns), tuple, ", ", ""};
}

StatementShape delete_shape(std::string_view table, std::string_view extra = "") {
  return {fmt::format("DELETE FROM {} WHERE {}returnOrderId IN (", table, extra), "?", ", ", ")"};
}

constexpr std::string_view kHeaderColumns =
    "returnOrderId, customerOrderId, customerEmailId, customer_first_name, customer_last_name, "
    "returnOrderDate, returnByDate, refundMode, totalRefundAmount, currency, returnType, "
    "replacementCustomerOrderId, returnChannel, status, line_count, last_event_at, request_time, "
    "account";
constexpr size_t kHeaderParams = 18;
const std::vector<ParamType> kHeaderTypes{
    P::text, P::int64, P::text, P::text, P::text, P::text,  P::text, P::text,     P::cents,
    P::text, P::text,  P::text, P::text, P::text, P::int32, P::text, P::datetime, P::text};

constexpr std::string_view kLineColumns =
    "returnOrderId, returnOrderLineNumber, customerOrderId, salesOrderLineNumber, "
    "purchaseOrderId, purchaseOrderLineNumber, sellerOrderId, returnReason, sku, productName, "
    "item_condition, itemWeight, itemWeightUnit, unitPrice, currency, quantity, quantityUnit, "
    "cancellableQty, refundedQty, rechargeableQty, refundChannel, status, statusTime, "
    "currentDeliveryStatus, currentRefundStatus, returnExpectedFlag, isKeepIt, lastItem, "
    "isReturnForException, isFastReplacement, exceptionItemType, rechargeReason, "
    "returnCancellationReason, lineUnitPrice, lineProductTaxes, lineTotalTaxes, "
    "lineRestockingFee, lineShippingFee, lineSubTotal, lineTotal, groupNo, carrierName, "
    "trackingNo, labelImageURL, account";
const std::vector<ParamType> kLineTypes{
    P::text,  P::int32, P::int64, P::int32, P::int64, P::int32, P::text,  P::text,  P::text,
    P::text,  P::text,  P::cents, P::text,  P::cents, P::text,  P::cents, P::text,  P::int32,
    P::cents, P::cents, P::text,  P::text,  P::text,  P::text,  P::text,  P::int32, P::int32,
    P::int32, P::int32, P::int32, P::text,  P::text,  P::text,  P::cents, P::cents, P::cents,
    P::cents, P::cents, P::cents, P::cents, P::int64, P::text,  P::text,  P::text,  P::text};

constexpr std::string_view kChargeColumns =
    "returnOrderId, returnOrderLineNumber, chargeSeq, chargeCategory, chargeName, chargePerUnit, "
    "currency, isDiscount, isBillable, taxPerUnit, excessTax, taxNames, excessCharge, account";
const std::vector<ParamType> kChargeTypes{P::text,  P::int32, P::int32, P::text,  P::text,
                                          P::cents, P::text,  P::int32, P::int32, P::cents,
                                          P::cents, P::text,  P::cents, P::text};

constexpr std::string_view kTrackingColumns =
    "returnOrderId, returnOrderLineNumber, eventSeq, sequenceNo, eventTag, eventDescription, "
    "eventTime, account";
const std::vector<ParamType> kTrackingTypes{P::text, P::int32, P::int32, P::int64,
                                            P::text, P::text,  P::text,  P::text};

constexpr std::string_view kRawColumns =
    "returnOrderId, payload, payload_zlib, last_event_at, request_time, source_topic, "
    "source_partition, source_offset, source_file, account";
const std::vector<ParamType> kRawTypes{P::text, P::text,  P::text,  P::text, P::datetime,
                                       P::text, P::int32, P::int64, P::text, P::text};

constexpr std::string_view kDeadLetterColumns =
    "source, record_index, source_topic, source_partition, source_offset, message_key, "
    "returnOrderId, payload, error_class, error_code, error_message, record_sha256, account";
const std::vector<ParamType> kDeadLetterTypes{P::text, P::int32, P::text, P::int32, P::int64,
                                              P::text, P::text,  P::text, P::text,  P::int32,
                                              P::text, P::text,  P::text};

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
std::optional<int64_t> seconds(const std::optional<int64_t>& ms) {
  if (!ms) return std::nullopt;
  return *ms >= 0 ? *ms / 1000 : -((-*ms + 999) / 1000);
}

// A return's version: (last_event_at ms, request_time s); missing parts sort first.
using Version = std::pair<int64_t, int64_t>;
Version version_of(const returns::ReturnHeaderRow& h) {
  return {h.last_event_at.value_or(INT64_MIN), seconds(h.request_time).value_or(INT64_MIN)};
}

struct Stored {
  std::optional<std::string> account;
  Version version{INT64_MIN, INT64_MIN};
  bool bare = true;  // a claim row only: the id was stored nowhere before this transaction
};

std::string describe_account(const std::optional<std::string>& a) {
  return a ? "'" + *a + "'" : std::string("(none)");
}

}  // namespace

struct ReturnWriter::Tables {
  TableStatement claim{
      {"INSERT INTO walmart_return_raw (returnOrderId, load_time) VALUES ", "(?, NULL)", ", ",
       " ON DUPLICATE KEY UPDATE returnOrderId = returnOrderId"},
      1};
  TableStatement delete_header{delete_shape("walmart_return"), 1};
  TableStatement delete_lines{delete_shape("walmart_return_line"), 1};
  TableStatement delete_charges{delete_shape("walmart_return_charge"), 1};
  TableStatement delete_tracking{delete_shape("walmart_return_tracking"), 1};
  TableStatement delete_raw{delete_shape("walmart_return_raw"), 1};
  TableStatement delete_bare{delete_shape("walmart_return_raw", "load_time IS NULL AND "), 1};
  TableStatement insert_header{insert_shape("walmart_return", kHeaderColumns, kHeaderParams),
                               kHeaderParams};
  TableStatement insert_lines{insert_shape("walmart_return_line", kLineColumns, kLineTypes.size()),
                              kLineTypes.size()};
  TableStatement insert_charges{
      insert_shape("walmart_return_charge", kChargeColumns, kChargeTypes.size()),
      kChargeTypes.size()};
  TableStatement insert_tracking{
      insert_shape("walmart_return_tracking", kTrackingColumns, kTrackingTypes.size()),
      kTrackingTypes.size()};
  TableStatement insert_raw{insert_shape("walmart_return_raw", kRawColumns, kRawTypes.size()),
                            kRawTypes.size()};
  // A replayed dead letter (same source, index and payload) stays one row.
  TableStatement insert_dead_letters{
      {fmt::format("INSERT INTO walmart_return_dead_letter ({}) VALUES ", kDeadLetterColumns),
       placeholders(kDeadLetterTypes.size()), ", ", " ON DUPLICATE KEY UPDATE id = id"},
      kDeadLetterTypes.size()};

  ParamTable ids{{P::text}};
  ParamTable header{kHeaderTypes};
  ParamTable lines{kLineTypes};
  ParamTable charges{kChargeTypes};
  ParamTable tracking{kTrackingTypes};
  ParamTable raw{kRawTypes};
  ParamTable letters{kDeadLetterTypes};
  std::deque<std::string> storage;  // text the parameters view (formatted dates, compressed JSON)

  std::optional<std::string_view> instant(const std::optional<int64_t>& ms) {
    if (!ms) return std::nullopt;
    char buf[23];
    if (!returns::format_datetime_ms(*ms, buf)) return std::nullopt;
    return storage.emplace_back(buf, sizeof buf);
  }

  void run(Connection& c, TableStatement& s, ParamTable& p) {
    if (p.rows() != 0) s.execute(c, WritePath::portable, p, 0, p.rows(), kStatementBytes);
  }

  void ids_of(const ReturnBatch& b, const std::vector<size_t>& which) {
    ids.clear();
    for (size_t i : which) {
      ids.add_row();
      ids.set_text(0, b.returns[i].ret.return_order_id);
    }
  }

  void add(const ReturnToWrite& w, config::RawArchive archive) {
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

  void add_letter(const ReturnDeadLetter& d) {
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

  void clear() {
    for (ParamTable* p : {&ids, &header, &lines, &charges, &tracking, &raw, &letters}) p->clear();
    storage.clear();
  }
  void reset() {
    for (TableStatement* s :
         {&claim, &delete_header, &delete_lines, &delete_charges, &delete_tracking, &delete_raw,
          &delete_bare, &insert_header, &insert_lines, &insert_charges, &insert_tracking,
          &insert_raw, &insert_dead_letters}) {
      s->reset();
    }
  }
};

ReturnWriter::ReturnWriter(config::MysqlConfig cfg, ReturnWriterOptions options)
    : cfg_(std::move(cfg)), options_(std::move(options)), tables_(std::make_unique<Tables>()) {
  connect();
}

ReturnWriter::~ReturnWriter() {
  tables_->reset();
  conn_.reset();
}

Connection& ReturnWriter::connection() {
  if (!conn_) connect();
  return *conn_;
}

void ReturnWriter::connect() {
  tables_->reset();
  conn_.reset();
  Connection c = Connection::open(cfg_);
  // READ COMMITTED as the order writer: deletes of rows not there take no gap locks.
  c.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  conn_.emplace(std::move(c));
}

ReturnWriteResult ReturnWriter::write(const ReturnBatch& batch) {
  // Ascending ids: every writer locks the claim rows in one order (no deadlock between two).
  std::vector<size_t> order(batch.returns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return batch.returns[a].ret.return_order_id < batch.returns[b].ret.return_order_id;
  });
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (int attempt_no = 0;; ++attempt_no) {
    try {
      if (!conn_) connect();
      ReturnWriteResult r = attempt(batch, order, attempt_no);
      r.retries = static_cast<unsigned>(attempt_no);
      return r;
    } catch (const EtlError& e) {
      const Error& err = e.error();
      if (err.code > 0 && is_connection_error(static_cast<unsigned>(err.code))) {
        tables_->reset();
        conn_.reset();
      } else if (conn_) {
        conn_->rollback();
      }
      if (err.cls != ErrorClass::retriable) throw;
      if (attempt_no >= options_.max_retries) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       fmt::format("MySQL write of returns failed after {} attempt(s), nothing of "
                                   "the batch committed: {}",
                                   attempt_no + 1, err.message));
      }
      const auto delay = backoff.next();
      spdlog::warn("mysql: returns batch write attempt {} of {} failed ({}); retrying in {} ms",
                   attempt_no + 1, options_.max_retries + 1, e.what(), delay.count());
      if (wait_for_stop(delay)) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       "stop requested while waiting to retry a failed MySQL write of returns: " +
                           err.message);
      }
    }
  }
}

ReturnWriteResult ReturnWriter::attempt(const ReturnBatch& batch, const std::vector<size_t>& sorted,
                                        int attempt_no) {
  Connection& c = *conn_;
  Tables& t = *tables_;
  t.clear();
  ReturnWriteResult result;
  c.begin();
  result.fenced = advance_offsets(c, batch.offsets);
  if (!result.fenced.empty()) return result;  // rolled back by advance_offsets
  result.offsets = batch.offsets.size();

  // 1. Claim every id (a bare row when new: it takes the lock), then read what is stored.
  std::vector<size_t> distinct;
  for (size_t i : sorted) {
    if (distinct.empty() ||
        batch.returns[distinct.back()].ret.return_order_id != batch.returns[i].ret.return_order_id)
      distinct.push_back(i);
  }
  std::map<std::string, Stored, std::less<>> stored;
  if (!distinct.empty()) {
    t.ids_of(batch, distinct);
    t.run(c, t.claim, t.ids);
    std::string in;
    for (size_t i : distinct) {
      if (!in.empty()) in += ", ";
      in += c.quote(batch.returns[i].ret.return_order_id);
    }
    for (const Row& row : c.query("SELECT returnOrderId, account, last_event_at, request_time, "
                                  "load_time IS NULL FROM walmart_return_raw WHERE returnOrderId "
                                  "IN (" +
                                  in + ")")) {
      Stored s;
      s.account = row.at(1);
      s.bare = row.at(4) && *row.at(4) == "1";
      const auto last = row.at(2) ? returns::instant_ms_from_text(*row.at(2)) : std::nullopt;
      const auto req = row.at(3) ? returns::instant_ms_from_text(*row.at(3)) : std::nullopt;
      s.version = {last.value_or(INT64_MIN), req ? *req / 1000 : INT64_MIN};
      stored[row.at(0).value_or("")] = std::move(s);
    }
  }

  // 2. Decide, in batch order: the owner of an id is its stored account, else the account of its
  //    first occurrence in the batch; the newest version of the owner's wins.
  std::vector<const ReturnDeadLetter*> letters;
  std::deque<ReturnDeadLetter> own_letters;
  std::map<std::string_view, std::optional<std::string>> owner;
  std::map<std::string_view, size_t> best;
  size_t candidates = 0;
  for (size_t i = 0; i < batch.returns.size(); ++i) {
    const ReturnToWrite& w = batch.returns[i];
    const std::string& id = w.ret.return_order_id;
    auto o = owner.find(id);
    if (o == owner.end()) {
      const auto s = stored.find(id);
      const bool claimed = s != stored.end() && !s->second.bare && s->second.account;
      o = owner.emplace(id, claimed ? s->second.account : w.origin.account).first;
    }
    if (o->second != w.origin.account) {
      ReturnDeadLetter& d = own_letters.emplace_back();
      d.origin = w.origin;
      d.return_order_id = id;
      d.payload = w.ret.raw_json;
      d.message = fmt::format(
          "return {} belongs to account {}; this record is for account {}: not written (one "
          "returnOrderId names one seller's return)",
          id, describe_account(o->second), describe_account(w.origin.account));
      letters.push_back(&d);
      ++result.conflicts;
      continue;
    }
    ++candidates;
    auto [it, fresh] = best.emplace(id, i);
    if (!fresh && version_of(w.ret.header) >= version_of(batch.returns[it->second].ret.header)) {
      it->second = i;
    }
  }
  result.superseded = candidates - best.size();
  std::vector<size_t> chosen;  // ascending ids
  for (const auto& [id, i] : best) {
    const auto s = stored.find(id);
    if (s != stored.end() && !s->second.bare &&
        s->second.version > version_of(batch.returns[i].ret.header)) {
      ++result.stale;
      continue;
    }
    chosen.push_back(i);
  }

  // 3. Write: all at once; if the server refuses a value, again one return at a time.
  auto write_set = [&](const std::vector<size_t>& set) {
    t.clear();
    std::vector<size_t> known;
    for (size_t i : set) {
      const auto s = stored.find(batch.returns[i].ret.return_order_id);
      if (s != stored.end() && !s->second.bare) known.push_back(i);
    }
    if (!known.empty()) {
      t.ids_of(batch, known);
      for (TableStatement* s :
           {&t.delete_tracking, &t.delete_charges, &t.delete_lines, &t.delete_header}) {
        t.run(c, *s, t.ids);
      }
    }
    t.ids_of(batch, set);
    t.run(c, t.delete_raw, t.ids);
    for (size_t i : set) t.add(batch.returns[i], options_.raw_archive);
    t.run(c, t.insert_raw, t.raw);
    t.run(c, t.insert_header, t.header);
    t.run(c, t.insert_lines, t.lines);
    t.run(c, t.insert_charges, t.charges);
    t.run(c, t.insert_tracking, t.tracking);
  };
  std::vector<size_t> written = chosen;
  c.execute("SAVEPOINT etl_returns");
  try {
    write_set(chosen);
  } catch (const StatementError& e) {
    if (e.error().cls != ErrorClass::bad_record) throw;
    // Undo the statements of the set that did run (a failed statement undoes only itself).
    c.execute("ROLLBACK TO SAVEPOINT etl_returns");
    spdlog::info(
        "mysql: the server refused a returns row ({}); writing the batch's returns one "
        "at a time",
        e.what());
    written.clear();
    for (size_t i : chosen) {
      c.execute("SAVEPOINT etl_return");
      try {
        write_set({i});
        written.push_back(i);
      } catch (const StatementError& se) {
        if (se.error().cls != ErrorClass::bad_record) throw;
        c.execute("ROLLBACK TO SAVEPOINT etl_return");
        const ReturnToWrite& w = batch.returns[i];
        ReturnDeadLetter& d = own_letters.emplace_back();
        d.origin = w.origin;
        d.return_order_id = w.ret.return_order_id;
        d.payload = w.ret.raw_json;
        d.error_class = std::string(to_string(ErrorClass::bad_record));
        d.error_code = se.error().code;
        d.message = "the server refused the return: " + se.server_message();
        letters.push_back(&d);
        ++result.refused;
      }
    }
  }
  for (size_t i : written) {
    const returns::ParsedReturn& r = batch.returns[i].ret;
    ++result.returns;
    result.lines += r.lines.size();
    result.charges += r.charges.size();
    result.events += r.tracking.size();
  }

  // 4. Claims of ids nothing was written for; then the dead letters.
  t.clear();
  if (written.size() != distinct.size()) {
    t.ids_of(batch, distinct);
    t.run(c, t.delete_bare, t.ids);
  }
  for (const ReturnDeadLetter& d : batch.dead_letters) letters.push_back(&d);
  t.clear();
  for (const ReturnDeadLetter* d : letters) t.add_letter(*d);
  t.run(c, t.insert_dead_letters, t.letters);
  result.dead_letters = letters.size();

  if (options_.before_commit) options_.before_commit(attempt_no);
  c.commit();
  return result;
}

}  // namespace etl::mysql

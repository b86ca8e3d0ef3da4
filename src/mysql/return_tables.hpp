#pragma once
// What the returns writer's source files share (return_writer.cpp: connection and retries;
// return_attempt.cpp: one transaction; return_statements.cpp: the statement shapes and parameter
// types of the returns tables; return_rows.cpp: the parameter rows of a return and of a dead
// letter). Not part of the writer's interface.

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/param_table.hpp"
#include "mysql/return_writer.hpp"
#include "mysql/table_statement.hpp"
#include "returns/return_values.hpp"

namespace etl::mysql {

namespace return_writer_detail {

using P = ParamType;

// Bounds one statement's parameter bytes (the server's max_allowed_packet is at least 4 MiB on
// every supported version; a single bigger row is still sent alone).
inline constexpr size_t kStatementBytes = 2u << 20;

// "(?, ?, ?)"
std::string placeholders(size_t n);

// INSERT of `params` bound columns, then load_time (the session is UTC).
StatementShape insert_shape(std::string_view table, std::string_view columns, size_t params);

StatementShape delete_shape(std::string_view table, std::string_view extra = "");

inline constexpr std::string_view kHeaderColumns =
    "returnOrderId, customerOrderId, customerEmailId, customer_first_name, customer_last_name, "
    "returnOrderDate, returnByDate, refundMode, totalRefundAmount, currency, returnType, "
    "replacementCustomerOrderId, returnChannel, status, line_count, last_event_at, request_time, "
    "account";
inline constexpr size_t kHeaderParams = 18;
extern const std::vector<ParamType> kHeaderTypes;

inline constexpr std::string_view kLineColumns =
    "returnOrderId, returnOrderLineNumber, customerOrderId, salesOrderLineNumber, "
    "purchaseOrderId, purchaseOrderLineNumber, sellerOrderId, returnReason, sku, productName, "
    "item_condition, itemWeight, itemWeightUnit, unitPrice, currency, quantity, quantityUnit, "
    "cancellableQty, refundedQty, rechargeableQty, refundChannel, status, statusTime, "
    "currentDeliveryStatus, currentRefundStatus, returnExpectedFlag, isKeepIt, lastItem, "
    "isReturnForException, isFastReplacement, exceptionItemType, rechargeReason, "
    "returnCancellationReason, lineUnitPrice, lineProductTaxes, lineTotalTaxes, "
    "lineRestockingFee, lineShippingFee, lineSubTotal, lineTotal, groupNo, carrierName, "
    "trackingNo, labelImageURL, account";
extern const std::vector<ParamType> kLineTypes;

inline constexpr std::string_view kChargeColumns =
    "returnOrderId, returnOrderLineNumber, chargeSeq, chargeCategory, chargeName, chargePerUnit, "
    "currency, isDiscount, isBillable, taxPerUnit, excessTax, taxNames, excessCharge, account";
extern const std::vector<ParamType> kChargeTypes;

inline constexpr std::string_view kTrackingColumns =
    "returnOrderId, returnOrderLineNumber, eventSeq, sequenceNo, eventTag, eventDescription, "
    "eventTime, account";
extern const std::vector<ParamType> kTrackingTypes;

inline constexpr std::string_view kRawColumns =
    "returnOrderId, payload, payload_zlib, last_event_at, request_time, source_topic, "
    "source_partition, source_offset, source_file, account";
extern const std::vector<ParamType> kRawTypes;

inline constexpr std::string_view kDeadLetterColumns =
    "source, record_index, source_topic, source_partition, source_offset, message_key, "
    "returnOrderId, payload, error_class, error_code, error_message, record_sha256, account";
extern const std::vector<ParamType> kDeadLetterTypes;

// Epoch milliseconds to seconds, rounded down.
inline std::optional<int64_t> seconds(const std::optional<int64_t>& ms) {
  if (!ms) return std::nullopt;
  return *ms >= 0 ? *ms / 1000 : -((-*ms + 999) / 1000);
}

}  // namespace return_writer_detail

struct ReturnWriter::Tables {
  TableStatement claim{
      {"INSERT INTO walmart_return_raw (returnOrderId, load_time) VALUES ", "(?, NULL)", ", ",
       " ON DUPLICATE KEY UPDATE returnOrderId = returnOrderId"},
      1};
  TableStatement delete_header{return_writer_detail::delete_shape("walmart_return"), 1};
  TableStatement delete_lines{return_writer_detail::delete_shape("walmart_return_line"), 1};
  TableStatement delete_charges{return_writer_detail::delete_shape("walmart_return_charge"), 1};
  TableStatement delete_tracking{return_writer_detail::delete_shape("walmart_return_tracking"), 1};
  TableStatement delete_raw{return_writer_detail::delete_shape("walmart_return_raw"), 1};
  TableStatement delete_bare{
      return_writer_detail::delete_shape("walmart_return_raw", "load_time IS NULL AND "), 1};
  TableStatement insert_header{
      return_writer_detail::insert_shape("walmart_return", return_writer_detail::kHeaderColumns,
                                         return_writer_detail::kHeaderParams),
      return_writer_detail::kHeaderParams};
  TableStatement insert_lines{
      return_writer_detail::insert_shape("walmart_return_line", return_writer_detail::kLineColumns,
                                         return_writer_detail::kLineTypes.size()),
      return_writer_detail::kLineTypes.size()};
  TableStatement insert_charges{return_writer_detail::insert_shape(
                                    "walmart_return_charge", return_writer_detail::kChargeColumns,
                                    return_writer_detail::kChargeTypes.size()),
                                return_writer_detail::kChargeTypes.size()};
  TableStatement insert_tracking{
      return_writer_detail::insert_shape("walmart_return_tracking",
                                         return_writer_detail::kTrackingColumns,
                                         return_writer_detail::kTrackingTypes.size()),
      return_writer_detail::kTrackingTypes.size()};
  TableStatement insert_raw{
      return_writer_detail::insert_shape("walmart_return_raw", return_writer_detail::kRawColumns,
                                         return_writer_detail::kRawTypes.size()),
      return_writer_detail::kRawTypes.size()};
  // A replayed dead letter (same source, index and payload) stays one row.
  TableStatement insert_dead_letters{
      {fmt::format("INSERT INTO walmart_return_dead_letter ({}) VALUES ",
                   return_writer_detail::kDeadLetterColumns),
       return_writer_detail::placeholders(return_writer_detail::kDeadLetterTypes.size()), ", ",
       " ON DUPLICATE KEY UPDATE id = id"},
      return_writer_detail::kDeadLetterTypes.size()};

  ParamTable ids{{ParamType::text}};
  ParamTable header{return_writer_detail::kHeaderTypes};
  ParamTable lines{return_writer_detail::kLineTypes};
  ParamTable charges{return_writer_detail::kChargeTypes};
  ParamTable tracking{return_writer_detail::kTrackingTypes};
  ParamTable raw{return_writer_detail::kRawTypes};
  ParamTable letters{return_writer_detail::kDeadLetterTypes};
  std::deque<std::string> storage;  // text the parameters view (formatted dates, compressed JSON)

  std::optional<std::string_view> instant(const std::optional<int64_t>& ms) {
    if (!ms) return std::nullopt;
    char buf[23];
    if (!returns::format_datetime_ms(*ms, buf)) return std::nullopt;
    return storage.emplace_back(buf, sizeof buf);
  }

  void run(Connection& c, TableStatement& s, ParamTable& p) {
    if (p.rows() != 0)
      s.execute(c, WritePath::portable, p, 0, p.rows(), return_writer_detail::kStatementBytes);
  }

  void ids_of(const ReturnBatch& b, const std::vector<size_t>& which) {
    ids.clear();
    for (size_t i : which) {
      ids.add_row();
      ids.set_text(0, b.returns[i].ret.return_order_id);
    }
  }

  void add(const ReturnToWrite& w, config::RawArchive archive);  // return_rows.cpp
  void add_letter(const ReturnDeadLetter& d);                    // return_rows.cpp

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

}  // namespace etl::mysql

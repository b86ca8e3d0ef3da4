#pragma once
// One reconciliation (settlement) report, V1 layout, read from its CSV text: the file's facts
// (period, Total Payable, currency, declared line count) and its detail rows, typed, with every
// column this code does not know kept by name. Pure: no I/O, never throws for its input.
//
// The layout (docs/data-model.md, "Reconciliation report"):
//   1. the header row: column names; columns are found by name (trimmed, any letter case), never
//      by position, and the set grows over time;
//   2. "Number of Lines in file N" alone in the first cell;
//   3. the PaymentSummary row (Transaction Type "PaymentSummary"): period, Total Payable,
//      Currency, payout date and description;
//   4. detail rows, one per amount type of a transaction ("Transaction Key" repeats across them:
//      it is not a key). A row is identified by its position among the detail rows.
// Rows 2 and 3 are recognised wherever they stand after the header. Checks: the core columns
// exist; every typed value parses; exactly one PaymentSummary row; N is a plausible count of the
// file's rows; the detail rows' Amount sums exactly to Total Payable.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::recon {

// Why a report cannot be written. Each names the check that failed; the message says where.
enum class ReconProblem {
  unreadable,           // not a zip or CSV this code can read (bad zip, bad CSV quoting, not UTF-8)
  too_large,            // the CSV exceeds the configured bound
  missing_column,       // a core column is not in the header (or a header name repeats)
  bad_value,            // a typed column holds text that is not its type
  bad_layout,           // no header, no/several PaymentSummary rows, no detail row
  line_count_mismatch,  // "Number of Lines in file N" matches no reading of the file's rows
  sum_mismatch,         // the detail rows' Amount does not sum to Total Payable
};
std::string_view to_string(ReconProblem p) noexcept;

struct ReconIssue {
  ReconProblem problem = ReconProblem::unreadable;
  std::string message;  // with the CSV line, the column and the value where there is one
  // sum_mismatch: the two figures, in cents.
  std::optional<int64_t> detail_sum_cents;
  std::optional<int64_t> total_payable_cents;
};

// Money is in cents, Commission Rate in thousandths of a percent (DECIMAL(7,3)); an empty cell
// is nullopt / empty string. Dates are ISO text ("2026-12-04", "2026-12-04 00:00:00").
struct ReconRow {
  uint32_t row_number = 0;                  // 1-based position among the detail rows, in file order
  size_t csv_line = 0;                      // physical line in the CSV, for messages
  std::optional<std::string> period_start;  // set on seller-level rows (a billing period)
  std::optional<std::string> period_end;
  std::string transaction_key;
  std::optional<std::string> posted_at;
  std::string transaction_type;
  std::string transaction_description;
  std::optional<int64_t> customer_order_id;
  std::optional<int64_t> customer_order_line;  // salesOrderLineNumber in the returns API
  std::optional<int64_t> purchase_order_id;
  std::optional<int64_t> purchase_order_line;
  int64_t amount_cents = 0;
  std::string amount_type;
  std::optional<int64_t> ship_qty;
  std::optional<int64_t> commission_rate_milli;
  std::string partner_item_id;  // the seller's SKU
  // Every other column with a non-empty value, as a JSON object {"header": "value", ...} in
  // header order ("{}" when none).
  std::string other_columns_json;
};

struct ReconSummary {
  std::string period_start;  // "YYYY-MM-DD"
  std::string period_end;
  int64_t total_payable_cents = 0;
  std::string currency;
  std::optional<std::string> payout_at;   // the summary's Transaction Posted Timestamp
  std::string payout_description;         // e.g. "Deposited in <processor> account"
  std::optional<int64_t> declared_lines;  // N of "Number of Lines in file N", when present
};

struct ReconReport {
  std::vector<std::string> header;
  ReconSummary summary;
  std::vector<ReconRow> rows;
  int64_t detail_sum_cents = 0;
};

struct ReconParseResult {
  std::optional<ReconReport> report;  // set when every check passed
  std::optional<ReconIssue> issue;    // set otherwise
  // What could be read before the failure (figures for a dead letter): set when the summary row
  // was read, even if a later check failed.
  std::optional<ReconSummary> summary;
};

ReconParseResult parse_recon_csv(std::string_view csv);

}  // namespace etl::recon

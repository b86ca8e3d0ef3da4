// Why one file of this size: it is one parser (class Parser below) whose steps - the header's
// columns, the line-count and PaymentSummary rows, the typed detail rows, the final count and sum
// checks - share its state; split apart they would pass that state around.

#include "recon/recon_report.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <array>
#include <cctype>

#include "recon/csv_reader.hpp"
#include "recon/decimal_text.hpp"
#include "recon/report_dates.hpp"

namespace etl::recon {

std::string_view to_string(ReconProblem p) noexcept {
  switch (p) {
    case ReconProblem::unreadable:
      return "unreadable";
    case ReconProblem::too_large:
      return "too_large";
    case ReconProblem::missing_column:
      return "missing_column";
    case ReconProblem::bad_value:
      return "bad_value";
    case ReconProblem::bad_layout:
      return "bad_layout";
    case ReconProblem::line_count_mismatch:
      return "line_count_mismatch";
    case ReconProblem::sum_mismatch:
      return "sum_mismatch";
  }
  return "unknown";
}

namespace {

// The core columns, by Walmart's spelling; every one must be in the header.
enum Col : size_t {
  kPeriodStart,
  kPeriodEnd,
  kTotalPayable,
  kCurrency,
  kTransactionKey,
  kPosted,
  kTransactionType,
  kTransactionDescription,
  kCustomerOrder,
  kCustomerOrderLine,
  kPurchaseOrder,
  kPurchaseOrderLine,
  kAmount,
  kAmountType,
  kShipQty,
  kCommissionRate,
  kPartnerItemId,
  kCoreCount
};
constexpr std::array<std::string_view, kCoreCount> kCoreNames = {"Period Start Date",
                                                                 "Period End Date",
                                                                 "Total Payable",
                                                                 "Currency",
                                                                 "Transaction Key",
                                                                 "Transaction Posted Timestamp",
                                                                 "Transaction Type",
                                                                 "Transaction Description",
                                                                 "Customer Order #",
                                                                 "Customer Order line #",
                                                                 "Purchase Order #",
                                                                 "Purchase Order line #",
                                                                 "Amount",
                                                                 "Amount Type",
                                                                 "Ship Qty",
                                                                 "Commission Rate",
                                                                 "Partner Item Id"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Header names compare trimmed and ignoring ASCII letter case.
std::string fold(std::string_view s) {
  std::string out(trim(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "PaymentSummary", also spelled with a space.
bool is_payment_summary(std::string_view type) {
  std::string f;
  for (char c : fold(type)) {
    if (c != ' ') f += c;
  }
  return f == "paymentsummary";
}

// "Number of Lines in file N" (optionally "N" after a colon); nullopt when the cell is not that.
std::optional<std::optional<int64_t>> line_count_cell(std::string_view cell) {
  const std::string f = fold(cell);
  constexpr std::string_view kPrefix = "number of lines in file";
  if (f.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string_view rest = trim(std::string_view(f).substr(kPrefix.size()));
  if (!rest.empty() && rest.front() == ':') rest = trim(rest.substr(1));
  return std::optional<int64_t>(parse_whole_number(rest));
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

class Parser {
 public:
  explicit Parser(std::string_view csv) : reader_(csv) {}

  ReconParseResult run() {
    ReconParseResult result;
    if (!read_header() || !read_rows() || !check_counts()) {
      result.issue = std::move(issue_);
      result.summary = summary_;
      return result;
    }
    result.summary = summary_;
    report_.summary = *summary_;
    result.report = std::move(report_);
    return result;
  }

 private:
  bool fail(ReconProblem p, std::string message) {
    issue_ = ReconIssue{p, std::move(message), std::nullopt, std::nullopt};
    return false;
  }
  bool csv_failed() {
    return fail(ReconProblem::unreadable, reader_.error().value_or("CSV: no text"));
  }

  static bool blank(const std::vector<std::string>& cells) {
    for (const auto& c : cells) {
      if (!trim(c).empty()) return false;
    }
    return true;
  }

  bool read_header() {
    std::vector<std::string> cells;
    do {
      if (!reader_.next(cells)) {
        if (reader_.error()) return csv_failed();
        return fail(ReconProblem::bad_layout, "the report is empty (no header row)");
      }
    } while (blank(cells));
    report_.header = cells;
    core_.fill(kNone);
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string name = fold(cells[i]);
      if (name.empty()) continue;
      for (size_t j = 0; j < i; ++j) {
        if (fold(cells[j]) == name) {
          return fail(ReconProblem::missing_column,
                      fmt::format("the header names column \"{}\" twice (columns {} and {}): "
                                  "which one holds the values is ambiguous",
                                  trim(cells[i]), j + 1, i + 1));
        }
      }
      for (size_t c = 0; c < kCoreCount; ++c) {
        if (name == fold(kCoreNames[c])) core_[c] = i;
      }
    }
    std::string missing;
    for (size_t c = 0; c < kCoreCount; ++c) {
      if (core_[c] == kNone)
        missing += (missing.empty() ? "\"" : ", \"") + std::string(kCoreNames[c]) + "\"";
    }
    if (!missing.empty()) {
      return fail(ReconProblem::missing_column,
                  fmt::format("the header (CSV line {}) lacks the column(s) {}: not a V1 "
                              "reconciliation report, or its layout changed",
                              reader_.line(), missing));
    }
    return true;
  }

  [[nodiscard]] std::string_view cell(const std::vector<std::string>& cells, size_t col) const {
    const size_t i = core_[col];
    return i < cells.size() ? trim(cells[i]) : std::string_view{};
  }

  bool bad_value(size_t col, std::string_view value, std::string_view why) {
    return fail(ReconProblem::bad_value, fmt::format("CSV line {}, column \"{}\": \"{}\" is {}",
                                                     reader_.line(), kCoreNames[col], value, why));
  }

  bool day(const std::vector<std::string>& cells, size_t col, std::optional<std::string>& out) {
    const std::string_view v = cell(cells, col);
    if (v.empty()) return true;
    out = parse_report_day(v);
    return out ? true : bad_value(col, v, "not a date (MM/DD/YYYY or YYYY-MM-DD)");
  }

  bool timestamp(const std::vector<std::string>& cells, size_t col,
                 std::optional<std::string>& out) {
    const std::string_view v = cell(cells, col);
    if (v.empty()) return true;
    out = parse_report_timestamp(v);
    return out ? true : bad_value(col, v, "not a date (MM/DD/YYYY, optionally with a time)");
  }

  bool whole(const std::vector<std::string>& cells, size_t col, std::optional<int64_t>& out) {
    const std::string_view v = cell(cells, col);
    if (v.empty()) return true;
    std::string why;
    out = parse_whole_number(v, &why);
    return out ? true : bad_value(col, v, "not a whole number (" + why + ")");
  }

  bool money(const std::vector<std::string>& cells, size_t col, std::optional<int64_t>& out) {
    const std::string_view v = cell(cells, col);
    if (v.empty()) return true;
    std::string why;
    out = parse_scaled_decimal(v, 2, &why);
    return out ? true : bad_value(col, v, "not an amount in cents (" + why + ")");
  }

  bool read_summary(const std::vector<std::string>& cells) {
    if (summary_) {
      return fail(ReconProblem::bad_layout,
                  fmt::format("CSV line {}: a second PaymentSummary row (one report, one payout)",
                              reader_.line()));
    }
    ReconSummary s;
    std::optional<std::string> start;
    std::optional<std::string> end;
    std::optional<int64_t> payable;
    if (!day(cells, kPeriodStart, start) || !day(cells, kPeriodEnd, end) ||
        !money(cells, kTotalPayable, payable) || !timestamp(cells, kPosted, s.payout_at)) {
      return false;
    }
    if (!start || !end || !payable) {
      return fail(ReconProblem::bad_layout,
                  fmt::format("CSV line {}: the PaymentSummary row lacks its period or Total "
                              "Payable",
                              reader_.line()));
    }
    s.period_start = *start;
    s.period_end = *end;
    s.total_payable_cents = *payable;
    s.currency = std::string(cell(cells, kCurrency));
    s.payout_description = std::string(cell(cells, kTransactionDescription));
    s.declared_lines = declared_lines_;
    summary_ = std::move(s);
    return true;
  }

  bool read_detail(const std::vector<std::string>& cells) {
    ReconRow r;
    r.row_number = static_cast<uint32_t>(report_.rows.size() + 1);
    r.csv_line = reader_.line();
    std::optional<int64_t> amount;
    if (!day(cells, kPeriodStart, r.period_start) || !day(cells, kPeriodEnd, r.period_end) ||
        !timestamp(cells, kPosted, r.posted_at) ||
        !whole(cells, kCustomerOrder, r.customer_order_id) ||
        !whole(cells, kCustomerOrderLine, r.customer_order_line) ||
        !whole(cells, kPurchaseOrder, r.purchase_order_id) ||
        !whole(cells, kPurchaseOrderLine, r.purchase_order_line) ||
        !money(cells, kAmount, amount) || !whole(cells, kShipQty, r.ship_qty)) {
      return false;
    }
    if (!amount) return bad_value(kAmount, "", "empty on a detail row");
    r.amount_cents = *amount;
    if (const std::string_view rate = cell(cells, kCommissionRate); !rate.empty()) {
      std::string why;
      r.commission_rate_milli = parse_scaled_decimal(rate, 3, &why);
      if (!r.commission_rate_milli)
        return bad_value(kCommissionRate, rate, "not a percentage (" + why + ")");
    }
    if (__builtin_add_overflow(report_.detail_sum_cents, r.amount_cents,
                               &report_.detail_sum_cents)) {
      return bad_value(kAmount, cell(cells, kAmount), "beyond what the sum can hold");
    }
    r.transaction_key = std::string(cell(cells, kTransactionKey));
    r.transaction_type = std::string(cell(cells, kTransactionType));
    r.transaction_description = std::string(cell(cells, kTransactionDescription));
    r.amount_type = std::string(cell(cells, kAmountType));
    r.partner_item_id = std::string(cell(cells, kPartnerItemId));
    r.other_columns_json = "{";
    bool first = true;
    for (size_t i = 0; i < cells.size() && i < report_.header.size(); ++i) {
      if (is_core(i) || trim(cells[i]).empty()) continue;
      if (!first) r.other_columns_json += ',';
      first = false;
      append_json_string(r.other_columns_json, trim(report_.header[i]));
      r.other_columns_json += ':';
      append_json_string(r.other_columns_json, cells[i]);
    }
    r.other_columns_json += '}';
    report_.rows.push_back(std::move(r));
    return true;
  }

  [[nodiscard]] bool is_core(size_t index) const {
    for (size_t c = 0; c < kCoreCount; ++c) {
      // Total Payable and Currency belong to the summary; on a detail row they are kept as
      // other columns when set (they never are in the files seen).
      if (core_[c] == index) return c != kTotalPayable && c != kCurrency;
    }
    return false;
  }

  bool read_rows() {
    std::vector<std::string> cells;
    while (reader_.next(cells)) {
      if (blank(cells)) continue;
      if (cells.size() > report_.header.size()) {
        for (size_t i = report_.header.size(); i < cells.size(); ++i) {
          if (!trim(cells[i]).empty()) {
            return fail(ReconProblem::bad_layout,
                        fmt::format("CSV line {}: {} cells, the header names {}: a value without "
                                    "a column",
                                    reader_.line(), cells.size(), report_.header.size()));
          }
        }
      }
      if (auto n = line_count_cell(cells[0])) {
        bool rest_blank = true;
        for (size_t i = 1; i < cells.size(); ++i) rest_blank &= trim(cells[i]).empty();
        if (rest_blank) {
          if (!*n || seen_line_count_) {
            return fail(
                ReconProblem::bad_layout,
                fmt::format("CSV line {}: \"{}\" is not one line count", reader_.line(), cells[0]));
          }
          seen_line_count_ = true;
          declared_lines_ = **n;
          if (summary_) summary_->declared_lines = declared_lines_;
          continue;
        }
      }
      const bool ok = is_payment_summary(cell(cells, kTransactionType)) ? read_summary(cells)
                                                                        : read_detail(cells);
      if (!ok) return false;
    }
    if (reader_.error()) return csv_failed();
    return true;
  }

  bool check_counts() {
    if (!summary_) {
      return fail(ReconProblem::bad_layout,
                  "the report has no PaymentSummary row (its Total Payable is what the rows are "
                  "checked against)");
    }
    const auto details = static_cast<int64_t>(report_.rows.size());
    if (declared_lines_) {
      // What N counts is not documented: the detail rows, plus the summary row, plus the header,
      // plus the count row itself are all read as the same file.
      const int64_t n = *declared_lines_;
      if (n < details || n > details + 3) {
        return fail(ReconProblem::line_count_mismatch,
                    fmt::format("the report declares {} lines but holds {} detail rows (and one "
                                "summary row): a truncated or padded file",
                                n, details));
      }
    }
    if (report_.detail_sum_cents != summary_->total_payable_cents) {
      issue_ = ReconIssue{
          ReconProblem::sum_mismatch,
          fmt::format(
              "the {} detail rows' Amount sums to {} {}, the PaymentSummary's Total "
              "Payable is {} (difference {})",
              details, format_scaled_decimal(report_.detail_sum_cents, 2), summary_->currency,
              format_scaled_decimal(summary_->total_payable_cents, 2),
              format_scaled_decimal(report_.detail_sum_cents - summary_->total_payable_cents, 2)),
          report_.detail_sum_cents, summary_->total_payable_cents};
      return false;
    }
    return true;
  }

  static constexpr size_t kNone = static_cast<size_t>(-1);
  CsvReader reader_;
  std::array<size_t, kCoreCount> core_{};
  ReconReport report_;
  std::optional<ReconSummary> summary_;
  std::optional<int64_t> declared_lines_;
  bool seen_line_count_ = false;
  ReconIssue issue_;
};

}  // namespace

ReconParseResult parse_recon_csv(std::string_view csv) {
  if (!simdjson::validate_utf8(csv.data(), csv.size())) {
    ReconParseResult r;
    r.issue = ReconIssue{ReconProblem::unreadable,
                         "the report is not UTF-8 text (a binary file, or another encoding)",
                         std::nullopt, std::nullopt};
    return r;
  }
  return Parser(csv).run();
}

}  // namespace etl::recon

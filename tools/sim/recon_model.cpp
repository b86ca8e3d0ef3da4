#include "tools/sim/recon_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/utc_time.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/order_query.hpp"
#include "tools/sim/return_model.hpp"

namespace etl::walmart::sim {

namespace {

// A period starts every 14 days from this day (2026-11-21, a Saturday), in both directions.
constexpr int64_t kAnchorDay = 20778;
// Product tax the simulated marketplace collects and withholds (basis points).
constexpr int64_t kTaxBp = 825;

struct Category {
  std::string_view name;
  int64_t commission_percent;
};
constexpr Category kCategories[] = {{"Home & Garden", 15},
                                    {"Electronics", 8},
                                    {"Clothing & Accessories", 15},
                                    {"Jewelry", 20},
                                    {"Grocery", 8}};

const char* const kHeader =
    "Period Start Date,Period End Date,Total Payable,Currency,Transaction Key,"
    "Transaction Posted Timestamp,Transaction Type,Transaction Description,Customer Order #,"
    "Customer Order line #,Purchase Order #,Purchase Order line #,Amount,Amount Type,Ship Qty,"
    "Commission Rate,Base Commission Rate,Transaction Reason Description,Partner Item Id,"
    "Partner GTIN,Partner Item Name,Product Tax Code,Ship to State,Ship to City,Ship to Zipcode,"
    "Contract Category,Product Type,Commission Rule,Shipping Method,Fulfillment Type,"
    "Fulfillment Details,Original Commission,Item Condition";
constexpr size_t kColumns = 33;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string us_date(int64_t day) {
  const std::string iso = format_sql_datetime(day * (kDayMs / 1000));  // "YYYY-MM-DD HH:MM:SS"
  return fmt::format("{}/{}/{}", iso.substr(5, 2), iso.substr(8, 2), iso.substr(0, 4));
}

std::string money(int64_t cents) {
  const int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", a / 100, a % 100);
}

// RFC 4180: a field with a separator, a quote or a line break is quoted, quotes doubled.
void append_field(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_row(std::string& out, const std::array<std::string, kColumns>& cells) {
  for (size_t i = 0; i < kColumns; ++i) {
    if (i > 0) out += ',';
    append_field(out, cells[i]);
  }
  out += "\r\n";
}

// Column positions in kHeader.
enum : size_t {
  cPeriodStart,
  cPeriodEnd,
  cTotalPayable,
  cCurrency,
  cKey,
  cPosted,
  cType,
  cDescription,
  cCustomerOrder,
  cCustomerLine,
  cPurchaseOrder,
  cPurchaseLine,
  cAmount,
  cAmountType,
  cShipQty,
  cRate,
  cBaseRate,
  cReason,
  cSku,
  cGtin,
  cName,
  cTaxCode,
  cState,
  cCity,
  cZip,
  cCategory,
  cProductType,
  cRule,
  cShippingMethod,
  cFulfillmentType,
  cFulfillmentDetails,
  cOriginal,
  cCondition
};

struct Builder {
  std::string details;
  int64_t rows = 0;
  int64_t sum = 0;

  void add(std::array<std::string, kColumns>& cells, int64_t amount, std::string_view type) {
    cells[cAmount] = money(amount);
    cells[cAmountType] = type;
    append_row(details, cells);
    ++rows;
    sum += amount;
  }
};

// The sale or refund rows of one line: `sign` +1 for a sale, -1 for a refund; `tax_bp` the tax
// rate (a refund's is its return's).
void line_rows(Builder& b, const OrderSkeleton& o, size_t line, int64_t day, int sign,
               int64_t quantity, int64_t tax_bp = kTaxBp) {
  const Product& p = products()[o.lines[line].product];
  const Category& cat = kCategories[o.lines[line].product % std::size(kCategories)];
  const int64_t price = p.unit_price_cents * quantity;
  const int64_t tax = (price * tax_bp + 5000) / 10000;
  const int64_t commission = (price * cat.commission_percent + 50) / 100;
  const std::string iso = format_sql_datetime(day * (kDayMs / 1000));
  std::array<std::string, kColumns> c;
  c[cKey] = fmt::format("{}_{}_{}_{}", iso.substr(0, 4), iso.substr(5, 2), iso.substr(8, 2),
                        o.index * 10 + line * 2 + (sign < 0 ? 1 : 0));
  c[cPosted] = us_date(day);
  c[cType] = sign > 0 ? "Sale" : "Refund";
  c[cDescription] = sign > 0 ? "Purchase" : "Seller Triggered Refund";
  c[cCustomerOrder] = std::to_string(o.customer_order_id);
  c[cCustomerLine] = std::to_string(line + 1);
  c[cPurchaseOrder] = std::to_string(o.purchase_order_id);
  c[cPurchaseLine] = std::to_string(line + 1);
  c[cShipQty] = std::to_string(quantity);
  c[cSku] = p.sku;
  c[cGtin] = fmt::format("{:014}", 12345678900000 + o.lines[line].product);
  c[cName] = p.name;
  c[cTaxCode] = "2038345";
  c[cCategory] = cat.name;
  c[cShippingMethod] = "Marketplace standard";
  c[cFulfillmentType] =
      o.ship_node == ShipNodeType::wfs_fulfilled ? "Walmart Fulfilled" : "Seller Fulfilled";
  c[cFulfillmentDetails] = "Delivery";
  c[cCondition] = p.condition;
  const std::string rule = fmt::format("BSE-66-{}.0", cat.commission_percent);
  c[cRule] = rule;
  b.add(c, sign * price, "Product Price");
  c[cRule].clear();
  b.add(c, sign * tax, "Product tax");
  b.add(c, -sign * tax, "Product tax withheld");
  c[cRate] = std::to_string(cat.commission_percent);
  c[cBaseRate] = c[cRate];
  c[cRule] = rule;
  c[cOriginal] = money(-sign * commission);
  b.add(c, -sign * commission, "Commission on Product");
}

void label_fee_row(Builder& b, const OrderSkeleton& o, int64_t day) {
  const std::string iso = format_sql_datetime(day * (kDayMs / 1000));
  std::array<std::string, kColumns> c;
  c[cKey] = fmt::format("{}_{}_{}_{}", iso.substr(0, 4), iso.substr(5, 2), iso.substr(8, 2),
                        o.index * 10 + 9);
  c[cPosted] = us_date(day);
  c[cType] = "Adjustment";
  c[cDescription] = "Walmart Shipping Label Service Charge";
  c[cCustomerOrder] = std::to_string(o.customer_order_id);
  c[cCustomerLine] = "1";
  c[cPurchaseOrder] = std::to_string(o.purchase_order_id);
  c[cPurchaseLine] = "1";
  c[cSku] = products()[o.lines[0].product].sku;
  c[cFulfillmentType] = "Seller Fulfilled";
  b.add(c, -(450 + static_cast<int64_t>(o.index % 7) * 37), "Fee/Reimbursement");
}

}  // namespace

std::optional<ReconPeriod> recon_period_for_report_day(int64_t report_day) noexcept {
  ReconPeriod p;
  p.report_day = report_day;
  p.end_day = report_day - kReconReportLagDays;
  p.start_day = p.end_day - (kReconPeriodDays - 1);
  if (((p.start_day - kAnchorDay) % kReconPeriodDays + kReconPeriodDays) % kReconPeriodDays != 0) {
    return std::nullopt;
  }
  return p;
}

std::vector<int64_t> available_recon_report_days(const OrderModel& model, int64_t now_ms) {
  std::vector<int64_t> days;
  const int64_t origin_day = floor_div(model.origin_ms(), kDayMs);
  const int64_t oldest_day = floor_div(now_ms - kServedWindowMs, kDayMs);
  // The period holding the origin's day, then every later one whose report is out.
  int64_t start =
      kAnchorDay + floor_div(origin_day - kAnchorDay, kReconPeriodDays) * kReconPeriodDays;
  for (;; start += kReconPeriodDays) {
    const int64_t report_day = start + kReconPeriodDays - 1 + kReconReportLagDays;
    if (report_day * kDayMs + kReconAvailableAfterMs > now_ms) break;
    if (report_day >= oldest_day) days.push_back(report_day);
  }
  return days;
}

ReconFileRender render_recon_report(const OrderModel& model, int64_t report_day, int64_t now_ms,
                                    std::string_view partner_id) {
  const ReconPeriod period = *recon_period_for_report_day(report_day);
  const int64_t start_ms = period.start_day * kDayMs;
  const int64_t end_ms = (period.end_day + 1) * kDayMs;  // exclusive
  Builder b;
  // An order's last event (and its return's) is at most this long after it was placed.
  const int64_t reach = std::max(kMaxLifetimeMs, kMaxReturnSpanMs);
  const uint64_t first = model.first_index_at_or_after(start_ms - reach);
  const auto last = model.last_index_at_or_before(end_ms - 1);
  const auto sold_of = [](const LineSkeleton& line) -> int64_t {
    return line.quantity - (line.partial_cancel ? 1 : 0);
  };
  for (uint64_t i = first; last && i <= *last; ++i) {
    const OrderSkeleton o = model.skeleton(i);
    for (size_t l = 0; l < o.line_count; ++l) {
      const LineSkeleton& line = o.lines[l];
      for (size_t e = 0; e < line.event_count; ++e) {
        const LineEvent& ev = line.events[e];
        if (ev.status != LineStatus::shipped || ev.at_ms < start_ms || ev.at_ms >= end_ms) continue;
        const int64_t day = floor_div(ev.at_ms, kDayMs);
        line_rows(b, o, l, day, +1, sold_of(line));
        if (l == 0 && o.ship_node == ShipNodeType::seller_fulfilled && o.index % 3 == 0) {
          label_fee_row(b, o, day);
        }
      }
    }
    // Refunds follow the returns model (return_model.hpp): a returned line's units, at its
    // return's tax rate, on the day its refund is issued; a cancelled return refunds nothing.
    const auto ret = return_of(o, model.seed());
    if (!ret) continue;
    for (size_t k = 0; k < ret->line_count; ++k) {
      const ReturnLineSkeleton& rl = ret->lines[k];
      const ReturnEvent& done = rl.events[rl.event_count - 1];
      if (done.step != ReturnStep::refund_issued || done.at_ms < start_ms || done.at_ms >= end_ms) {
        continue;
      }
      const int64_t units = std::min<int64_t>(rl.quantity, sold_of(o.lines[rl.order_line]));
      if (units <= 0) continue;
      line_rows(b, o, rl.order_line, floor_div(done.at_ms, kDayMs), -1, units, ret->tax_rate_bp);
    }
  }
  // Regenerated from the next day on: a late adjustment of the seller's account, which carries
  // the period as its billing period.
  const bool regenerated = now_ms >= (report_day + 1) * kDayMs + kReconAvailableAfterMs;
  if (regenerated) {
    std::array<std::string, kColumns> c;
    c[cPeriodStart] = us_date(period.start_day);
    c[cPeriodEnd] = us_date(period.end_day);
    c[cKey] = fmt::format("{}_adj", report_day);
    c[cPosted] = us_date(period.end_day);
    c[cType] = "Adjustment";
    c[cDescription] = "Misc Invoices";
    c[cReason] = "Late adjustment";
    b.add(c, 123, "Fee/Reimbursement");
  }
  ReconFileRender out;
  out.detail_rows = b.rows;
  out.total_payable_cents = b.sum;
  out.csv.reserve(b.details.size() + 1024);
  out.csv = kHeader;
  out.csv += fmt::format("\r\nNumber of Lines in file {}\r\n", b.rows + 1);
  std::array<std::string, kColumns> s;
  s[cPeriodStart] = us_date(period.start_day);
  s[cPeriodEnd] = us_date(period.end_day);
  s[cTotalPayable] = money(b.sum);
  s[cCurrency] = "USD";
  s[cPosted] = us_date(report_day);
  s[cType] = "PaymentSummary";
  s[cDescription] = "Deposited in Payoneer account";
  append_row(out.csv, s);
  out.csv += b.details;
  const int64_t generated_ms =
      (report_day + (regenerated ? 1 : 0)) * kDayMs + kReconAvailableAfterMs;
  const std::string g = format_sql_datetime(generated_ms / 1000);
  out.file_name = fmt::format("{}_{}T{}.000+0000.zip", partner_id, g.substr(0, 10), g.substr(11));
  return out;
}

std::string recon_api_date(int64_t day) {
  const std::string iso = format_sql_datetime(day * (kDayMs / 1000));
  return fmt::format("{}{}{}", iso.substr(5, 2), iso.substr(8, 2), iso.substr(0, 4));
}

std::optional<int64_t> parse_recon_api_date(std::string_view text) {
  if (text.size() != 8 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto num = [&](size_t pos, size_t n) {
    int64_t v = 0;
    for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const auto day = [](int64_t y, int64_t m, int64_t d) -> std::optional<int64_t> {
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    const int64_t n = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
    // Reject days that roll over (02/30): the day must format back to the same date.
    const std::string iso = format_sql_datetime(n * (kDayMs / 1000));
    if (std::stoi(iso.substr(8, 2)) != d) return std::nullopt;
    return n;
  };
  if (auto mmdd = day(num(4, 4), num(0, 2), num(2, 2))) return mmdd;
  return day(num(0, 4), num(4, 2), num(6, 2));
}

}  // namespace etl::walmart::sim

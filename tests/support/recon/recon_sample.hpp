#pragma once
// Reconciliation report CSVs for tests: the V1 header (with columns this code does not type, so
// "kept by name" is exercised), the line-count row, the PaymentSummary row and detail rows.
// Header-only; used by the unit, integration and e2e tests of recon.

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

namespace etl::testing::recon {

inline const char* const kHeader =
    "Period Start Date,Period End Date,Total Payable,Currency,Transaction Key,"
    "Transaction Posted Timestamp,Transaction Type,Transaction Description,Customer Order #,"
    "Customer Order line #,Purchase Order #,Purchase Order line #,Amount,Amount Type,Ship Qty,"
    "Commission Rate,Base Commission Rate,Transaction Reason Description,Partner Item Id,"
    "Partner GTIN,Partner Item Name,Product Tax Code,Ship to State,Ship to City,Ship to Zipcode,"
    "Contract Category,Product Type,Commission Rule,Shipping Method,Fulfillment Type,"
    "Fulfillment Details,Original Commission";

// One sale of `qty` units at `price_cents` each: Product Price, the tax pair netting to zero,
// commission at 15 %. Returns the four rows (CSV text, CRLF-ended) and adds their sum.
inline std::string sale_rows(int64_t customer_order, int line, int qty, int64_t price_cents,
                             int64_t& sum_cents) {
  const int64_t price = price_cents * qty;
  const int64_t tax = price * 8 / 100;
  const int64_t commission = -(price * 15 / 100);
  sum_cents += price + commission;
  const auto money = [](int64_t c) {
    return fmt::format("{}{}.{:02}", c < 0 ? "-" : "", (c < 0 ? -c : c) / 100,
                       (c < 0 ? -c : c) % 100);
  };
  const std::string key = fmt::format("2026_11_24_{}{}", customer_order % 100000, line);
  const std::string tail = fmt::format(
      ",SKU-{0},0001234567890{1},\"Item {0}, \"\"large\"\"\",2038345,IL,Chicago,60611,"
      "Home & Garden,Drinkware,",
      line, line % 10);
  std::string out;
  const auto row = [&](int64_t amount, const char* type, const char* rate, const char* rule,
                       const std::string& original) {
    out += fmt::format(
        ",,,,{},11/23/2026,Sale,Purchase,{},{},{},{},{},{},{},{},{},{}{}{},"
        "Marketplace standard,Seller Fulfilled,Delivery,{}\r\n",
        key, customer_order, line, customer_order + 7000000000000, line, money(amount), type, qty,
        rate, rate, "", tail, rule, original);
  };
  row(price, "Product Price", "", "BSE-66-15.0", "");
  row(tax, "Product tax", "", "", "");
  row(-tax, "Product tax withheld", "", "", "");
  row(commission, "Commission on Product", "15", "BSE-66-15.0", money(commission));
  return out;
}

// A whole report: `orders` sales of one line each, plus a shipping-label fee; the summary's Total
// Payable is the sum plus `payable_offset_cents` (non-zero: a file that fails the check).
inline std::string report_csv(int orders, int64_t base_order = 200012345678000,
                              int64_t payable_offset_cents = 0, int64_t price_cents = 2499) {
  int64_t sum = 0;
  std::string details;
  for (int i = 0; i < orders; ++i) {
    details += sale_rows(base_order + i, 1 + (i % 3), 1 + (i % 4), price_cents + i, sum);
  }
  details += fmt::format(
      ",,,,2026_11_24_9,11/23/2026,Adjustment,Walmart Shipping Label Service "
      "Charge,{},1,{},1,-6.12,Fee/Reimbursement,,,,,SKU-1,,,,,,,,,,,"
      "Seller Fulfilled,,\r\n",
      base_order, base_order + 7000000000000);
  sum -= 612;
  const int64_t payable = sum + payable_offset_cents;
  const int detail_rows = orders * 4 + 1;
  return fmt::format(
      "{}\r\nNumber of Lines in file {}\r\n"
      "11/21/2026,12/04/2026,{}{}.{:02},USD,,12/12/2026,PaymentSummary,Deposited in "
      "Payoneer account,,,,,,,,,,,,,,,,,,,,,,,,\r\n{}",
      kHeader, detail_rows + 1, payable < 0 ? "-" : "", (payable < 0 ? -payable : payable) / 100,
      (payable < 0 ? -payable : payable) % 100, details);
}

}  // namespace etl::testing::recon

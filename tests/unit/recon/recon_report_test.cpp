#include "recon/recon_report.hpp"

#include <gtest/gtest.h>

#include <string>

#include "recon/decimal_text.hpp"
#include "support/recon/recon_sample.hpp"

namespace etl::recon {
namespace {

using etl::testing::recon::kHeader;
using etl::testing::recon::report_csv;

TEST(ReconReport, ReadsSummaryAndTypedRowsOfAValidReport) {
  const ReconParseResult r = parse_recon_csv(report_csv(3));
  ASSERT_TRUE(r.report) << r.issue->message;
  const ReconReport& rep = *r.report;
  EXPECT_EQ(rep.summary.period_start, "2026-11-21");
  EXPECT_EQ(rep.summary.period_end, "2026-12-04");
  EXPECT_EQ(rep.summary.currency, "USD");
  EXPECT_EQ(rep.summary.payout_at, "2026-12-12 00:00:00");
  EXPECT_EQ(rep.summary.payout_description, "Deposited in Payoneer account");
  EXPECT_EQ(rep.summary.declared_lines, 14);
  ASSERT_EQ(rep.rows.size(), 13u);
  EXPECT_EQ(rep.detail_sum_cents, rep.summary.total_payable_cents);

  const ReconRow& price = rep.rows[0];
  EXPECT_EQ(price.row_number, 1u);
  EXPECT_EQ(price.csv_line, 4u);
  EXPECT_EQ(price.amount_cents, 2499);
  EXPECT_EQ(price.amount_type, "Product Price");
  EXPECT_EQ(price.transaction_type, "Sale");
  EXPECT_EQ(price.customer_order_id, 200012345678000);
  EXPECT_EQ(price.customer_order_line, 1);
  EXPECT_EQ(price.purchase_order_id, 200012345678000 + 7000000000000);
  EXPECT_EQ(price.ship_qty, 1);
  EXPECT_EQ(price.posted_at, "2026-11-23 00:00:00");
  EXPECT_FALSE(price.period_start);
  EXPECT_EQ(price.partner_item_id, "SKU-1");
  EXPECT_FALSE(price.commission_rate_milli);
  // Columns this code does not type are kept by name, with their exact text.
  EXPECT_NE(price.other_columns_json.find(R"("Partner Item Name":"Item 1, \"large\"")"),
            std::string::npos)
      << price.other_columns_json;
  EXPECT_NE(price.other_columns_json.find(R"("Commission Rule":"BSE-66-15.0")"), std::string::npos);
  EXPECT_EQ(price.other_columns_json.find("Amount"), std::string::npos);

  const ReconRow& commission = rep.rows[3];
  EXPECT_EQ(commission.amount_type, "Commission on Product");
  EXPECT_EQ(commission.amount_cents, -374);  // 15 % of 24.99, cut to the cent
  EXPECT_EQ(commission.commission_rate_milli, 15000);
  // Transaction Key repeats across a sale's amount types: rows are told apart by position.
  EXPECT_EQ(commission.transaction_key, price.transaction_key);
  EXPECT_EQ(commission.row_number, 4u);
}

TEST(ReconReport, ColumnsAreFoundByNameInAnyOrderAndCase) {
  const std::string csv =
      "amount type, AMOUNT ,Transaction Type,Currency,Total Payable,Period End Date,"
      "Period Start Date,Transaction Key,Transaction Posted Timestamp,Transaction Description,"
      "Customer Order #,Customer Order line #,Purchase Order #,Purchase Order line #,Ship Qty,"
      "Commission Rate,Partner Item Id,Brand New Column\n"
      "Number of Lines in file 2\n"
      ",,PaymentSummary,USD,1.50,12/04/2026,11/21/2026,,12/12/2026,Deposited,,,,,,,,\n"
      "Product Price,\"1,001.50\",Sale,,,,,k1,11/23/2026,Purchase,1,1,2,1,1,,S,x\n"
      "Commission on Product,(1000.00),Sale,,,,,k1,11/23/2026,Purchase,1,1,2,1,1,12.5,S,\n";
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.report) << r.issue->message;
  ASSERT_EQ(r.report->rows.size(), 2u);
  EXPECT_EQ(r.report->rows[0].amount_cents, 100150);
  EXPECT_EQ(r.report->rows[0].other_columns_json, R"({"Brand New Column":"x"})");
  EXPECT_EQ(r.report->rows[1].amount_cents, -100000);
  EXPECT_EQ(r.report->rows[1].commission_rate_milli, 12500);
  EXPECT_EQ(r.report->rows[1].other_columns_json, "{}");
}

TEST(ReconReport, AMissingCoreColumnIsNamed) {
  std::string csv = report_csv(1);
  csv.replace(csv.find("Amount Type"), 11, "Amount Kind");
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::missing_column);
  EXPECT_NE(r.issue->message.find("\"Amount Type\""), std::string::npos) << r.issue->message;
}

TEST(ReconReport, ARepeatedHeaderNameIsRefused) {
  std::string csv = report_csv(1);
  csv.replace(csv.find("Partner GTIN"), 12, "amount");
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::missing_column);
  EXPECT_NE(r.issue->message.find("twice"), std::string::npos);
}

TEST(ReconReport, AMismatchCarriesBothFigures) {
  const ReconParseResult r = parse_recon_csv(report_csv(2, 200012345678000, 1));
  ASSERT_TRUE(r.issue);
  ASSERT_FALSE(r.report);
  EXPECT_EQ(r.issue->problem, ReconProblem::sum_mismatch);
  ASSERT_TRUE(r.issue->detail_sum_cents && r.issue->total_payable_cents);
  EXPECT_EQ(*r.issue->total_payable_cents - *r.issue->detail_sum_cents, 1);
  EXPECT_NE(r.issue->message.find("difference -0.01"), std::string::npos) << r.issue->message;
  ASSERT_TRUE(r.summary);  // the figures a dead letter records
  EXPECT_EQ(r.summary->period_end, "2026-12-04");
}

TEST(ReconReport, TheDeclaredLineCountMustFitTheRows) {
  std::string csv = report_csv(2);  // 9 detail rows, declares 10
  for (const char* n : {"9", "10", "11", "12"}) {
    std::string c = csv;
    c.replace(c.find("file 10"), 7, std::string("file ") + n);
    EXPECT_TRUE(parse_recon_csv(c).report) << n;
  }
  std::string truncated = csv;
  truncated.replace(truncated.find("file 10"), 7, "file 40");
  const ReconParseResult r = parse_recon_csv(truncated);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::line_count_mismatch);
  EXPECT_NE(r.issue->message.find("declares 40 lines but holds 9 detail rows"), std::string::npos)
      << r.issue->message;
}

TEST(ReconReport, AMissingOrRepeatedSummaryIsALayoutError) {
  const std::string csv = report_csv(1);
  const size_t s = csv.find("11/21/2026");
  const size_t e = csv.find("\r\n", s) + 2;
  std::string without = csv;
  without.erase(s, e - s);
  ReconParseResult r = parse_recon_csv(without);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::bad_layout);
  std::string twice = csv + csv.substr(s, e - s);
  r = parse_recon_csv(twice);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::bad_layout);
  EXPECT_NE(r.issue->message.find("second PaymentSummary"), std::string::npos);
}

TEST(ReconReport, SpreadsheetMangledValuesAreRefusedWithLineAndColumn) {
  std::string csv = report_csv(1);
  const size_t pos = csv.find("200012345678000");
  csv.replace(pos, 15, "2.00012E+14");
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::bad_value);
  EXPECT_NE(r.issue->message.find("CSV line 4, column \"Customer Order #\": \"2.00012E+14\""),
            std::string::npos)
      << r.issue->message;
}

TEST(ReconReport, AValueWithoutAColumnIsRefused) {
  std::string csv = report_csv(1);
  csv.insert(csv.find("\r\n", csv.find("Product Price")), ",surplus");
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::bad_layout);
}

TEST(ReconReport, EmptyBinaryAndBrokenInputAreClearErrors) {
  ReconParseResult r = parse_recon_csv("");
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::bad_layout);
  r = parse_recon_csv(std::string("\xff\xfe\x00\x01", 4));
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::unreadable);
  r = parse_recon_csv(std::string(kHeader) + "\n\"unclosed");
  ASSERT_TRUE(r.issue);
  EXPECT_EQ(r.issue->problem, ReconProblem::unreadable);
  EXPECT_NE(r.issue->message.find("CSV line 2"), std::string::npos);
}

TEST(ReconReport, AReportWithOnlyItsSummaryIsValidWhenItIsZero) {
  const std::string csv = std::string(kHeader) +
                          "\nNumber of Lines in file 1\n11/21/2026,12/04/2026,0.00,USD,,12/12/2026,"
                          "PaymentSummary,Deposited,,,,,,,,,,,,,,,,,,,,,,,,\n";
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.report) << r.issue->message;
  EXPECT_TRUE(r.report->rows.empty());
}

TEST(ReconReport, AHugeReportIsReadExactly) {
  // 50,000 sales: 200,001 detail rows, about 60 MB of CSV.
  const std::string csv = report_csv(50000);
  const ReconParseResult r = parse_recon_csv(csv);
  ASSERT_TRUE(r.report) << r.issue->message;
  EXPECT_EQ(r.report->rows.size(), 200001u);
  EXPECT_EQ(r.report->rows.back().row_number, 200001u);
  EXPECT_EQ(r.report->detail_sum_cents, r.report->summary.total_payable_cents);
}

}  // namespace
}  // namespace etl::recon

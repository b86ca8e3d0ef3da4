// The simulator's reconciliation reports: periods and report days, and reports that follow the
// orders (every line shipped in a period sold once, at its price times its quantity; commission
// at the category rate; the tax pair netting to zero), pass the reader's checks, and change when
// the report is regenerated.
#include <gtest/gtest.h>

#include <map>

#include "common/utc_time.hpp"
#include "recon/recon_report.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/recon_model.hpp"
#include "tools/sim/return_model.hpp"

namespace etl::walmart::sim {
namespace {

// 2026-12-20 12:00 UTC; the model's orders start 60 days before.
constexpr int64_t kNow = 20807 * kDayMs + 12 * kHourMs;

OrderModel model() { return OrderModel(7, 60, kNow - 60 * kDayMs); }

TEST(SimRecon, ReportDaysArePeriodEndsPlusEightAvailableFromEightUtc) {
  const auto days = available_recon_report_days(model(), kNow);
  ASSERT_FALSE(days.empty());
  for (size_t i = 0; i < days.size(); ++i) {
    const auto p = recon_period_for_report_day(days[i]);
    ASSERT_TRUE(p) << days[i];
    EXPECT_EQ(p->end_day - p->start_day, 13);
    EXPECT_EQ(days[i] - p->end_day, 8);
    if (i > 0) {
      EXPECT_EQ(days[i] - days[i - 1], 14);
    }
    EXPECT_LE(days[i] * kDayMs + 8 * kHourMs, kNow);
  }
  // 2026-12-12 (the report of 11/21-12/04) is out; the next one (12/26) is not.
  EXPECT_EQ(recon_api_date(days.back()), "12122026");
  EXPECT_FALSE(recon_period_for_report_day(days.back() + 1));
  EXPECT_EQ(parse_recon_api_date("12122026"), days.back());
  EXPECT_EQ(parse_recon_api_date("20261212"), days.back());
  EXPECT_FALSE(parse_recon_api_date("02302026"));
  // Before 08:00 UTC of its day a report is not listed.
  const auto early = available_recon_report_days(model(), days.back() * kDayMs + 7 * kHourMs);
  EXPECT_TRUE(early.empty() || early.back() < days.back());
}

TEST(SimRecon, AReportFollowsItsOrdersAndPassesTheChecks) {
  const OrderModel m = model();
  const int64_t day = available_recon_report_days(m, kNow).back();
  const ReconFileRender f = render_recon_report(m, day, kNow, "10000000001");
  EXPECT_EQ(f.file_name, "10000000001_2026-12-13T08:00:00.000+0000.zip");  // regenerated once
  const recon::ReconParseResult r = recon::parse_recon_csv(f.csv);
  ASSERT_TRUE(r.report) << r.issue->message;
  EXPECT_EQ(static_cast<int64_t>(r.report->rows.size()), f.detail_rows);
  EXPECT_EQ(r.report->summary.total_payable_cents, f.total_payable_cents);
  EXPECT_EQ(r.report->summary.period_start, "2026-11-21");
  EXPECT_EQ(r.report->summary.period_end, "2026-12-04");
  EXPECT_EQ(r.report->summary.payout_at, "2026-12-12 00:00:00");

  // Every line shipped in the period, from the order model itself.
  const int64_t start = (day - 21) * kDayMs;
  const int64_t end = (day - 7) * kDayMs;
  std::map<std::pair<int64_t, int64_t>, int64_t> expected;  // (PO, line) -> price
  for (uint64_t i = m.first_index_at_or_after(start - kMaxLifetimeMs);
       i <= *m.last_index_at_or_before(end - 1); ++i) {
    const OrderSkeleton o = m.skeleton(i);
    for (size_t l = 0; l < o.line_count; ++l) {
      for (size_t e = 0; e < o.lines[l].event_count; ++e) {
        const LineEvent& ev = o.lines[l].events[e];
        if (ev.status == LineStatus::shipped && ev.at_ms >= start && ev.at_ms < end) {
          const int64_t qty = o.lines[l].quantity - (o.lines[l].partial_cancel ? 1 : 0);
          expected[{static_cast<int64_t>(o.purchase_order_id), static_cast<int64_t>(l + 1)}] =
              products()[o.lines[l].product].unit_price_cents * qty;
        }
      }
    }
  }
  ASSERT_GT(expected.size(), 100u);
  std::map<std::pair<int64_t, int64_t>, int64_t> sold;
  std::map<std::string, int64_t> tax_by_key;
  int64_t commission_rows = 0;
  for (const auto& row : r.report->rows) {
    if (row.transaction_type == "Sale" && row.amount_type == "Product Price") {
      const auto key = std::make_pair(*row.purchase_order_id, *row.purchase_order_line);
      EXPECT_EQ(sold.count(key), 0u) << "sold twice";
      sold[key] = row.amount_cents;
    }
    if (row.amount_type == "Product tax" || row.amount_type == "Product tax withheld") {
      tax_by_key[row.transaction_key] += row.amount_cents;
    }
    if (row.amount_type == "Commission on Product") {
      ++commission_rows;
      ASSERT_TRUE(row.commission_rate_milli);
      EXPECT_LT(row.amount_cents * (row.transaction_type == "Sale" ? 1 : -1), 0);
    }
  }
  EXPECT_EQ(sold, expected);
  for (const auto& [key, net] : tax_by_key) EXPECT_EQ(net, 0) << key;
  EXPECT_GE(commission_rows, static_cast<int64_t>(expected.size()));
}

// Refunds follow the returns model: every returned line whose refund is issued in a period is
// refunded in that period's report (its returned units at the unit price, the commission given
// back), a cancelled return refunds nothing, and no other refund appears.
TEST(SimRecon, AReturnedLinesRefundIsInTheReportOfThePeriodItsRefundCompletes) {
  const OrderModel m = model();
  const auto days = available_recon_report_days(m, kNow);
  ASSERT_GE(days.size(), 3u);
  int64_t refunds_seen = 0;
  int64_t partial_seen = 0;
  int64_t cancelled_seen = 0;
  for (const int64_t day : days) {
    const auto period = *recon_period_for_report_day(day);
    const int64_t start = period.start_day * kDayMs;
    const int64_t end = (period.end_day + 1) * kDayMs;
    std::map<std::pair<int64_t, int64_t>, int64_t> expected;  // (PO, line) -> -price
    const auto last = m.last_index_at_or_before(end - 1);
    for (uint64_t i = m.first_index_at_or_after(start - kMaxReturnSpanMs); last && i <= *last;
         ++i) {
      const OrderSkeleton o = m.skeleton(i);
      const auto r = return_of(o, m.seed());
      if (!r) continue;
      for (size_t k = 0; k < r->line_count; ++k) {
        const ReturnLineSkeleton& rl = r->lines[k];
        const ReturnEvent& done = rl.events[rl.event_count - 1];
        if (done.at_ms < start || done.at_ms >= end) continue;
        if (done.step == ReturnStep::cancelled) {
          ++cancelled_seen;
          continue;
        }
        const LineSkeleton& line = o.lines[rl.order_line];
        const int64_t units =
            std::min<int64_t>(rl.quantity, line.quantity - (line.partial_cancel ? 1 : 0));
        if (rl.quantity < line.quantity) ++partial_seen;
        expected[{static_cast<int64_t>(o.purchase_order_id), rl.order_line + 1}] =
            -products()[line.product].unit_price_cents * units;
      }
    }
    const ReconFileRender f = render_recon_report(m, day, kNow, "10000000001");
    const recon::ReconParseResult parsed = recon::parse_recon_csv(f.csv);
    ASSERT_TRUE(parsed.report) << parsed.issue->message;  // the PaymentSummary is the rows' sum
    std::map<std::pair<int64_t, int64_t>, int64_t> refunded;
    std::map<std::pair<int64_t, int64_t>, int64_t> commission_back;
    for (const auto& row : parsed.report->rows) {
      if (row.transaction_type != "Refund") continue;
      const auto key = std::make_pair(*row.purchase_order_id, *row.purchase_order_line);
      if (row.amount_type == "Product Price") refunded[key] += row.amount_cents;
      if (row.amount_type == "Commission on Product") commission_back[key] += row.amount_cents;
    }
    EXPECT_EQ(refunded, expected) << recon_api_date(day);
    for (const auto& [key, price] : refunded) {
      EXPECT_GT(commission_back[key], 0) << "the commission of a refund is given back";
      EXPECT_LT(commission_back[key], -price);
    }
    refunds_seen += static_cast<int64_t>(expected.size());
  }
  EXPECT_GT(refunds_seen, 5);
  EXPECT_GT(partial_seen, 0);
  EXPECT_GT(cancelled_seen, 0);
}

TEST(SimRecon, ARegeneratedReportHasOneMoreRow) {
  const OrderModel m = model();
  const int64_t day = available_recon_report_days(m, kNow).back();
  const auto first = render_recon_report(m, day, day * kDayMs + 9 * kHourMs, "1");
  const auto later = render_recon_report(m, day, kNow, "1");
  EXPECT_EQ(later.detail_rows, first.detail_rows + 1);
  EXPECT_EQ(later.total_payable_cents, first.total_payable_cents + 123);
  EXPECT_NE(first.file_name, later.file_name);
  EXPECT_EQ(first.csv, render_recon_report(m, day, day * kDayMs + 10 * kHourMs, "1").csv);
}

}  // namespace
}  // namespace etl::walmart::sim

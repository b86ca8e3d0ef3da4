#pragma once
// The simulator's reconciliation (settlement) reports, derived from its orders like everything
// else it serves: nothing is stored, a report is a pure function of (seller model, report day,
// simulated now).
//
// Payment periods are 14 UTC days long, back to back, anchored on a fixed day; a period's report
// is named by its report day, 8 days after the period's last day (the day the payout posts), and
// becomes available at 08:00 UTC of that day. Walmart regenerates reports: from 08:00 UTC of the
// following day, the report of a date carries one more row (a late adjustment) and another
// generation time, so a client that fetches a date again gets a different file for it.
//
// The rows of a period follow its orders: for every line shipped in the period, a sale (Product
// Price = unit price x shipped quantity, Product tax and Product tax withheld netting to zero,
// Commission on Product at the product's category rate); a Walmart shipping-label fee for some
// seller-fulfilled orders when they ship; for every returned line whose refund is issued in the
// period (the returns model, return_model.hpp: partial returns refund their units only, cancelled
// returns nothing), the reversal (Product Price negative, the commission given back at the same
// rate, the tax pair reversed at the return's tax rate), so that a seller's returns and
// settlement agree. A line whose unit
// is cancelled at shipping sells one unit fewer. The PaymentSummary's Total Payable is the sum.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sim/order_model.hpp"

namespace etl::walmart::sim {

inline constexpr int64_t kReconPeriodDays = 14;
inline constexpr int64_t kReconReportLagDays = 8;
inline constexpr int64_t kReconAvailableAfterMs = 8 * kHourMs;  // into the report day

struct ReconPeriod {
  int64_t start_day = 0;   // UTC days since 1970-01-01
  int64_t end_day = 0;     // inclusive
  int64_t report_day = 0;  // end_day + kReconReportLagDays
};

// The period a report day names, or nullopt when no report has that day.
std::optional<ReconPeriod> recon_period_for_report_day(int64_t report_day) noexcept;

// The report days available at simulated time now for a seller whose first order is at
// model.origin_ms(): periods that end on or after the origin's day, whose report is available,
// within the last 180 days; ascending.
std::vector<int64_t> available_recon_report_days(const OrderModel& model, int64_t now_ms);

struct ReconFileRender {
  std::string csv;        // the report, V1 layout
  std::string file_name;  // "<partnerId>_<generated>.zip", as Walmart names it
  int64_t detail_rows = 0;
  int64_t total_payable_cents = 0;
};

// The report of `report_day` as served at simulated time now (which version: see above).
// `partner_id`: the seller's partner id (digits).
ReconFileRender render_recon_report(const OrderModel& model, int64_t report_day, int64_t now_ms,
                                    std::string_view partner_id);

// "MMDDYYYY" of a UTC day, and back (also "YYYYMMDD"); nullopt for text that is no day.
std::string recon_api_date(int64_t day);
std::optional<int64_t> parse_recon_api_date(std::string_view text);

}  // namespace etl::walmart::sim

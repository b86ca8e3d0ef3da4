// The money queries (sql/queries/*.sql) and `walmart-etl report money` on the simulator's data:
// its orders, returns and settlement reports of one seller, loaded through `load` as a user would,
// and every amount of the summary checked to the cent against sums this test makes itself from
// the same rendered data (order JSON, return skeletons, report CSVs) — never from the tables.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "common/utc_time.hpp"
#include "mysql/connection.hpp"
#include "mysql/money_queries.hpp"
#include "mysql/schema.hpp"
#include "recon/decimal_text.hpp"
#include "recon/report_file.hpp"
#include "support/e2e/json_tree.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/order_render.hpp"
#include "tools/sim/recon_model.hpp"
#include "tools/sim/return_model.hpp"
#include "tools/sim/return_query.hpp"

namespace etl {
namespace {

using e2e::decimal_text_to_cents;
using e2e::JsonValue;
using test::run_binary;

std::string money(int64_t cents) { return recon::format_scaled_decimal(cents, 2); }

// The elements of a list the API may also send as a single object.
std::vector<const JsonValue*> elements(const JsonValue* v) {
  std::vector<const JsonValue*> out;
  if (v == nullptr) return out;
  if (v->kind == JsonValue::Kind::array) {
    for (const auto& item : v->items) out.push_back(&item);
  } else if (v->kind == JsonValue::Kind::object) {
    out.push_back(v);
  }
  return out;
}

bool contains_tax(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s.find("tax") != std::string::npos;
}

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// What the test expects, made from the data as rendered.
struct Expected {
  int64_t sales = 0;
  int64_t refunds = 0;
  int64_t commission = 0;
  int64_t fees = 0;
  int64_t fees_of_no_line = 0;
  int64_t payout = 0;
  int64_t ordered_units = 0;
  int64_t returned_units = 0;
  size_t reports = 0;
  size_t unsettled = 0;
  int64_t unsettled_cents = 0;
};

class MoneyReportE2E : public ::testing::Test {
 protected:
  MoneyReportE2E() : db_(test::test_mysql_config()), env_(test::mysql_env(db_.config())) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
    dir_ = test::make_temp_dir("etl-money");
  }
  ~MoneyReportE2E() override { std::filesystem::remove_all(dir_); }
  MoneyReportE2E(const MoneyReportE2E&) = delete;
  MoneyReportE2E& operator=(const MoneyReportE2E&) = delete;
  MoneyReportE2E(MoneyReportE2E&&) = delete;
  MoneyReportE2E& operator=(MoneyReportE2E&&) = delete;

  std::string write_file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  void load(std::vector<std::string> args) {
    args.insert(args.begin(), {"load", "--account", "seller-a"});
    const auto r = run_binary(args, env_, std::chrono::seconds(300));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<mysql::Row> run(std::string_view query) {
    return mysql::run_money_query(*conn_, query, std::string("seller-a"));
  }

  test::ScopedDatabase db_;
  std::map<std::string, std::string> env_;
  std::optional<mysql::Connection> conn_;
  std::string dir_;
};

TEST_F(MoneyReportE2E, TheSummaryEqualsTheSimulatorsDataToTheCent) {
  constexpr uint64_t kSeed = 7;
  const int64_t now = *parse_iso8601_ms("2026-12-20T12:00:00Z");
  const walmart::sim::OrderModel model(kSeed, 30, now - 60 * kDayMs);
  Expected want;

  // Orders: every order placed by now, as the API shows it now.
  std::string orders;
  const auto last = model.last_index_at_or_before(now);
  ASSERT_TRUE(last);
  for (uint64_t i = 0; i <= *last; ++i) {
    const std::string json = walmart::sim::render_order(model.skeleton(i), now, {}, kSeed);
    orders += json + "\n";
    const JsonValue order = e2e::parse_json(json);
    for (const JsonValue* line : elements(order.get("orderLines")->get("orderLine"))) {
      want.ordered_units +=
          decimal_text_to_cents(line->get("orderLineQuantity")->get("amount")->text) / 100;
      const auto statuses = elements(line->get("orderLineStatuses")->get("orderLineStatus"));
      if (statuses.at(0)->get("status")->text == "Cancelled") continue;
      for (const JsonValue* charge : elements(line->get("charges")->get("charge"))) {
        want.sales += decimal_text_to_cents(charge->get("chargeAmount")->get("amount")->text);
      }
    }
  }
  load({write_file("orders.ndjson", orders)});

  // Settlement reports: every one out by now (regenerated ones with their late adjustment).
  std::vector<std::string> report_files{"--data", "recon"};
  std::set<std::pair<int64_t, int64_t>> refund_rows;  // (purchaseOrderId, line) settled as Refund
  for (const int64_t day : walmart::sim::available_recon_report_days(model, now)) {
    const auto report = walmart::sim::render_recon_report(model, day, now, "10000000001");
    want.payout += report.total_payable_cents;
    ++want.reports;
    const recon::CheckedReport checked = recon::check_report_file(report.csv);
    ASSERT_TRUE(checked.parsed.report);
    for (const auto& row : checked.parsed.report->rows) {
      if (row.amount_type.rfind("Commission", 0) == 0) {
        want.commission -= row.amount_cents;
      } else if (!ends_with(row.amount_type, "Price") && !contains_tax(row.amount_type)) {
        want.fees -= row.amount_cents;
        if (!row.purchase_order_id) want.fees_of_no_line -= row.amount_cents;
      }
      if (row.transaction_type == "Refund" && row.purchase_order_id && row.purchase_order_line) {
        refund_rows.emplace(*row.purchase_order_id, *row.purchase_order_line);
      }
    }
    report_files.push_back(write_file(walmart::sim::recon_api_date(day) + ".csv", report.csv));
  }
  ASSERT_GE(want.reports, 3u);
  load(report_files);

  // Returns: refunds are the refunded lines' unit prices times their quantity, tax excluded.
  std::string returns;
  for (const auto& r : walmart::sim::all_returns(model, kSeed, now)) {
    walmart::sim::render_return(returns, r, now);
    returns += '\n';
    for (size_t k = 0; k < r.line_count; ++k) {
      const auto& l = r.lines[k];
      want.returned_units += l.quantity;
      if (l.events[l.shown(now)].step != walmart::sim::ReturnStep::refund_issued) continue;
      const int64_t cents =
          walmart::sim::products()[r.order.lines[l.order_line].product].unit_price_cents *
          l.quantity;
      want.refunds += cents;
      const auto po = static_cast<int64_t>(r.order.purchase_order_id);
      if (!refund_rows.contains({po, l.order_line + 1})) {
        ++want.unsettled;
        want.unsettled_cents += cents;
      }
    }
  }
  load({"--data", "returns", write_file("returns.ndjson", returns)});
  ASSERT_GT(want.refunds, 0);
  ASSERT_GT(want.unsettled, 0u);       // extra returns and late refunds: the query has work to do
  ASSERT_NE(want.fees_of_no_line, 0);  // the late adjustments of regenerated reports

  const int64_t net = want.sales - want.refunds - want.commission - want.fees;
  const std::vector<std::string> summary{
      "seller-a",       money(want.sales), money(want.refunds), money(want.commission),
      money(want.fees), money(net),        money(want.payout)};
  // The user's way: walmart-etl report money.
  auto r = run_binary({"report", "money", "--account", "seller-a", "--tsv"}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected_tsv = "account\tsales\trefunds\tcommission\tfees\tnet\tpayout\n";
  for (size_t i = 0; i < summary.size(); ++i) expected_tsv += (i ? "\t" : "") + summary[i];
  EXPECT_EQ(r.out, expected_tsv + "\n");
  r = run_binary({"report", "money"}, env_);  // every account: the one there is, as a table
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(money(want.payout) + "\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("account", 0), 0u) << r.out;
  r = run_binary({"report", "money", "--account", "nobody"}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "only the header: " << r.out;
  EXPECT_NE(r.err.find("of account nobody"), std::string::npos) << r.err;

  // Net revenue per order line: every order line once, adding up to the summary but for the
  // fees of no order line.
  const auto lines = run("net_revenue_per_order_line");
  int64_t sums[5] = {0, 0, 0, 0, 0};  // sales, refunds, commission, fees, net
  for (const auto& line : lines) {
    for (size_t i = 0; i < 5; ++i) sums[i] += decimal_text_to_cents(line.at(5 + i).value());
    EXPECT_EQ(decimal_text_to_cents(*line[9]),
              decimal_text_to_cents(*line[5]) - decimal_text_to_cents(*line[6]) -
                  decimal_text_to_cents(*line[7]) - decimal_text_to_cents(*line[8]));
  }
  EXPECT_EQ(std::to_string(lines.size()),
            test::sink::scalar(*conn_, "SELECT COUNT(*) FROM walmart_order"));
  EXPECT_EQ(money(sums[0]), money(want.sales));
  EXPECT_EQ(money(sums[1]), money(want.refunds));
  EXPECT_EQ(money(sums[2]), money(want.commission));
  EXPECT_EQ(money(sums[3]), money(want.fees - want.fees_of_no_line));
  EXPECT_EQ(money(sums[4]), money(net + want.fees_of_no_line));

  // Payout per period: every report reconciled (difference 0.00), adding up to the payout.
  const auto periods = run("payout_per_period");
  ASSERT_EQ(periods.size(), want.reports);
  int64_t payout = 0;
  for (const auto& p : periods) {
    EXPECT_EQ(p.at(7).value(), "0.00") << p[1].value();
    EXPECT_EQ(p.at(5), p.at(6));
    payout += decimal_text_to_cents(p[5].value());
  }
  EXPECT_EQ(money(payout), money(want.payout));

  // Return rate per SKU: units returned and ordered add up.
  int64_t returned = 0;
  int64_t ordered = 0;
  for (const auto& s : run("return_rate_per_sku")) {
    ordered += std::stoll(s.at(2).value());
    returned += decimal_text_to_cents(s.at(3).value()) / 100;
  }
  EXPECT_EQ(ordered, want.ordered_units);
  EXPECT_EQ(returned, want.returned_units);

  // Refunds not settled yet: the refunded lines with no Refund row in any report.
  const auto unsettled = run("unsettled_refunds");
  int64_t unsettled_cents = 0;
  for (const auto& u : unsettled) unsettled_cents += decimal_text_to_cents(u.at(8).value());
  EXPECT_EQ(unsettled.size(), want.unsettled);
  EXPECT_EQ(money(unsettled_cents), money(want.unsettled_cents));

  // Another account's view of the same queries is empty.
  EXPECT_TRUE(mysql::run_money_query(*conn_, "money_summary", std::string("seller-b")).empty());
  EXPECT_EQ(mysql::run_money_query(*conn_, "money_summary", std::nullopt).size(), 1u);
}

}  // namespace
}  // namespace etl

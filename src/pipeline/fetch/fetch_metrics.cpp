#include "pipeline/fetch/fetch_metrics.hpp"

#include "config/data_set.hpp"

namespace etl::pipeline {

FetchMetrics::FetchMetrics(const std::vector<std::string>& names)
    : last_success(registry.add_gauge_family(
          "walmart_etl_fetch_last_success_timestamp_seconds",
          "Per account: when its last complete cycle ended (Unix time; 0: none yet)", {"account"})),
      cycles(registry.add_counter_family("walmart_etl_fetch_cycles_total",
                                         "Per account: cycles ended, complete or not",
                                         {"account"})),
      failures(registry.add_counter_family(
          "walmart_etl_fetch_failures_total",
          "Per account: cycles that did not complete (refused credentials, the API or Kafka "
          "failing, a window not fetched, an order not acknowledged)",
          {"account"})),
      orders(registry.add_counter_family("walmart_etl_fetch_orders_total",
                                         "Per account: orders produced to Kafka (unique per cycle)",
                                         {"account"})),
      requests(registry.add_counter_family(
          "walmart_etl_fetch_requests_total",
          "Per account: requests to the Walmart API (every data set)", {"account"})),
      throttled(registry.add_counter_family("walmart_etl_fetch_throttled_total",
                                            "Per account: 429 answers (every data set)",
                                            {"account"})),
      dead_letters(registry.add_counter_family(
          "walmart_etl_fetch_dead_letters_total",
          "Per account: orders too large for Kafka, kept in walmart_order_dead_letter",
          {"account"})),
      records(registry.add_counter_family(
          "walmart_etl_fetch_records_total",
          "Per account and data set: records produced to Kafka (orders, return orders)",
          {"account", "data_set"})),
      accounts(registry.add_gauge("walmart_etl_fetch_accounts", "Accounts this process fetches")),
      healthy(
          registry.add_gauge("walmart_etl_fetch_healthy", "1 when /healthz answers 200, else 0")) {
  for (const auto& a : names) {
    last_success.with({a});
    cycles.with({a});
    failures.with({a});
    orders.with({a});
    requests.with({a});
    throttled.with({a});
    dead_letters.with({a});
    for (const config::DataSet d : {config::DataSet::orders, config::DataSet::returns}) {
      records.with({a, std::string(config::to_string(d))});
    }
  }
  accounts.set(static_cast<double>(names.size()));
  healthy.set(1);
}

void FetchMetrics::record(const AccountOutcome& outcome, double now_epoch_s) {
  const std::vector<std::string> label{outcome.account};
  cycles.with(label).inc();
  if (outcome.complete()) {
    last_success.with(label).set(now_epoch_s);
  } else {
    failures.with(label).inc();
  }
  if (!outcome.result) return;
  const FetchResult& r = *outcome.result;
  const FetchCounters total = r.totals();
  if (!r.dry_run) {
    orders.with(label).inc(r.orders());
    for (const config::DataSet d : {config::DataSet::orders, config::DataSet::returns}) {
      records.with({outcome.account, std::string(config::to_string(d))}).inc(r.totals(d).orders);
    }
  }
  requests.with(label).inc(total.requests);
  throttled.with(label).inc(total.throttled);
  dead_letters.with(label).inc(r.dead_letters);
}

}  // namespace etl::pipeline

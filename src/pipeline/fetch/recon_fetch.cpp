#include "pipeline/fetch/recon_fetch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "common/utc_time.hpp"
#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "mysql/connection.hpp"
#include "mysql/recon_fetch_store.hpp"
#include "pipeline/fetch/data_sets.hpp"
#include "pipeline/fetch/recon_plan.hpp"
#include "recon/report_message.hpp"
#include "walmart/credentials.hpp"
#include "walmart/rate_limiter.hpp"
#include "walmart/recon_client.hpp"
#include "walmart/server_clock.hpp"
#include "walmart/token_provider.hpp"

namespace etl::pipeline {

namespace {

// The ledger the client asks before a download: etl_recon_fetch's times, but a new download is
// only remembered here, and written to the table by the run once Kafka acknowledged the report.
class DeliveredLedger final : public recon::DownloadLedger {
 public:
  explicit DeliveredLedger(mysql::ReconFetchStore& store) : store_(store) {}
  std::optional<int64_t> last_download_ms(const std::string& account,
                                          const std::string& report_date) override {
    return store_.last_download_ms(account, report_date);
  }
  void record_download(const std::string& account, const std::string& report_date,
                       int64_t at_ms) override {
    downloaded_[{account, report_date}] = at_ms;
  }
  // Writes the download of (account, date) to etl_recon_fetch. Throws EtlError.
  void commit(const std::string& account, const std::string& report_date) {
    const auto it = downloaded_.find({account, report_date});
    if (it == downloaded_.end()) return;
    store_.record_download(account, report_date, it->second);
    downloaded_.erase(it);
  }

 private:
  mysql::ReconFetchStore& store_;
  std::map<std::pair<std::string, std::string>, int64_t> downloaded_;
};

// The delivery reports of one report's chunks.
struct ChunkReports {
  std::atomic<uint32_t> acknowledged{0};
  std::atomic<uint32_t> failed{0};
  std::mutex mutex;
  std::string first_error;
};

std::string kilobytes(uint64_t bytes) {
  return fmt::format("{:.1f} KB", static_cast<double>(bytes) / 1024.0);
}

}  // namespace

std::string ReconFetchResult::summary() const {
  const ReconFetchCounters& c = counters;
  std::string out = fmt::format(
      "recon {}: {} listed, {} fetched before; {} sent ({} chunks, {}), {} deferred, {} not "
      "found, {} failed; {} requests, {} retries, {} throttled",
      account, c.listed, c.already_fetched, c.sent, c.chunks, kilobytes(c.bytes), c.deferred,
      c.not_found, c.failed, c.requests.requests, c.requests.retries, c.requests.throttled);
  for (const auto& d : dates) {
    if (d.kind == ReconDateOutcome::Kind::deferred) {
      out += fmt::format("\n  report {} deferred: downloaded under two hours ago, allowed from {}",
                         d.day, format_iso8601(d.deferred_until_ms));
    }
  }
  for (const auto& e : errors) out += "\n  error: " + e;
  return out;
}

ReconFetchResult run_recon_fetch(const config::Config& cfg, const ReconFetchRequest& request,
                                 walmart::TokenProvider* tokens, walmart::ServerClock* clock) {
  ReconFetchResult result;
  result.account = request.account;
  ReconFetchCounters& c = result.counters;
  const std::string& account = request.account;
  const std::string& topic = cfg.kafka.recon_topic;

  auto conn = mysql::Connection::open(cfg.mysql);
  mysql::ReconFetchStore store(conn);
  DeliveredLedger ledger(store);

  const walmart::HttpOptions http =
      walmart::http_options_for(cfg.fetch, cfg.walmart_token.base_url);
  std::unique_ptr<walmart::ServerClock> own_clock;
  if (clock == nullptr) {
    own_clock = std::make_unique<walmart::ServerClock>();
    clock = own_clock.get();
  }
  std::unique_ptr<walmart::TokenProvider> own_tokens;
  if (tokens == nullptr) {
    own_tokens = std::make_unique<walmart::TokenProvider>(
        cfg.walmart_token, walmart::resolve_account(cfg.walmart_token, account), http,
        walmart::TokenRetryPolicy{cfg.fetch.max_retries, cfg.fetch.backoff_initial,
                                  cfg.fetch.backoff_max},
        clock);
    tokens = own_tokens.get();
  }
  // The recon family's own limiter: reports never spend the orders' or the returns' pace.
  walmart::RateLimiter limiter(cfg.fetch.requests_per_minute);
  walmart::ReconClient client(walmart::recon_client_shared(cfg, *tokens, limiter, *clock), http,
                              account, ledger);

  const walmart::ReconListResult list = client.list_reports(c.requests);
  if (!list.ok) {
    result.errors.push_back(list.error.describe());
    return result;
  }
  const ReconDatePlan plan =
      plan_recon_dates(list.report_dates, store.fetched_dates(account), request.report_dates);
  c.listed = plan.listed;
  c.to_fetch = plan.to_fetch.size();
  c.already_fetched = plan.already_fetched;
  for (const auto& bad : plan.unreadable) {
    spdlog::warn("fetch {}: recon {}: the API listed \"{}\", which is no report date: skipped",
                 request.run_id, account, bad);
  }
  spdlog::info("fetch {}: recon {}: {} report dates listed, {} fetched before, {} to fetch",
               request.run_id, account, plan.listed, plan.already_fetched, plan.to_fetch.size());
  if (request.dry_run) {
    for (const auto& d : plan.to_fetch) {
      spdlog::info("fetch {}: recon {}: --dry-run: report {} would be downloaded{}", request.run_id,
                   account, d.day, d.asked_again ? " (asked for again)" : "");
    }
    return result;
  }
  if (plan.to_fetch.empty()) return result;

  // The topic and the producer only when there is something to send.
  {
    kafka::TopicSpec spec = kafka::topic_spec_from(cfg.kafka);
    spec.name = topic;
    kafka::AdminClient admin(cfg.kafka);
    const auto ensured =
        admin.ensure_topic(spec, std::min<std::chrono::milliseconds>(
                                     std::chrono::seconds(30), cfg.fetch.produce_flush_timeout));
    spdlog::info("fetch {}: Kafka topic {} {} ({} partitions){}", request.run_id, topic,
                 kafka::to_string(ensured.outcome), ensured.partitions,
                 ensured.note.empty() ? "" : ": " + ensured.note);
  }
  kafka::ProducerOptions options;
  options.client.client_id = "walmart-etl-fetch-recon";
  options.queue_full_timeout = cfg.fetch.produce_flush_timeout;
  kafka::Producer producer(cfg.kafka, std::move(options));
  const size_t message_limit = recon_message_limit(cfg.kafka);

  for (const ReconDate& date : plan.to_fetch) {
    if (stop_requested()) {
      result.errors.push_back(fmt::format("stopped before report {}", date.day));
      break;
    }
    ReconDateOutcome out;
    out.day = date.day;
    const walmart::ReconDownloadResult d = client.download(date.api_date, c.requests);
    switch (d.kind) {
      case walmart::ReconDownloadResult::Kind::deferred:
        ++c.deferred;
        out.kind = ReconDateOutcome::Kind::deferred;
        out.deferred_until_ms = d.deferred_until_ms;
        spdlog::info(
            "fetch {}: recon {}: report {} deferred (downloaded under two hours ago; "
            "allowed from {})",
            request.run_id, account, date.day, format_iso8601(d.deferred_until_ms));
        result.dates.push_back(std::move(out));
        continue;
      case walmart::ReconDownloadResult::Kind::not_found:
        ++c.not_found;
        out.kind = ReconDateOutcome::Kind::not_found;
        out.problem = fmt::format("the API has no report {} for {}", date.day, account);
        // A date asked for by name must exist; a listed one that vanished is only logged.
        if (date.asked_again) {
          ++c.missing;
          result.errors.push_back(out.problem);
        } else {
          spdlog::warn("fetch {}: recon {}", request.run_id, out.problem);
        }
        result.dates.push_back(std::move(out));
        continue;
      case walmart::ReconDownloadResult::Kind::failed:
        ++c.failed;
        out.problem = d.error.describe();
        result.errors.push_back(out.problem);
        result.dates.push_back(std::move(out));
        continue;
      case walmart::ReconDownloadResult::Kind::downloaded:
        break;
    }
    ++c.downloaded;
    recon::ReportChunkHeaders common;
    common.account = account;
    common.report_date = date.day;
    common.file_name = d.file_name;
    common.fetched_at = d.fetched_at;
    const std::string key = recon::report_message_key(account, date.day);
    const auto chunks =
        recon::split_report(d.bytes, common, recon_chunk_bytes(message_limit, key, common));
    auto reports = std::make_shared<ChunkReports>();
    std::optional<Error> refused;
    for (const recon::ReportChunk& chunk : chunks) {
      const auto headers = recon::to_message_headers(chunk.headers);
      std::array<kafka::HeaderView, 7> views{};
      for (size_t i = 0; i < views.size() && i < headers.size(); ++i) {
        views[i] = kafka::HeaderView{headers[i].first, headers[i].second};
      }
      refused = producer.produce(kafka::OutgoingMessage(topic, key, chunk.bytes, views),
                                 [reports](const kafka::DeliveryReport& rep) {
                                   if (rep.acknowledged()) {
                                     ++reports->acknowledged;
                                     return;
                                   }
                                   const std::lock_guard lock(reports->mutex);
                                   if (reports->failed++ == 0)
                                     reports->first_error = rep.error->describe();
                                 });
      if (refused) break;
    }
    const kafka::FlushResult flushed = producer.flush(cfg.fetch.produce_flush_timeout);
    out.chunks = static_cast<uint32_t>(chunks.size());
    out.bytes = d.bytes.size();
    if (refused || flushed.undelivered != 0 || reports->acknowledged != chunks.size()) {
      ++c.failed;
      ++c.undelivered;
      const std::lock_guard lock(reports->mutex);
      out.problem = fmt::format(
          "report {} of {} ({} bytes, {} chunks) was not delivered to Kafka topic {}: {}; it is "
          "not recorded as fetched, the next run sends it again",
          date.day, account, d.bytes.size(), chunks.size(), topic,
          refused                         ? refused->describe()
          : !reports->first_error.empty() ? reports->first_error
                                          : flushed.describe());
      result.errors.push_back(out.problem);
      result.dates.push_back(std::move(out));
      if (flushed.undelivered != 0) producer.purge_undelivered();
      continue;
    }
    c.chunks += chunks.size();
    try {
      ledger.commit(account, date.api_date);
    } catch (const EtlError& e) {
      ++c.failed;
      out.problem = fmt::format(
          "report {} of {} was delivered but could not be recorded in etl_recon_fetch: {}",
          date.day, account, e.error().describe());
      result.errors.push_back(out.problem);
      result.dates.push_back(std::move(out));
      continue;
    }
    ++c.sent;
    c.bytes += d.bytes.size();
    out.kind = ReconDateOutcome::Kind::sent;
    spdlog::info("fetch {}: recon {}: report {} sent ({} bytes in {} chunk(s), {})", request.run_id,
                 account, date.day, d.bytes.size(), chunks.size(), d.file_name);
    result.dates.push_back(std::move(out));
  }
  return result;
}

ShipNodeSummary recon_lane(const ReconFetchResult& r, bool dry_run) {
  const ReconFetchCounters& c = r.counters;
  ShipNodeSummary lane;
  lane.data_set = config::DataSet::recon;
  static_cast<walmart::RequestCounters&>(lane) = c.requests;
  lane.errors = r.errors;
  lane.windows_total = c.to_fetch;
  if (dry_run) {
    lane.windows_done = c.to_fetch;  // planned and counted: nothing is downloaded
  } else {
    lane.windows_done = c.sent + c.deferred + (c.not_found - c.missing);
    lane.windows_failed = c.failed + c.missing;
    const uint64_t tried = r.dates.size();
    lane.windows_skipped = c.to_fetch > tried ? c.to_fetch - tried : 0;
  }
  if (c.to_fetch == 0 && !r.errors.empty()) {
    lane.windows_total = 1;  // the listing itself failed
    lane.windows_failed = 1;
  }
  lane.pages = c.downloaded;
  lane.orders_received = c.downloaded;
  lane.orders = c.sent + c.undelivered;
  lane.acknowledged = c.sent;
  return lane;
}

void fetch_recon(AccountFetch& run, FetchResult& result) {
  ReconFetchRequest request;
  request.account = run.account.name;
  request.report_dates = run.request.report_dates;
  request.run_id = run.run_id;
  request.dry_run = run.request.dry_run;
  const ReconFetchResult r = run_recon_fetch(run.cfg, request, &run.tokens, &run.server_clock);
  spdlog::info("fetch {}: {}", run.run_id, r.summary());
  result.types.push_back(recon_lane(r, request.dry_run));
  const ReconFetchCounters& c = r.counters;
  result.undelivered += c.undelivered;
  if (c.sent + c.undelivered > 0) {
    result.add_kafka(fmt::format(
        "topic {}: {} report(s) in {} chunk(s) acknowledged{}", run.cfg.kafka.recon_topic, c.sent,
        c.chunks,
        c.undelivered > 0 ? fmt::format(", {} report(s) not", c.undelivered) : std::string()));
  }
  for (const auto& d : r.dates) {
    if (d.kind != ReconDateOutcome::Kind::deferred) continue;
    result.notes.push_back(
        fmt::format("recon: report {} deferred (downloaded under two hours ago); allowed from {}",
                    d.day, format_iso8601(d.deferred_until_ms)));
  }
}

}  // namespace etl::pipeline

// fetch --data recon's pure decisions: which report dates to download (listed and not fetched,
// plus the days asked for again), how --report-date reads, and the chunk size that keeps every
// message of a report inside the Kafka limit.
#include "pipeline/fetch/recon_plan.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "pipeline/fetch/recon_fetch.hpp"

namespace etl::pipeline {
namespace {

std::vector<std::string> days(const ReconDatePlan& p) {
  std::vector<std::string> out;
  for (const auto& d : p.to_fetch) out.push_back(d.day + (d.asked_again ? "!" : ""));
  return out;
}

TEST(ReconPlan, ListedDatesWithoutARowAreFetchedOldestFirst) {
  const ReconDatePlan p = plan_recon_dates({"12122026", "11142026", "11282026"}, {"11282026"}, {});
  EXPECT_EQ(days(p), (std::vector<std::string>{"2026-11-14", "2026-12-12"}));
  EXPECT_EQ(p.listed, 3u);
  EXPECT_EQ(p.already_fetched, 1u);
  EXPECT_EQ(p.to_fetch.at(0).api_date, "11142026");  // sent back exactly as listed
  EXPECT_TRUE(p.unreadable.empty());
}

TEST(ReconPlan, NothingNewWhenEveryListedDateWasFetched) {
  const ReconDatePlan p = plan_recon_dates({"11282026", "12122026"}, {"11282026", "12122026"}, {});
  EXPECT_TRUE(p.to_fetch.empty());
  EXPECT_EQ(p.already_fetched, 2u);
}

TEST(ReconPlan, DaysAskedForAgainAreFetchedListedOrNot) {
  const ReconDatePlan p = plan_recon_dates({"11282026", "12122026"}, {"11282026", "12122026"},
                                           {"2026-11-28", "2026-10-31"});
  EXPECT_EQ(days(p), (std::vector<std::string>{"2026-10-31!", "2026-11-28!"}));
  EXPECT_EQ(p.to_fetch.at(0).api_date, "10312026");  // not listed: the API's form
  EXPECT_EQ(p.to_fetch.at(1).api_date, "11282026");
  EXPECT_EQ(p.already_fetched, 1u);
}

TEST(ReconPlan, DatesAreComparedAsDays) {
  // A row written under another form of the same day is the same date; a listed text that is no
  // date is reported and skipped.
  const ReconDatePlan p = plan_recon_dates({"12122026", "20261128", "13132026"}, {"20261212"}, {});
  EXPECT_EQ(days(p), (std::vector<std::string>{"2026-11-28"}));
  EXPECT_EQ(p.unreadable, (std::vector<std::string>{"13132026"}));
  EXPECT_EQ(p.already_fetched, 1u);
}

TEST(ReconPlan, ReportDateArgumentsInEveryForm) {
  EXPECT_EQ(parse_report_date_args({"12122026,2026-11-28", "20261212", " 11/14/2026 "}),
            (std::vector<std::string>{"2026-11-14", "2026-11-28", "2026-12-12"}));
  EXPECT_TRUE(parse_report_date_args({}).empty());
  for (const std::string bad : {"2026-02-30", "12122026,", "yesterday", "1212202"}) {
    try {
      (void)parse_report_date_args({bad});
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("--report-date"), std::string::npos) << e.what();
    }
  }
}

recon::ReportChunkHeaders headers(std::string file_name) {
  recon::ReportChunkHeaders h;
  h.account = "brand-us";
  h.report_date = "2026-12-12";
  h.file_name = std::move(file_name);
  h.fetched_at = "2026-12-12 09:00:00";
  return h;
}

TEST(ReconPlan, ChunksLeaveRoomForKeyHeadersAndFraming) {
  const std::string key = recon::report_message_key("brand-us", "2026-12-12");
  const auto h = headers("10000000001_2026-12-13T08:00:00.000+0000.zip");
  const size_t chunk = recon_chunk_bytes(10000, key, h);
  // Every header at its widest (chunk and chunks of ten digits, the 64-digit SHA-256), each with
  // two length varints, and the batch and record framing.
  size_t room = kRecordFramingBytes + key.size();
  for (const auto& [name, value] : recon::to_message_headers(h)) {
    room += name.size() + kHeaderFramingBytes;
    room += name == "chunk" || name == "chunks" ? 10 : name == "file_sha256" ? 64 : value.size();
  }
  EXPECT_EQ(chunk, 10000 - room);
  EXPECT_GT(chunk, 10000u - 600u);  // the room stays small next to any real limit
  // A longer file name leaves exactly that much less for the bytes.
  EXPECT_EQ(recon_chunk_bytes(10000, key, headers(h.file_name + "xyz")), chunk - 3);
  // A limit below the room still gives a usable (1-byte) chunk.
  EXPECT_EQ(recon_chunk_bytes(100, key, h), 1u);
}

TEST(ReconPlan, MessageLimitIsTheSmallerOfProducerAndTopic) {
  config::KafkaConfig k;
  EXPECT_EQ(recon_message_limit(k), 10485760u);  // both 10 MiB by default
  k.properties["message.max.bytes"] = "8000";
  EXPECT_EQ(recon_message_limit(k), 8000u);
  k.properties["message.max.bytes"] = "20000000";
  EXPECT_EQ(recon_message_limit(k), 10485760u);  // the topic fetch creates holds 10 MiB
}

// The recon lane of fetch's summary: complete exactly when every planned date was sent, deferred
// or (listed but) gone; a date asked for by name that does not exist, a failed delivery or a
// failed listing make it incomplete.
TEST(ReconLane, CompleteOnlyWhenEveryPlannedDateWasSettled) {
  ReconFetchResult r;
  r.counters.to_fetch = 3;
  r.counters.sent = 2;
  r.counters.deferred = 1;
  r.counters.downloaded = 2;
  r.dates.resize(3);
  ShipNodeSummary lane = recon_lane(r, false);
  EXPECT_EQ(lane.data_set, config::DataSet::recon);
  EXPECT_EQ(lane.label(), "recon");
  EXPECT_TRUE(lane.complete(false));
  EXPECT_EQ(lane.acknowledged, 2u);
  EXPECT_EQ(lane.pages, 2u);

  r.counters.deferred = 0;
  r.counters.failed = 1;
  r.counters.undelivered = 1;
  r.errors = {"report 2026-12-12 of main was not delivered"};
  lane = recon_lane(r, false);
  EXPECT_FALSE(lane.complete(false));
  EXPECT_EQ(lane.not_acknowledged(), 1u);

  ReconFetchResult listing;  // the list itself failed: nothing planned
  listing.errors = {"listing failed"};
  EXPECT_FALSE(recon_lane(listing, false).complete(false));

  ReconFetchResult missing;  // asked for by name, not there
  missing.counters.to_fetch = 1;
  missing.counters.not_found = 1;
  missing.counters.missing = 1;
  missing.dates.resize(1);
  EXPECT_FALSE(recon_lane(missing, false).complete(false));
  missing.counters.missing = 0;  // listed, then gone: only logged
  EXPECT_TRUE(recon_lane(missing, false).complete(false));

  ReconFetchResult planned;  // --dry-run: planned dates count as done
  planned.counters.to_fetch = 2;
  EXPECT_TRUE(recon_lane(planned, true).complete(true));
}

}  // namespace
}  // namespace etl::pipeline

#pragma once
// The pure decisions of `fetch --data recon` (recon_fetch.hpp is the shell that carries them
// out): which report dates of an account to download, how the --report-date values read, and how
// large a chunk of a report may be so that each Kafka message fits.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "recon/report_message.hpp"

namespace etl::pipeline {

struct ReconDate {
  std::string api_date;      // as the API lists it ("MMDDYYYY"); sent back exactly so
  std::string day;           // "YYYY-MM-DD": the Kafka key's and the headers' form
  bool asked_again = false;  // named by --report-date
};

struct ReconDatePlan {
  std::vector<ReconDate> to_fetch;      // oldest first, each day once
  size_t listed = 0;                    // dates the API listed
  size_t already_fetched = 0;           // listed, in etl_recon_fetch, not asked for again
  std::vector<std::string> unreadable;  // listed texts that are no date (skipped, reported)
};

// `listed`: the API's list; `fetched`: the dates etl_recon_fetch holds for the account (as the
// API named them); `again`: days ("YYYY-MM-DD") asked for again. A listed date without a row is
// fetched; a day asked for again is fetched whether it has a row or not, and whether it is listed
// or not (the download then says whether the report exists). Dates are compared as days, so
// "12122026" and "20261212" are one.
ReconDatePlan plan_recon_dates(const std::vector<std::string>& listed,
                               const std::vector<std::string>& fetched,
                               const std::vector<std::string>& again);

// The --report-date values (the option may be repeated, each value may be a comma-separated
// list): every date as `load --data recon --report-date` reads it (MMDDYYYY, YYYYMMDD) or ISO
// YYYY-MM-DD -> days "YYYY-MM-DD", sorted, each once. Throws ConfigError naming a value that is
// no date.
std::vector<std::string> parse_report_date_args(const std::vector<std::string>& values);

// What one Kafka message may hold: the producer's message.max.bytes (kafka.properties, else the
// default) and the recon topic's max.message.bytes as fetch creates it, the smaller of the two.
size_t recon_message_limit(const config::KafkaConfig& kafka);

// The framing of a one-record batch besides the key, the value and the headers: the v2 record
// batch header (61 bytes) and the record's own fields at their largest varint sizes (36 bytes),
// rounded up. Each header adds its name, its value and two length varints (at most 5 bytes each).
inline constexpr size_t kRecordFramingBytes = 128;
inline constexpr size_t kHeaderFramingBytes = 10;

// The largest chunk whose message (key, headers as `common` gives them with a chunk index and
// count of up to 10 digits, framing) fits in `message_limit` bytes; at least 1.
size_t recon_chunk_bytes(size_t message_limit, std::string_view key,
                         const recon::ReportChunkHeaders& common);

}  // namespace etl::pipeline

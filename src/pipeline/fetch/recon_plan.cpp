#include "pipeline/fetch/recon_plan.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "common/error.hpp"
#include "kafka/kafka_config.hpp"
#include "kafka/topic_admin.hpp"
#include "recon/report_dates.hpp"

namespace etl::pipeline {

namespace {

size_t size_value(const std::map<std::string, std::string>& values, const std::string& name,
                  size_t fallback) {
  const auto it = values.find(name);
  if (it == values.end()) return fallback;
  size_t v = 0;
  const auto [end, ec] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) return fallback;
  return v;
}

}  // namespace

ReconDatePlan plan_recon_dates(const std::vector<std::string>& listed,
                               const std::vector<std::string>& fetched,
                               const std::vector<std::string>& again) {
  ReconDatePlan plan;
  plan.listed = listed.size();
  std::set<std::string> fetched_days;
  for (const auto& f : fetched) {
    if (auto d = recon::parse_report_date(f)) fetched_days.insert(*d);
  }
  const std::set<std::string> again_days(again.begin(), again.end());
  std::map<std::string, ReconDate> chosen;  // by day: oldest first, each once
  for (const auto& text : listed) {
    const auto day = recon::parse_report_date(text);
    if (!day) {
      plan.unreadable.push_back(text);
      continue;
    }
    const bool asked = again_days.count(*day) != 0;
    if (fetched_days.count(*day) != 0 && !asked) {
      ++plan.already_fetched;
      continue;
    }
    chosen.emplace(*day, ReconDate{text, *day, asked});
  }
  for (const auto& day : again_days) {
    chosen.emplace(day, ReconDate{recon::to_api_report_date(day), day, true});
  }
  for (auto& [day, d] : chosen) plan.to_fetch.push_back(std::move(d));
  return plan;
}

std::vector<std::string> parse_report_date_args(const std::vector<std::string>& values) {
  std::set<std::string> days;
  for (const auto& value : values) {
    std::string_view rest = value;
    while (true) {
      const size_t comma = rest.find(',');
      std::string_view one = rest.substr(0, comma);
      while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
      while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
      const auto day = recon::parse_report_date(one);
      if (!day) {
        throw ConfigError("fetch --report-date: \"" + std::string(one) +
                          "\" is no report date (MMDDYYYY as the API lists it, YYYYMMDD or "
                          "YYYY-MM-DD)");
      }
      days.insert(*day);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return {days.begin(), days.end()};
}

size_t recon_message_limit(const config::KafkaConfig& kafka) {
  const auto producer = kafka::effective_properties(kafka, kafka::ClientRole::producer);
  const size_t produced = size_value(producer.values, "message.max.bytes", 1'000'000);
  const kafka::TopicSpec spec;
  const size_t topic = size_value(spec.configs, "max.message.bytes", produced);
  return std::min(produced, topic);
}

size_t recon_chunk_bytes(size_t message_limit, std::string_view key,
                         const recon::ReportChunkHeaders& common) {
  recon::ReportChunkHeaders widest = common;
  widest.chunk = 4'000'000'000U;  // ten digits: the widest an index or count is written
  widest.chunks = 4'000'000'000U;
  if (widest.file_sha256.empty()) widest.file_sha256.assign(64, '0');
  size_t room = kRecordFramingBytes + key.size();
  for (const auto& [name, value] : recon::to_message_headers(widest)) {
    room += name.size() + value.size() + kHeaderFramingBytes;
  }
  return message_limit > room ? message_limit - room : 1;
}

}  // namespace etl::pipeline

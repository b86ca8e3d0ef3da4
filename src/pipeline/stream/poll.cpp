// The poll loop of `walmart-etl stream` (StreamJob, see job_state.hpp): one message at a
// time (gaps, re-deliveries, held partitions), then housekeeping: what the workers wrote, fenced
// partitions, commits to Kafka, backpressure, lag, Kafka's health, the status line, idleness.

#include "pipeline/stream/job_state.hpp"

namespace etl::pipeline::stream_detail {

// ---------------------------------------------------------------------------------------------
// The poll loop

void StreamJob::handle(kafka::Message m) {
  if (m.is_partition_eof()) {
    kafka_contact(Clock::now());
    if (m.topic() == topic_) table_.on_end(m.partition(), m.offset());
    return;
  }
  if (m.is_error()) {
    const Error e = m.error();
    if (e.cause == ErrorCause::not_found) {
      // Nothing to assign until the topic exists (fetch creates it).
      health_.set(HealthCondition::starting, fmt::format("topic {} does not exist", topic_));
      if (options_.until_idle) {
        fatal_ = Error{ErrorClass::fatal, ErrorOrigin::kafka, e.code,
                       fmt::format("topic {} does not exist (--until-idle has nothing to read): {}",
                                   topic_, e.message)};
        return;
      }
    }
    if (e.cls == ErrorClass::fatal) {
      spdlog::error("stream: consumer error: {}", e.describe());
      if (e.cause == ErrorCause::client_failed) fatal_ = e;
    } else {
      spdlog::warn("stream: consumer error: {}", e.describe());
    }
    return;
  }
  kafka_contact(Clock::now());
  const int64_t offset = m.offset();
  if (m.topic() != topic_) {
    spdlog::debug("stream: dropping a message of {}[{}]@{}", m.topic(), m.partition(), offset);
    return;
  }
  const PartitionTable::Verdict v = table_.on_message(m.partition(), offset);
  switch (v.action) {
    case PartitionTable::Action::unassigned:
      spdlog::debug("stream: dropping a message of unassigned {}[{}]@{}", m.topic(), m.partition(),
                    offset);
      return;
    case PartitionTable::Action::awaiting:
      return;  // read again from its real start once MySQL answers
    case PartitionTable::Action::redelivered:
      spdlog::debug("stream: skipping re-delivered {}[{}]@{}", topic_, m.partition(), offset);
      return;
    case PartitionTable::Action::dispatch:
      break;
  }
  if (v.gap_from && !check_gap(m.partition(), *v.gap_from, offset)) return;
  table_.dispatched(m.partition(), offset);
  workers_[static_cast<size_t>(v.worker)]->push(std::move(m));
}

// A message skipped offsets from `expected`: retention deleted messages before we read them (or a
// compacted topic). Returns false when the stream must stop before this message (fatal_ is set).
bool StreamJob::check_gap(int32_t partition, int64_t expected, int64_t offset) {
  try {
    const kafka::Watermarks w = watermarks_->ask(partition, kWatermarkTimeout);
    if (const auto loss = gap_verdict(expected, offset, w.low)) {
      if (cfg_.stream.on_data_loss == config::DataLossPolicy::stop) {
        // Stop after writing what precedes the gap, then record the new starting point.
        drain_on_fatal_ = true;
        losses_to_record_.push_back({partition, expected, expected + loss->count});
      }
      report_loss(partition, loss->from, loss->count, offset);
    } else {
      spdlog::debug("stream: {}[{}] skips offsets {}..{} (not retention)", topic_, partition,
                    expected, offset - 1);
    }
  } catch (const EtlError& e) {
    if (e.error().cls == ErrorClass::fatal) {  // includes stream.on_data_loss=stop
      fatal_ = e.error();
      return false;
    }
    spdlog::warn("stream: {}[{}] skipped offsets {}..{}; could not check the earliest offset: {}",
                 topic_, partition, expected, offset - 1, e.error().describe());
  }
  return true;
}

void StreamJob::collect_written() {
  for (const auto& w : workers_) {
    for (const auto& [p, next] : w->written()) table_.written(p, w->id(), next);
    if (auto f = w->fatal_error(); f && !fatal_) fatal_ = *f;
  }
}

// A worker found a partition's stored offset moved by someone else (mysql/offset_fence.hpp): it
// dropped that partition's pending messages. MySQL is the truth: continue from what it holds.
void StreamJob::reseek_fenced() {
  for (const auto& w : workers_) {
    for (const auto& f : w->take_fenced()) {
      const auto resume = table_.fenced(f.partition, w->id(), f.found, f.expected);
      if (!resume) continue;  // released or moved meanwhile
      metrics_.fenced.inc();
      spdlog::error(
          "stream: {}[{}] was written by another consumer of group {} meanwhile ({}); its pending "
          "messages were NOT written by this process, which continues from offset {}. Two writers "
          "of one partition: a rebalance overlapped a slow batch, or another process uses the "
          "same group and database",
          topic_, f.partition, group_, f.describe(), *resume);
      try {
        consumer_->seek({{topic_, f.partition, *resume}}, 10s);
      } catch (const EtlError& e) {
        fatal_ = Error{ErrorClass::fatal, ErrorOrigin::kafka, e.error().code,
                       fmt::format("cannot move {}[{}] to offset {} after a fence: {}", topic_,
                                   f.partition, *resume, e.error().message)};
        return;
      }
      w->adopt(f.partition, f.found);
    }
  }
}

void StreamJob::commit_to_kafka(const std::vector<int32_t>& only) {
  kafka::TopicPartitions list;
  for (const auto& [p, next] : table_.commit_list(only)) list.push_back({topic_, p, next});
  if (list.empty() || !consumer_) return;
  // Asynchronous: a broker that is down must not stall the poll loop; MySQL holds the
  // authoritative offsets, these are for lag tools (and the fallback of a group without them).
  if (const auto err = consumer_->commit_async(list)) spdlog::debug("stream: {}", err->describe());
}

void StreamJob::apply_backpressure() {
  const size_t high = static_cast<size_t>(std::max(1, cfg_.stream.max_pending_messages));
  size_t pending = 0;
  for (const auto& w : workers_) {
    const size_t n = w->pending();
    pending += n;
    const auto change = table_.backpressure(w->id(), n, high);
    kafka::TopicPartitions to_pause;
    kafka::TopicPartitions to_resume;
    for (int32_t p : change.pause) to_pause.push_back({topic_, p});
    for (int32_t p : change.resume) to_resume.push_back({topic_, p});
    try {
      if (!to_pause.empty()) {
        // The first pause of a run at INFO (it explains a slower intake), later ones at DEBUG.
        spdlog::log(
            logged_pause_ ? spdlog::level::debug : spdlog::level::info,
            "stream: worker {} is behind ({} messages pending, stream.max_pending_messages={}): "
            "pausing {}",
            w->id(), n, high, kafka::describe(to_pause));
        logged_pause_ = true;
        consumer_->pause(to_pause);
      }
      if (!to_resume.empty()) consumer_->resume(to_resume);
    } catch (const EtlError& e) {
      spdlog::warn("stream: pause/resume: {}", e.error().describe());
    }
  }
  metrics_.pending_messages.set(static_cast<double>(pending));
  metrics_.paused_partitions.set(table_.paused_count());
}

// Lag of every assigned partition: from the client's high watermark of a partition being
// fetched, else from the latest answer of the watermark thread, asked every kLagQueryInterval
// (the poll thread only posts the question).
void StreamJob::update_lag() {
  const auto now = Clock::now();
  for (int32_t p : table_.ids()) {
    std::optional<int64_t> high =
        table_.fetched(p) ? consumer_->cached_high_watermark(topic_, p) : std::nullopt;
    if (!high) {
      if (table_.high_query_due(p, now, kLagQueryInterval)) {
        watermarks_->request(p);
        table_.high_queried(p, now, std::nullopt);
      }
      if (const auto a = watermarks_->latest(p); a && a->watermarks) high = a->watermarks->high;
    }
    if (const auto lag = table_.update_lag(p, high)) {
      metrics_.lag.with({topic_, std::to_string(p)}).set(static_cast<double>(*lag));
    }
  }
}

// Kafka's reachability (see kKafkaSilenceLimit): probes while nothing else shows contact with
// the cluster, and says unreachable after too long a silence. Never waits on a broker.
void StreamJob::watch_kafka() {
  const auto now = Clock::now();
  if (const auto ok = watermarks_->last_success()) kafka_contact(*ok);
  if (now - last_contact_ < kKafkaProbeInterval) return;
  if (now - last_probe_ >= kKafkaProbeInterval) {
    last_probe_ = now;
    const int32_t p = table_.empty() ? 0 : table_.ids().front();
    // A broker's refusal (no such topic or partition yet) is an answer too.
    if (const auto a = watermarks_->latest(p);
        a && a->error && a->error->cause == ErrorCause::not_found) {
      kafka_contact(a->asked);
    }
    watermarks_->request(p);
  }
  if (!kafka_down_.load() && now - last_contact_ >= kKafkaSilenceLimit) {
    kafka_unreachable(
        fmt::format("no answer from the brokers for {} s",
                    std::chrono::duration_cast<std::chrono::seconds>(now - last_contact_).count()));
  }
}

// Something came from the cluster (sent or asked at `when`).
void StreamJob::kafka_contact(Clock::time_point when) {
  last_contact_ = std::max(last_contact_, when);
  if (kafka_down_.load() && when >= kafka_down_since_) {
    kafka_down_.store(false);
    health_.clear(HealthCondition::kafka_unreachable);
    spdlog::info("stream: Kafka is reachable again");
  }
}

void StreamJob::log_status() {
  const uint64_t messages = metrics_.messages.value();
  const auto secs = std::chrono::duration<double>(cfg_.stream.status_interval).count();
  const int64_t lag = table_.total_lag();
  size_t pending = 0;
  for (const auto& w : workers_) pending += w->pending();
  const HealthReport h = health_.report();
  const std::vector<int32_t> ids = table_.ids();
  spdlog::info(
      "stream: partitions [{}], {:.0f} msg/s, written: {} messages, {} {}, {} rows, {} "
      "charges, {} dead letters; lag {}, pending {}; {}",
      fmt::join(ids, ","), static_cast<double>(messages - last_status_messages_) / secs, messages,
      metrics_.orders.value(), metrics_.names.records, metrics_.rows.value(),
      metrics_.charges.value(), metrics_.dead_letters_total(), lag, pending,
      h.healthy ? "healthy" : "UNHEALTHY: " + h.reason);
  last_status_messages_ = messages;
}

void StreamJob::housekeeping(bool force_commit) {
  const auto now = Clock::now();
  collect_written();
  reseek_fenced();
  start_deferred();
  apply_backpressure();
  if (force_commit || now - last_commit_ >= kCommitInterval) {
    commit_to_kafka();
    last_commit_ = now;
  }
  if (now - last_lag_ >= kLagInterval) {
    update_lag();
    last_lag_ = now;
  }
  watch_kafka();
  if (options_.until_idle && table_.all_at_end()) {
    for (const auto& w : workers_) {
      if (w->pending() > 0) w->request_flush();
    }
  }
  const HealthReport h = health_.report();
  metrics_.healthy.set(h.healthy ? 1 : 0);
  if (cfg_.stream.status_interval.count() > 0 &&
      now - last_status_ >= cfg_.stream.status_interval) {
    if (last_status_ != Clock::time_point{}) log_status();
    last_status_ = now;
  }
}

bool StreamJob::idle() const { return table_.idle(); }

}  // namespace etl::pipeline::stream_detail

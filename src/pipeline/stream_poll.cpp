// The poll loop of `walmart-etl stream` (StreamJob, see stream_job_state.hpp): one message at a
// time (gaps, re-deliveries, held partitions), then housekeeping: what the workers wrote, fenced
// partitions, commits to Kafka, backpressure, lag, Kafka's health, the status line, idleness.

#include "pipeline/stream_job_state.hpp"

namespace etl::pipeline::stream_detail {

// ---------------------------------------------------------------------------------------------
// The poll loop

void StreamJob::handle(kafka::Message m) {
  if (m.is_partition_eof()) {
    kafka_down_.store(false);
    health_.clear(HealthCondition::kafka_down);
    if (auto it = partitions_.find(m.partition());
        it != partitions_.end() && m.topic() == topic_ && !it->second.awaiting_start) {
      it->second.eof_at = m.offset();
    }
    return;
  }
  if (m.is_error()) {
    const Error e = m.error();
    if (m.error_code() == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
        m.error_code() == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
      // Nothing to assign until the topic exists (fetch creates it).
      health_.set(HealthCondition::starting, fmt::format("topic {} does not exist", topic_));
      if (options_.until_idle) {
        fatal_ = Error{ErrorClass::fatal, ErrorOrigin::kafka, m.error_code(),
                       fmt::format("topic {} does not exist (--until-idle has nothing to read): {}",
                                   topic_, e.message)};
        return;
      }
    }
    if (e.cls == ErrorClass::fatal) {
      spdlog::error("stream: consumer error: {}", e.describe());
      if (m.error_code() == RD_KAFKA_RESP_ERR__FATAL) fatal_ = e;
    } else {
      spdlog::warn("stream: consumer error: {}", e.describe());
    }
    return;
  }
  kafka_down_.store(false);
  health_.clear(HealthCondition::kafka_down);
  auto it = partitions_.find(m.partition());
  if (it == partitions_.end() || m.topic() != topic_) {
    spdlog::debug("stream: dropping a message of unassigned {}[{}]@{}", m.topic(), m.partition(),
                  m.offset());
    return;
  }
  PartitionState& st = it->second;
  if (st.awaiting_start) return;  // read again from its real start once MySQL answers
  const int64_t offset = m.offset();
  if (st.expected_next) {
    if (offset < *st.expected_next) {
      // Already handed to the worker (a re-delivery after pause/seek): applying it again could put
      // an older version of an order after a newer one in the same batch.
      spdlog::debug("stream: skipping re-delivered {}[{}]@{}", topic_, m.partition(), offset);
      return;
    }
    if (offset > *st.expected_next) {
      // A gap: retention deleted messages before we read them (or a compacted topic).
      const int64_t expected = *st.expected_next;
      try {
        const kafka::Watermarks w = consumer_->watermarks(topic_, m.partition(), kWatermarkTimeout);
        if (w.low > expected) {
          if (cfg_.stream.on_data_loss == config::DataLossPolicy::stop) {
            // Stop after writing what precedes the gap, then record the new starting point.
            drain_on_fatal_ = true;
            losses_to_record_.push_back({m.partition(), expected, std::min(w.low, offset)});
          }
          report_loss(m.partition(), expected, std::min(w.low, offset) - expected, offset);
        } else {
          spdlog::debug("stream: {}[{}] skips offsets {}..{} (not retention)", topic_,
                        m.partition(), expected, offset - 1);
        }
      } catch (const EtlError& e) {
        if (e.error().cls == ErrorClass::fatal) {  // includes stream.on_data_loss=stop
          fatal_ = e.error();
          return;
        }
        spdlog::warn(
            "stream: {}[{}] skipped offsets {}..{}; could not check the earliest offset: {}",
            topic_, m.partition(), expected, offset - 1, e.error().describe());
      }
    }
  }
  st.expected_next = offset + 1;
  st.dispatched_next = offset + 1;
  st.eof_at.reset();
  workers_[static_cast<size_t>(st.worker)]->push(std::move(m));
}

void StreamJob::collect_written() {
  for (const auto& w : workers_) {
    for (const auto& [p, next] : w->written()) {
      auto it = partitions_.find(p);
      if (it == partitions_.end() || it->second.worker != w->id()) continue;
      if (!it->second.written_next || *it->second.written_next < next)
        it->second.written_next = next;
    }
    if (auto f = w->fatal_error(); f && !fatal_) fatal_ = *f;
  }
}

// A worker found a partition's stored offset moved by someone else (mysql/offset_fence.hpp): it
// dropped that partition's pending messages. MySQL is the truth: continue from what it holds.
void StreamJob::reseek_fenced() {
  for (const auto& w : workers_) {
    for (const auto& f : w->take_fenced()) {
      auto it = partitions_.find(f.partition);
      if (it == partitions_.end() || it->second.worker != w->id()) continue;  // released meanwhile
      metrics_.fenced.inc();
      PartitionState& st = it->second;
      // No row any more (deleted by hand): go on from what this process had written.
      const int64_t resume = f.found.value_or(f.expected.value_or(0));
      spdlog::error(
          "stream: {}[{}] was written by another consumer of group {} meanwhile ({}); its pending "
          "messages were NOT written by this process, which continues from offset {}. Two writers "
          "of one partition: a rebalance overlapped a slow batch, or another process uses the "
          "same group and database",
          topic_, f.partition, group_, f.describe(), resume);
      try {
        consumer_->seek({{topic_, f.partition, resume}}, 10s);
      } catch (const EtlError& e) {
        fatal_ = Error{ErrorClass::fatal, ErrorOrigin::kafka, e.error().code,
                       fmt::format("cannot move {}[{}] to offset {} after a fence: {}", topic_,
                                   f.partition, resume, e.error().message)};
        return;
      }
      st.expected_next = resume;
      st.dispatched_next.reset();
      st.written_next = f.found;
      st.eof_at.reset();
      w->adopt(f.partition, f.found);
    }
  }
}

void StreamJob::commit_to_kafka(const std::vector<int32_t>& only) {
  kafka::TopicPartitions list;
  auto consider = [&](int32_t p, PartitionState& st) {
    if (st.written_next && (!st.kafka_committed || *st.kafka_committed < *st.written_next)) {
      list.push_back({topic_, p, *st.written_next});
      st.kafka_committed = st.written_next;
    }
  };
  if (only.empty()) {
    for (auto& [p, st] : partitions_) consider(p, st);
  } else {
    for (int32_t p : only) {
      if (auto it = partitions_.find(p); it != partitions_.end()) consider(p, it->second);
    }
  }
  if (list.empty() || !consumer_) return;
  // Asynchronous: a broker that is down must not stall the poll loop; MySQL holds the
  // authoritative offsets, these are for lag tools (and the fallback of a group without them).
  if (const auto err = consumer_->commit_async(list)) spdlog::debug("stream: {}", err->describe());
}

void StreamJob::apply_backpressure() {
  const size_t high = static_cast<size_t>(std::max(1, cfg_.stream.max_pending_messages));
  size_t pending = 0;
  int paused = 0;
  for (const auto& w : workers_) {
    const size_t n = w->pending();
    pending += n;
    kafka::TopicPartitions to_pause;
    kafka::TopicPartitions to_resume;
    for (auto& [p, st] : partitions_) {
      if (st.worker != w->id() || st.awaiting_start) continue;
      if (!st.paused && n > high) {
        to_pause.push_back({topic_, p});
        st.paused = true;
      } else if (st.paused && n <= high / 2) {
        to_resume.push_back({topic_, p});
        st.paused = false;
      }
    }
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
  for (const auto& [p, st] : partitions_) paused += st.paused ? 1 : 0;
  metrics_.pending_messages.set(static_cast<double>(pending));
  metrics_.paused_partitions.set(paused);
}

void StreamJob::update_lag() {
  const auto now = Clock::now();
  // Asking the broker blocks the poll thread (up to 500 ms): at most one partition per call, so
  // many paused partitions are refreshed in turn instead of all at once.
  bool asked = false;
  for (auto& [p, st] : partitions_) {
    // A partition that is not being fetched has no fresh high watermark in the client.
    const bool fetched = !st.paused && !st.held;
    std::optional<int64_t> high =
        fetched ? consumer_->cached_high_watermark(topic_, p) : std::nullopt;
    if (!high) {
      if (!asked && now - st.high_queried_at >= kLagQueryInterval) {
        asked = true;
        st.high_queried_at = now;
        try {
          st.queried_high = consumer_->watermarks(topic_, p, 500ms).high;
        } catch (const EtlError& e) {
          spdlog::debug("stream: {}[{}]: high watermark: {}", topic_, p, e.error().describe());
        }
      }
      high = st.queried_high;
    }
    const auto next = st.written_next ? st.written_next : st.expected_next;
    if (!high || !next) continue;
    st.lag = std::max<int64_t>(0, *high - *next);
    metrics_.lag.with({topic_, std::to_string(p)}).set(static_cast<double>(*st.lag));
  }
}

void StreamJob::probe_kafka() {
  // While librdkafka reports the brokers down, ask for watermarks now and then: an answer means
  // the cluster is back even if no message has arrived yet.
  try {
    const int32_t p = partitions_.empty() ? 0 : partitions_.begin()->first;
    (void)consumer_->watermarks(topic_, p, 1s);
    kafka_down_.store(false);
    health_.clear(HealthCondition::kafka_down);
    spdlog::info("stream: Kafka is reachable again");
  } catch (const EtlError&) {
    // still down; health says so
  }
}

void StreamJob::log_status() {
  const uint64_t messages = metrics_.messages.value();
  const auto secs = std::chrono::duration<double>(cfg_.stream.status_interval).count();
  int64_t lag = 0;
  for (const auto& [p, st] : partitions_) lag += st.lag.value_or(0);
  size_t pending = 0;
  for (const auto& w : workers_) pending += w->pending();
  const HealthReport h = health_.report();
  std::vector<int32_t> ids;
  for (const auto& [p, st] : partitions_) ids.push_back(p);
  spdlog::info(
      "stream: partitions [{}], {:.0f} msg/s, written: {} messages, {} orders, {} rows, {} "
      "charges, {} dead letters; lag {}, pending {}; {}",
      fmt::join(ids, ","), static_cast<double>(messages - last_status_messages_) / secs, messages,
      metrics_.orders.value(), metrics_.rows.value(), metrics_.charges.value(),
      metrics_.dead_letters_total(), lag, pending,
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
  if (kafka_down_.load() && now - last_probe_ >= kKafkaProbeInterval) {
    last_probe_ = now;
    probe_kafka();
  }
  if (options_.until_idle && !partitions_.empty()) {
    bool all_at_end = true;
    for (const auto& [p, st] : partitions_) all_at_end = all_at_end && st.eof_at.has_value();
    if (all_at_end) {
      for (const auto& w : workers_) {
        if (w->pending() > 0) w->request_flush();
      }
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

bool StreamJob::idle() const {
  if (partitions_.empty()) return false;
  for (const auto& [p, st] : partitions_) {
    if (st.awaiting_start || !st.eof_at) return false;
    if (st.dispatched_next && (!st.written_next || *st.written_next < *st.dispatched_next))
      return false;
  }
  return true;
}

}  // namespace etl::pipeline::stream_detail

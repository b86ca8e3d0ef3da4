#include "pipeline/fetch/order_sink.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "mysql/batch_writer.hpp"
#include "mysql/write_batch.hpp"
#include "order/message_format.hpp"
#include "privacy/redactor_pool.hpp"

namespace etl::pipeline {

namespace {
// Messages at least this large keep a copy of their value until Kafka answers, so that a broker
// refusing one as too large (its topic's max.message.bytes, in the delivery report) can still
// put it in the dead letter. No topic limit is smaller; smaller messages keep no copy.
constexpr size_t kKeepForDeadLetterBytes = size_t{512} * 1024;
constexpr size_t kDeadLetterIdsShown = 10;
}  // namespace

// An order Kafka refused as too large, waiting to be written to the dead letter.
struct OrderSink::Pending {
  size_t lane = 0;
  mysql::DeadLetter letter;
};

OrderSink::OrderSink(Settings settings, Listener& listener)
    : settings_(std::move(settings)), listener_(listener) {
  const config::KafkaConfig& kafka_cfg = *settings_.kafka;
  kafka::AdminClient admin(kafka_cfg);
  const auto topic = admin.ensure_topic(
      kafka::topic_spec_from(kafka_cfg),
      std::min<std::chrono::milliseconds>(std::chrono::seconds(30), settings_.flush_timeout));
  spdlog::info("fetch {}: Kafka topic {} {} ({} partitions){}", settings_.run_id, kafka_cfg.topic,
               kafka::to_string(topic.outcome), topic.partitions,
               topic.note.empty() ? "" : ": " + topic.note);
  kafka::ProducerOptions options;
  options.client.client_id = "walmart-etl-fetch";
  options.queue_full_timeout = settings_.flush_timeout;
  producer_ = std::make_unique<kafka::Producer>(kafka_cfg, std::move(options));
  if (settings_.privacy != nullptr && settings_.privacy->apply_before_kafka) {
    auto pool =
        std::make_unique<privacy::RedactorPool>(privacy::FieldPolicies::from(*settings_.privacy));
    if (pool->active()) redactors_ = std::move(pool);
  }
}

OrderSink::~OrderSink() = default;

std::optional<Error> OrderSink::produce(size_t lane, std::string_view purchase_order_id,
                                        std::string_view order_json,
                                        std::string_view request_time) {
  thread_local std::string value;  // one buffer per worker thread, reused for every order
  thread_local std::string redacted;
  // privacy.apply_before_kafka: the same redaction the writers apply (they leave what is
  // redacted already as it is). An order that does not parse is produced as received: the
  // stream dead-letters it and redacts nothing of it either.
  if (redactors_ &&
      redactors_->redact(order_json, redacted).outcome == privacy::RedactOutcome::redacted) {
    order_json = redacted;
  }
  order::build_order_message(order_json, request_time, value);
  const std::array<kafka::HeaderView, 3> headers{
      kafka::HeaderView{order::kHeaderAccount, settings_.account},
      kafka::HeaderView{order::kHeaderShipNodeType, settings_.lanes.at(lane)},
      kafka::HeaderView{order::kHeaderRunId, settings_.run_id}};
  const kafka::OutgoingMessage message(settings_.kafka->topic, purchase_order_id, value, headers);
  std::shared_ptr<std::string> kept;
  if (value.size() >= kKeepForDeadLetterBytes) kept = std::make_shared<std::string>(value);
  auto error = producer_->produce(message, [this, lane, kept](const kafka::DeliveryReport& rep) {
    if (rep.acknowledged()) {
      listener_.acknowledged(lane);
    } else if (kept && rep.error->cls == ErrorClass::bad_record) {
      keep(lane, rep.key, std::move(*kept), *rep.error);  // the broker's limit
    } else {
      listener_.not_acknowledged(lane, *rep.error);
    }
  });
  if (error && error->cls == ErrorClass::bad_record) {
    // Too large for the producer's message.max.bytes (or otherwise refused as a record): one
    // order must not stop the run; it is kept whole in the dead letter instead.
    keep(lane, purchase_order_id, value, *error);
    return std::nullopt;
  }
  return error;
}

void OrderSink::keep(size_t lane, std::string_view purchase_order_id, std::string payload,
                     const Error& why) {
  const std::string& topic = settings_.kafka->topic;
  spdlog::warn(
      "fetch {}: order {} ({} bytes) is too large for Kafka topic {} ({}); it goes to the "
      "dead letter and the run goes on",
      settings_.run_id, purchase_order_id, payload.size(), topic, why.describe());
  mysql::RecordOrigin origin;
  origin.source = fmt::format("fetch:{}:{}", settings_.account, purchase_order_id);
  origin.account = settings_.account;
  origin.record_index = 0;
  origin.topic = topic;
  origin.key = std::string(purchase_order_id);
  std::string message = fmt::format(
      "order {} ({} bytes with request_time) is too large for Kafka topic {}: "
      "{} (fetch run {}, ship node type {})",
      purchase_order_id, payload.size(), topic, why.describe(), settings_.run_id,
      settings_.lanes.at(lane));
  Pending d;
  d.lane = lane;
  // purchase_order_id: not a number, the payload still names it.
  d.letter =
      mysql::make_dead_letter(std::move(origin), order::purchase_order_id_number(purchase_order_id),
                              std::move(payload), std::move(message), why.code);
  // One row per account and order: fetching the order again (another run, another request_time,
  // maybe a newer version) replaces it.
  d.letter.one_per_source = true;
  std::lock_guard lock(pending_mutex_);
  pending_.push_back(std::move(d));
}

std::optional<std::string> OrderSink::write_dead_letters() {
  std::lock_guard writing(writer_mutex_);
  std::vector<Pending> pending;
  {
    std::lock_guard lock(pending_mutex_);
    pending.swap(pending_);
  }
  if (pending.empty()) return std::nullopt;
  mysql::WriteBatch batch;
  for (const auto& d : pending) batch.dead_letters.push_back(d.letter);
  try {
    if (!writer_) {
      writer_ = std::make_unique<mysql::BatchWriter>(*settings_.mysql, mysql::BatchWriterOptions{});
    }
    (void)writer_->write(batch);
  } catch (const EtlError& e) {
    // Not kept anywhere: these orders count as not acknowledged, the run is incomplete and no
    // watermark passes them.
    for (const auto& d : pending) {
      listener_.dead_letter_lost(d.lane, d.letter.origin.key.value_or("?"), e.what());
    }
    return fmt::format(
        "{} order(s) too large for Kafka could not be written to walmart_order_dead_letter: {}",
        pending.size(), e.what());
  }
  for (const auto& d : pending) {
    listener_.dead_lettered(d.lane);
    if (written_ids_.size() < kDeadLetterIdsShown) {
      written_ids_.push_back(d.letter.origin.key.value_or("?"));
    }
  }
  written_ += pending.size();
  spdlog::warn("fetch {}: {} order(s) too large for Kafka kept in {}.walmart_order_dead_letter",
               settings_.run_id, pending.size(), settings_.mysql->database);
  return std::nullopt;
}

OrderSink::Finish OrderSink::finish() {
  Finish out;
  const kafka::FlushResult flushed = producer_->flush(settings_.flush_timeout);
  out.kafka = fmt::format("topic {}: {}", settings_.kafka->topic, flushed.describe());
  out.undelivered = flushed.undelivered + flushed.counters.failed;
  // Anything still queued is dropped now, so that its reports fire while the listener is alive.
  producer_->purge_undelivered();
  out.lost = write_dead_letters();
  std::lock_guard lock(writer_mutex_);
  out.dead_letters = written_;
  out.dead_letter_ids = written_ids_;
  writer_.reset();
  return out;
}

}  // namespace etl::pipeline

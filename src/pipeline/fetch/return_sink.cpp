#include "pipeline/fetch/return_sink.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "mysql/return_writer.hpp"
#include "order/message_format.hpp"

namespace etl::pipeline {

namespace {
// As OrderSink: messages at least this large keep a copy until Kafka answers, so that a broker
// refusing one as too large can still put it in the dead letter.
constexpr size_t kKeepForDeadLetterBytes = size_t{512} * 1024;
constexpr size_t kShown = 10;
}  // namespace

ReturnSink::ReturnSink(Settings settings) : settings_(std::move(settings)) {
  const config::KafkaConfig& kafka_cfg = *settings_.kafka;
  kafka::TopicSpec spec = kafka::topic_spec_from(kafka_cfg);
  spec.name = kafka_cfg.returns_topic;
  kafka::AdminClient admin(kafka_cfg);
  const auto topic = admin.ensure_topic(
      spec, std::min<std::chrono::milliseconds>(std::chrono::seconds(30), settings_.flush_timeout));
  spdlog::info("fetch {}: Kafka topic {} {} ({} partitions){}", settings_.run_id, spec.name,
               kafka::to_string(topic.outcome), topic.partitions,
               topic.note.empty() ? "" : ": " + topic.note);
  kafka::ProducerOptions options;
  options.client.client_id = "walmart-etl-fetch";
  options.queue_full_timeout = settings_.flush_timeout;
  producer_ = std::make_unique<kafka::Producer>(kafka_cfg, std::move(options));
}

ReturnSink::~ReturnSink() = default;

std::optional<Error> ReturnSink::produce(std::string_view return_order_id, std::string_view json,
                                         std::string_view request_time) {
  const std::array<kafka::HeaderView, 3> headers{
      kafka::HeaderView{order::kHeaderAccount, settings_.account},
      kafka::HeaderView{order::kHeaderRunId, settings_.run_id},
      kafka::HeaderView{order::kRequestTimeField, request_time}};
  const kafka::OutgoingMessage message(settings_.kafka->returns_topic, return_order_id, json,
                                       headers);
  std::shared_ptr<std::string> kept;
  if (json.size() >= kKeepForDeadLetterBytes) kept = std::make_shared<std::string>(json);
  auto error = producer_->produce(message, [this, kept](const kafka::DeliveryReport& rep) {
    if (rep.acknowledged()) {
      ++acknowledged_;
    } else if (kept && rep.error->cls == ErrorClass::bad_record) {
      keep(rep.key, std::move(*kept), *rep.error);  // the broker's limit
    } else {
      ++failed_;
      std::lock_guard lock(mutex_);
      if (errors_.size() < kShown) {
        errors_.push_back(
            fmt::format("return {} not acknowledged by Kafka: {}", rep.key, rep.error->describe()));
      }
    }
  });
  if (error && error->cls == ErrorClass::bad_record) {
    keep(return_order_id, std::string(json), *error);
    return std::nullopt;
  }
  return error;
}

void ReturnSink::keep(std::string_view return_order_id, std::string payload, const Error& why) {
  const std::string& topic = settings_.kafka->returns_topic;
  spdlog::warn(
      "fetch {}: return {} ({} bytes) is too large for Kafka topic {} ({}); it goes to the "
      "dead letter and the run goes on",
      settings_.run_id, return_order_id, payload.size(), topic, why.describe());
  mysql::ReturnDeadLetter d;
  d.origin.source = fmt::format("fetch:{}:{}", settings_.account, return_order_id);
  d.origin.account = settings_.account;
  d.origin.record_index = 0;
  d.origin.topic = topic;
  d.origin.key = std::string(return_order_id);
  d.return_order_id = std::string(return_order_id);
  d.error_class = std::string(to_string(why.cls));
  d.error_code = why.code;
  d.message = fmt::format("return {} ({} bytes) is too large for Kafka topic {}: {} (fetch run {})",
                          return_order_id, payload.size(), topic, why.describe(), settings_.run_id);
  d.payload = std::move(payload);
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(d));
}

std::optional<std::string> ReturnSink::write_dead_letters() {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) return std::nullopt;
  mysql::ReturnBatch batch;
  batch.dead_letters.swap(pending_);
  try {
    if (!writer_) {
      writer_ =
          std::make_unique<mysql::ReturnWriter>(*settings_.mysql, mysql::ReturnWriterOptions{});
    }
    (void)writer_->write(batch);
  } catch (const EtlError& e) {
    // Kept nowhere: these returns count as not acknowledged; no watermark passes them.
    return fmt::format(
        "{} return(s) too large for Kafka could not be written to walmart_return_dead_letter: {}",
        batch.dead_letters.size(), e.what());
  }
  for (const auto& d : batch.dead_letters) {
    if (written_ids_.size() < kShown) written_ids_.push_back(d.return_order_id.value_or("?"));
  }
  written_ += batch.dead_letters.size();
  spdlog::warn("fetch {}: {} return(s) too large for Kafka kept in {}.walmart_return_dead_letter",
               settings_.run_id, batch.dead_letters.size(), settings_.mysql->database);
  return std::nullopt;
}

ReturnSink::Finish ReturnSink::finish() {
  Finish out;
  const kafka::FlushResult flushed = producer_->flush(settings_.flush_timeout);
  out.kafka = fmt::format("topic {}: {}", settings_.kafka->returns_topic, flushed.describe());
  out.undelivered = flushed.undelivered + flushed.counters.failed;
  producer_->purge_undelivered();
  out.lost = write_dead_letters();
  std::lock_guard lock(mutex_);
  out.acknowledged = acknowledged_;
  out.dead_letters = written_;
  out.dead_letter_ids = written_ids_;
  out.errors = errors_;
  writer_.reset();
  return out;
}

}  // namespace etl::pipeline

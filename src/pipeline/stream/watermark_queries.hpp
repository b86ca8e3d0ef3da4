#pragma once
// The stream's watermark (ListOffsets) queries, on a thread and a Kafka client of their own.
//
// Why not on the poll thread: librdkafka's rd_kafka_query_watermark_offsets() does not return at
// its timeout while the partition leader is unreachable (the request waits in the broker's queue
// until the connection attempt fails and is then retried), so one call can take minutes. On the
// poll thread that froze the stream: no SIGTERM handled, max.poll.interval.ms exceeded. Here the
// poll thread posts requests (request()) and reads answers (latest()); when it needs an answer
// now (ask()) it waits for at most the time it chooses, returns early on a stop request, and does
// not wait at all while an earlier query has been stuck longer than that.
//
// The queries run one at a time, in request order; a partition asked again while its query is
// queued is not queued twice. Answers are kept per partition (the latest one, success or error).
//
// Shutdown: the destructor waits up to kAbandonAfter for a query in progress. A query still stuck
// in librdkafka then is left behind on its detached thread, with its client (nothing else uses
// either), and left_behind() says so: the process must then end without running static
// destructors under that thread (run_stream() ends with std::_Exit).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "config/config.hpp"
#include "kafka/topic_admin.hpp"

namespace etl::pipeline {

class WatermarkQueries {
 public:
  using Clock = std::chrono::steady_clock;
  // How long librdkafka is asked to take per query (it may take longer, see above).
  static constexpr std::chrono::milliseconds kQueryTimeout{5000};
  static constexpr std::chrono::milliseconds kAbandonAfter{2000};

  struct Answer {
    Clock::time_point asked;                      // when the query was sent
    std::optional<kafka::Watermarks> watermarks;  // set on success
    std::optional<Error> error;                   // set on failure
  };

  // Creates the client (throws ConfigError like any Kafka client) and starts the thread.
  WatermarkQueries(const config::KafkaConfig& cfg, std::string topic);
  ~WatermarkQueries();
  WatermarkQueries(const WatermarkQueries&) = delete;
  WatermarkQueries& operator=(const WatermarkQueries&) = delete;

  // Queues a query of the partition's watermarks unless one is queued already. Never blocks.
  void request(int32_t partition);
  // The partition's latest answer (nullopt before its first one). Never blocks on the broker.
  [[nodiscard]] std::optional<Answer> latest(int32_t partition) const;
  // A query sent from now on, waited for at most `timeout` (less on a stop request, nothing while
  // an earlier query has been stuck longer than `timeout`). Throws EtlError: the query's own
  // error, or retriable/unreachable when no answer came in time.
  kafka::Watermarks ask(int32_t partition, std::chrono::milliseconds timeout);
  // When the most recent successful query was sent (any partition); nullopt if none succeeded.
  [[nodiscard]] std::optional<Clock::time_point> last_success() const;
  // How long the query in progress has been running (zero when idle).
  [[nodiscard]] Clock::duration busy_for() const;
  // Set by the destructor when a query stuck in librdkafka was left behind (see above).
  [[nodiscard]] static bool left_behind() noexcept;

 private:
  struct State;
  // The query thread's loop; owns the client, destroys it on the way out.
  static void serve(const std::shared_ptr<State>& s, std::unique_ptr<kafka::AdminClient> client,
                    const std::string& topic);

  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace etl::pipeline

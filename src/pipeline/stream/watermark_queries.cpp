#include "pipeline/stream/watermark_queries.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "common/stop_signal.hpp"

namespace etl::pipeline {

namespace {
std::atomic<bool> g_left_behind{false};
}  // namespace

// Shared by the owner and the query thread: a thread left behind keeps it alive.
struct WatermarkQueries::State {
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::deque<int32_t> queue;
  std::set<int32_t> queued;
  std::map<int32_t, Answer> answers;
  std::optional<Clock::time_point> busy_since;
  std::optional<Clock::time_point> last_success;
  bool stopping = false;
  bool finished = false;
};

WatermarkQueries::WatermarkQueries(const config::KafkaConfig& cfg, std::string topic)
    : state_(std::make_shared<State>()) {
  kafka::ClientOptions options;
  options.client_id = "walmart-etl-stream-watermarks";
  auto client = std::make_unique<kafka::AdminClient>(cfg, options);
  thread_ = std::thread([s = state_, c = std::move(client), t = std::move(topic)]() mutable {
    serve(s, std::move(c), t);
  });
}

WatermarkQueries::~WatermarkQueries() {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  state_->cv.notify_all();
  const bool finished = state_->cv.wait_for(lock, kAbandonAfter, [&] { return state_->finished; });
  const auto busy = state_->busy_since;
  lock.unlock();
  if (finished) {
    thread_.join();
    return;
  }
  // Stuck inside librdkafka (an unreachable leader): it returns when it returns, on its own.
  g_left_behind.store(true);
  spdlog::warn(
      "stream: a watermark query has not returned for {} ms (Kafka unreachable); not waiting for "
      "it",
      busy ? std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - *busy).count()
           : 0);
  thread_.detach();
}

bool WatermarkQueries::left_behind() noexcept { return g_left_behind.load(); }

void WatermarkQueries::request(int32_t partition) {
  const std::lock_guard lock(state_->mutex);
  if (!state_->queued.insert(partition).second) return;
  state_->queue.push_back(partition);
  state_->cv.notify_all();
}

std::optional<WatermarkQueries::Answer> WatermarkQueries::latest(int32_t partition) const {
  const std::lock_guard lock(state_->mutex);
  const auto it = state_->answers.find(partition);
  if (it == state_->answers.end()) return std::nullopt;
  return it->second;
}

std::optional<WatermarkQueries::Clock::time_point> WatermarkQueries::last_success() const {
  const std::lock_guard lock(state_->mutex);
  return state_->last_success;
}

WatermarkQueries::Clock::duration WatermarkQueries::busy_for() const {
  const std::lock_guard lock(state_->mutex);
  return state_->busy_since ? Clock::now() - *state_->busy_since : Clock::duration::zero();
}

kafka::Watermarks WatermarkQueries::ask(int32_t partition, std::chrono::milliseconds timeout) {
  const auto unanswered = [&](std::string_view why) {
    return EtlError(Error{ErrorClass::retriable, ErrorOrigin::kafka, 0,
                          fmt::format("watermark query for {}: {}", partition, why),
                          ErrorCause::unreachable});
  };
  const auto since = Clock::now();
  std::unique_lock lock(state_->mutex);
  if (state_->busy_since && since - *state_->busy_since >= timeout) {
    throw unanswered(fmt::format(
        "the broker has not answered the previous query for {} ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(since - *state_->busy_since)
            .count()));
  }
  if (state_->queued.insert(partition).second) {
    state_->queue.push_back(partition);
    state_->cv.notify_all();
  }
  const auto deadline = since + timeout;
  const auto answered = [&] {
    const auto it = state_->answers.find(partition);
    return it != state_->answers.end() && it->second.asked >= since;
  };
  // In slices: a stop request (a signal handler cannot notify) ends the wait too.
  while (!answered()) {
    if (stop_requested()) throw unanswered("not waited for: stopping");
    const auto now = Clock::now();
    if (now >= deadline) {
      throw unanswered(fmt::format("no answer within {} ms", timeout.count()));
    }
    state_->cv.wait_for(lock,
                        std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(50)));
  }
  const Answer& a = state_->answers.at(partition);
  if (a.watermarks) return *a.watermarks;
  throw EtlError(*a.error);
}

void WatermarkQueries::serve(const std::shared_ptr<State>& s,
                             std::unique_ptr<kafka::AdminClient> client, const std::string& topic) {
  for (;;) {
    int32_t partition = 0;
    Clock::time_point asked;
    {
      std::unique_lock lock(s->mutex);
      s->cv.wait(lock, [&] { return s->stopping || !s->queue.empty(); });
      if (s->stopping) break;
      partition = s->queue.front();
      s->queue.pop_front();
      s->queued.erase(partition);
      asked = Clock::now();
      s->busy_since = asked;
    }
    Answer answer;
    answer.asked = asked;
    try {
      answer.watermarks = client->watermarks(topic, partition, kQueryTimeout);
    } catch (const EtlError& e) {
      answer.error = e.error();
    } catch (const std::exception& e) {
      answer.error = Error{ErrorClass::retriable, ErrorOrigin::kafka, 0, e.what()};
    }
    {
      const std::lock_guard lock(s->mutex);
      s->busy_since.reset();
      if (answer.watermarks) s->last_success = std::max(s->last_success.value_or(asked), asked);
      s->answers[partition] = std::move(answer);
    }
    s->cv.notify_all();
  }
  client.reset();  // destroys the librdkafka handle here, never on the poll thread
  {
    const std::lock_guard lock(s->mutex);
    s->finished = true;
  }
  s->cv.notify_all();
}

}  // namespace etl::pipeline

#include "walmart/server_clock.hpp"

#include <chrono>

#include "common/utc_time.hpp"
#include "walmart/throttle_time.hpp"

namespace etl::walmart {

void ServerClock::observe(const HttpResponse& response) noexcept {
  const std::string* date = response.header("date");
  if (date == nullptr) return;
  const auto server_ms = parse_http_date(*date);
  if (!server_ms) return;
  const int64_t local_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(response.received_at.time_since_epoch())
          .count();
  offset_ms_.store(*server_ms - local_ms);
  observed_.store(true);
}

int64_t ServerClock::now_ms() const noexcept { return now_epoch_ms() + offset_ms_.load(); }

}  // namespace etl::walmart

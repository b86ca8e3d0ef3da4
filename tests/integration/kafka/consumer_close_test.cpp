// Integration, librdkafka's mock cluster (the right tool here: it can make the group coordinator
// slow, request by request, which a real broker cannot be told to do). A cooperative-sticky
// member that has its JoinGroup answer (the assignor is chosen) but not yet its SyncGroup answer
// (no assignor state yet) is closed and destroyed. librdkafka before 2.3.0 aborted there
// (rd_kafka_sticky_assignor_state_destroy: Assertion 'assignor_state' failed); Consumer must not,
// and it now destroys its handle there like anywhere else (no handle kept until exit).
// A 1.5 s round trip on the broker holds the SyncGroup answer back, so the close lands inside that
// window every time. The scenario runs in a child process (a death test): an abort kills the
// child, not the test runner.

#include <gtest/gtest.h>

#include <cstring>

#include "kafka/consumer.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::random_topic;
using test::wait_until;

// Exit codes of the child, so a failure says which step went wrong.
constexpr int kDone = 0;
constexpr int kNeverJoined = 3;
constexpr int kAssignedTooEarly = 4;

[[noreturn]] void close_between_join_and_sync() {
  const std::string topic = random_topic("close");
  DevBroker broker({1, {{topic, 2}}});
  broker.set_rtt(1, 1500ms);
  bool assigned = false;
  {
    ConsumerOptions options;
    options.client.group_id = random_topic("g");
    options.rebalance.on_assigned = [&](TopicPartitions&) { assigned = true; };
    Consumer consumer(
        config_for(broker, {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}}),
        options);
    consumer.subscribe({topic});
    // JoinGroup answered = the rebalance protocol is known.
    const bool joined = wait_until(
        30s,
        [&] {
          const char* p = rd_kafka_rebalance_protocol(consumer.native());
          return p != nullptr && std::strcmp(p, "COOPERATIVE") == 0;
        },
        [&] { consumer.poll(10ms); });
    if (!joined) std::_Exit(kNeverJoined);
    if (assigned) std::_Exit(kAssignedTooEarly);
    static_cast<void>(consumer.close());
  }  // destroyed here: where librdkafka before 2.3.0 aborted
  std::_Exit(assigned ? kAssignedTooEarly : kDone);
}

TEST(ConsumerCloseDeathTest, ClosedBetweenJoinAndFirstAssignmentDoesNotAbort) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(close_between_join_and_sync(), ::testing::ExitedWithCode(kDone), "");
}

}  // namespace
}  // namespace etl::kafka

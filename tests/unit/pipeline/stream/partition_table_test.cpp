// PartitionTable and plan_start without a broker or MySQL: every transition the stream job relies
// on - where a partition starts (stored, committed, reset; retention below or beyond the range),
// messages in order, re-delivered and skipping offsets, partitions held while MySQL cannot say
// where they start, revocation and loss followed by a new assignment, fences, commits to Kafka,
// backpressure and idleness.

#include "pipeline/stream/partition_table.hpp"

#include <gtest/gtest.h>

namespace etl::pipeline {
namespace {

using Action = PartitionTable::Action;

TEST(PlanStart, StoredOffsetWinsOverTheCommittedOne) {
  const StartPlan plan = plan_start(120, 90, OffsetRange{0, 500});
  EXPECT_EQ(plan.start, 120);
  EXPECT_EQ(plan.source, StartSource::stored);
  EXPECT_EQ(plan.holds, 120);
  EXPECT_FALSE(plan.loss);
  EXPECT_FALSE(plan.record);
  EXPECT_FALSE(plan.beyond_end);
}

TEST(PlanStart, CommittedOffsetWithoutAStoredOneStartsThereWithNothingHeldInMySql) {
  const StartPlan plan = plan_start(std::nullopt, 90, OffsetRange{0, 500});
  EXPECT_EQ(plan.start, 90);
  EXPECT_EQ(plan.source, StartSource::committed);
  EXPECT_FALSE(plan.holds);
  EXPECT_FALSE(plan.loss);
}

TEST(PlanStart, NeitherStartsAtTheResetPolicyWithoutAskingTheBroker) {
  const StartPlan plan = plan_start(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(plan.start, kStartAtReset);
  EXPECT_EQ(plan.source, StartSource::reset);
  EXPECT_FALSE(plan.holds);
}

TEST(PlanStart, StoredOffsetDeletedByRetentionIsALossRecordedOnce) {
  const StartPlan plan = plan_start(100, std::nullopt, OffsetRange{250, 900});
  ASSERT_TRUE(plan.loss);
  EXPECT_EQ(plan.loss->from, 100);
  EXPECT_EQ(plan.loss->count, 150);
  EXPECT_EQ(plan.start, 250);
  EXPECT_EQ(plan.record, 250);  // MySQL is moved past the deleted messages: reported once
  EXPECT_EQ(plan.holds, 250);
}

TEST(PlanStart, CommittedOffsetDeletedByRetentionIsALossAndMySqlThenHoldsTheNewStart) {
  const StartPlan plan = plan_start(std::nullopt, 10, OffsetRange{40, 90});
  ASSERT_TRUE(plan.loss);
  EXPECT_EQ(plan.loss->count, 30);
  EXPECT_EQ(plan.start, 40);
  EXPECT_EQ(plan.holds, 40);
  EXPECT_EQ(plan.record, 40);
}

TEST(PlanStart, OffsetAtTheEarliestOrAtTheEndIsNoLoss) {
  EXPECT_FALSE(plan_start(40, std::nullopt, OffsetRange{40, 90}).loss);
  const StartPlan at_end = plan_start(90, std::nullopt, OffsetRange{40, 90});
  EXPECT_FALSE(at_end.loss);
  EXPECT_FALSE(at_end.beyond_end);
  EXPECT_EQ(at_end.start, 90);
}

TEST(PlanStart, OffsetBeyondTheEndStartsAtResetButMySqlKeepsWhatItHolds) {
  const StartPlan plan = plan_start(1000, std::nullopt, OffsetRange{0, 90});
  EXPECT_TRUE(plan.beyond_end);
  EXPECT_EQ(plan.start, kStartAtReset);
  EXPECT_EQ(plan.holds, 1000);  // the fence still expects the row MySQL has
  EXPECT_FALSE(plan.loss);
}

TEST(PlanStart, UnknownRangeDefersTheRetentionCheck) {
  const StartPlan plan = plan_start(5, std::nullopt, std::nullopt);
  EXPECT_EQ(plan.start, 5);
  EXPECT_FALSE(plan.loss);
  EXPECT_FALSE(plan.beyond_end);
}

TEST(GapVerdict, SkippedOffsetsBelowTheEarliestAreALossUpToTheEarliest) {
  const auto loss = gap_verdict(10, 50, 30);
  ASSERT_TRUE(loss);
  EXPECT_EQ(loss->from, 10);
  EXPECT_EQ(loss->count, 20);
  const auto capped = gap_verdict(10, 25, 30);  // the message itself came before `low`
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->count, 15);
}

TEST(GapVerdict, SkippedOffsetsStillStoredAreNotALoss) {
  EXPECT_FALSE(gap_verdict(10, 50, 10));
  EXPECT_FALSE(gap_verdict(10, 50, 0));
}

TEST(PartitionTable, AssignsEachPartitionToTheLeastLoadedWorker) {
  PartitionTable t(2);
  t.assign({0, 1, 2, 3});
  EXPECT_EQ(t.find(0)->worker, 0);
  EXPECT_EQ(t.find(1)->worker, 1);
  EXPECT_EQ(t.find(2)->worker, 0);
  EXPECT_EQ(t.find(3)->worker, 1);
  t.forget({0, 2});
  t.assign({4});
  EXPECT_EQ(t.find(4)->worker, 0);
}

TEST(PartitionTable, StartSetsWhatMySqlHoldsAndTheExpectedOffset) {
  PartitionTable t(1);
  t.assign({0, 1});
  EXPECT_EQ(t.start(0, plan_start(7, std::nullopt, OffsetRange{0, 9})), 7);
  EXPECT_EQ(t.find(0)->written_next, 7);
  EXPECT_EQ(t.find(0)->expected_next, 7);
  EXPECT_EQ(t.start(1, plan_start(std::nullopt, std::nullopt, std::nullopt)), kStartAtReset);
  EXPECT_FALSE(t.find(1)->written_next);
  EXPECT_FALSE(t.find(1)->expected_next);  // the first message sets it
}

TEST(PartitionTable, MessagesInOrderAreDispatchedReDeliveredOnesDroppedGapsReported) {
  PartitionTable t(2);
  t.assign({0});
  t.start(0, plan_start(10, std::nullopt, OffsetRange{0, 100}));
  auto v = t.on_message(0, 10);
  EXPECT_EQ(v.action, Action::dispatch);
  EXPECT_EQ(v.worker, 0);
  EXPECT_FALSE(v.gap_from);
  t.dispatched(0, 10);
  EXPECT_EQ(t.on_message(0, 10).action, Action::redelivered);
  EXPECT_EQ(t.on_message(0, 5).action, Action::redelivered);
  v = t.on_message(0, 14);
  EXPECT_EQ(v.action, Action::dispatch);
  EXPECT_EQ(v.gap_from, 11);
  // Nothing changes until the message is handed over (a stop may keep it back).
  EXPECT_EQ(t.find(0)->expected_next, 11);
  t.dispatched(0, 14);
  EXPECT_EQ(t.find(0)->expected_next, 15);
  EXPECT_EQ(t.on_message(7, 1).action, Action::unassigned);
}

TEST(PartitionTable, HeldPartitionsDropTheirMessagesUntilStarted) {
  PartitionTable t(1);
  t.assign({0, 1});
  t.await_start({0, 1});
  EXPECT_EQ(t.awaiting_start(), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(t.take_to_hold(), (std::vector<int32_t>{0, 1}));
  EXPECT_TRUE(t.take_to_hold().empty());  // paused once
  EXPECT_EQ(t.on_message(0, 3).action, Action::awaiting);
  t.on_end(0, 3);
  EXPECT_FALSE(t.find(0)->eof_at);  // the end of a partition not yet started says nothing
  EXPECT_FALSE(t.idle());
  EXPECT_FALSE(t.fetched(0));
  // Backpressure leaves held partitions alone.
  EXPECT_TRUE(t.backpressure(0, 1000, 10).pause.empty());
  t.start(0, plan_start(2, std::nullopt, OffsetRange{0, 9}));
  t.start(1, plan_start(std::nullopt, std::nullopt, std::nullopt));
  t.started({0, 1});
  EXPECT_TRUE(t.awaiting_start().empty());
  EXPECT_TRUE(t.fetched(0));
  EXPECT_EQ(t.on_message(0, 2).action, Action::dispatch);
}

TEST(PartitionTable, APausedPartitionReassignedAfterRevocationOrLossStartsFresh) {
  PartitionTable t(1);
  t.assign({0});
  t.start(0, plan_start(3, std::nullopt, std::nullopt));
  t.dispatched(0, 3);
  EXPECT_EQ(t.backpressure(0, 50, 10).pause, (std::vector<int32_t>{0}));
  EXPECT_EQ(t.paused_count(), 1);
  t.forget({0});  // revoked (after finishing) or lost (dropping): either way forgotten
  EXPECT_EQ(t.find(0), nullptr);
  t.assign({0});
  t.start(0, plan_start(4, std::nullopt, std::nullopt));
  EXPECT_FALSE(t.find(0)->paused);
  EXPECT_TRUE(t.fetched(0));
  EXPECT_EQ(t.paused_count(), 0);
  EXPECT_EQ(t.find(0)->expected_next, 4);
  EXPECT_FALSE(t.find(0)->dispatched_next);
}

TEST(PartitionTable, BackpressurePausesAboveTheHighMarkAndResumesAtHalf) {
  PartitionTable t(2);
  t.assign({0, 1, 2});  // worker 0: 0 and 2; worker 1: 1
  auto c = t.backpressure(0, 101, 100);
  EXPECT_EQ(c.pause, (std::vector<int32_t>{0, 2}));
  EXPECT_TRUE(c.resume.empty());
  EXPECT_TRUE(t.backpressure(0, 80, 100).resume.empty());  // between half and high: stays
  c = t.backpressure(0, 50, 100);
  EXPECT_EQ(c.resume, (std::vector<int32_t>{0, 2}));
  EXPECT_FALSE(t.find(1)->paused);
}

TEST(PartitionTable, WrittenOffsetsOnlyMoveForwardAndOnlyFromTheOwningWorker) {
  PartitionTable t(2);
  t.assign({0, 1});
  t.written(0, 0, 10);
  t.written(0, 0, 8);
  EXPECT_EQ(t.find(0)->written_next, 10);
  t.written(0, 1, 50);  // another worker (the partition moved meanwhile)
  EXPECT_EQ(t.find(0)->written_next, 10);
  t.written_final(0, 12);
  EXPECT_EQ(t.find(0)->written_next, 12);
}

TEST(PartitionTable, CommitListHoldsWhatMySqlHoldsEachOffsetOnce) {
  PartitionTable t(1);
  t.assign({0, 1});
  t.written(0, 0, 10);
  auto list = t.commit_list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], std::make_pair(int32_t{0}, int64_t{10}));
  EXPECT_TRUE(t.commit_list().empty());
  t.written(0, 0, 11);
  t.written(1, 0, 3);
  EXPECT_EQ(t.commit_list({1}).size(), 1u);  // only the one asked for
  EXPECT_EQ(t.commit_list().size(), 1u);
}

TEST(PartitionTable, AFenceContinuesFromWhatMySqlHolds) {
  PartitionTable t(2);
  t.assign({0});
  t.start(0, plan_start(10, std::nullopt, std::nullopt));
  t.dispatched(0, 10);
  t.dispatched(0, 11);
  EXPECT_EQ(t.fenced(0, 0, 30, 10), 30);
  EXPECT_EQ(t.find(0)->expected_next, 30);
  EXPECT_EQ(t.find(0)->written_next, 30);
  EXPECT_FALSE(t.find(0)->dispatched_next);
  // Row deleted by hand: go on from what this process had written.
  EXPECT_EQ(t.fenced(0, 0, std::nullopt, 12), 12);
  EXPECT_FALSE(t.find(0)->written_next);
  // Another worker owns it now, or it is gone: nothing to do.
  EXPECT_FALSE(t.fenced(0, 1, 40, 30));
  EXPECT_FALSE(t.fenced(9, 0, 40, 30));
}

TEST(PartitionTable, IdleOnlyWhenEveryPartitionIsAtItsEndAndEverythingDispatchedIsWritten) {
  PartitionTable t(1);
  EXPECT_FALSE(t.idle());
  t.assign({0, 1});
  t.start(0, plan_start(0, std::nullopt, std::nullopt));
  t.start(1, plan_start(0, std::nullopt, std::nullopt));
  t.dispatched(0, 0);
  t.on_end(0, 1);
  EXPECT_FALSE(t.all_at_end());
  t.on_end(1, 0);
  EXPECT_TRUE(t.all_at_end());
  EXPECT_FALSE(t.idle());  // offset 0 of partition 0 not written yet
  t.written(0, 0, 1);
  EXPECT_TRUE(t.idle());
  t.dispatched(1, 0);  // a new message: no longer at the end
  EXPECT_FALSE(t.all_at_end());
  EXPECT_TRUE(t.written_exactly(0, 1));
  EXPECT_FALSE(t.written_exactly(1, 1));
}

TEST(PartitionTable, LagUsesTheFreshHighWatermarkElseTheLastQueriedOne) {
  PartitionTable t(1);
  t.assign({0});
  const auto now = PartitionTable::Clock::now();
  EXPECT_FALSE(t.update_lag(0, std::nullopt));  // nothing known yet
  t.start(0, plan_start(10, std::nullopt, std::nullopt));
  EXPECT_EQ(t.update_lag(0, 25), 15);
  EXPECT_TRUE(t.high_query_due(0, now, std::chrono::seconds(5)));
  t.high_queried(0, now, 40);
  EXPECT_FALSE(t.high_query_due(0, now + std::chrono::seconds(1), std::chrono::seconds(5)));
  EXPECT_EQ(t.update_lag(0, std::nullopt), 30);
  t.written(0, 0, 45);
  EXPECT_EQ(t.update_lag(0, 40), 0);  // never negative
  EXPECT_EQ(t.total_lag(), 0);
}

}  // namespace
}  // namespace etl::pipeline

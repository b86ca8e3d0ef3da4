// ReturnsReader and plan_returns_windows without a server: closed windows (the settle margin),
// an empty window, pages through the offset cursor, a list that shifted while paged (totalCount
// changed, pages short or long) read again and then kept short, failed answers and what else they
// stop, a run stopping, a repeated cursor, endless pagination.

#include "pipeline/fetch/returns_reader.hpp"

#include <gtest/gtest.h>

#include "pipeline/fetch/window_plan.hpp"

namespace etl::pipeline {
namespace {

using Action = ReturnsStep::Action;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kStart = 1'764'547'200'000;  // 2025-12-01T00:00:00Z

ReturnsAnswer page(uint64_t n, std::optional<int64_t> total,
                   std::optional<std::string_view> cursor = std::nullopt) {
  ReturnsAnswer a;
  a.kind = ReturnsAnswer::Kind::page;
  a.returns = n;
  a.total_count = total;
  a.next_cursor = cursor;
  return a;
}

ReturnsAnswer failure(ErrorClass cls, ErrorCause cause = ErrorCause::unspecified,
                      bool gave_up = false) {
  ReturnsAnswer a;
  a.kind = ReturnsAnswer::Kind::failed;
  a.error = Error{cls, ErrorOrigin::walmart_api, 500, "boom", cause};
  a.gave_up = gave_up;
  return a;
}

ReturnsReader reader(int limit = 200) { return ReturnsReader({kStart, kStart + kHour}, limit); }

TEST(ReturnsPlan, EndsTheSettleMarginBeforeNowAndCutsSharingBoundaries) {
  const int64_t now = kStart + 10 * kHour;
  const ReturnsPlan plan = plan_returns_windows(kStart, now, now, 4 * kHour);
  EXPECT_EQ(plan.end_ms, now - kReturnsSettleMs);
  ASSERT_EQ(plan.windows.size(), 3u);
  EXPECT_EQ(plan.windows[0].start_ms, kStart);
  EXPECT_EQ(plan.windows[0].end_ms, kStart + 4 * kHour);
  EXPECT_EQ(plan.windows[1].start_ms, kStart + 4 * kHour);  // shared boundary
  EXPECT_EQ(plan.windows[2].end_ms, plan.end_ms);
}

TEST(ReturnsPlan, ARangeEndingBeforeNowKeepsItsEnd) {
  const ReturnsPlan plan = plan_returns_windows(kStart, kStart + kHour, kStart + 50 * kHour, kHour);
  EXPECT_EQ(plan.end_ms, kStart + kHour);
  ASSERT_EQ(plan.windows.size(), 1u);
}

TEST(ReturnsPlan, NothingClosedYetPlansNothingAndKeepsTheStart) {
  const ReturnsPlan plan = plan_returns_windows(kStart, kStart + 1000, kStart + 1000, kHour);
  EXPECT_TRUE(plan.windows.empty());
  EXPECT_EQ(plan.end_ms, kStart);
}

TEST(ReturnsReader, FirstTargetFiltersOnLastModifiedWithTheLimit) {
  const std::string t = reader(200).first_target();
  EXPECT_EQ(t.rfind("/v3/returns?", 0), 0u) << t;
  EXPECT_NE(t.find("returnLastModifiedStartDate=2025-12-01T00:00:00.000Z"), std::string::npos)
      << t;
  EXPECT_NE(t.find("returnLastModifiedEndDate="), std::string::npos) << t;
  EXPECT_NE(t.find("limit=200"), std::string::npos) << t;
}

TEST(ReturnsReader, NothingThereIsDone) {
  auto r = reader();
  ReturnsAnswer none;
  none.kind = ReturnsAnswer::Kind::no_returns;
  const auto s = r.on_answer(none, false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_FALSE(s.produce);
  auto r2 = reader();
  EXPECT_EQ(r2.on_answer(page(0, 0), false).action, Action::done);
}

TEST(ReturnsReader, FollowsTheCursorToTheLastPage) {
  auto r = reader(2);
  auto s = r.on_answer(page(2, 5, "?limit=2&offset=2"), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_TRUE(s.produce);
  EXPECT_NE(s.target.find("offset=2"), std::string::npos) << s.target;
  EXPECT_NE(s.target.find("returnLastModifiedStartDate="), std::string::npos) << s.target;
  s = r.on_answer(page(2, 5, "?limit=2&offset=4"), false);
  EXPECT_EQ(s.action, Action::get);
  s = r.on_answer(page(1, 5), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_TRUE(s.produce);
  EXPECT_FALSE(s.kept_short);
  EXPECT_EQ(r.reads(), 1);
}

TEST(ReturnsReader, AnEmptyPageAfterTheCountEndsTheListing) {
  auto r = reader(2);
  (void)r.on_answer(page(2, 2, "?limit=2&offset=2"), false);
  const auto s = r.on_answer(page(0, 2), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_FALSE(s.produce);
}

TEST(ReturnsReader, ATotalCountThatChangesWhilePagingReadsTheWindowAgain) {
  auto r = reader(2);
  (void)r.on_answer(page(2, 5, "?limit=2&offset=2"), false);
  const auto s = r.on_answer(page(2, 4, "?limit=2&offset=4"), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_TRUE(s.read_again);
  EXPECT_TRUE(s.produce);  // what the page holds is produced all the same
  EXPECT_EQ(s.target, r.first_target());
  EXPECT_NE(s.reason.find("totalCount changed from 5 to 4"), std::string::npos) << s.reason;
  EXPECT_EQ(r.reads(), 2);
  // The second read starts afresh: its first page sets the count.
  EXPECT_EQ(r.on_answer(page(2, 4, "?limit=2&offset=2"), false).action, Action::get);
  EXPECT_EQ(r.on_answer(page(2, 4), false).action, Action::done);
}

TEST(ReturnsReader, ShortPagesAreReadAgainThenKeptShort) {
  auto r = reader(2);
  for (int read = 1; read < WindowPlanner::kMaxWindowReads; ++read) {
    (void)r.on_answer(page(2, 5, "?limit=2&offset=2"), false);
    const auto s = r.on_answer(page(1, 5), false);
    ASSERT_EQ(s.action, Action::get) << read;
    EXPECT_TRUE(s.read_again);
    EXPECT_NE(s.reason.find("held 3 returns but totalCount was 5"), std::string::npos) << s.reason;
  }
  (void)r.on_answer(page(2, 5, "?limit=2&offset=2"), false);
  const auto s = r.on_answer(page(1, 5), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_TRUE(s.kept_short);
  EXPECT_TRUE(s.produce);
  EXPECT_EQ(r.reads(), WindowPlanner::kMaxWindowReads);
}

TEST(ReturnsReader, MorePagesThanTheCountAlsoMeansTheListShifted) {
  auto r = reader(2);
  (void)r.on_answer(page(2, 3, "?limit=2&offset=2"), false);
  const auto s = r.on_answer(page(2, 3), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_TRUE(s.read_again);
}

TEST(ReturnsReader, FailedAnswersSayWhatElseStops) {
  auto r = reader();
  auto s = r.on_answer(failure(ErrorClass::retriable), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_EQ(s.scope, FailureScope::window);
  s = reader().on_answer(failure(ErrorClass::retriable, ErrorCause::unspecified, true), false);
  EXPECT_EQ(s.scope, FailureScope::run_api_down);
  s = reader().on_answer(failure(ErrorClass::fatal, ErrorCause::authentication), false);
  EXPECT_EQ(s.scope, FailureScope::run_credentials);
  s = reader().on_answer(failure(ErrorClass::fatal), false);
  EXPECT_EQ(s.scope, FailureScope::ship_node_type);  // the data set stops
}

TEST(ReturnsReader, StoppingRepeatedCursorAndEndlessPagingFailTheWindow) {
  auto r = reader(2);
  auto s = r.on_answer(page(2, 4, "?offset=2"), true);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_TRUE(s.produce);

  auto loop = reader(2);
  (void)loop.on_answer(page(2, 6, "?offset=2"), false);
  s = loop.on_answer(page(2, 6, "?offset=2"), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_NE(s.reason.find("same nextCursor"), std::string::npos);

  auto endless = reader(2);
  Action last = Action::get;
  for (int i = 0; i < 10 && last == Action::get; ++i) {
    last = endless.on_answer(page(2, 2, "?offset=" + std::to_string(i)), false).action;
  }
  EXPECT_EQ(last, Action::fail);
}

}  // namespace
}  // namespace etl::pipeline

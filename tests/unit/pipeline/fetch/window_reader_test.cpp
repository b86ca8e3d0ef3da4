// WindowReader without a server: every decision about one window - an empty window, pages through
// the cursor, splits by totalCount and for idle workers, refusals as too many orders, failed
// answers and what else they stop, a run stopping, a repeated cursor, endless pagination, and
// short windows read again, then failed (created) or kept short (lastModified).

#include "pipeline/fetch/window_reader.hpp"

#include <gtest/gtest.h>

namespace etl::pipeline {
namespace {

using walmart::DateFilter;
using walmart::OrderWindow;
using Action = ReadStep::Action;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kStart = 1'714'521'600'000;  // 2024-05-01T00:00:00Z

OrderWindow window(int64_t length_ms = 24 * kHour, int depth = 1) {
  OrderWindow w;
  w.ship_node_type = "SellerFulfilled";
  w.start_ms = kStart;
  w.end_ms = kStart + length_ms;
  w.depth = depth;
  return w;
}

// One worker: no splits for idle workers unless a test asks for them.
WindowPlanner planner(int concurrency = 1, int64_t cap = 10000) {
  WindowPlanner p(PlannerSettings{7 * 24 * kHour, cap, 200, concurrency});
  (void)p.initial({TypeRange{"SellerFulfilled", kStart, kStart + 24 * kHour, false}});
  return p;
}

PageAnswer page(uint64_t orders, std::optional<int64_t> total,
                std::optional<std::string_view> cursor = std::nullopt) {
  PageAnswer a;
  a.kind = PageAnswer::Kind::page;
  a.orders = orders;
  a.total_count = total;
  a.next_cursor = cursor;
  return a;
}

PageAnswer no_orders() {
  PageAnswer a;
  a.kind = PageAnswer::Kind::no_orders;
  return a;
}

PageAnswer failed(ErrorClass cls, ErrorCause cause = ErrorCause::unspecified,
                  bool gave_up = false) {
  PageAnswer a;
  a.kind = PageAnswer::Kind::failed;
  a.error = Error{cls, ErrorOrigin::walmart_api, 0, "the answer", cause};
  a.gave_up = gave_up;
  return a;
}

TEST(WindowReader, FirstRequestIsTheWindowsFirstPage) {
  const auto p = planner();
  const WindowReader r(p, window(), DateFilter::created, 200);
  EXPECT_EQ(r.first_target(), walmart::first_page_target(window(), DateFilter::created, 200));
  EXPECT_EQ(r.reads(), 1);
}

TEST(WindowReader, NoOrdersOnTheFirstPageIsAnEmptyWindowDone) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  const ReadStep s = r.on_answer(no_orders(), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_FALSE(s.produce);
  EXPECT_FALSE(s.kept_short);
}

TEST(WindowReader, OnePageHoldingTheWholeCountIsProducedAndDone) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  const ReadStep s = r.on_answer(page(120, 120), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_TRUE(s.produce);
  EXPECT_EQ(r.total(), 120);
}

TEST(WindowReader, WithoutTotalCountThePageItselfIsTheCount) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  EXPECT_EQ(r.on_answer(page(7, std::nullopt), false).action, Action::done);
  EXPECT_EQ(r.total(), 7);
}

TEST(WindowReader, PagesThroughTheCursorUntilTheLastPage) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ReadStep s = r.on_answer(page(200, 450, "?cursor=1"), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_TRUE(s.produce);
  EXPECT_FALSE(s.read_again);
  EXPECT_EQ(s.target, "/v3/orders?cursor=1");
  s = r.on_answer(page(200, std::nullopt, "?cursor=2"), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_EQ(s.target, "/v3/orders?cursor=2");
  s = r.on_answer(page(50, std::nullopt), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_TRUE(s.produce);
  EXPECT_EQ(r.reads(), 1);
}

TEST(WindowReader, MoreOrdersThanOneQueryReturnsSplitsAndStillProducesTheFirstPage) {
  const auto p = planner(1, 10000);
  WindowReader r(p, window(), DateFilter::created, 200);
  const ReadStep s = r.on_answer(page(200, 25000, "?cursor=1"), false);
  EXPECT_EQ(s.action, Action::split);
  EXPECT_TRUE(s.produce);            // the parts read these orders again; de-duplication drops them
  EXPECT_EQ(s.children.size(), 4u);  // 25000 / (0.8 x 10000), rounded up
  EXPECT_EQ(s.children.front().start_ms, kStart);
  EXPECT_EQ(s.children.back().end_ms, window().end_ms);
}

TEST(WindowReader, TooManyOrdersInAWindowTooNarrowToSplitFailsIt) {
  const auto p = planner(1, 10000);
  WindowReader r(p, window(1500), DateFilter::created, 200);
  const ReadStep s = r.on_answer(page(200, 25000, "?cursor=1"), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_FALSE(s.produce);
  EXPECT_EQ(s.scope, FailureScope::window);
  EXPECT_NE(s.reason.find("cannot be split further"), std::string::npos);
}

TEST(WindowReader, AFirstWindowWithPagesEnoughForIdleWorkersIsSplitForThem) {
  const auto p = planner(4);  // one first window, four workers
  WindowReader r(p, window(24 * kHour, 0), DateFilter::created, 200);
  const ReadStep s = r.on_answer(page(200, 2000, "?cursor=1"), false);
  EXPECT_EQ(s.action, Action::split);
  EXPECT_EQ(s.children.size(), 4u);
}

TEST(WindowReader, ARefusalAsTooManyOrdersOnTheFirstPageHalvesTheWindow) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  const ReadStep s = r.on_answer(failed(ErrorClass::fatal, ErrorCause::too_many_results), false);
  EXPECT_EQ(s.action, Action::split);
  EXPECT_FALSE(s.produce);
  ASSERT_EQ(s.children.size(), 2u);
  EXPECT_EQ(s.children[0].rejected_splits, 1);
  EXPECT_NE(s.reason.find("the answer"), std::string::npos);
}

TEST(WindowReader, ARefusalOfAWindowTooNarrowToHalveFailsItAndTheType) {
  const auto p = planner();
  WindowReader r(p, window(100'000), DateFilter::created, 200);
  const ReadStep s = r.on_answer(failed(ErrorClass::fatal, ErrorCause::too_many_results), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_EQ(s.scope, FailureScope::ship_node_type);
  EXPECT_NE(s.reason.find("the answer"), std::string::npos);
}

TEST(WindowReader, ARefusalOnACursorPageIsNoReasonToSplit) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ASSERT_EQ(r.on_answer(page(200, 450, "?cursor=1"), false).action, Action::get);
  const ReadStep s = r.on_answer(failed(ErrorClass::fatal, ErrorCause::too_many_results), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_FALSE(s.produce);
  EXPECT_EQ(s.scope, FailureScope::ship_node_type);
}

TEST(WindowReader, AFailedAnswerSaysWhatElseItStops) {
  const auto p = planner();
  const auto scope_of = [&](const PageAnswer& a) {
    WindowReader r(p, window(), DateFilter::created, 200);
    const ReadStep s = r.on_answer(a, false);
    EXPECT_EQ(s.action, Action::fail);
    EXPECT_EQ(s.reason, a.error.describe());
    return s.scope;
  };
  EXPECT_EQ(scope_of(failed(ErrorClass::retriable, ErrorCause::unspecified, true)),
            FailureScope::run_api_down);
  EXPECT_EQ(scope_of(failed(ErrorClass::fatal, ErrorCause::authentication)),
            FailureScope::run_credentials);
  EXPECT_EQ(scope_of(failed(ErrorClass::fatal)), FailureScope::ship_node_type);
  // Retriable without having given up (stopped while waiting to retry): only the window.
  EXPECT_EQ(scope_of(failed(ErrorClass::retriable)), FailureScope::window);
}

TEST(WindowReader, AStoppingRunAsksForNoFurtherPageButProducesTheOneItHas) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  const ReadStep s = r.on_answer(page(200, 450, "?cursor=1"), true);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_TRUE(s.produce);
  EXPECT_EQ(s.scope, FailureScope::window);
  EXPECT_EQ(s.reason, "not finished: the run was stopped");
}

TEST(WindowReader, TheSameCursorTwiceIsAPaginationLoop) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ASSERT_EQ(r.on_answer(page(200, 1000, "?cursor=1"), false).action, Action::get);
  const ReadStep s = r.on_answer(page(200, std::nullopt, "?cursor=1"), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_TRUE(s.produce);
  EXPECT_NE(s.reason.find("same nextCursor twice"), std::string::npos);
}

TEST(WindowReader, MorePagesThanTheCountCanFillIsPaginationThatDoesNotEnd) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  // 450 orders: 2 full pages + 3 = at most 5 pages.
  ReadStep s = r.on_answer(page(10, 450, "?c=1"), false);
  for (int i = 2; i <= 4; ++i) {
    ASSERT_EQ(s.action, Action::get) << i;
    s = r.on_answer(page(10, std::nullopt, "?c=" + std::to_string(i)), false);
  }
  ASSERT_EQ(s.action, Action::get);
  s = r.on_answer(page(10, std::nullopt, "?c=5"), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_EQ(s.reason, "more than 5 pages for 450 orders (pagination does not end)");
}

TEST(WindowReader, AShortCreatedWindowIsReadAgainThenFails) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ReadStep s = r.on_answer(page(190, 200), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_TRUE(s.produce);
  EXPECT_TRUE(s.read_again);
  EXPECT_EQ(s.target, r.first_target());
  EXPECT_EQ(s.reason, "the pages held 190 orders but totalCount was 200");
  EXPECT_EQ(r.reads(), 2);
  s = r.on_answer(page(190, 200), false);
  EXPECT_TRUE(s.read_again);
  EXPECT_EQ(r.reads(), 3);
  s = r.on_answer(page(190, 200), false);
  EXPECT_EQ(s.action, Action::fail);
  EXPECT_TRUE(s.produce);
  EXPECT_EQ(s.scope, FailureScope::window);
  EXPECT_EQ(s.reason, "the pages held 190 orders but totalCount was 200, 3 times");
}

TEST(WindowReader, AShortLastModifiedWindowIsKeptShortAfterTheLastRead) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::last_modified, 200);
  ReadStep s = r.on_answer(page(190, 200), false);
  ASSERT_TRUE(s.read_again);
  s = r.on_answer(page(190, 200), false);
  ASSERT_TRUE(s.read_again);
  s = r.on_answer(page(190, 200), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_TRUE(s.kept_short);
  EXPECT_EQ(s.reason, "the pages held 190 orders but totalCount was 200, 3 times");
}

TEST(WindowReader, AWindowReadAgainThatIsWholeIsDone) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ASSERT_TRUE(r.on_answer(page(190, 200), false).read_again);
  const ReadStep s = r.on_answer(page(200, 200), false);
  EXPECT_EQ(s.action, Action::done);
  EXPECT_FALSE(s.kept_short);
  EXPECT_EQ(r.reads(), 2);
}

TEST(WindowReader, AReadAgainKeepsThePlanOfTheFirstRead) {
  const auto p = planner(1, 10000);
  WindowReader r(p, window(), DateFilter::created, 200);
  ASSERT_TRUE(r.on_answer(page(190, 200), false).read_again);
  // The count grew past the cap meanwhile: the window is not split on a second read.
  const ReadStep s = r.on_answer(page(200, 12000, "?c=1"), false);
  EXPECT_EQ(s.action, Action::get);
}

TEST(WindowReader, ACursorPageWithoutOrdersMakesTheWindowShort) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ASSERT_EQ(r.on_answer(page(200, 450, "?cursor=1"), false).action, Action::get);
  const ReadStep s = r.on_answer(no_orders(), false);
  EXPECT_EQ(s.action, Action::get);
  EXPECT_FALSE(s.produce);
  EXPECT_TRUE(s.read_again);
  EXPECT_EQ(s.reason, "a cursor page answered 404 after 200 of 450 orders");
  // Read again, the window is whole.
  ASSERT_EQ(r.on_answer(page(200, 400, "?cursor=1"), false).action, Action::get);
  EXPECT_EQ(r.on_answer(page(200, std::nullopt), false).action, Action::done);
}

TEST(WindowReader, AFailedFirstPageOfARereadMayStillHalveTheWindow) {
  const auto p = planner();
  WindowReader r(p, window(), DateFilter::created, 200);
  ASSERT_TRUE(r.on_answer(page(190, 200), false).read_again);
  EXPECT_EQ(r.on_answer(failed(ErrorClass::fatal, ErrorCause::too_many_results), false).action,
            Action::split);
}

}  // namespace
}  // namespace etl::pipeline

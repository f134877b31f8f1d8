"""Pilot tests: answers reach the store at once, review sessions, undo, quitting and resuming."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from quizapp.store.progress import ProgressStore
from quizapp.tui.app import QuizApp, make_app
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.quiz import QuizScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.answers import AnswerArea
from quizapp.tui.widgets.confirm import Confirm
from tests.tui.conftest import FIXTURE_BANK, choose


async def _press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def _app(data: Path) -> QuizApp:
    return make_app(data, [FIXTURE_BANK], shipped=False)


def _attempts(data: Path) -> list[tuple[str, bool, str]]:
    with ProgressStore.open(data) as store:
        return [(a.item_id, a.correct, a.mode) for a in store.attempts()]


def test_each_answer_is_stored_before_the_next_key(tmp_path: Path) -> None:
    async def flow() -> None:
        async with _app(tmp_path).run_test(size=(100, 30)) as pilot:
            await _press(pilot, "enter")
            await choose(pilot, 0)
            assert _attempts(tmp_path) == [("fx.single", True, "learn")]
            await _press(pilot, "n")
            await choose(pilot, 1)
            await _press(pilot, "enter")
            assert _attempts(tmp_path)[-1] == ("fx.multi", False, "learn")

    asyncio.run(flow())


def test_quit_mid_session_then_resume_keeps_progress(tmp_path: Path) -> None:
    async def first() -> None:
        async with _app(tmp_path).run_test(size=(100, 30)) as pilot:
            await _press(pilot, "enter")
            await choose(pilot, 1)
            await _press(pilot, "n")
            await choose(pilot, 0)
            await _press(pilot, "enter", "n")
            await pilot.press("ctrl+q")

    async def second() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            home = app.screen
            assert isinstance(home, HomeScreen)
            counts = home.counts["types"]
            assert (counts.total, counts.seen) == (7, 2)

    asyncio.run(first())
    assert [a[0] for a in _attempts(tmp_path)] == ["fx.single", "fx.multi"]
    asyncio.run(second())


def test_review_session_asks_due_cards_and_records_review_mode(tmp_path: Path) -> None:
    async def flow() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "r")  # nothing due yet: a notice, no session
            assert isinstance(app.screen, HomeScreen)
            await _press(pilot, "enter")
            await choose(pilot, 1)  # wrong: the card is due again soon
            await _press(pilot, "escape")
            store = app.study.store
            assert store is not None
            # A wrong answer is relearned after 10 minutes; look from 11 minutes on.
            later = store.now() + timedelta(minutes=11)
            store._clock = lambda: later
            await _press(pilot, "r")
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            assert [q.id for q in screen.questions] == ["fx.single"]
            assert screen.session.mode == "review"
            await choose(pilot, 0)
        assert _attempts(tmp_path)[-1] == ("fx.single", True, "review")

    asyncio.run(flow())


def test_undo_takes_back_the_answer_in_the_store_and_asks_again(tmp_path: Path) -> None:
    async def flow() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "enter")
            shown = app.screen.query_one(AnswerArea).order
            await choose(pilot, 0)
            with ProgressStore.open(tmp_path) as store:
                card_after = store.card("fx.single")
            assert card_after is not None
            await _press(pilot, "u")
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            assert screen.index == 0 and not screen.answered
            with ProgressStore.open(tmp_path) as store:
                assert store.attempts() == [] and store.card("fx.single") is None
            assert app.screen.query_one(AnswerArea).order == shown  # the same order comes back
            await choose(pilot, 1)
        assert _attempts(tmp_path) == [("fx.single", False, "learn")]

    asyncio.run(flow())


def test_cram_is_recorded_as_cram_and_leaves_cards_alone(tmp_path: Path) -> None:
    async def flow() -> None:
        async with _app(tmp_path).run_test(size=(100, 30)) as pilot:
            await _press(pilot, "c")
            await choose(pilot, 0)
        with ProgressStore.open(tmp_path) as store:
            assert [(a.item_id, a.mode) for a in store.attempts()] == [("fx.single", "cram")]
            assert store.card("fx.single") is None

    asyncio.run(flow())


def test_mock_interview_is_announced_timed_and_ends_with_its_drill(tmp_path: Path) -> None:
    async def flow() -> None:
        app = make_app(tmp_path, shipped=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "m")
            announce = app.screen
            assert isinstance(announce, Confirm)  # what it holds, before the clock starts
            assert "8 questions, then a coding drill" in announce.question
            assert "45 minutes on one clock" in announce.question
            await _press(pilot, "y")
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            assert screen.session.mode == "mock" and screen.session.time_limit_seconds == 45 * 60
            assert len(screen.questions) == 8 and len(screen.session.drills) == 1
            header = str(screen.query_one("#quiz-header").render())
            assert "⏱ 4" in header  # 45:00 counting down
            assert not screen.check_action("hint", ()) and not screen.check_action("undo", ())
            for _ in range(8):
                if isinstance(app.focused, Input | TextArea):
                    await _press(pilot, "escape")  # leave the text input first, as a user does
                await _press(pilot, "s")
            from quizapp.tui.screens.drill import DrillScreen

            drill = app.screen
            assert isinstance(drill, DrillScreen)
            assert drill.drill_id == screen.session.drills[0]
            assert drill.sub_title.startswith("⏱ 4")  # the same clock goes on
            assert not drill.check_action("hint", ()) and not drill.check_action("solution", ())
            await _press(pilot, "escape")
            summary = app.screen
            assert isinstance(summary, SummaryScreen)
            text = summary._text()
            assert "8 skipped, counted as not answered" in text and "score 0%" in text
            assert "checks never run" in text  # the drill is part of the result

    asyncio.run(flow())


def test_interview_date_set_in_settings_shows_todays_plan_on_home(tmp_path: Path) -> None:
    async def flow() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            home = app.screen
            assert isinstance(home, HomeScreen)
            await _press(pilot, "o")
            date_input = app.screen.query_one("#interview_date", Input)
            date_input.value = "not a date"
            await _press(pilot, "enter")
            message = str(app.screen.query_one("#settings-error").render())
            assert "is not a date: write it as YYYY-MM-DD" in message
            example = re.search(r"e\.g\. (\d{4}-\d{2}-\d{2})", message)
            assert example and date.fromisoformat(example[1]) > datetime.now().date()
            later = (datetime.now().date() + timedelta(days=9)).isoformat()
            date_input.value = later
            await _press(pilot, "enter")
            assert app.screen is home
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert home.plan_line.startswith("Today: ") and "9 days left" in home.plan_line
            assert "new" in home.plan_line
        assert app.study.study_settings().interview_date is not None

    asyncio.run(flow())


def test_stats_lists_leeches_and_cram_and_enter_studies_a_leech(tmp_path: Path) -> None:
    async def flow() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            for _ in range(6):  # wrong six times, in cram mode: a leech, still no card
                await _press(pilot, "c")
                await choose(pilot, 1)
                await _press(pilot, "escape")
            await _press(pilot, "s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            stats = app.screen
            assert type(stats).__name__ == "StatsScreen"
            overview = str(stats.query_one("#overview").render())
            assert "6 crammed" in overview
            leeches = stats.query_one("#leeches", OptionList)
            assert leeches.display and leeches.option_count == 1
            assert leeches.get_option_at_index(0).id == "fx.single"
            leeches.focus()
            await _press(pilot, "enter")
            quiz = app.screen
            assert isinstance(quiz, QuizScreen) and quiz.questions[0].id == "fx.single"

    asyncio.run(flow())


def test_t_studies_todays_plan_and_home_counts_it_down(tmp_path: Path) -> None:
    async def flow() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            home = app.screen
            assert isinstance(home, HomeScreen)
            assert home.plan_line.startswith("Today: 0 reviews, 7 new")
            await _press(pilot, "t")
            quiz = app.screen
            assert isinstance(quiz, QuizScreen) and quiz.session.title == "Today's plan"
            planned = [q.id for q in quiz.questions]
            assert len(planned) == 7
            await choose(pilot, 0)  # right
            await _press(pilot, "escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            # It counts down (FSRS may bring the new card back later today as a review).
            assert "6 new" in home.plan_line and "left (1 done)" in home.plan_line
            await _press(pilot, "t")  # the rest of today's part, not the same questions again
            assert [q.id for q in app.screen.questions] == planned[1:]

    asyncio.run(flow())


def test_a_deck_resumes_where_the_user_is_and_says_when_it_is_done(tmp_path: Path) -> None:
    async def flow() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "enter")
            await choose(pilot, 0)  # fx.single, right: not due again for days
            await _press(pilot, "escape", "enter")
            quiz = app.screen
            assert isinstance(quiz, QuizScreen)
            assert [q.id for q in quiz.questions][:1] == ["fx.multi"]  # not question 1 again
            await _press(pilot, "escape")
            store = app.study.store
            assert store is not None
            for question in app.study.deck_questions("types")[1:]:
                answer = "good" if question.type == "open" else True
                store.record_answer(question, deck="types", answer=answer, correct=True, seconds=5)
            await _press(pilot, "enter")
            assert isinstance(app.screen, HomeScreen)  # nothing to ask: it says so
            assert any("nothing due and nothing new" in str(n.message) for n in app._notifications)

    asyncio.run(flow())

"""CLI: `plan`, `undo`, `stats` leeches, `export --format anki-tsv`, `import`, `import-progress`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from store_helpers import FakeClock, dump, true_false

from quizapp.bank.loader import load_bank
from quizapp.bank.model import text_in
from quizapp.cli import main
from quizapp.quiz.sessions import META_TAGS
from quizapp.store.opening import DB_NAME
from quizapp.store.progress import ProgressStore
from quizapp.store.schema import SCHEMA_VERSION
from quizapp.store.study_settings import read_study_settings

# ---- plan ---------------------------------------------------------------------------------


def test_plan_bad_date_is_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "plan", "--date", "2025-02-30"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_plan_sets_the_date_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    when = date.today() + timedelta(days=9)
    assert main(["--data-dir", str(tmp_path), "plan", "--date", when.isoformat()]) == 0
    assert "9 days left" in capsys.readouterr().out
    with ProgressStore.open(tmp_path) as store:
        assert read_study_settings(store).interview_date == when
    assert main(["--data-dir", str(tmp_path), "plan", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["days_left"] == 9 and len(plan["days"]) == 9
    assert plan["days"][-1]["new"] == 0 and plan["days"][-1]["new_ids"] == []
    assert plan["headline"].endswith("9 days left")
    assert main(["--data-dir", str(tmp_path), "plan", "--date", "none", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["interview_date"] is None


# ---- undo ---------------------------------------------------------------------------------


def test_undo_restores_the_store_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    q = true_false("undo.q1")
    with ProgressStore.open(tmp_path, clock=clock) as store:
        store.record_answer(q, deck="d", answer=True, correct=True, seconds=3)
    clock.advance(days=3)
    before = dump(tmp_path / DB_NAME)
    with ProgressStore.open(tmp_path, clock=clock) as store:
        store.record_answer(q, deck="d", answer=False, correct=False, seconds=5)
    assert dump(tmp_path / DB_NAME) != before
    assert main(["--data-dir", str(tmp_path), "undo"]) == 0
    assert "undo.q1" in capsys.readouterr().out
    assert dump(tmp_path / DB_NAME) == before


def test_undo_with_nothing_to_undo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "undo"]) == 1
    assert "nothing to undo" in capsys.readouterr().err


# ---- leeches ------------------------------------------------------------------------------


def test_stats_lists_leeches_with_what_teaches_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = load_bank()
    qid = "dropout.inverted-scaling-why"
    question = bank.question(qid)
    assert question is not None
    with ProgressStore.open(tmp_path) as store:
        for _ in range(6):
            store.record_answer(question, deck="dropout", answer=1, correct=False, seconds=9)
        store.record_answer(true_false("other"), deck="x", answer=1, correct=False, seconds=9)
    assert main(["--data-dir", str(tmp_path), "stats", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"totals", "weakest", "daily"} <= set(report)
    [leech] = report["leeches"]
    assert leech["item_id"] == qid and leech["wrong"] == 6
    assert "dropout" in leech["tags"]
    assert "dropout" in leech["drills"]  # the drill whose related questions include it
    assert leech["questions"] and qid not in leech["questions"]
    # Suggestions share the leech's deck and a concept tag: never a meta tag such as `pytorch`.
    by_id = {q.id: q for q in bank.questions}
    for suggested in leech["questions"]:
        assert bank.deck_of[suggested] == "dropout"
        assert {t for t in by_id[suggested].tags if t not in META_TAGS} & set(question.tags)
    assert main(["--data-dir", str(tmp_path), "stats"]) == 0
    out = capsys.readouterr().out
    assert "Leeches" in out and qid not in out  # named by prompt text, not by id
    assert "zeroes each element" in out and "drill: Dropout from scratch" in out
    assert "BatchNorm1d from scratch" not in out  # another subject's drill
    with ProgressStore.open(tmp_path) as store:
        store.set_setting("leech_threshold", 7)
    assert main(["--data-dir", str(tmp_path), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["leeches"] == []


# ---- anki export --------------------------------------------------------------------------


def read_like_anki(text: str) -> tuple[dict[str, str], list[list[str]]]:
    """Anki's text importer: `#key:value` lines at the top, then delimiter-separated records."""
    meta: dict[str, str] = {}
    lines = text.split("\n")
    while lines and lines[0].startswith("#"):
        key, _, value = lines.pop(0)[1:].partition(":")
        meta[key.strip().lower()] = value
    assert meta.get("separator", "").lower() == "tab"
    body = "\n".join(lines)
    records = [r for r in csv.reader(io.StringIO(body), delimiter="\t", quotechar='"') if r]
    return meta, records


def test_anki_tsv_imports_as_notes(tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    args = ["--data-dir", str(tmp_path), "export", "--format", "anki-tsv", "--output", str(out)]
    assert main([*args, "--deck", "dropout"]) == 0
    meta, records = read_like_anki(out.read_text(encoding="utf-8"))
    assert meta["html"] == "true" and meta["tags column"] == "3"
    assert meta["guid column"] == "4" and meta["notetype"] == "Basic"
    assert meta["columns"].split("\t") == ["Front", "Back", "Tags", "GUID"]
    deck = load_bank().deck("dropout")
    assert deck is not None and len(records) == len(deck)
    for record, q in zip(records, deck.questions, strict=True):
        assert len(record) == 4
        front, back, tags, guid = record
        assert "\n" not in front + back and front and back
        assert guid == f"quizapp:{q.id}"
        assert set(q.tags) <= set(tags.split())
        assert "<hr>" in back  # answer, then the explanation
    first = records[0]
    assert "1/(1-p)" in first[0] and "✓" in first[1]


def test_anki_tsv_escapes_html_and_takes_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--data-dir", str(tmp_path), "export", "--format", "anki-tsv", "--lang", "zh"]) == 0
    )
    text = capsys.readouterr().out
    _meta, records = read_like_anki(text)
    assert any("为什么" in r[0] for r in records)
    assert all("<script" not in r[0] for r in records)
    assert (
        main(["--data-dir", str(tmp_path), "export", "--format", "anki-tsv", "--deck", "no"]) == 2
    )


def test_html_field_rules() -> None:
    from quizapp.quiz.anki import html_field

    assert html_field('a < b\n"c"\td') == "a &lt; b<br>&quot;c&quot;    d"
    assert html_field("#1 first").startswith("&#35;")


# ---- import a CSV/TSV deck ----------------------------------------------------------------


def test_import_csv_makes_a_valid_deck(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "cards.csv"
    src.write_bytes(
        "\ufefffront,back,tags\n"
        "What does BN normalise over?,the batch,batchnorm\n"
        "\n"
        '"Explain, in two lines,\nwhy dropout rescales","It keeps the expected value.\n'
        'Eval is then the identity, so nothing changes at inference time.",dropout train-eval\n'
        "What does BN normalise over?,batch axis\n".encode()
    )
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "import", str(src), "--deck", "mine"]) == 0
    deck_file = data / "decks" / "mine.yaml"
    assert deck_file.is_file()
    assert main(["validate", str(deck_file)]) == 0
    bank = load_bank([deck_file], shipped=False)
    assert not bank.problems
    [deck] = bank.decks
    qs = deck.questions
    assert [q.type for q in qs] == ["short_answer", "open", "short_answer"]
    assert len({q.id for q in qs}) == 3 and all(q.id.startswith("mine.") for q in qs)
    assert qs[1].tags == ("dropout", "train-eval")
    assert "\n" in text_in(qs[1].prompt, "en")
    # The app loads `<data dir>/decks` without any configuration.
    capsys.readouterr()
    assert main(["--data-dir", str(data), "export", "--format", "anki-tsv", "--deck", "mine"]) == 0
    assert "quizapp:mine." in capsys.readouterr().out
    # Never overwrite.
    before = deck_file.read_bytes()
    assert main(["--data-dir", str(data), "import", str(src), "--deck", "mine"]) == 1
    assert deck_file.read_bytes() == before


def test_import_reports_bad_rows_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "cards.tsv"
    src.write_text("a\tb\nonly one column\n\t\tno front\nfine\tyes\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "import", str(src), "--deck", "bad"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{src}:2: expected at least two columns (front, back), found 1; "
        "check the separator (comma for .csv, tab for .tsv)",
        f"{src}:3: the front (column 1) is empty",
    ]
    assert not (tmp_path / "decks" / "bad.yaml").exists()


def test_import_usage_errors(tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text("a,b\n", encoding="utf-8")
    # A title that looks like a path names a deck inside the data folder, never outside it.
    assert main(["--data-dir", str(tmp_path), "import", str(src), "--deck", "../x"]) == 0
    assert (tmp_path / "decks" / "x.yaml").is_file() and not (tmp_path.parent / "x.yaml").exists()
    assert main(["--data-dir", str(tmp_path), "import", str(src), "--deck", "My cards!"]) == 0
    assert "title:\n  en: My cards!" in (tmp_path / "decks" / "my-cards.yaml").read_text("utf-8")
    assert (
        main(["--data-dir", str(tmp_path), "import", str(tmp_path / "no.csv"), "--deck", "x"]) == 2
    )
    # A shipped deck's name is taken.
    assert main(["--data-dir", str(tmp_path), "import", str(src), "--deck", "dropout"]) == 1


# ---- import-progress ----------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    clock = FakeClock()
    source = tmp_path / "laptop"
    with ProgressStore.open(source, clock=clock) as store:
        for n in range(4):
            store.record_answer(
                true_false(f"m.q{n % 2}"), deck="m", answer=True, correct=n != 1, seconds=4
            )
            clock.advance(days=2)
        store.record_drill_run("dropout", code_hash="h", passed=True, duration=0.3, review=True)
        store.set_setting("interview_date", "2030-01-01")
    out = tmp_path / "export.json"
    assert (
        main(["--data-dir", str(source), "export", "--format", "json", "--output", str(out)]) == 0
    )
    return out


def test_import_progress_is_idempotent_and_recomputes_cards(
    tmp_path: Path, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "desktop"
    with ProgressStore.open(target) as store:
        store.record_answer(true_false("local"), deck="l", answer=True, correct=True, seconds=2)
    assert main(["--data-dir", str(target), "import-progress", str(exported)]) == 0
    assert "5 new attempt(s)" in capsys.readouterr().out
    once = dump(target / DB_NAME)
    assert main(["--data-dir", str(target), "import-progress", str(exported)]) == 0
    assert "0 new attempt(s)" in capsys.readouterr().out
    assert dump(target / DB_NAME) == once
    laptop = {c.item_id: c.to_dict() for c in ProgressStore.open(tmp_path / "laptop").cards()}
    with ProgressStore.open(target) as store:
        merged = {c.item_id: c.to_dict() for c in store.cards()}
        assert {k: merged[k] for k in laptop} == laptop  # replayed exactly
        assert "local" in merged
        assert len(store.drill_runs()) == 1 and store.drill_runs()[0].attempt_id is not None
        assert store.get_setting("interview_date") == "2030-01-01"
        # Undo reverts answers given here after the merge, never a merged one.
        store.record_answer(true_false("after"), deck="l", answer=True, correct=True, seconds=2)
        assert store.undo_last().item_id == "after"
    assert main(["--data-dir", str(target), "undo"]) == 1


def test_import_progress_refuses_newer_schema_and_foreign_files(
    tmp_path: Path, exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(exported.read_text(encoding="utf-8"))
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**doc, "schema_version": SCHEMA_VERSION + 1}), encoding="utf-8")
    target = tmp_path / "t"
    assert main(["--data-dir", str(target), "import-progress", str(newer)]) == 1
    assert "newer quizapp" in capsys.readouterr().err
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"cards": []}), encoding="utf-8")
    assert main(["--data-dir", str(target), "import-progress", str(foreign)]) == 1
    assert "not a quizapp progress export" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**doc, "attempts": [*doc["attempts"], {"uid": 3}]}))
    assert main(["--data-dir", str(target), "import-progress", str(broken)]) == 1
    with ProgressStore.open(target) as store:
        assert store.attempts() == []  # nothing partial
    notjson = tmp_path / "x.json"
    notjson.write_text("{", encoding="utf-8")
    assert main(["--data-dir", str(target), "import-progress", str(notjson)]) == 1


# ---- the facade the TUI calls -------------------------------------------------------------


def test_study_facade_plan_and_settings(tmp_path: Path) -> None:
    from dataclasses import replace

    from quizapp.study import Study

    study = Study(tmp_path, use_cache=False)
    assert study.study_settings().leech_threshold == 6
    when = date.today() + timedelta(days=5)
    assert study.set_interview_date(when) is None
    plan = study.plan_today()
    assert plan is not None and plan.days_left == 5
    assert plan.headline().endswith("5 days left")
    bad = replace(study.study_settings(), daily_new_cap=-1)
    assert study.save_study_settings(bad) is not None
    assert study.save_study_settings(replace(bad, daily_new_cap=3)) is None
    assert study.study_settings().daily_new_cap == 3
    assert study.plan_today() is not None


def test_anki_back_does_not_repeat_an_answer_that_is_its_own_explanation() -> None:
    from quizapp.bank.model import ShortAnswer
    from quizapp.quiz.anki import note_for

    q = ShortAnswer(
        id="mine.q",
        type="short_answer",
        prompt="p",
        explanation="the biased variance",
        accept=("the biased variance",),
    )
    assert note_for(q, "en").back == "the biased variance"
    other = ShortAnswer(
        id="mine.r",
        type="short_answer",
        prompt="p",
        explanation="Because N, not N-1.",
        accept=("biased",),
    )
    assert note_for(other, "en").back == "biased<hr><p>Because N, not N-1.</p>"


def test_the_shown_order_and_overrides_move_with_an_exported_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ProgressStore.open(tmp_path / "laptop") as store:
        store.record_answer(true_false("a"), deck="d", answer=2, correct=True, seconds=2, seed=77)
        store.record_answer(
            true_false("b"), deck="d", answer="1.3", correct=True, seconds=2, overridden=True
        )
    out = tmp_path / "progress.json"
    argv = ["--data-dir", str(tmp_path / "laptop"), "export", "--format", "json"]
    assert main([*argv, "--output", str(out)]) == 0
    assert main(["--data-dir", str(tmp_path / "desk"), "import-progress", str(out)]) == 0
    with ProgressStore.open(tmp_path / "desk") as store:
        kept = {a.item_id: (a.seed, a.overridden) for a in store.attempts()}
    assert kept == {"a": (77, False), "b": (None, True)}
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "desk"), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["overridden"] == 1  # counted apart
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["attempts"][0]["seed"] = 10**30  # a forged seed is refused, not a traceback
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "other"), "import-progress", str(forged)]) == 1

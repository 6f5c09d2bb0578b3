"""The ledger: transitions and the states they allow, failures, usage totals, migrations of ledgers
made by older versions, crash safety and concurrent processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime

import pytest

from paperflow.ledger import (
    DONE_STATES, MIGRATIONS, IllegalTransitionError, Ledger, LedgerError, PaperState, Transition,
)
from paperflow.models import Paper, SourceKind
from paperflow.settings import Settings
from tests.support.ledger import walk_to


def _paper(key: str = "2312.13286", version: int | None = 1, title: str = "A Paper") -> Paper:
    return Paper(arxiv_id=key, version=version, title=title, source=SourceKind.QUERY, source_detail="cat:cs.CL")


def test_open_uses_output_dir_and_wal(tmp_path):
    ledger = Ledger.open(Settings(output_dir=tmp_path / "out"))
    assert ledger.path == tmp_path / "out" / "ledger.sqlite3"
    with sqlite3.connect(ledger.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_record_found_creates_row_then_keeps_state_and_source(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    row = ledger.record_found(_paper())
    assert (row.key, row.title, row.version, row.state) == ("2312.13286", "A Paper", 1, PaperState.FOUND)
    assert (row.source, row.source_detail) == ("query", "cat:cs.CL")
    walk_to(ledger, _paper(), PaperState.DRAFTED, drafted_on=date(2024, 1, 3))
    again = ledger.record_found(
        Paper(arxiv_id="2312.13286", version=2, title="A Paper v2", source=SourceKind.PENDING, source_detail="x")
    )
    assert again.state == PaperState.DRAFTED  # finding it again never resets progress
    assert again.version == 2 and again.title == "A Paper v2"
    assert again.source == "query"  # the first source is what found it
    older = ledger.record_found(_paper(version=1))
    assert older.version == 2  # an older version never overwrites a newer one


def test_a_paper_moves_through_the_stages_and_every_move_is_kept(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record_found(_paper())
    row = ledger.transition("2312.13286", Transition.DOWNLOAD, pdf_path=tmp_path / "x.pdf", version=1)
    assert row.state == PaperState.DOWNLOADED and row.pdf_path == str(tmp_path / "x.pdf")
    ledger.transition("2312.13286", Transition.EXTRACT)
    ledger.transition("2312.13286", Transition.SUMMARIZE, summary_path="s.json")
    ledger.transition("2312.13286", Transition.DRAFT, drafted_on=date(2024, 1, 3))
    ledger.transition("2312.13286", Transition.OPEN_REVIEW, review_branch="paperflow/2024-01-03", pr_number=7)
    row = ledger.get("2312.13286")
    assert (row.state, row.review_branch, row.pr_number, row.done) == (PaperState.IN_REVIEW, "paperflow/2024-01-03",
                                                                       7, True)
    assert [(e.transition, e.from_state, e.to_state) for e in ledger.history("2312.13286")] == [
        ("find", None, "found"), ("download", "found", "downloaded"), ("extract", "downloaded", "extracted"),
        ("summarize", "extracted", "summarized"), ("draft", "summarized", "drafted"),
        ("open_review", "drafted", "in_review"),
    ]


@pytest.mark.parametrize(("state", "transition"), [
    (PaperState.FOUND, Transition.EXTRACT),  # no PDF yet
    (PaperState.FOUND, Transition.DRAFT),
    (PaperState.DOWNLOADED, Transition.SUMMARIZE),
    (PaperState.DRAFTED, Transition.DOWNLOAD),  # a finished paper must be reopened first
    (PaperState.DRAFTED, Transition.FAIL),
    (PaperState.MERGED, Transition.OPEN_REVIEW),
    (PaperState.REJECTED, Transition.MERGE),
    (PaperState.FAILED, Transition.DRAFT),
])
def test_illegal_transitions_are_refused_and_change_nothing(tmp_path, state, transition):
    ledger = Ledger(tmp_path / "l.sqlite3")
    if state == PaperState.FAILED:
        ledger.record_found(_paper())
        before = ledger.fail("2312.13286", "extract", "not a PDF")
    else:
        before = walk_to(ledger, _paper(), state)
    with pytest.raises(IllegalTransitionError) as info:
        ledger.transition("2312.13286", transition)
    assert str(info.value).startswith(f"2312.13286: ledger: cannot {transition.value}: it is ")
    assert ledger.get("2312.13286") == before
    assert len(ledger.history("2312.13286")) == len(ledger.history("2312.13286"))


def test_a_finished_paper_is_reopened_before_it_runs_again_and_a_failed_one_may_restart(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    walk_to(ledger, _paper(), PaperState.MERGED)
    assert ledger.transition("2312.13286", Transition.REOPEN).state == PaperState.FOUND
    assert ledger.transition("2312.13286", Transition.DOWNLOAD).state == PaperState.DOWNLOADED
    ledger.fail("2312.13286", "extract", "not a PDF")
    assert ledger.transition("2312.13286", Transition.DOWNLOAD).state == PaperState.DOWNLOADED
    # an unknown id fails without ever being found
    assert ledger.fail("2401.99999", "resolve", "arXiv has no paper with this id").attempts == 1


def test_a_transition_sets_only_its_own_fields(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record_found(_paper())
    with pytest.raises(LedgerError, match="download cannot set attempts"):
        ledger.transition("2312.13286", Transition.DOWNLOAD, attempts=0)
    with pytest.raises(LedgerError, match="record_found"):
        ledger.transition("2312.13286", Transition.FIND)


def test_record_failure_counts_attempts_and_keeps_one_line(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record_found(_paper())
    ledger.fail("2312.13286", "download", "HTTP 503\nfrom arxiv.org")
    ledger.fail("2312.13286", "extract", "x" * 5000)
    row = ledger.get("2312.13286")
    assert row.state == PaperState.FAILED and row.attempts == 2
    assert row.last_stage == "extract" and len(row.last_error) == 1000
    assert ledger.rows(PaperState.FAILED) == [row]
    ledger.fail("2401.00001", "download", "HTTP 503\nfrom arxiv.org")
    assert ledger.get("2401.00001").last_error == "HTTP 503 from arxiv.org"


def test_record_usage_adds_up_and_unknown_cost_stays_unknown(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record_usage("k", 100, 20, None)
    assert ledger.get("k").cost is None
    ledger.record_usage("k", 50, 5, 0.25)
    ledger.record_usage("k", 1, 1, 0.5)
    row = ledger.get("k")
    assert (row.input_tokens, row.output_tokens, row.cost) == (151, 26, 0.75)


def test_drafted_on_and_rows(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    for i, day in enumerate([date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 2)]):
        walk_to(ledger, _paper(key=f"2401.0000{i}"), PaperState.DRAFTED, drafted_on=day)
    ledger.record_found(_paper(key="2401.00009"))
    assert [r.key for r in ledger.drafted_on(date(2024, 1, 2))] == ["2401.00001", "2401.00002"]
    assert len(ledger.rows()) == 4 and len(ledger.rows(PaperState.FOUND)) == 1
    assert PaperState.FAILED not in DONE_STATES and PaperState.MERGED in DONE_STATES


def test_query_runs_and_resolution_cache_survive_reopen(tmp_path):
    path = tmp_path / "l.sqlite3"
    ledger = Ledger(path)
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert ledger.last_query_run("q") is None
    ledger.set_query_run("q", when)
    ledger.cache_resolution("attention is all you need", "1706.03762", 1.0, [{"id": "1706.03762", "score": 1.0}])
    ledger.cache_resolution("no such paper", None, 0.4, [])
    reopened = Ledger(path)
    assert reopened.last_query_run("q") == when
    hit = reopened.cached_resolution("attention is all you need")
    assert hit.arxiv_id == "1706.03762" and hit.candidates[0]["score"] == 1.0
    assert reopened.cached_resolution("no such paper").arxiv_id is None
    assert reopened.cached_resolution("never searched") is None


def test_failed_transaction_leaves_nothing_behind(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    with pytest.raises(RuntimeError):
        with ledger._write() as conn:
            conn.execute("INSERT INTO papers (key, state, created_at, updated_at) VALUES ('k', 'found', 'a', 'a')")
            raise RuntimeError("crash mid-transaction")
    assert ledger.get("k") is None


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "l.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError, match="cannot open ledger"):
        Ledger(path)


def test_concurrent_processes_lose_no_update(tmp_path):
    path = tmp_path / "l.sqlite3"
    Ledger(path)
    script = textwrap.dedent(
        f"""
        from paperflow.ledger import Ledger
        ledger = Ledger({str(path)!r})
        for i in range(40):
            ledger.record_usage("shared", 1, 2, 0.5)
            ledger.fail("shared-fail", "download", "boom")
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    ledger = Ledger(path)
    row = ledger.get("shared")
    assert (row.input_tokens, row.output_tokens, row.cost) == (120, 240, 60.0)
    assert ledger.get("shared-fail").attempts == 120


def test_usable_as_context_manager(tmp_path):
    with Ledger(tmp_path / "l.sqlite3") as ledger:
        ledger.record_usage("k", 1, 1, None)
    assert Ledger(tmp_path / "l.sqlite3").get("k").input_tokens == 1


# The schema of paperflow's ledgers before migrations existed (as released: tables made with
# CREATE TABLE IF NOT EXISTS, no migrations table), with a row as those versions wrote it.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    key TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', version INTEGER, source TEXT, source_detail TEXT,
    state TEXT NOT NULL, last_stage TEXT, last_error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0, cost REAL, pdf_path TEXT,
    summary_path TEXT, drafted_on TEXT, review_branch TEXT, pr_number INTEGER, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_state ON papers(state);
CREATE INDEX IF NOT EXISTS papers_drafted_on ON papers(drafted_on);
CREATE TABLE IF NOT EXISTS query_runs (name TEXT PRIMARY KEY, last_success TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS title_resolutions (
    normalized_title TEXT PRIMARY KEY, arxiv_id TEXT, score REAL, candidates TEXT NOT NULL DEFAULT '[]',
    resolved_at TEXT NOT NULL
);
INSERT INTO papers (key, title, version, source, state, input_tokens, output_tokens, cost, summary_path,
                    drafted_on, review_branch, pr_number, created_at, updated_at)
VALUES ('1706.03762', 'Attention Is All You Need', 5, 'pending', 'in_review', 1200, 300, 0.01, 's.json',
        '2024-01-03', 'paperflow/2024-01-03', 4, '2024-01-03T02:00:00+00:00', '2024-01-03T02:05:00+00:00');
INSERT INTO query_runs VALUES ('icl', '2024-01-03T02:00:00+00:00');
"""


def test_a_ledger_made_before_migrations_is_migrated_on_open_and_keeps_its_rows(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA)
    ledger = Ledger(path)
    assert ledger.migrated == [name for name, _ in MIGRATIONS]
    row = ledger.get("1706.03762")
    assert (row.state, row.pr_number, row.input_tokens, row.drafted_on) == (PaperState.IN_REVIEW, 4, 1200,
                                                                          date(2024, 1, 3))
    assert ledger.last_query_run("icl") == datetime(2024, 1, 3, 2, 0, tzinfo=UTC)
    # the new table works on the old rows
    assert ledger.transition("1706.03762", Transition.MERGE, pr_number=4).state == PaperState.MERGED
    assert [e.transition for e in ledger.history("1706.03762")] == ["merge"]
    with sqlite3.connect(path) as conn:
        recorded = [r[0] for r in conn.execute("SELECT name FROM _paperflow_migrations ORDER BY rowid")]
    assert recorded == [name for name, _ in MIGRATIONS]
    assert Ledger(path).migrated == []  # applied once


OPEN_FRESH = """
import sys, time
from pathlib import Path
from paperflow.ledger import Ledger
folder, me, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for n in range(rounds):
    (folder / f"ready-{n}-{me}").touch()
    while not (folder / f"go-{n}").exists():
        time.sleep(0.0005)
    Ledger(folder / f"fresh{n}" / "ledger.sqlite3").record_usage("k", 1, 0, None)
"""


def test_processes_opening_a_fresh_ledger_at_once_wait_their_turn(tmp_path):
    # "database is locked" came from processes switching a new file to WAL and creating its tables at
    # the same moment: 3 processes open 25 fresh ledgers, each round released at once.
    import time

    rounds, names = 25, ["a", "b", "c"]
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_FRESH, str(tmp_path), name, str(rounds)],
                              stderr=subprocess.PIPE, text=True) for name in names]
    for n in range(rounds):
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{n}-{name}").exists() for name in names):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
                [p.stderr.read() for p in procs if p.poll() is not None]
            time.sleep(0.001)
        (tmp_path / f"go-{n}").touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0], [p.stderr.read() for p in procs]
    assert all(Ledger(tmp_path / f"fresh{n}" / "ledger.sqlite3").get("k").input_tokens == 3 for n in range(rounds))

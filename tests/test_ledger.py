"""The ledger: states, failures, usage totals, crash safety and concurrent processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime

import pytest

from paperflow.ledger import DONE_STATES, Ledger, LedgerError, PaperState
from paperflow.models import Paper, SourceKind
from paperflow.settings import Settings


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
    ledger.set_state("2312.13286", PaperState.DRAFTED, drafted_on=date(2024, 1, 3))
    again = ledger.record_found(
        Paper(arxiv_id="2312.13286", version=2, title="A Paper v2", source=SourceKind.PENDING, source_detail="x")
    )
    assert again.state == PaperState.DRAFTED  # finding it again never resets progress
    assert again.version == 2 and again.title == "A Paper v2"
    assert again.source == "query"  # the first source is what found it
    older = ledger.record_found(_paper(version=1))
    assert older.version == 2  # an older version never overwrites a newer one


def test_set_state_fields_and_unknown_field(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record_found(_paper())
    ledger.set_state("2312.13286", PaperState.DOWNLOADED, pdf_path=tmp_path / "x.pdf", version=1)
    row = ledger.get("2312.13286")
    assert row.state == PaperState.DOWNLOADED and row.pdf_path == str(tmp_path / "x.pdf")
    ledger.set_state("2312.13286", PaperState.IN_REVIEW, review_branch="paperflow/2024-01-03", pr_number=7)
    row = ledger.get("2312.13286")
    assert (row.review_branch, row.pr_number, row.done) == ("paperflow/2024-01-03", 7, True)
    with pytest.raises(LedgerError, match="cannot set attempts"):
        ledger.set_state("2312.13286", PaperState.FOUND, attempts=0)
    # a key never recorded still gets a row (a local PDF summarized on demand)
    ledger.set_state("local:abc", PaperState.SUMMARIZED, summary_path="s.json")
    assert ledger.get("local:abc").state == PaperState.SUMMARIZED


def test_record_failure_counts_attempts_and_keeps_one_line(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record_found(_paper())
    ledger.record_failure("2312.13286", "download", "HTTP 503\nfrom arxiv.org")
    ledger.record_failure("2312.13286", "extract", "x" * 5000)
    row = ledger.get("2312.13286")
    assert row.state == PaperState.FAILED and row.attempts == 2
    assert row.last_stage == "extract" and len(row.last_error) == 1000
    assert ledger.rows(PaperState.FAILED) == [row]
    ledger.record_failure("2401.00001", "download", "HTTP 503\nfrom arxiv.org")
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
        ledger.record_found(_paper(key=f"2401.0000{i}"))
        ledger.set_state(f"2401.0000{i}", PaperState.DRAFTED, drafted_on=day)
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
            ledger.record_failure("shared-fail", "download", "boom")
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

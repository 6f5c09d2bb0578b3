"""The ledger: one SQLite file (`output/ledger.sqlite3`) recording what happened to every paper.

One row per paper key (arXiv id without version, or "local:<sha256>" for a local PDF): where it came
from, its state, the stage and error of its last failure, attempts, tokens and cost, timestamps.
Two small side tables hold what the arXiv sources remember between nights: the last successful run
of each query, and cached title -> id resolutions of pending-list items.

A paper's state changes only through named transitions (`Transition`; `RULES` says from which states
each is allowed and which fields it sets). An illegal one is refused with IllegalTransitionError and
changes nothing; every change is kept in `paper_events` (`history`). The orchestrator
(paperflow.pipeline) makes the processing transitions, the review step (paperflow.review.publish)
the review ones.

The schema changes only through numbered migrations (`MIGRATIONS`), each applied once and recorded in
`_paperflow_migrations`: a ledger made by an older paperflow is brought up to date when it is opened.
Opening (and migrating) is serialised across processes by a lock file beside the database.

Every change is one transaction (`BEGIN IMMEDIATE`), the file is in WAL mode and each call opens
its own connection, so the ledger survives crashes and is safe for threads and concurrent processes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout
from pydantic import BaseModel, field_validator

from paperflow.errors import PaperflowError
from paperflow.layout import OutputLayout
from paperflow.models import Paper

if TYPE_CHECKING:
    from paperflow.settings import Settings

MAX_ERROR_CHARS = 1000  # one line, but bounded: a traceback never lands in the ledger
# Another process's transaction (a night, `paperflow review`) holds the ledger for milliseconds on an idle
# machine and for long seconds on a busy one: waiting is always right, failing never is.
BUSY_TIMEOUT_SECONDS = 600.0


class PaperState(StrEnum):
    FOUND = "found"
    DOWNLOADED = "downloaded"
    EXTRACTED = "extracted"
    SUMMARIZED = "summarized"
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    MERGED = "merged"
    REJECTED = "rejected"
    FAILED = "failed"
    DEFERRED = "deferred"  # its next LLM call would have crossed a night's budget: the next night takes it first


# A paper in one of these states is finished as far as drafting goes: never drafted again by default.
DONE_STATES = frozenset({PaperState.DRAFTED, PaperState.IN_REVIEW, PaperState.MERGED, PaperState.REJECTED})
# On its way through the stages, or failed on the way: it may (re)start the stages.
IN_PROGRESS_STATES = frozenset({PaperState.FOUND, PaperState.DOWNLOADED, PaperState.EXTRACTED,
                                PaperState.SUMMARIZED, PaperState.FAILED, PaperState.DEFERRED})
REVIEWABLE_STATES = frozenset({PaperState.DRAFTED, PaperState.IN_REVIEW})


class Transition(StrEnum):
    """What happened to a paper; each moves it from some states to one (RULES)."""

    FIND = "find"  # a source found it (record_found: a new row; an existing one only takes new metadata)
    REOPEN = "reopen"  # a finished paper asked for again (by hand, or a newer version)
    DOWNLOAD = "download"  # its PDF is on disk
    EXTRACT = "extract"  # its text is read
    SUMMARIZE = "summarize"  # its summary is written
    DRAFT = "draft"  # its entry is in the log (or waits for the review branch)
    FAIL = "fail"  # a stage failed: attempts + 1, the stage and the error kept
    DEFER = "defer"  # the night's LLM budget stopped it before its LLM call (not a failure: no attempt counted)
    PROPOSE = "propose"  # its draft is on a review branch without a pull request (state kept)
    OPEN_REVIEW = "open_review"  # a pull request proposes it
    MERGE = "merge"  # its pull request was merged with the draft in it
    REJECT = "reject"  # its pull request was closed, or merged without the draft
    REDRAFT = "redraft"  # a new version summarized beside the person's entry (it waits for a pull request)


# transition: (states it may start from, None = no row yet; the state it leads to, None = unchanged;
# the fields it may set)
RULES: dict[Transition, tuple[frozenset[PaperState | None], PaperState | None, frozenset[str]]] = {
    Transition.FIND: (frozenset({None}), PaperState.FOUND, frozenset()),
    Transition.REOPEN: (DONE_STATES, PaperState.FOUND, frozenset()),
    Transition.DOWNLOAD: (IN_PROGRESS_STATES, PaperState.DOWNLOADED, frozenset({"pdf_path", "version"})),
    Transition.EXTRACT: (frozenset({PaperState.DOWNLOADED}), PaperState.EXTRACTED, frozenset({"title"})),
    Transition.SUMMARIZE: (frozenset({PaperState.EXTRACTED}), PaperState.SUMMARIZED,
                           frozenset({"summary_path", "model", "prompt_version"})),
    Transition.DRAFT: (frozenset({PaperState.SUMMARIZED}), PaperState.DRAFTED,
                       frozenset({"drafted_on", "summary_path", "figure_picks"})),
    Transition.FAIL: (IN_PROGRESS_STATES | {None}, PaperState.FAILED, frozenset({"last_stage", "last_error"})),
    Transition.DEFER: (frozenset({PaperState.EXTRACTED}), PaperState.DEFERRED, frozenset()),
    Transition.PROPOSE: (REVIEWABLE_STATES, None, frozenset({"review_branch", "title", "drafted_on", "draft_entry",
                                                             "figure_picks", "draft_pictures"})),
    Transition.OPEN_REVIEW: (REVIEWABLE_STATES, PaperState.IN_REVIEW,
                             frozenset({"review_branch", "pr_number", "title", "drafted_on", "draft_entry",
                                        "figure_picks", "draft_pictures"})),
    Transition.MERGE: (REVIEWABLE_STATES, PaperState.MERGED,
                       frozenset({"pr_number", "edit_ratio", "edit_parts", "most_edited"})),
    Transition.REJECT: (REVIEWABLE_STATES, PaperState.REJECTED, frozenset({"pr_number"})),
    # The person's entry stays as it is (merged); the re-draft goes into a pull request beside it.
    Transition.REDRAFT: (frozenset({PaperState.SUMMARIZED}), PaperState.MERGED,
                          frozenset({"redraft_path", "redraft_branch", "redraft_picks", "redraft_pictures"})),
}




class LedgerError(PaperflowError):
    """The ledger cannot be used (unreadable file, locked), or refuses a change."""


class IllegalTransitionError(LedgerError):
    """A transition the paper's state does not allow; nothing was changed."""


class LedgerRow(BaseModel):
    key: str
    title: str = ""
    version: int | None = None
    source: str | None = None  # a SourceKind value
    source_detail: str | None = None
    state: PaperState = PaperState.FOUND
    last_stage: str | None = None
    last_error: str | None = None
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    pdf_path: str | None = None
    summary_path: str | None = None
    drafted_on: date | None = None
    review_branch: str | None = None
    pr_number: int | None = None
    created_at: datetime
    updated_at: datetime
    # m003: what the draft was made with, how much the person rewrote it, newer arXiv versions, re-drafts
    model: str | None = None  # the LLM's model name; None for an extractive draft
    prompt_version: str | None = None  # first characters of the prompts' hash; "extractive" without an LLM
    draft_entry: str | None = None  # the entry as proposed for review (what the merged entry is compared with)
    edit_ratio: float | None = None  # 0 = merged as drafted .. 1 = rewritten; None = not measured
    edit_parts: dict[str, float] | None = None  # mean edit ratio per kind of part (keywords, opening, point, verdict)
    most_edited: str | None = None
    latest_version: int | None = None  # the newest arXiv version seen after the entry was merged
    version_listed: int | None = None  # the newest version a pull request already mentioned
    redraft_path: str | None = None  # the summary of a re-draft waiting for a pull request
    redraft_branch: str | None = None  # the review branch whose pull request shows it
    # m004: the entry's pictures, so a review branch made again from the ledger carries them
    figure_picks: dict[str, Any] | None = None  # {"pdf", "sha256", "chosen": [{"kind", "float"}]} (log.pictures)
    draft_pictures: list[dict[str, Any]] | None = None  # the Pictures of the entry as proposed (models.Picture)
    # m005: the re-draft's pictures, as figure_picks and draft_pictures are the draft's
    redraft_picks: dict[str, Any] | None = None
    redraft_pictures: list[dict[str, Any]] | None = None  # as shown on redraft_branch

    @field_validator("edit_parts", "figure_picks", "draft_pictures", "redraft_picks", "redraft_pictures",
                     mode="before")
    @classmethod
    def _json_parts(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES


class TitleResolution(BaseModel):
    """A cached pending-item title search: the id found (or None) and the best candidates seen."""

    normalized_title: str
    arxiv_id: str | None
    score: float | None = None
    candidates: list[dict[str, Any]] = []
    resolved_at: datetime


class LedgerEvent(BaseModel):
    """One transition of a paper, as recorded."""

    key: str
    transition: str
    from_state: str | None
    to_state: str
    at: datetime


# ------------------------------------------------------------------------------------- migrations

# The statements of one migration run inside its transaction (no executescript: it would commit).
_M001_INITIAL = [
    """CREATE TABLE IF NOT EXISTS papers (
        key TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        version INTEGER,
        source TEXT,
        source_detail TEXT,
        state TEXT NOT NULL,
        last_stage TEXT,
        last_error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cost REAL,
        pdf_path TEXT,
        summary_path TEXT,
        drafted_on TEXT,
        review_branch TEXT,
        pr_number INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS papers_state ON papers(state)",
    "CREATE INDEX IF NOT EXISTS papers_drafted_on ON papers(drafted_on)",
    "CREATE TABLE IF NOT EXISTS query_runs (name TEXT PRIMARY KEY, last_success TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS title_resolutions (
        normalized_title TEXT PRIMARY KEY,
        arxiv_id TEXT,
        score REAL,
        candidates TEXT NOT NULL DEFAULT '[]',
        resolved_at TEXT NOT NULL
    )""",
]
_M002_PAPER_EVENTS = [
    """CREATE TABLE paper_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        transition TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX paper_events_key ON paper_events(key)",
]

# In order. A released migration is never edited or renamed: a schema change is a new entry. m001 is
# written with IF NOT EXISTS because ledgers made before migrations existed already hold its tables.
_M003_EVIDENCE_AND_EDITS = [
    f"ALTER TABLE papers ADD COLUMN {column}" for column in (
        "model TEXT", "prompt_version TEXT", "draft_entry TEXT", "edit_ratio REAL", "edit_parts TEXT",
        "most_edited TEXT", "latest_version INTEGER", "version_listed INTEGER", "redraft_path TEXT",
        "redraft_branch TEXT")
]

_M004_PICTURES = [f"ALTER TABLE papers ADD COLUMN {column}" for column in ("figure_picks TEXT", "draft_pictures TEXT")]
_M005_REDRAFT_PICTURES = [f"ALTER TABLE papers ADD COLUMN {column}"
                          for column in ("redraft_picks TEXT", "redraft_pictures TEXT")]

MIGRATIONS: list[tuple[str, list[str]]] = [
    ("m001_initial", _M001_INITIAL),
    ("m002_paper_events", _M002_PAPER_EVENTS),
    ("m003_evidence_and_edits", _M003_EVIDENCE_AND_EDITS),
    ("m004_pictures", _M004_PICTURES),
    ("m005_redraft_pictures", _M005_REDRAFT_PICTURES),
]
MIGRATIONS_TABLE = "_paperflow_migrations"


def _migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded, all in one transaction; return their names."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")}
        applied = []
        for name, statements in MIGRATIONS:
            if name in done:
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)", (name, _now()))
            applied.append(name)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return applied


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _db_value(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


class Ledger:
    """The per-paper record. Safe to share between threads; each call is one transaction."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Two processes opening a fresh ledger at once (two runs, a run and `paperflow review`) take
        # turns: switching to WAL and creating the tables do not wait for SQLite's busy timeout.
        lock = FileLock(str(self.path) + ".lock", timeout=BUSY_TIMEOUT_SECONDS)
        try:
            with lock, self._connect() as conn:
                # WAL lets readers work while a writer commits; it is a property of the file.
                conn.execute("PRAGMA journal_mode=WAL")
                self.migrated = _migrate(conn)
        except Timeout:
            raise LedgerError(f"cannot open ledger {self.path}: another process held {lock.lock_file} for "
                              f"{BUSY_TIMEOUT_SECONDS:g} s", stage="ledger") from None
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"cannot open ledger {self.path}: {exc}", stage="ledger") from None

    @classmethod
    def open(cls, settings: Settings) -> Ledger:
        """The ledger of these settings: `output_dir/ledger.sqlite3` (created if missing)."""
        return cls(OutputLayout.of(settings).ledger)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own connection. Kept for `with` use."""

    # -- connections ------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so read-modify-write sequences never interleave.
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @staticmethod
    def _row(record: sqlite3.Row | None) -> LedgerRow | None:
        return None if record is None else LedgerRow(**{k: record[k] for k in record.keys()})

    @staticmethod
    def _ensure(conn: sqlite3.Connection, key: str, now: str) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO papers (key, state, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (key, PaperState.FOUND.value, now, now),
        )

    # -- papers -----------------------------------------------------------------------------

    def record_found(self, paper: Paper) -> LedgerRow:
        """Record that a source found `paper` and return its row.

        A new key gets state FOUND with the paper's source kind and detail. An existing row keeps
        its state, source and counters; only a non-empty title and a higher version are taken over.
        """
        now = _now()
        with self._write() as conn:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO papers (key, title, version, source, source_detail, state, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (paper.key, paper.title, paper.version, _db_value(paper.source), paper.source_detail,
                 PaperState.FOUND.value, now, now),
            ).rowcount
            if inserted:
                self._event(conn, paper.key, Transition.FIND, None, PaperState.FOUND, now)
            else:
                conn.execute(
                    "UPDATE papers SET title = CASE WHEN ? != '' THEN ? ELSE title END,"
                    " version = CASE WHEN ? IS NOT NULL AND (version IS NULL OR ? > version) THEN ? ELSE version END,"
                    " source = COALESCE(source, ?), source_detail = COALESCE(source_detail, ?), updated_at = ?"
                    " WHERE key = ?",
                    (paper.title, paper.title, paper.version, paper.version, paper.version,
                     _db_value(paper.source), paper.source_detail, now, paper.key),
                )
            row = conn.execute("SELECT * FROM papers WHERE key = ?", (paper.key,)).fetchone()
        result = self._row(row)
        assert result is not None
        return result

    def transition(self, key: str, transition: Transition, **fields: Any) -> LedgerRow:
        """Apply `transition` to the paper `key`, setting `fields` (those RULES lets it set); return the row.

        Raises IllegalTransitionError (nothing changed) when the paper's state does not allow it, and
        LedgerError for a field the transition does not set. FAIL goes through `fail` (attempts),
        FIND through `record_found`.
        """
        transition = Transition(transition)
        if transition == Transition.FIND:
            raise LedgerError("a paper is found with record_found", paper=key, stage="ledger")
        if transition == Transition.FAIL:
            return self.fail(key, str(fields.get("last_stage") or "?"), str(fields.get("last_error") or ""))
        allowed_from, to_state, settable = RULES[transition]
        unknown = set(fields) - settable
        if unknown:
            raise LedgerError(f"{transition.value} cannot set {', '.join(sorted(unknown))}", paper=key, stage="ledger")
        assignments = [f"{name} = ?" for name in fields]
        values = [_db_value(v) for v in fields.values()]
        return self._apply(key, transition, allowed_from, to_state, assignments, values)

    def fail(self, key: str, stage: str, error: str) -> LedgerRow:
        """The FAIL transition: state FAILED at `stage` with `error` (one line, bounded); attempts + 1.

        Callers pass messages, never secrets: the text is stored as given (flattened to one line).
        """
        text = " ".join(str(error).split())[:MAX_ERROR_CHARS]
        allowed_from, to_state, _ = RULES[Transition.FAIL]
        return self._apply(key, Transition.FAIL, allowed_from, to_state,
                           ["last_stage = ?", "last_error = ?", "attempts = attempts + 1"], [stage, text])

    def _apply(self, key: str, transition: Transition, allowed_from: frozenset[PaperState | None],
               to_state: PaperState | None, assignments: list[str], values: list[Any]) -> LedgerRow:
        now = _now()
        with self._write() as conn:
            found = conn.execute("SELECT state FROM papers WHERE key = ?", (key,)).fetchone()
            before = None if found is None else PaperState(found[0])
            if before not in allowed_from:
                where = "it is not in the ledger" if before is None else f"it is {before.value.replace('_', ' ')}"
                starts = ", ".join(sorted(s.value for s in allowed_from if s is not None))
                raise IllegalTransitionError(f"cannot {transition.value}: {where} (allowed from {starts})",
                                             paper=key, stage="ledger")
            if before is None:
                self._ensure(conn, key, now)
            after = to_state or before
            assert after is not None
            conn.execute(
                f"UPDATE papers SET {', '.join([*assignments, 'state = ?', 'updated_at = ?'])} WHERE key = ?",
                (*values, after.value, now, key),
            )
            self._event(conn, key, transition, before, after, now)
            row = conn.execute("SELECT * FROM papers WHERE key = ?", (key,)).fetchone()
        result = self._row(row)
        assert result is not None
        return result

    @staticmethod
    def _event(conn: sqlite3.Connection, key: str, transition: Transition, before: PaperState | None,
               after: PaperState, now: str) -> None:
        conn.execute("INSERT INTO paper_events (key, transition, from_state, to_state, at) VALUES (?, ?, ?, ?, ?)",
                     (key, transition.value, before.value if before else None, after.value, now))

    def history(self, key: str) -> list[LedgerEvent]:
        """Every transition of the paper `key`, oldest first."""
        with self._connect() as conn:
            records = conn.execute("SELECT * FROM paper_events WHERE key = ? ORDER BY id", (key,)).fetchall()
        return [LedgerEvent(**{k: r[k] for k in ("key", "transition", "from_state", "to_state", "at")})
                for r in records]

    def record_usage(self, key: str, input_tokens: int, output_tokens: int, cost: float | None) -> None:
        """Add tokens (and cost, when known) to the row's totals."""
        now = _now()
        with self._write() as conn:
            self._ensure(conn, key, now)
            conn.execute(
                "UPDATE papers SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,"
                " cost = CASE WHEN ? IS NULL THEN cost ELSE COALESCE(cost, 0) + ? END, updated_at = ?"
                " WHERE key = ?",
                (int(input_tokens), int(output_tokens), cost, cost, now, key),
            )

    def record_latest_version(self, key: str, version: int) -> None:
        """The newest arXiv version seen of a paper (kept when higher than the one recorded)."""
        with self._write() as conn:
            conn.execute("UPDATE papers SET latest_version = ?, updated_at = ? WHERE key = ?"
                         " AND (latest_version IS NULL OR latest_version < ?)", (version, _now(), key, version))

    def mark_version_listed(self, key: str, version: int) -> None:
        """A pull request has said that `version` is out: not said again."""
        with self._write() as conn:
            conn.execute("UPDATE papers SET version_listed = ?, updated_at = ? WHERE key = ?", (version, _now(), key))

    def mark_redraft_listed(self, key: str, branch: str, pictures: list[dict[str, Any]] | None = None) -> None:
        """The re-draft is shown in the pull request of review branch `branch` (and in no later one), with
        `pictures` (models.Picture dicts: the PNGs that branch holds for it)."""
        with self._write() as conn:
            conn.execute("UPDATE papers SET redraft_branch = ?, redraft_pictures = ?, updated_at = ? WHERE key = ?",
                         (branch, _db_value(pictures), _now(), key))

    def get(self, key: str) -> LedgerRow | None:
        with self._connect() as conn:
            return self._row(conn.execute("SELECT * FROM papers WHERE key = ?", (key,)).fetchone())

    def rows(self, state: PaperState | None = None) -> list[LedgerRow]:
        """All rows (or those in `state`), oldest first."""
        with self._connect() as conn:
            if state is None:
                records = conn.execute("SELECT * FROM papers ORDER BY created_at, key").fetchall()
            else:
                records = conn.execute(
                    "SELECT * FROM papers WHERE state = ? ORDER BY created_at, key", (PaperState(state).value,)
                ).fetchall()
        return [r for r in map(self._row, records) if r is not None]

    def drafted_on(self, day: date) -> list[LedgerRow]:
        """Rows whose draft went into the log on `day`."""
        with self._connect() as conn:
            records = conn.execute(
                "SELECT * FROM papers WHERE drafted_on = ? ORDER BY created_at, key", (day.isoformat(),)
            ).fetchall()
        return [r for r in map(self._row, records) if r is not None]

    # -- what the arXiv sources remember -----------------------------------------------------

    def last_query_run(self, name: str) -> datetime | None:
        """When the query `name` last ran to the end without error (UTC), or None."""
        with self._connect() as conn:
            record = conn.execute("SELECT last_success FROM query_runs WHERE name = ?", (name,)).fetchone()
        return None if record is None else datetime.fromisoformat(record[0])

    def set_query_run(self, name: str, when: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO query_runs (name, last_success) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET last_success = excluded.last_success",
                (name, when.isoformat()),
            )

    def cached_resolution(self, normalized_title: str) -> TitleResolution | None:
        with self._connect() as conn:
            record = conn.execute(
                "SELECT * FROM title_resolutions WHERE normalized_title = ?", (normalized_title,)
            ).fetchone()
        if record is None:
            return None
        return TitleResolution(
            normalized_title=record["normalized_title"], arxiv_id=record["arxiv_id"], score=record["score"],
            candidates=json.loads(record["candidates"]), resolved_at=datetime.fromisoformat(record["resolved_at"]),
        )

    def cache_resolution(
        self, normalized_title: str, arxiv_id: str | None, score: float | None, candidates: list[dict[str, Any]],
        resolved_at: datetime | None = None,
    ) -> None:
        """Remember a title search (a miss too: arxiv_id None). `resolved_at` defaults to now (UTC)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO title_resolutions (normalized_title, arxiv_id, score, candidates, resolved_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(normalized_title) DO UPDATE SET arxiv_id = excluded.arxiv_id,"
                " score = excluded.score, candidates = excluded.candidates, resolved_at = excluded.resolved_at",
                (normalized_title, arxiv_id, score, json.dumps(candidates, ensure_ascii=False),
                 resolved_at.isoformat() if resolved_at else _now()),
            )

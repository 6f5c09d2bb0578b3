"""What one run did, as data (`RunReport`) and as Markdown for a person, a PR body or a Prefect artifact.

No Prefect here: the flows fill a RunReport while they run, then publish `to_markdown()` as an
artifact and `save()` it under `output/reports/`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from paperflow.log.entry import escape_text
from paperflow.models import Failure

# The order stages are shown in; a stage not listed here is shown after them.
STAGE_ORDER = ("resolve", "download", "extract", "summarize", "insert", "review")  # paperflow.pipeline.STAGES


class StageClock:
    """Wall time per stage, from the first paper entering it to the last leaving it (papers overlap,
    so this is what the stage cost the run, not the sum over papers); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spans: dict[str, tuple[float, float]] = {}

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Count the `with` block (also when it raises) into `stage`'s span."""
        start = time.perf_counter()
        try:
            yield
        finally:
            end = time.perf_counter()
            with self._lock:
                first, last = self._spans.get(stage, (start, end))
                self._spans[stage] = (min(first, start), max(last, end))

    @property
    def seconds(self) -> dict[str, float]:
        with self._lock:
            return {stage: last - first for stage, (first, last) in self._spans.items()}


class ReportedFailure(Failure):
    """A paper that failed in this run: stage and one-line reason, with its attempts so far."""

    key: str | None = None  # the ledger key, when the paper got that far
    attempts: int | None = None
    given_up: bool = False  # attempts reached max_attempts: left for a person


class ReportedPaper(BaseModel):
    key: str
    title: str
    note: str | None = None  # e.g. "extractive draft (no LLM)", coverage of the input


class RunReport(BaseModel):
    """Counters and lists a run fills in as it goes; `to_markdown()` renders them."""

    kind: Literal["nightly", "summarize"] = "nightly"
    started_at: datetime = Field(default_factory=lambda: datetime.now().astimezone())
    finished_at: datetime | None = None
    dry_run: bool = False
    # papers that completed each stage ("resolve": papers found and taken)
    stage_counts: dict[str, int] = Field(default_factory=dict)
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    drafted: list[ReportedPaper] = Field(default_factory=list)
    skipped: list[ReportedPaper] = Field(default_factory=list)  # already done, or left for a person
    failures: list[ReportedFailure] = Field(default_factory=list)
    unresolved_pending: list[str] = Field(default_factory=list)
    # A night's selection (paperflow.sources.budget): papers over its budget, not drafted, and the
    # Markdown that explains the selection (budget line, scores, lines to paste into the pending list).
    over_budget: list[ReportedPaper] = Field(default_factory=list)
    selection: list[str] = Field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    review: str | None = None  # the PR URL, or what to run by hand
    notes: list[str] = Field(default_factory=list)

    # -- filling in ---------------------------------------------------------------------------

    def count(self, stage: str, n: int = 1) -> None:
        """Add `n` papers that completed `stage`."""
        self.stage_counts[stage] = self.stage_counts.get(stage, 0) + n

    def add_seconds(self, stage: str, seconds: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def add_failure(
        self,
        paper: str,
        stage: str,
        reason: str,
        *,
        key: str | None = None,
        attempts: int | None = None,
        given_up: bool = False,
    ) -> ReportedFailure:
        failure = ReportedFailure(
            paper=paper, stage=stage, reason=" ".join(reason.split()), key=key, attempts=attempts, given_up=given_up
        )
        self.failures.append(failure)
        return failure

    def add_usage(self, input_tokens: int, output_tokens: int, cost: float | None) -> None:
        self.input_tokens += int(input_tokens)
        self.output_tokens += int(output_tokens)
        if cost is not None:
            self.cost = (self.cost or 0.0) + cost

    def finish(self) -> RunReport:
        self.finished_at = datetime.now().astimezone()
        return self

    # -- reading ------------------------------------------------------------------------------

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def ordered_stages(self) -> list[str]:
        names = set(self.stage_counts) | set(self.stage_seconds)
        known = [s for s in STAGE_ORDER if s in names]
        return known + sorted(names - set(STAGE_ORDER))

    def headline(self) -> str:
        """One line: how many papers were drafted, failed, skipped."""
        found = self.stage_counts.get("resolve", 0)
        parts = [f"{len(self.drafted)} drafted", f"{len(self.failures)} failed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.over_budget:
            parts.append(f"{len(self.over_budget)} over budget")
        prefix = "dry run: " if self.dry_run else ""
        return f"{prefix}{found} papers found, " + ", ".join(parts)

    def to_markdown(self, selection: bool = True) -> str:
        """The report as Markdown. Every text that came from outside (titles, errors) is escaped.
        `selection=False` leaves out the night's selection (a pull request shows it in its own section)."""
        when = self.started_at.strftime("%Y-%m-%d %H:%M")
        lines = [f"# paperflow {self.kind} run, {when}", "", self.headline() + ".", ""]
        usage = f"Tokens: {self.input_tokens:,} in, {self.output_tokens:,} out"
        usage += f"; cost {_money(self.cost)}" if self.cost is not None else "; cost unknown (no prices set)"
        if self.seconds is not None:
            usage += f"; took {_duration(self.seconds)}"
        lines += [usage + ".", ""]

        stages = self.ordered_stages()
        if stages:
            lines += ["## Papers per stage", "", "| stage | papers | time |", "|---|---:|---:|"]
            for stage in stages:
                count = self.stage_counts.get(stage, 0)
                spent = self.stage_seconds.get(stage)
                lines.append(f"| {stage} | {count} | {_duration(spent) if spent is not None else '-'} |")
            lines.append("")

        if self.drafted:
            lines += ["## Drafted", ""]
            lines += [f"- 《{_cell(p.title)}》 ({_cell(p.key)})" + (f": {_cell(p.note)}" if p.note else "")
                      for p in self.drafted]
            lines.append("")

        if selection and self.selection:
            # Made inert by sources.budget.selection_markdown (titles escaped, the lines to paste fenced).
            lines += ["## Tonight's selection", "", *self.selection]
            lines.append("")

        if self.failures:
            lines += ["## Failures", "", "| paper | stage | reason | attempts |", "|---|---|---|---:|"]
            for f in self.failures:
                attempts = "-" if f.attempts is None else str(f.attempts)
                if f.given_up:
                    attempts += " (left for a person)"
                lines.append(f"| {_cell(f.paper)} | {_cell(f.stage)} | {_cell(f.reason)} | {attempts} |")
            lines.append("")
            if any(f.given_up for f in self.failures):
                lines += ["Papers marked *left for a person* will not be retried; fix or remove them by hand.", ""]

        if self.unresolved_pending:
            lines += ["## Unresolved pending items", ""]
            lines += [f"- {_cell(text)}" for text in self.unresolved_pending]
            lines.append("")

        if self.skipped:
            lines += ["## Skipped", ""]
            for p in self.skipped:
                key = f" ({_cell(p.key)})" if p.title and p.key != p.title else ""
                lines.append(f"- {_cell(p.title or p.key)}{key}" + (f": {_cell(p.note)}" if p.note else ""))
            lines.append("")

        if self.review:
            lines += ["## Review", "", _cell(self.review), ""]
        if self.notes:
            lines += ["## Notes", ""] + [f"- {_cell(n)}" for n in self.notes] + [""]
        return "\n".join(lines).rstrip("\n") + "\n"

    # -- saving -------------------------------------------------------------------------------

    def save(self, folder: Path) -> Path:
        """Write `<folder>/<date>-<time>.md` (and the same name .json) and return the .md path; `folder`
        is OutputLayout.reports.

        A second report in the same second gets a numbered suffix: nothing is overwritten.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.started_at.strftime("%Y-%m-%d-%H%M%S")
        path = folder / f"{stem}.md"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{stem}-{n}.md"
        path.write_text(self.to_markdown(), encoding="utf-8")
        path.with_suffix(".json").write_text(self.model_dump_json(indent=2), encoding="utf-8")
        return path


def _cell(text: str) -> str:
    """One line of inert Markdown that cannot break a table row."""
    return escape_text(str(text)).replace("|", "\\|")


def _money(cost: float) -> str:
    return f"${cost:.4f}" if cost < 1 else f"${cost:.2f}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def load_report(path: Path) -> RunReport:
    """Read a report saved by `RunReport.save` (its .json twin)."""
    return RunReport.model_validate_json(Path(path).with_suffix(".json").read_text(encoding="utf-8"))


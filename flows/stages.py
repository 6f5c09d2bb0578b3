"""The per-paper stage functions the flows call, in one place: no Prefect here.

Each is a thin call of paperflow.pipeline's own stage functions (resolve, download, extract,
summarize with the LLM or extractive, draft_entry, insert_drafts, local_paper) plus the night's
sources: the flows and `paperflow summarize` share the same code.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from paperflow import pipeline
from paperflow.sources.local import local_paper as local_paper_of
from paperflow.text.extract import PaperText, select_input
from paperflow.ledger import Ledger
from paperflow.models import Failure, Paper, Summary
from paperflow.settings import Settings
from paperflow.sources.gather import SourcePlan, gather_sources
from paperflow.summary.summarize import SummaryResult
from paperflow.log.weekly_log import InsertResult, read_log, style_examples


@dataclass
class Gathered:
    """What the sources found tonight."""

    papers: list[Paper] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # pending items that are not (yet) an arXiv id
    skipped: list[tuple[Paper | str, str]] = field(default_factory=list)  # (paper or key, why)
    failures: list[Failure] = field(default_factory=list)
    tick_lines: dict[str, int] = field(default_factory=dict)  # paper key -> pending line to tick when drafted


class Extracted(BaseModel):
    """A paper with its extracted text (the title filled from the PDF for a local file) and the one-line
    coverage of what the LLM reads of it."""

    paper: Paper
    text: PaperText
    coverage: str


def local_paper(item: str) -> Paper | None:
    """sources.local.local_paper (key local:<sha256>) for an existing .pdf file, else None."""
    path = Path(item).expanduser()
    if path.suffix.lower() != ".pdf" or not path.is_file():
        return None
    return local_paper_of(path)


def _from_plan(plan: SourcePlan, local: list[Paper]) -> Gathered:
    return Gathered(
        papers=local + list(plan.take),
        unresolved=[res.item.text for res in plan.unresolved],
        skipped=[(s.title or s.key, s.reason) for s in plan.skipped],
        failures=list(plan.failures),
        tick_lines=dict(plan.pending_lines),
    )


def _split(items: list[str]) -> tuple[list[Paper], list[str]]:
    local, remote = [], []
    for item in items:
        paper = local_paper(item)
        if paper is None:
            remote.append(item)
        else:
            local.append(paper)
    return local, remote


def gather(settings: Settings, ids: list[str], ledger: Ledger) -> Gathered:
    """Tonight's papers: ids/URLs/local PDFs given, the log's pending list and the arXiv queries, deduped
    (paperflow.sources.gather.gather_sources; taken papers are recorded as found)."""
    local, remote = _split(ids)
    parsed = read_log(settings.log.path).parsed if settings.log.path.is_file() else None
    return _from_plan(gather_sources(settings, ledger, ids=remote, parsed_log=parsed), local)


def resolve(settings: Settings, items: list[str], ledger: Ledger) -> Gathered:
    """Papers for ids, URLs or local PDFs given explicitly (the `summarize` flow): pipeline.resolve,
    no queries, no pending list. Bad ids and missing files come back as failures."""
    resolved = pipeline.resolve(items, settings, ledger)
    return Gathered(papers=resolved.papers, failures=resolved.failures)


def download(paper: Paper, settings: Settings) -> Path:
    """pipeline.download without the ledger: the task records the state, and a failure once (not per retry).

    Raises DownloadError (stage "download")."""
    return pipeline.download(paper, settings, None)


def extract(paper: Paper, pdf: Path, settings: Settings, ledger: Ledger) -> Extracted:
    """pipeline.extract (ledger -> EXTRACTED), with the coverage line of the LLM's input.

    Raises ExtractError (stage "extract")."""
    paper, text = pipeline.extract(paper, pdf, settings, ledger)
    coverage = select_input(text, settings.extract.max_input_tokens).coverage.describe()
    return Extracted(paper=paper, text=text, coverage=coverage)


def examples(settings: Settings) -> list[str]:
    """The person's most recent hand-written entries, for the prompt (none when the log is missing)."""
    if settings.log.style_examples == 0 or not settings.log.path.is_file():
        return []
    return style_examples(read_log(settings.log.path).parsed, settings.log.style_examples)


def summarize(extracted: Extracted, settings: Settings, style: list[str], ledger: Ledger) -> SummaryResult:
    """pipeline.summarize: the LLM's summary (or its cache), or the extractive draft when no LLM is
    configured; ledger -> SUMMARIZED with summary_path. Raises SummarizeError / LLMError (stage "summarize")."""
    return pipeline.summarize(extracted.paper, extracted.text, settings, style, ledger)


def entry_text(summary: Summary, settings: Settings) -> str:
    return pipeline.draft_entry(summary, settings).text


def insert(settings: Settings, summaries: Sequence[Summary], keys: Sequence[str], day: date, tick_lines: list[int],
           ledger: Ledger) -> InsertResult:
    """pipeline.insert_drafts into the person's log: ticks pending items; inserted papers become DRAFTED
    (drafted_on = day; summary_path was set when summarized)."""
    return pipeline.insert_drafts(summaries, settings, day, ledger, tick_lines=tick_lines, ledger_keys=keys)


def log_in_git_repo(settings: Settings) -> bool:
    """Whether the log lives in a git repository (review can then put the drafts on a branch)."""
    from paperflow.review import git as gitrepo
    try:
        gitrepo.repo_root(settings.log.path.expanduser().resolve().parent)
    except gitrepo.GitError:
        return False
    return True


def pending_texts(settings: Settings, lines: Sequence[int]) -> list[str]:
    """The texts of the log's pending items at these 0-based lines (what review ticks on its branch)."""
    if not lines or not settings.log.path.is_file():
        return []
    wanted = set(lines)
    return [item.text for item in read_log(settings.log.path).parsed.pending if item.line in wanted]


def review_available() -> bool:
    try:
        importlib.import_module("paperflow.review.publish")
    except ModuleNotFoundError:
        return False
    return True

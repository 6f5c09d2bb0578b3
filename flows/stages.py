"""The per-paper stage functions the flows call, in one place: no Prefect here.

Each is a thin call of the stage modules' own functions (sources, download, extract, summarize,
weekly_log, review): the flows and `paperflow summarize` share the same code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from paperflow.download import download_pdf
from paperflow.extract import SelectedInput, extract_pdf, select_input
from paperflow.ledger import Ledger
from paperflow.models import Failure, Paper, SourceKind, Summary
from paperflow.settings import Settings
from paperflow.sources import SourcePlan, gather_sources
from paperflow.summarize import SummaryResult, paper_label, summarize_paper
from paperflow.weekly_log import DraftEntry, InsertResult, insert_entries, read_log, style_examples


@dataclass
class Gathered:
    """What the sources found tonight."""

    papers: list[Paper] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # pending items that are not (yet) an arXiv id
    skipped: list[tuple[Paper | str, str]] = field(default_factory=list)  # (paper or key, why)
    failures: list[Failure] = field(default_factory=list)
    tick_lines: dict[str, int] = field(default_factory=dict)  # paper key -> pending line to tick when drafted


class Extracted(BaseModel):
    """A paper with the text the LLM reads (the title filled from the PDF for a local file)."""

    paper: Paper
    selected: SelectedInput


def local_paper(item: str) -> Paper | None:
    """A Paper for a local PDF path, or None when `item` is not an existing .pdf file."""
    path = Path(item).expanduser()
    if path.suffix.lower() != ".pdf" or not path.is_file():
        return None
    path = path.resolve()
    return Paper(title=path.stem, local_pdf=path, source=SourceKind.LOCAL, source_detail=item)


def _from_plan(plan: SourcePlan, local: list[Paper]) -> Gathered:
    return Gathered(
        papers=local + list(plan.take),
        unresolved=[res.item.text for res in plan.unresolved],
        skipped=[(s.title or s.key, s.reason) for s in plan.skipped],
        failures=list(plan.failures),
        tick_lines=dict(plan.pending_lines),
    )


def gather(settings: Settings, ids: list[str], ledger: Ledger) -> Gathered:
    """Tonight's papers: ids/URLs/local PDFs given, the log's pending list and the arXiv queries, deduped
    (paperflow.sources.gather_sources; taken papers are recorded as found)."""
    local = [p for p in (local_paper(i) for i in ids) if p is not None]
    remote = [i for i in ids if local_paper(i) is None]
    parsed = read_log(settings.log.path).parsed if settings.log.path.is_file() else None
    return _from_plan(gather_sources(settings, ledger, ids=remote, parsed_log=parsed), local)


def resolve(settings: Settings, items: list[str], ledger: Ledger) -> Gathered:
    """Papers for ids, URLs or local PDFs given explicitly (the `summarize` flow): no queries, no pending list."""
    local = [p for p in (local_paper(i) for i in items) if p is not None]
    remote = [i for i in items if local_paper(i) is None]
    if not remote:
        return Gathered(papers=local)
    return _from_plan(gather_sources(settings, ledger, ids=remote, use_queries=False), local)


def download(paper: Paper, settings: Settings) -> Path:
    """The PDF of `paper`: the local file itself, or paperflow.download's (output/pdfs/, valid file reused).

    Raises DownloadError (stage "download"). The caller records failures in the ledger (once)."""
    if paper.local_pdf:
        return Path(paper.local_pdf)
    return download_pdf(paper, settings, None)


def extract(paper: Paper, pdf: Path, settings: Settings) -> Extracted:
    """The selected text of the PDF; a local file's title comes from its first page when found.

    Raises ExtractError (stage "extract")."""
    text = extract_pdf(pdf, settings, paper_label(paper))
    if paper.local_pdf and text.title:
        paper = paper.model_copy(update={"title": text.title})
    return Extracted(paper=paper, selected=select_input(text, settings.extract.max_input_tokens))


def examples(settings: Settings) -> list[str]:
    """The person's most recent hand-written entries, for the prompt (none when the log is missing)."""
    if settings.log.style_examples == 0 or not settings.log.path.is_file():
        return []
    return style_examples(read_log(settings.log.path).parsed, settings.log.style_examples)


def summarize(extracted: Extracted, settings: Settings, style: list[str], ledger: Ledger) -> SummaryResult:
    """The paper's summary from the LLM (or its cache). Raises SummarizeError / LLMError (stage "summarize")."""
    return summarize_paper(extracted.paper, extracted.selected, settings, style, ledger)


def entry_text(summary: Summary, settings: Settings) -> str:
    from paperflow.entry import render_entry, template_path

    return render_entry(summary, template_path(settings.prompts_path(), settings.log.entry_template),
                        settings.log.language)


def insert(settings: Settings, summaries: list[Summary], day: date, tick_lines: list[int]) -> InsertResult:
    """Insert the drafts under `day` in the log and tick their pending items (titles already there are skipped)."""
    entries = [DraftEntry(title=s.title, text=entry_text(s, settings)) for s in summaries]
    return insert_entries(settings.log.path, entries, day, tick_lines)


def review_available() -> bool:
    try:
        importlib.import_module("paperflow.review")
    except ModuleNotFoundError:
        return False
    return True

"""The per-paper stage functions the flows call, in one place: no Prefect here.

Extraction, summarizing, inserting and review are the stage modules' own functions (issue 4, 5, 7
contracts). Gathering sources and downloading belong to `paperflow.pipeline` / the arXiv ingestion
modules (issue 3, 5); this adapter calls them by the names below and says in one line when they are
not there, so the flows never hold a second pipeline.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from paperflow.errors import PaperflowError
from paperflow.extract import SelectedInput, extract_pdf, select_input
from paperflow.ledger import Ledger
from paperflow.models import Paper, SourceKind, Summary
from paperflow.settings import Settings
from paperflow.summarize import SummaryResult, paper_label, summarize_paper
from paperflow.weekly_log import DraftEntry, InsertResult, insert_entries, read_log, style_examples


class StageUnavailable(PaperflowError):
    """A stage function another module owns is not there (yet)."""


@dataclass
class Gathered:
    """What the sources found tonight."""

    papers: list[Paper] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # pending items that are not (yet) an arXiv id
    skipped: list[tuple[Paper, str]] = field(default_factory=list)  # (paper, why): already done, in the log
    failures: list[tuple[str, str]] = field(default_factory=list)  # (item, one-line reason)
    tick_lines: dict[str, int] = field(default_factory=dict)  # paper key -> pending line to tick when drafted


class Extracted(BaseModel):
    """A paper with the text the LLM reads (the title filled from the PDF for a local file)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    paper: Paper
    selected: SelectedInput


def _pipeline_function(name: str) -> Any:
    for module_name in ("paperflow.pipeline", "paperflow.sources", "paperflow.download"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        if hasattr(module, name):
            return getattr(module, name)
    raise StageUnavailable(f"paperflow.pipeline has no {name}() yet", stage="flows")


def local_paper(item: str) -> Paper | None:
    """A Paper for a local PDF path, or None when `item` is not an existing .pdf file."""
    path = Path(item).expanduser()
    if path.suffix.lower() != ".pdf" or not path.is_file():
        return None
    path = path.resolve()
    return Paper(title=path.stem, local_pdf=path, source=SourceKind.LOCAL, source_detail=item)


def gather(settings: Settings, ids: list[str], ledger: Ledger) -> Gathered:
    """Tonight's papers: ids/URLs/local PDFs given, the log's pending list and the arXiv queries, deduped.

    Local PDFs are taken here; everything arXiv goes through the pipeline's `gather(settings, ids, ledger)`.
    """
    local = [p for p in (local_paper(i) for i in ids) if p is not None]
    remote_ids = [i for i in ids if local_paper(i) is None]
    gathered = _as_gathered(_pipeline_function("gather")(settings, remote_ids, ledger))
    gathered.papers = local + gathered.papers
    return gathered


def resolve(settings: Settings, items: list[str], ledger: Ledger) -> Gathered:
    """Papers for ids, URLs or local PDFs given explicitly (the `summarize` flow): no queries, no pending list."""
    local = [p for p in (local_paper(i) for i in items) if p is not None]
    remote = [i for i in items if local_paper(i) is None]
    gathered = Gathered(papers=local)
    if remote:
        found = _as_gathered(_pipeline_function("resolve")(settings, remote, ledger))
        gathered.papers += found.papers
        gathered.failures += found.failures
        gathered.skipped += found.skipped
    return gathered


def _as_gathered(value: Any) -> Gathered:
    if isinstance(value, Gathered):
        return value
    if isinstance(value, list):
        return Gathered(papers=value)
    return Gathered(
        papers=list(getattr(value, "papers", [])),
        unresolved=list(getattr(value, "unresolved", [])),
        skipped=list(getattr(value, "skipped", [])),
        failures=list(getattr(value, "failures", [])),
        tick_lines=dict(getattr(value, "tick_lines", {})),
    )


def download(paper: Paper, settings: Settings, ledger: Ledger) -> Path:
    """The PDF of `paper`: the local file itself, or the pipeline's download (cached in output/pdfs/)."""
    if paper.local_pdf:
        return Path(paper.local_pdf)
    return Path(_pipeline_function("download")(paper, settings, ledger))


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

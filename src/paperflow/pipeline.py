"""The per-paper stages, as plain functions: resolve -> download -> extract -> summarize -> insert.

The CLI (`paperflow summarize`) and the Prefect flows (each stage a task) call these same functions.
No Prefect here. A stage raises a PaperflowError (one line: paper, stage, cause); `run_paper`
turns that into a `Failure` value recorded in the ledger, so one bad paper never stops the others,
and only papers that made it are inserted into the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from paperflow.sources.arxiv_api import ArxivApiError, ArxivClient, fetch_papers
from paperflow.sources.download import download_pdf
from paperflow.log.entry import render_entry, template_path
from paperflow.errors import PaperflowError
from paperflow.text.extract import PaperText, extract_pdf, select_input
from paperflow.summary.extractive import extractive_summary
from paperflow.sources.ids import InvalidIdError, parse_arxiv_id
from paperflow.ledger import Ledger, PaperState
from paperflow.summary.llm import LLMClient
from paperflow.models import Failure, Paper, SourceKind, Summary
from paperflow.sources.local import is_local_pdf, resolve_local_pdf
from paperflow.text.frontmatter import apply_front_matter
from paperflow.settings import Settings
from paperflow.summary.summarize import SummaryResult, paper_label, save_summary, summarize_paper
from paperflow.log.weekly_log import DraftEntry, InsertResult, insert_entries

Progress = Callable[[str, str, str], None]  # (paper label, stage, detail)


def _quiet(label: str, stage: str, detail: str) -> None:
    pass


@dataclass
class Resolved:
    papers: list[Paper] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass
class PaperOutcome:
    """What became of one paper: a result, a failure, or skipped (already in the log)."""

    paper: Paper
    result: SummaryResult | None = None
    failure: Failure | None = None
    skipped: str | None = None
    text_pages: int | None = None


# ------------------------------------------------------------------------------------------ stages


def resolve(args: Sequence[str], settings: Settings, ledger: Ledger | None = None, *,
            client: ArxivClient | None = None) -> Resolved:
    """Papers for command-line arguments: arXiv ids/URLs (metadata fetched in one batch) or local PDF paths.

    Bad ids, unknown ids, missing files and API failures come back as Failures (stage "resolve"), in
    `Resolved.failures`; found papers are recorded in the ledger as FOUND.
    """
    resolved = Resolved()
    wanted = []
    for arg in args:
        if is_local_pdf(arg):
            path = Path(arg).expanduser()
            if not path.is_file():
                resolved.failures.append(Failure(paper=arg, stage="resolve", reason="no such file"))
                continue
            resolved.papers.append(resolve_local_pdf(path, settings, client))
            continue
        try:
            wanted.append(parse_arxiv_id(arg))
        except InvalidIdError as exc:
            resolved.failures.append(Failure(paper=arg, stage="resolve", reason=exc.message))
    if wanted:
        try:
            papers, missing = fetch_papers(client or ArxivClient(settings.arxiv), wanted, SourceKind.COMMAND_LINE)
        except ArxivApiError as exc:
            resolved.failures.extend(Failure(paper=str(i), stage="resolve", reason=exc.message) for i in wanted)
        else:
            resolved.papers.extend(papers)
            resolved.failures.extend(
                Failure(paper=str(i), stage="resolve", reason="arXiv has no paper with this id") for i in missing
            )
    if ledger is not None:
        for paper in resolved.papers:
            ledger.record_found(paper)
        for failure in resolved.failures:
            if _looks_like_arxiv(failure.paper):
                ledger.record_failure(parse_arxiv_id(failure.paper).base, "resolve", failure.reason)
    return resolved


def _looks_like_arxiv(text: str) -> bool:
    try:
        parse_arxiv_id(text)
    except InvalidIdError:
        return False
    return True


def download(paper: Paper, settings: Settings, ledger: Ledger | None = None) -> Path:
    """The paper's PDF on disk: the local file itself, or the arXiv PDF downloaded to output/pdfs/.

    Raises DownloadError (stage "download")."""
    if paper.local_pdf:
        if ledger is not None:
            ledger.set_state(paper.key, PaperState.DOWNLOADED, pdf_path=paper.local_pdf)
        return Path(paper.local_pdf)
    return download_pdf(paper, settings, ledger)


def extract(paper: Paper, pdf: Path, settings: Settings, ledger: Ledger | None = None) -> tuple[Paper, PaperText]:
    """The paper's text (cached by content hash); the paper takes its affiliations from the first page (a local
    paper without arXiv metadata its printed title and authors too).

    Raises ExtractError (stage "extract")."""
    text = extract_pdf(pdf, settings, paper_label(paper))
    paper = apply_front_matter(paper, text)
    if ledger is not None:
        ledger.set_state(paper.key, PaperState.EXTRACTED)
    return paper, text


def summarize(
    paper: Paper,
    text: PaperText,
    settings: Settings,
    examples: Sequence[str],
    ledger: Ledger | None = None,
    *,
    use_llm: bool = True,
    client: LLMClient | None = None,
) -> SummaryResult:
    """A summary of the paper: by the configured LLM, or extractive when `use_llm` is False or no LLM
    is configured. Saved under output/summaries/; the ledger row moves to SUMMARIZED.

    Raises SummarizeError or LLMError (stage "summarize")."""
    if use_llm and settings.llm.enabled:
        selected = select_input(text, settings.extract.max_input_tokens)
        result = summarize_paper(paper, selected, settings, examples, ledger, client=client)
    else:
        summary = extractive_summary(paper, text, settings.log.language, _month(settings.today()))
        result = SummaryResult(summary=summary)
        stem = paper.versioned_id or f"local-{text.sha256[:12]}"
        key = hashlib.sha256(f"extractive\0{stem}\0{text.sha256}\0{settings.log.language}".encode()).hexdigest()
        result.path = save_summary(settings.output_dir / "summaries" / f"{stem.replace('/', '_')}-extractive-"
                                   f"{key[:12]}.json", result, key)
    if ledger is not None:
        ledger.set_state(paper.key, PaperState.SUMMARIZED, summary_path=result.path)
    return result


def _month(day: date) -> str:
    return f"{day.year}.{day.month}"


def draft_entry(summary: Summary, settings: Settings) -> DraftEntry:
    """The summary rendered through the entry template, ready for insert_entries."""
    template = template_path(settings.prompts_path(), settings.log.entry_template)
    return DraftEntry(title=summary.title, text=render_entry(summary, template, settings.log.language))


def insert_drafts(
    summaries: Sequence[Summary],
    settings: Settings,
    day: date,
    ledger: Ledger | None = None,
    *,
    log_path: Path | None = None,
    tick_lines: Sequence[int] = (),
    expected_sha256: str | None = None,
    ledger_keys: Sequence[str] | None = None,
) -> InsertResult:
    """Insert the drafts under `day` in the log (one atomic write); inserted papers become DRAFTED.

    `ledger_keys` (aligned with `summaries`, default each summary's arXiv id or key) name the ledger
    rows; pass `paper.key` for local PDFs. Titles already in the log are skipped
    (InsertResult.skipped). Raises LogChangedError / LogFormatError; nothing is written then."""
    entries = [draft_entry(s, settings) for s in summaries]
    result = insert_entries(log_path or settings.log.path, entries, day, tick_lines, expected_sha256)
    if ledger is not None:
        keys = list(ledger_keys) if ledger_keys is not None else [s.arxiv_id or s.key for s in summaries]
        inserted = set(result.inserted)
        for summary, key in zip(summaries, keys, strict=True):
            if summary.title in inserted:
                ledger.set_state(key, PaperState.DRAFTED, drafted_on=day)
    return result


# --------------------------------------------------------------------------------------- one paper


def run_paper(
    paper: Paper,
    settings: Settings,
    examples: Sequence[str],
    ledger: Ledger | None = None,
    *,
    use_llm: bool = True,
    client: LLMClient | None = None,
    progress: Progress = _quiet,
    skip_title: Callable[[str], bool] | None = None,
) -> PaperOutcome:
    """download -> extract -> summarize for one paper. Never raises for the paper's own problems:
    they come back as `PaperOutcome.failure` and are recorded in the ledger (stage and cause)."""
    label = paper_label(paper)
    stage = "download"
    try:
        pdf = download(paper, settings, ledger)
        progress(label, stage, str(pdf))
        stage = "extract"
        paper, text = extract(paper, pdf, settings, ledger)
        label = paper_label(paper)
        progress(label, stage, f"{text.pages} pages, {len(text.sections)} sections")
        if skip_title is not None and skip_title(paper.title):
            reason = f"《{paper.title}》 is already in the log"
            progress(label, "skip", reason)
            return PaperOutcome(paper, skipped=reason, text_pages=text.pages)
        stage = "summarize"
        result = summarize(paper, text, settings, examples, ledger, use_llm=use_llm, client=client)
        progress(label, stage, describe_result(result))
        return PaperOutcome(paper, result=result, text_pages=text.pages)
    except PaperflowError as exc:
        failure = Failure(paper=label, stage=exc.stage or stage, reason=exc.message)
    except Exception as exc:  # noqa: BLE001 - a bug or an odd input must not sink the other papers
        failure = Failure(paper=label, stage=stage, reason=f"unexpected {type(exc).__name__}: {exc}")
    if ledger is not None:
        ledger.record_failure(paper.key, failure.stage, failure.reason)
    progress(label, failure.stage, f"FAILED: {failure.reason}")
    return PaperOutcome(paper, failure=failure)


def describe_result(result: SummaryResult) -> str:
    summary = result.summary
    if result.cached:
        how = "from cache, 0 tokens"
    elif summary.drafted_by == "extractive":
        how = "extractive draft (no LLM)"
    else:
        how = f"{result.input_tokens} in / {result.output_tokens} out tokens, {result.llm_seconds:.1f} s"
    unsupported = f", numbers not in the paper: {', '.join(summary.unsupported_numbers)}" \
        if summary.unsupported_numbers else ""
    return how + unsupported

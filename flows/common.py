"""Prefect tasks around the stage functions, and what the nightly and summarize flows share.

- retries with backoff on the network stage (download); the LLM client owns its own retries;
- results persisted under `<output_dir>/prefect-results` with explicit cache keys, so a re-run makes
  no download and no LLM call for work already done;
- concurrency: a Prefect global concurrency limit per resource (created here, since a limit that
  was never created silently limits nothing) across every flow run on the server, behind an
  in-process gate of the same size so one run's papers queue tightly instead of polling the server;
- a paper that fails is a value (stage, reason) recorded in the ledger and the report, never a
  failed flow run.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.context import TaskRunContext
from prefect.futures import PrefectFuture

from flows import stages
from paperflow.errors import PaperflowError
from paperflow.ledger import Ledger, PaperState
from paperflow.models import Paper, Summary
from paperflow.report import ReportedPaper, RunReport
from paperflow.settings import Settings
from paperflow.text.extract import select_input
from paperflow.summary.summarize import SummaryResult, cache_key, paper_label

LLM_LIMIT = "paperflow-llm"
ARXIV_LIMIT = "paperflow-arxiv"
RESULTS_DIR = "prefect-results"

_gates: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


def ensure_limits(settings: Settings) -> None:
    """Create (or resize) the global concurrency limits to llm.max_concurrency and prefect.arxiv_concurrency."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(LLM_LIMIT, settings.llm.max_concurrency)
        client.upsert_global_concurrency_limit_by_name(ARXIV_LIMIT, settings.prefect.arxiv_concurrency)


@contextmanager
def slot(name: str, size: int) -> Iterator[None]:
    """Hold one slot of the in-process gate `name` and of the Prefect global limit `name`."""
    with _gates_lock:
        gate = _gates.setdefault((name, size), threading.BoundedSemaphore(size))
    with gate, concurrency(name, occupy=1, strict=True):
        yield


class StageClock:
    """Wall time per stage, from the first paper entering it to the last leaving it (papers overlap,
    so this is what the stage cost the night, not the sum over papers); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spans: dict[str, tuple[float, float]] = {}

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
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


# ------------------------------------------------------------------------------------------ tasks


def _results(settings: Settings) -> Path:
    return (settings.output_dir / RESULTS_DIR).resolve()


def _download_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    paper: Paper = parameters["paper"]
    if paper.local_pdf:
        return "download-local-" + hashlib.sha256(str(paper.local_pdf).encode()).hexdigest()[:32]
    return f"download-{(paper.versioned_id or paper.key).replace('/', '_')}"


def _extract_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    settings: Settings = parameters["settings"]
    pdf = Path(parameters["pdf"])
    stat = pdf.stat()
    ident = f"{pdf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{parameters['paper'].model_dump_json()}"
    ident += settings.extract.model_dump_json()
    return "extract-" + hashlib.sha256(ident.encode()).hexdigest()[:40]


def _summarize_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    extracted: stages.Extracted = parameters["extracted"]
    settings: Settings = parameters["settings"]
    if settings.llm.enabled:
        selected = select_input(extracted.text, settings.extract.max_input_tokens)
        return "summarize-" + cache_key(extracted.paper, selected.text, settings, parameters["style"])
    # No LLM: pipeline.summarize drafts extractively from the text, in the language, dated this month.
    ident = "\0".join([extracted.paper.key, extracted.text.sha256, settings.log.language,
                        settings.today().strftime("%Y-%m")])
    return "summarize-extractive-" + hashlib.sha256(ident.encode()).hexdigest()[:40]


@task(name="download", tags=["network", "arxiv"])
def download_task(paper: Paper, settings: Settings, ledger: Ledger, clock: StageClock) -> Path:
    with clock.timed("download"):
        if paper.local_pdf:
            return stages.download(paper, settings)
        with slot(ARXIV_LIMIT, settings.prefect.arxiv_concurrency):
            pdf = stages.download(paper, settings)
    ledger.set_state(paper.key, PaperState.DOWNLOADED, pdf_path=str(pdf), version=paper.version)
    return pdf


@task(name="extract")
def extract_task(paper: Paper, pdf: Path, settings: Settings, ledger: Ledger, clock: StageClock) -> stages.Extracted:
    with clock.timed("extract"):
        return stages.extract(paper, pdf, settings, ledger)


@task(name="summarize", tags=["llm"])
def summarize_task(
    extracted: stages.Extracted, settings: Settings, style: list[str], ledger: Ledger, clock: StageClock
) -> SummaryResult:
    with clock.timed("summarize"), slot(LLM_LIMIT, settings.llm.max_concurrency):
        return stages.summarize(extracted, settings, style, ledger)


def configured_tasks(settings: Settings) -> tuple[Any, Any, Any]:
    """The three per-paper tasks with this run's result storage, cache keys and retry delays."""
    storage = _results(settings)
    common = {"result_storage": storage, "persist_result": True}
    # Backoff grows from the polite arXiv delay: 10x, then 30x (0 in tests that set the delay to 0).
    base = settings.arxiv.delay_seconds
    download = download_task.with_options(
        cache_key_fn=_download_key, retries=2, retry_delay_seconds=[10 * base, 30 * base], **common
    )
    extract = extract_task.with_options(cache_key_fn=_extract_key, **common)
    summarize = summarize_task.with_options(cache_key_fn=_summarize_key, **common)
    return download, extract, summarize


# ------------------------------------------------------------------------------------------ a run


@dataclass
class Drafted:
    paper: Paper
    result: SummaryResult
    coverage: str


def process_papers(
    papers: list[Paper], settings: Settings, ledger: Ledger, report: RunReport, clock: StageClock
) -> list[Drafted]:
    """Download, extract and summarize every paper concurrently; return the drafts that succeeded.

    A failed paper is recorded in the ledger (state failed, attempts + 1) and in the report; it
    never raises out of here.
    """
    download, extract, summarize = configured_tasks(settings)
    style = stages.examples(settings)
    chains: list[tuple[Paper, list[tuple[str, PrefectFuture[Any]]]]] = []
    for paper in papers:
        pdf = download.submit(paper, settings, ledger, clock)
        text = extract.submit(paper, pdf, settings, ledger, clock)
        summary = summarize.submit(text, settings, style, ledger, clock)
        chains.append((paper, [("download", pdf), ("extract", text), ("summarize", summary)]))

    drafted: list[Drafted] = []
    for paper, futures in chains:
        for stage, future in futures:
            future.wait()
            state = future.state
            if state.is_completed():
                report.count(stage)
                continue
            error = state.result(raise_on_failure=False)
            record_failure(paper, stage, error, settings, ledger, report)
            break
        else:
            extracted: stages.Extracted = futures[1][1].result()
            result: SummaryResult = futures[2][1].result()
            report.add_usage(result.input_tokens, result.output_tokens, result.cost)
            drafted.append(Drafted(extracted.paper, result, extracted.coverage))
    return drafted


def record_failure(
    paper: Paper, stage: str, error: Any, settings: Settings, ledger: Ledger, report: RunReport
) -> None:
    reason = error.message if isinstance(error, PaperflowError) else " ".join(str(error).split())
    if isinstance(error, PaperflowError) and error.stage:
        stage = error.stage
    ledger.record_failure(paper.key, stage, reason)
    row = ledger.get(paper.key)
    attempts = row.attempts if row else None
    given_up = attempts is not None and attempts >= settings.max_attempts
    report.add_failure(paper_label(paper), stage, reason, key=paper.key, attempts=attempts, given_up=given_up)
    get_run_logger().warning("%s: %s: %s", paper_label(paper), stage, reason)


def insert_drafts(
    drafted: list[Drafted], settings: Settings, ledger: Ledger, report: RunReport, day: date,
    tick_lines: dict[str, int], *, into_log: bool = True,
) -> list[Summary]:
    """The night's drafts: inserted into the person's log (pipeline.insert_drafts: one locked, atomic
    write, pending items ticked, inserted papers DRAFTED), or with `into_log` False (review on: the
    review branch gets them, the person's checkout is never touched) only marked DRAFTED with their
    cached summary_path and drafted_on, which review.publish_drafts and `paperflow review` read.
    Returns the summaries."""
    if not drafted:
        return []
    summaries = [d.result.summary for d in drafted]
    if not into_log:
        for d in drafted:
            path = str(d.result.path) if d.result.path else None
            ledger.set_state(d.paper.key, PaperState.DRAFTED, summary_path=path, drafted_on=day)
            report.drafted.append(ReportedPaper(key=d.paper.key, title=d.result.summary.title, note=d.coverage))
        return summaries
    ticks = [tick_lines[d.paper.key] for d in drafted if d.paper.key in tick_lines]
    with clock_of(report, "insert"):
        result = stages.insert(settings, summaries, [d.paper.key for d in drafted], day, ticks, ledger)
    for d in drafted:
        note = d.coverage
        if d.result.summary.title in result.skipped:
            note = "already in the log: not inserted again"
        report.drafted.append(ReportedPaper(key=d.paper.key, title=d.result.summary.title, note=note))
    report.count("insert", len(result.inserted))
    return summaries


@contextmanager
def clock_of(report: RunReport, stage: str) -> Iterator[None]:
    with report.timed(stage):
        yield


def flow_result(report: RunReport, path: Path) -> dict[str, Any]:
    """What a flow returns: the headline, drafted titles, failures and where the report was saved."""
    return {
        "headline": report.headline(),
        "drafted": [p.title for p in report.drafted],
        "failures": [str(f) for f in report.failures],
        "report": str(path),
    }


def publish_report(report: RunReport, settings: Settings, clock: StageClock) -> Path:
    """Finish the report, save it under output/reports/ and publish it as a markdown artifact."""
    for stage, seconds in clock.seconds.items():
        report.add_seconds(stage, seconds)
    report.finish()
    path = report.save(settings.output_dir)
    create_markdown_artifact(
        markdown=report.to_markdown(), key=f"paperflow-{report.kind}-report", description=report.headline()
    )
    get_run_logger().info("%s; report: %s", report.headline(), path)
    return path

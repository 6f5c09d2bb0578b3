"""The Prefect side of a run: paperflow.pipeline's orchestrator with a Prefect executor.

- each paper is a submitted task, each of its stages a nested task run: download (retried with
  backoff when the failure may pass: 429/5xx, timeouts; a 404 or any refusal is final for the night),
  extract, summarize;
- stage results are persisted under `output/prefect-results` with the cache keys of
  paperflow.cache_keys, so a re-run makes no download and no LLM call for work already done;
- concurrency: a Prefect global concurrency limit per resource (created here, since a limit that was
  never created silently limits nothing) across every flow run on the server, behind an in-process
  gate of the same size so one run's papers queue tightly instead of polling the server;
- a paper's failure is one warning line (the orchestrator's); Prefect's own error records about it,
  traceback included, go to the debug level;
- the run report is saved under output/reports/ and published as a markdown artifact.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists

from paperflow import cache_keys
from paperflow.errors import PaperflowError
from paperflow.layout import OutputLayout
from paperflow.ledger import Ledger
from paperflow.models import Paper
from paperflow.pipeline import (
    Extracted,
    Orchestrator,
    PaperOutcome,
    RunResult,
    fetch_pdf,
    read_text,
    summary_key,
    write_summary,
)
from paperflow.settings import Settings
from paperflow.sources.budget import NightBudget
from paperflow.sources.download import DownloadError
from paperflow.summary.summarize import SummaryResult

LLM_LIMIT = "paperflow-llm"
ARXIV_LIMIT = "paperflow-arxiv"
T = TypeVar("T")

_gates: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


def ensure_limits(settings: Settings) -> None:
    """Create (or resize) the global concurrency limits to llm.max_concurrency and prefect.arxiv_concurrency."""
    with get_client(sync_client=True) as client:
        for name, size in ((LLM_LIMIT, settings.llm.max_concurrency), (ARXIV_LIMIT, settings.prefect.arxiv_concurrency)):
            try:
                client.upsert_global_concurrency_limit_by_name(name, size)
            except ObjectAlreadyExists:
                # Two runs starting together both found no limit and both created it (Prefect's upsert is not
                # atomic): the other one won, so this upsert now updates it.
                client.upsert_global_concurrency_limit_by_name(name, size)


@contextmanager
def slot(name: str, size: int) -> Iterator[None]:
    """Hold one slot of the in-process gate `name` and of the Prefect global limit `name`."""
    with _gates_lock:
        gate = _gates.setdefault((name, size), threading.BoundedSemaphore(size))
    with gate, concurrency(name, occupy=1, strict=True):
        yield


# ------------------------------------------------------------------------------------------ tasks


def _download(paper: Paper, settings: Settings) -> Path:
    if paper.local_pdf:
        return fetch_pdf(paper, settings)
    with slot(ARXIV_LIMIT, settings.prefect.arxiv_concurrency):
        return fetch_pdf(paper, settings)


def _summarize(extracted: Extracted, settings: Settings, examples: list[str], use_llm: bool,
               budget: NightBudget | None = None) -> SummaryResult:
    # `budget` is the run's own object (tasks run in this process's threads): every call is counted in it.
    if not use_llm:
        return write_summary(extracted, settings, examples, use_llm)
    with slot(LLM_LIMIT, settings.llm.max_concurrency):
        return write_summary(extracted, settings, examples, use_llm, budget)


def _may_pass(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a download only when its failure may pass (429/5xx, timeouts); a refusal is final tonight."""
    error = getattr(state, "data", None)
    return isinstance(error, DownloadError) and error.transient


def _paper(fn: Callable[[Paper], PaperOutcome], paper: Paper) -> PaperOutcome:
    return fn(paper)


class PrefectExecutor:
    """Papers as submitted tasks (Prefect's thread pool), each stage a nested task run."""

    def __init__(self, settings: Settings):
        common: dict[str, Any] = {"result_storage": OutputLayout.of(settings).prefect_results.resolve(),
                                  "persist_result": True}
        # Backoff grows from the polite arXiv delay: 10x, then 30x (0 in tests that set the delay to 0).
        base = settings.arxiv.delay_seconds
        self._stages = {
            "download": task(_download, name="download", tags=["network", "arxiv"], retries=2,
                             retry_delay_seconds=[10 * base, 30 * base], retry_condition_fn=_may_pass,
                             cache_key_fn=lambda _, p: cache_keys.download(p["paper"]), **common),
            "extract": task(read_text, name="extract",
                            cache_key_fn=lambda _, p: cache_keys.extract(p["paper"], p["pdf"], p["settings"]),
                            **common),
            "summarize": task(_summarize, name="summarize", tags=["llm"],
                              cache_key_fn=lambda _, p: "summarize-" + summary_key(
                                  p["extracted"], p["settings"], p["examples"], p["use_llm"]),
                              **common),
        }
        self._paper = task(_paper, name="paper", cache_policy=NO_CACHE, persist_result=False)

    def map(self, fn: Callable[[Paper], PaperOutcome], papers: Sequence[Paper]) -> list[PaperOutcome]:
        futures = [self._paper.submit(fn, paper) for paper in papers]
        return [future.result() for future in futures]

    def stage(self, name: str, fn: Callable[..., T], **kwargs: Any) -> T:
        return self._stages[name](**kwargs)


# ----------------------------------------------------------------------------------- logging


def _paperflow_error_names() -> set[str]:
    names, todo = set(), [PaperflowError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


class _PaperFailures(logging.Filter):
    """Prefect's error records about a stage task that raised a PaperflowError (the paper's own problem,
    already one warning line from the orchestrator) go to the debug level: "Task run failed ..." with
    its traceback, and the task run's "Finished in state Failed('... exception DownloadError: ...')"."""

    _FINISHED = re.compile(r"^Finished in state Failed\('Task run encountered an exception (\w+):")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG:
            return True
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, PaperflowError):
            finished = self._FINISHED.match(record.getMessage())
            if not finished or finished.group(1) not in _paperflow_error_names():
                return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger("prefect").isEnabledFor(logging.DEBUG)


_FILTER = _PaperFailures()


def _quiet_paper_failures() -> None:
    logger = logging.getLogger("prefect.task_runs")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


# ------------------------------------------------------------------------------------------ a run


def run(kind: Literal["nightly", "summarize"], settings: Settings, items: Sequence[str], day: date,
        dry_run: bool) -> dict[str, Any]:
    """One run of the orchestrator on Prefect; returns what the flow returns (`flow_result`)."""
    logger = get_run_logger()
    _quiet_paper_failures()
    ensure_limits(settings)

    def progress(label: str, stage: str, detail: str) -> None:
        if detail.startswith("FAILED: "):
            logger.warning("%s: %s: %s", label, stage, detail.removeprefix("FAILED: "))
        else:
            logger.info("%s: %s: %s", label, stage, detail)

    orchestrator = Orchestrator(settings, PrefectExecutor(settings), Ledger.open(settings), progress=progress)
    if kind == "nightly":
        result = orchestrator.nightly(items, day=day, dry_run=dry_run)
    else:
        result = orchestrator.summarize(items, day=day, dry_run=dry_run)
    for entry in result.entries:
        print(entry.text)
    report = result.report
    create_markdown_artifact(markdown=report.to_markdown(), key=f"paperflow-{kind}-report",
                             description=report.headline())
    logger.info("%s; report: %s", report.headline(), result.report_path)
    if result.review_problem:
        logger.warning("%s", result.review_problem)
    return flow_result(result)


def flow_result(result: RunResult) -> dict[str, Any]:
    """What a flow returns: the headline, drafted titles, failures, unreadable sources, the report's path, and
    why drafted entries got no pull request (None when they got one, or there was none to open)."""
    return {
        "headline": result.report.headline(),
        "drafted": [p.title for p in result.report.drafted],
        "failures": [str(f) for f in result.failures],
        "unreadable": list(result.unreadable),
        "report": str(result.report_path),
        "review_problem": result.review_problem,
    }

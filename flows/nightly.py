"""The `nightly` flow: sources -> download -> extract -> summarize -> insert -> review, on Prefect.

Served by `paperflow serve` on `schedule.cron`, run once by `paperflow nightly`; the work is
paperflow.pipeline's orchestrator (flows/run.py gives it Prefect tasks).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows import run
from paperflow.settings import load_settings


@flow(name="nightly", log_prints=True)
def nightly(
    ids: list[str] | None = None, dry_run: bool = False, day: date | None = None, config: str | None = None
) -> dict[str, Any]:
    """One night: gather, draft and insert, then hand the day's drafts over for review.

    `ids`: extra arXiv ids/URLs/local PDFs for tonight. With `dry_run` the drafts are made (and
    cached) and printed, but neither the log nor the review branch is touched. Returns the report's
    headline, drafted titles, failures, unreadable sources and the report path. Only a broken setup
    (settings, log file) fails the run; a failing paper never does.
    """
    settings = load_settings(config)
    return run.run("nightly", settings, list(ids or []), day or settings.today(), dry_run)

"""The `summarize` flow: ids, URLs or local PDFs given as a parameter, the same engine as `paperflow summarize`.

Trigger it from the Prefect UI's Run form or with
`prefect deployment run 'summarize/summarize' -p papers='["2312.13286"]'`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows import run
from paperflow.settings import load_settings


@flow(name="summarize", log_prints=True)
def summarize(
    papers: list[str], dry_run: bool = False, day: date | None = None, config: str | None = None
) -> dict[str, Any]:
    """Summarize `papers` (arXiv ids, arXiv URLs or paths of local PDFs) into the log under `day` (default today).

    With dry_run the drafts are made (and cached) but the log is not touched. Returns the report's
    headline, the drafted titles, the failures and the report path; a paper that fails does not fail the run.
    """
    settings = load_settings(config)
    return run.run("summarize", settings, list(papers), day or settings.today(), dry_run)

"""The `summarize` flow: ids, URLs or local PDFs given as a parameter, the same stages as `paperflow summarize`.

Trigger it from the Prefect UI's Run form or with
`prefect deployment run 'summarize/summarize' -p papers='["2312.13286"]'`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from flows import stages
from flows.common import (
    StageClock,
    ensure_limits,
    flow_result,
    insert_drafts,
    process_papers,
    publish_report,
)
from paperflow.ledger import Ledger
from paperflow.report import ReportedPaper, RunReport
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
    ledger = Ledger.open(settings)
    report = RunReport(kind="summarize", dry_run=dry_run)
    clock = StageClock()
    ensure_limits(settings)
    with report.timed("gather"):
        gathered = stages.resolve(settings, list(papers), ledger)
    for failure in gathered.failures:
        report.add_failure(failure.paper, failure.stage, failure.reason)
    for title, why in gathered.skipped:
        report.skipped.append(ReportedPaper(key=str(title), title=str(title), note=why))
    for paper in gathered.papers:
        ledger.record_found(paper)
    report.count("gather", len(gathered.papers))
    drafted = process_papers(gathered.papers, settings, ledger, report, clock)
    if dry_run:
        for d in drafted:
            print(stages.entry_text(d.result.summary, settings))
            report.drafted.append(ReportedPaper(key=d.paper.key, title=d.result.summary.title, note="dry run"))
    else:
        insert_drafts(drafted, settings, ledger, report, day or settings.today(), gathered.tick_lines)
    return flow_result(report, publish_report(report, settings, clock))

"""The `nightly` flow: sources -> dedupe -> download -> extract -> summarize -> insert -> review.

Served by `paperflow serve` on `schedule.cron`, run once by `paperflow nightly`. Each stage is a
plain function (flows.stages); this file only orders them and keeps the night going when a paper fails.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger

from flows import stages
from flows.common import (
    StageClock,
    ensure_limits,
    flow_result,
    insert_drafts,
    process_papers,
    publish_report,
)
from paperflow.ledger import Ledger, PaperState
from paperflow.report import ReportedPaper, RunReport
from paperflow.settings import Settings, load_settings


def retry_ids(settings: Settings, ledger: Ledger, report: RunReport) -> list[str]:
    """Keys of arXiv papers that failed on earlier nights and have attempts left; the others are
    listed in the report as left for a person."""
    again = []
    for row in ledger.rows(PaperState.FAILED):
        if row.attempts >= settings.max_attempts:
            note = f"failed {row.attempts} times ({row.last_stage}: {row.last_error}): left for a person"
            report.skipped.append(ReportedPaper(key=row.key, title=row.title or row.key, note=note))
        elif not row.key.startswith("local:"):
            again.append(row.key)
    return again


@flow(name="nightly", log_prints=True)
def nightly(
    ids: list[str] | None = None, dry_run: bool = False, day: date | None = None, config: str | None = None
) -> dict[str, Any]:
    """One night: gather, draft and insert, then hand the day's drafts over for review.

    `ids`: extra arXiv ids/URLs/local PDFs for tonight. With `dry_run` the drafts are made (and
    cached) and printed, but neither the log nor the review branch is touched. Returns the report's
    headline, drafted titles, failures and report path. Only a broken setup (settings, log file)
    fails the run; a failing paper never does.
    """
    settings = load_settings(config)
    ledger = Ledger.open(settings)
    report = RunReport(kind="nightly", dry_run=dry_run)
    clock = StageClock()
    day = day or settings.today()
    ensure_limits(settings)
    review_on = settings.review.enabled and not dry_run and stages.review_available()
    if review_on:
        report.notes += _sync_review(settings, ledger)

    with report.timed("gather"):
        given = list(ids or [])
        again = [key for key in retry_ids(settings, ledger, report) if key not in given]
        gathered = stages.gather(settings, given + again, ledger)
    # A paper given by hand is tried again whatever its attempts; the others only while attempts are left.
    left_for_person = {p.key for p in report.skipped}
    papers = [p for p in gathered.papers if p.key not in left_for_person or p.source_detail in given]
    for failure in gathered.failures:
        report.add_failure(failure.paper, failure.stage, failure.reason)
    for title, why in gathered.skipped:
        report.skipped.append(ReportedPaper(key=str(title), title=str(title), note=why))
    report.unresolved_pending = list(gathered.unresolved)
    for paper in papers:
        ledger.record_found(paper)
    report.count("gather", len(papers))

    drafted = process_papers(papers, settings, ledger, report, clock)
    summaries = []
    if dry_run:
        for d in drafted:
            print(stages.entry_text(d.result.summary, settings))
            report.drafted.append(ReportedPaper(key=d.paper.key, title=d.result.summary.title, note="dry run"))
    else:
        # With review on, the drafts go on the review branch only: the person's checkout is never touched.
        on_branch = review_on and stages.log_in_git_repo(settings)
        summaries = insert_drafts(drafted, settings, ledger, report, day, gathered.tick_lines, into_log=not on_branch)

    if review_on and summaries:
        ticks = [gathered.tick_lines[d.paper.key] for d in drafted if d.paper.key in gathered.tick_lines]
        with report.timed("review"):
            report.review = _publish(settings, ledger, report, summaries, drafted, day,
                                     stages.pending_texts(settings, ticks))
    elif not dry_run and summaries:
        report.notes.append("review is off (review.enabled = false or paperflow.review.publish missing): drafts are in the log")
    return flow_result(report, publish_report(report, settings, clock))


def _sync_review(settings: Settings, ledger: Ledger) -> list[str]:
    from paperflow.review.publish import sync_review_state

    try:
        result = sync_review_state(settings, ledger)
    except Exception as exc:  # review trouble never stops the night's drafting
        return [f"review state not synced: {' '.join(str(exc).split())}"]
    return list(getattr(result, "messages", []))


def _publish(settings, ledger, report, summaries, drafted, day, tick_pending) -> str:
    from paperflow.review.publish import publish_drafts

    try:
        result = publish_drafts(
            settings, summaries, day, report.to_markdown(),
            coverage={d.result.summary.key: d.coverage for d in drafted},
            unresolved=report.unresolved_pending, failures=report.failures, tick_pending=tick_pending, ledger=ledger,
        )
    except Exception as exc:  # drafts are DRAFTED with their cached summary: `paperflow review` can redo this
        get_run_logger().warning("review: %s", exc)
        return f"review failed: {' '.join(str(exc).split())}"
    report.count("review", len(result.papers))
    return result.to_text()

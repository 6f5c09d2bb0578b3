"""`paperflow review [--date]` and `paperflow review status`: the pull request of a night's drafts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from paperflow.cli.common import log_path, parse_day, print_json, settings_from

if TYPE_CHECKING:
    from paperflow.ledger import Ledger
    from paperflow.models import Failure
    from paperflow.settings import Settings

review_app = typer.Typer(
    help="Open or update the pull request for the drafts made that day (paperflow review [--date]); "
    "`paperflow review status` lists the open paperflow pull requests. Exits 1 when commands are left to run by hand."
)


def _day_report(settings: Settings, day: date) -> tuple[str, list[str]]:
    """The Markdown of the last run report saved that day, and its unresolved pending items."""
    from paperflow.layout import OutputLayout
    from paperflow.report import load_report

    folder = OutputLayout.of(settings).reports
    reports = sorted(folder.glob(f"{day.isoformat()}-*.md")) if folder.is_dir() else []
    if not reports:
        return "", []
    latest: Path = reports[-1]
    try:
        unresolved = load_report(latest).unresolved_pending
    except (OSError, ValueError):
        unresolved = []
    return latest.read_text(encoding="utf-8"), unresolved


def _day_failures(settings: Settings, ledger: Ledger, day: date) -> list[Failure]:
    from paperflow.ledger import PaperState
    from paperflow.models import Failure

    zone = settings.zone()
    failures = []
    for row in ledger.rows(PaperState.FAILED):
        when = row.updated_at.astimezone(zone) if zone else row.updated_at.astimezone()
        if when.date() == day:
            failures.append(Failure(paper=row.key, stage=row.last_stage or "?", reason=row.last_error or "unknown"))
    return failures


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    day_text: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                           help="the day whose drafts to propose (default: today)"),
    as_json: bool = typer.Option(False, "--json", help="print the result as one JSON object"),
) -> None:
    """Open or update the pull request for the drafts already made that day.

    First checks the open paperflow pull requests (merged -> merged, closed -> rejected). Exits 1
    when something is left to do by hand (the commands are printed)."""
    if ctx.invoked_subcommand is not None:
        return
    from paperflow.ledger import Ledger
    from paperflow.review.publish import publish_drafts, sync_review_state

    settings = settings_from(ctx)
    day = parse_day(day_text, settings)
    log_path(settings, None, option=None)  # the branch is made in the log's repository
    with Ledger.open(settings) as ledger:
        synced = sync_review_state(settings, ledger)
        report_md, unresolved = _day_report(settings, day)
        result = publish_drafts(
            settings, [], day, report_md, unresolved=unresolved,
            failures=_day_failures(settings, ledger, day), ledger=ledger,
        )
    if as_json:
        print_json({"sync": synced.model_dump(mode="json"), "review": result.model_dump(mode="json")})
    else:
        for line in synced.messages:
            typer.echo(f"note: {line}")
        if synced.merged or synced.rejected:
            typer.echo(f"closed pull requests: {len(synced.merged)} paper(s) merged, {len(synced.rejected)} rejected")
        typer.echo(result.to_text())
    if result.commands:
        raise typer.Exit(1)


@review_app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """List the open paperflow pull requests and their papers."""
    from paperflow.ledger import Ledger
    from paperflow.review.publish import review_status

    settings = settings_from(ctx)
    log_path(settings, None, option=None)  # the pull requests are those of the log's repository
    with Ledger.open(settings) as ledger:
        reviews, messages = review_status(settings, ledger)
    if as_json:
        print_json({"open": [r.model_dump(mode="json") for r in reviews], "messages": messages})
        return
    for line in messages:
        typer.echo(f"note: {line}")
    if not reviews:
        # With a note, GitHub was not asked (no token, no repository, an API error): only the ledger was read.
        typer.echo("no paperflow drafts in review in the ledger" if messages else "no open paperflow pull requests")
    for item in reviews:
        where = item.url or (f"#{item.number}" if item.number else "no pull request yet")
        typer.echo(f"{item.branch}: {item.title} ({where})")
        for paper in item.papers:
            typer.echo(f"  - {paper}")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")

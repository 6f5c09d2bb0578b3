"""`paperflow summarize ID|URL|FILE.pdf ...`: fetch, extract, summarize, and draft into the log.

The README's main command. One line of progress per stage per paper, then a table of papers,
tokens, cost and failures. Exit code 0 when every paper made it, 1 when some failed (the others
are still inserted), 2 for a configuration or log error.

With a Prefect server configured (`[prefect] api_url`) it runs the `summarize` flow on it instead
(tracked in the UI); otherwise the plain pipeline, which never imports Prefect.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from paperflow.cli.common import LOG_DEFAULT_HELP, parse_day, settings_from
from paperflow.cli.common import log_path as common_log_path

if TYPE_CHECKING:
    from paperflow.pipeline import RunResult


def summarize(
    ctx: typer.Context,
    papers: list[str] = typer.Argument(..., help="arXiv ids, arxiv.org URLs or local PDF files", metavar="ID|URL|FILE.pdf"),
    log: Optional[Path] = typer.Option(None, "--log", metavar="FILE",
                                       help=f"the weekly log to draft into ({LOG_DEFAULT_HELP})"),
    day: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                      help="day header for the drafts (default: today)"),
    llm: Optional[str] = typer.Option(None, "--llm", help="'none': extractive drafts, no LLM even if one is configured"),
    dry_run: bool = typer.Option(False, "--dry-run", help="print the entries instead of inserting them; writes nothing"),
    create: bool = typer.Option(False, "--create", help="start a new log (with a # pending list) if there is none"),
    redraft: bool = typer.Option(False, "--redraft", help="draft a paper already in your log again (its newest "
                                 "version): your entry stays, the new draft and its pictures go into the next pull "
                                 "request"),
    figure: Optional[int] = typer.Option(None, "--figure", min=1, metavar="N",
                                         help="the entry's overview picture is Figure N (see `paperflow show ID`)"),
    table: Optional[int] = typer.Option(None, "--table", min=1, metavar="N",
                                        help="the entry's results picture is Table N"),
) -> None:
    """Summarize papers and insert the drafts into your log under today's date.

    Each draft's claims are looked up in the paper: --dry-run prints the evidence under each draft."""
    # The pipeline (and through it the LLM client, the PDF engine, the ranking) loads only now.
    from paperflow.ledger import Ledger
    from paperflow.log.entry import draft_entry
    from paperflow.pipeline import Orchestrator, ThreadExecutor
    from paperflow.prefect_env import server_configured
    from paperflow.summary.evidence import describe_support
    from paperflow.summary.extractive import HOW_TO_CONFIGURE

    settings = settings_from(ctx)
    if llm not in (None, "none"):
        raise typer.BadParameter("only 'none' is accepted; configure endpoints in [llm]", param_hint="--llm")
    when = parse_day(day, settings)
    # A dry run needs no log: it prints the drafts, unchecked against one (said at the end).
    without_log = dry_run and log is None and settings.log.path is None
    log_path = None if without_log else common_log_path(settings, log, create=None if dry_run else create)
    if server_configured(settings) and log is None and llm is None and not redraft and not without_log \
            and not figure and not table:
        # The flow takes the log and the LLM from the settings: --log / --llm none / --redraft run the plain path.
        _run_flow(ctx, settings, papers, when, dry_run)
        return
    use_llm = llm is None and settings.llm.enabled
    if not use_llm:
        typer.echo(f"note: {HOW_TO_CONFIGURE}" if llm is None else "note: --llm none: extractive drafts, no LLM")
    lock = threading.Lock()

    def progress(label: str, stage: str, detail: str) -> None:
        with lock:
            typer.echo(f"{label}: {stage}: {detail}")

    workers = settings.llm.max_concurrency if use_llm else 1
    orchestrator = Orchestrator(settings, ThreadExecutor(workers), Ledger.open(settings), log_path=log_path,
                                use_llm=use_llm, progress=progress, without_log=without_log)
    from paperflow.models import PictureKind

    if figure:
        orchestrator.figure_picks[PictureKind.ARCHITECTURE] = ("figure", figure)
    if table:
        orchestrator.figure_picks[PictureKind.RESULTS] = ("table", table)
    result = orchestrator.summarize(papers, day=when, dry_run=dry_run, redraft=redraft)
    for outcome in result.drafted if dry_run or redraft else []:
        assert outcome.result is not None
        typer.echo("")
        typer.echo(draft_entry(outcome.result.summary, settings, outcome.pictures,
                               layout=orchestrator.log_layout()).text, nl=False)
        typer.echo("")
        for line in describe_support(outcome.result.summary):
            typer.echo(line)
    if not result.outcomes and not result.failures and not result.report.skipped:
        typer.echo("nothing to draft")
    if without_log:
        typer.echo("\ndry run without a log (no --log FILE, no [log] path): nothing was checked against a log "
                   "(titles already in it, your style examples) and nothing was written")
    elif dry_run:
        typer.echo(f"\ndry run: nothing was written to {log_path}")
    _print_table(result)
    typer.echo(f"report: {result.report_path}")
    if result.failures:
        raise typer.Exit(1)


def _run_flow(ctx: typer.Context, settings, papers: list[str], when: date, dry_run: bool) -> None:
    """Run the `summarize` flow on the configured Prefect server; exit 1 when a paper failed (each
    failure is one warning line of the flow's log), 2 when the server does not answer."""
    from paperflow.cli.flow_cmds import _config_path, require_reachable_server
    from paperflow.prefect_env import apply_prefect_environment

    require_reachable_server(settings, "summarize")
    apply_prefect_environment(settings)
    from flows.summarize import summarize as summarize_flow

    result = summarize_flow(papers=list(papers), dry_run=dry_run, day=when, config=_config_path(ctx))
    typer.echo(result["headline"])
    typer.echo(f"report: {result['report']}")
    if result["failures"]:
        raise typer.Exit(1)


def _print_table(result: RunResult) -> None:
    """One row per paper (drafted, or failed: its stage; the reason was printed when it failed), then totals."""
    rows = [("paper", "drafted by", "in tokens", "out tokens", "cost", "note")]
    for outcome in result.outcomes:
        if outcome.result is None or outcome.failure is not None:
            continue
        summary = outcome.result.summary
        notes = []
        if outcome.result.cached:
            notes.append("cached")
        if summary.unsupported_numbers:
            notes.append(f"{len(summary.unsupported_numbers)} numbers not in paper")
        if summary.unsupported_claims:
            notes.append(f"{len(summary.unsupported_claims)} of {len(summary.support)} claims without evidence")
        if outcome.skipped:
            notes.append(outcome.skipped)
        rows.append((outcome.label, summary.drafted_by.value, str(outcome.result.input_tokens),
                     str(outcome.result.output_tokens), _money(outcome.result.cost), ", ".join(notes)))
    for failure in result.failures:
        rows.append((failure.paper, "-", "-", "-", "-", f"failed at {failure.stage}"))
    report = result.report
    skipped = len(report.skipped)
    rows.append(("total", "", str(report.input_tokens), str(report.output_tokens), _money(report.cost),
                 f"{len(result.failures)} failed" + (f", {skipped} already in the log" if skipped else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    typer.echo("")
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _money(cost: float | None) -> str:
    return "-" if cost is None else f"{cost:.4f}"


def register(app: typer.Typer) -> None:
    app.command("summarize")(summarize)

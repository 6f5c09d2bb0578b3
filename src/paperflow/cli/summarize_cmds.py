"""`paperflow summarize ID|URL|FILE.pdf ...`: fetch, extract, summarize, and draft into the log.

The README's main command. One line of progress per stage per paper, then a table of papers,
tokens, cost and failures. Exit code 0 when every paper made it, 1 when some failed (the others
are still inserted), 2 for a configuration or log error.

With a Prefect server configured (`[prefect] api_url`) it runs the `summarize` flow on it instead
(tracked in the UI); otherwise the plain pipeline, which never imports Prefect.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from paperflow.cli.common import LOG_DEFAULT_HELP, parse_day, settings_from
from paperflow.cli.common import log_path as common_log_path
from paperflow.summary.extractive import HOW_TO_CONFIGURE
from paperflow.ledger import Ledger
from paperflow.summary.llm import LLMClient
from paperflow.pipeline import PaperOutcome, draft_entry, insert_drafts, resolve, run_paper
from paperflow.prefect_env import server_configured
from paperflow.log.weekly_log import read_log, style_examples


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
) -> None:
    """Summarize papers and insert the drafts into your log under today's date."""
    settings = settings_from(ctx)
    if llm not in (None, "none"):
        raise typer.BadParameter("only 'none' is accepted; configure endpoints in [llm]", param_hint="--llm")
    when = parse_day(day, settings)
    log_path = common_log_path(settings, log, create=None if dry_run else create)
    if server_configured(settings) and log is None and llm is None:
        # The flow takes the log and the LLM from the settings: --log / --llm none run the plain path.
        _run_flow(ctx, settings, papers, when, dry_run)
        return
    use_llm = llm is None and settings.llm.enabled
    snapshot = read_log(log_path)
    examples = style_examples(snapshot.parsed, settings.log.style_examples) if use_llm else []
    ledger = Ledger.open(settings)
    lock = threading.Lock()

    def progress(label: str, stage: str, detail: str) -> None:
        with lock:
            typer.echo(f"{label}: {stage}: {detail}")

    if not use_llm:
        typer.echo(f"note: {HOW_TO_CONFIGURE}" if llm is None else "note: --llm none: extractive drafts, no LLM")
    client = LLMClient(settings.llm) if use_llm else None
    resolved = resolve(papers, settings, ledger)
    for failure in resolved.failures:
        progress(failure.paper, failure.stage, f"FAILED: {failure.reason}")
    for paper in resolved.papers:
        progress(paper.versioned_id or Path(paper.local_pdf or "").name or paper.title, "resolve", paper.title)

    def one(paper):
        return run_paper(paper, settings, examples, ledger, use_llm=use_llm, client=client, progress=progress,
                         skip_title=snapshot.parsed.has_title)

    workers = max(1, min(settings.llm.max_concurrency if use_llm else 1, len(resolved.papers) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes: list[PaperOutcome] = list(pool.map(one, resolved.papers))

    done = [o for o in outcomes if o.result is not None]
    failures = [*resolved.failures, *(o.failure for o in outcomes if o.failure is not None)]
    if done and dry_run:
        for outcome in done:
            assert outcome.result is not None
            typer.echo("")
            typer.echo(draft_entry(outcome.result.summary, settings).text, nl=False)
    elif done:
        result = insert_drafts([o.result.summary for o in done if o.result], settings, when, ledger,
                               log_path=log_path, ledger_keys=[o.paper.key for o in done])
        for title in result.inserted:
            progress(title, "insert", f"drafted into {log_path} under {when.year}.{when.month}.{when.day}")
        for title in result.skipped:
            progress(title, "insert", "skipped: already in the log")
    elif not failures:
        typer.echo("nothing to draft")
    if dry_run:
        typer.echo(f"\ndry run: nothing was written to {log_path}")
    _print_table(outcomes, failures)
    if failures:
        raise typer.Exit(1)


def _run_flow(ctx: typer.Context, settings, papers: list[str], when: date, dry_run: bool) -> None:
    """Run the `summarize` flow on the configured Prefect server; exit 1 when a paper failed, 2 when
    the server does not answer."""
    from paperflow.cli.flow_cmds import _config_path, require_reachable_server
    from paperflow.prefect_env import apply_prefect_environment

    require_reachable_server(settings, "summarize")
    apply_prefect_environment(settings)
    from flows.summarize import summarize as summarize_flow

    result = summarize_flow(papers=list(papers), dry_run=dry_run, day=when, config=_config_path(ctx))
    typer.echo(result["headline"])
    for failure in result["failures"]:
        typer.echo(f"failed: {failure}", err=True)
    typer.echo(f"report: {result['report']}")
    if result["failures"]:
        raise typer.Exit(1)


def _print_table(outcomes: list[PaperOutcome], failures) -> None:
    rows = [("paper", "drafted by", "in tokens", "out tokens", "cost", "note")]
    total_in = total_out = 0
    total_cost: float | None = None
    for outcome in outcomes:
        if outcome.result is None:
            continue
        result = outcome.result
        summary = result.summary
        total_in += result.input_tokens
        total_out += result.output_tokens
        if result.cost is not None:
            total_cost = (total_cost or 0.0) + result.cost
        notes = []
        if result.cached:
            notes.append("cached")
        if summary.unsupported_numbers:
            notes.append(f"{len(summary.unsupported_numbers)} numbers not in paper")
        rows.append((summary.arxiv_id or Path(outcome.paper.local_pdf or "").name, summary.drafted_by.value,
                     str(result.input_tokens), str(result.output_tokens), _money(result.cost), ", ".join(notes)))
    skipped = sum(1 for o in outcomes if o.skipped)
    rows.append(("total", "", str(total_in), str(total_out), _money(total_cost),
                 f"{len(failures)} failed" + (f", {skipped} already in the log" if skipped else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    typer.echo("")
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for failure in failures:
        typer.echo(f"failed: {failure}", err=True)


def _money(cost: float | None) -> str:
    return "-" if cost is None else f"{cost:.4f}"


def register(app: typer.Typer) -> None:
    app.command("summarize")(summarize)

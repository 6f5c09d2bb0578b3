"""`paperflow show ID` (a draft with the evidence behind each claim) and `paperflow stats` (what became
of the drafts, month by month, and how much of them the person rewrote)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from paperflow.cli.common import UsageError, print_json, settings_from

if TYPE_CHECKING:
    from paperflow.ledger import LedgerRow
    from paperflow.models import Summary
    from paperflow.settings import Settings


def _keys(paper: str, settings: Settings) -> list[str]:
    """Ledger keys `paper` may stand for: an arXiv id or URL, a local PDF (its arXiv id, its content hash),
    or a key as the ledger writes it."""
    from paperflow.sources.ids import InvalidIdError, parse_arxiv_id
    from paperflow.sources.local import is_local_pdf, local_paper

    if is_local_pdf(paper):
        path = Path(paper).expanduser()
        if not path.is_file():
            raise UsageError(f"{paper}: no such file")
        found = local_paper(path, settings)
        return list(dict.fromkeys([found.key, f"local:{found.local_sha256}"]))
    try:
        return [parse_arxiv_id(paper).base]
    except InvalidIdError:
        return [paper.strip()]


def _describe(summary: Summary, settings: Settings) -> list[str]:
    from paperflow.log.entry import draft_entry
    from paperflow.summary.evidence import describe_support

    lines = [draft_entry(summary, settings).text.rstrip("\n"), "", *describe_support(summary)]
    if summary.unsupported_numbers:
        lines.append(f"numbers not found in the paper: {', '.join(summary.unsupported_numbers)}")
    return lines


def _status(row: LedgerRow) -> str:
    parts = [row.state.value.replace("_", " ")]
    if row.version:
        parts.append(f"v{row.version}")
    if row.drafted_on:
        parts.append(f"drafted {row.drafted_on.isoformat()}")
    if row.pr_number:
        parts.append(f"pull request #{row.pr_number}")
    if row.latest_version and row.version and row.latest_version > row.version:
        parts.append(f"v{row.latest_version} is out (paperflow summarize {row.key} --redraft)")
    if row.edit_ratio is not None:
        parts.append(f"edit ratio {row.edit_ratio:.2f}" + (f", most edited: {row.most_edited}" if row.most_edited else ""))
    return ", ".join(parts)


def show(
    ctx: typer.Context,
    paper: str = typer.Argument(..., metavar="ID|URL|FILE.pdf", help="the paper: arXiv id or URL, or its local PDF"),
    as_json: bool = typer.Option(False, "--json", help="print the summary (with its evidence) as JSON"),
) -> None:
    """Print a paper's draft with the evidence behind each claim: the paper's passage and page, or a
    flag when none was found. A re-draft of a newer version is printed after it."""
    from paperflow.cache_keys import summary_files_of
    from paperflow.ledger import Ledger
    from paperflow.review.publish import ReviewError, load_summary

    settings = settings_from(ctx)
    ledger = Ledger.open(settings)
    row = next((r for key in _keys(paper, settings) if (r := ledger.get(key)) is not None), None)
    found: list[tuple[str, str]] = []  # (heading, summary file)
    if row is not None and row.summary_path and row.summary_path != row.redraft_path:
        found.append(("", row.summary_path))
    if row is not None and row.redraft_path:
        found.append(("re-draft (your entry in the log is unchanged)", row.redraft_path))
    if not found:
        found = [("", str(p)) for p in summary_files_of(settings, _keys(paper, settings)[0])[:1]]
    if not found:
        raise UsageError(f"{paper}: no draft of this paper (summarize it first: paperflow summarize {paper})")
    summaries = []
    for heading, path in found:
        try:
            summaries.append((heading, load_summary(path)))
        except ReviewError as exc:
            raise UsageError(f"{paper}: {exc.message}") from None
    if as_json:
        print_json([s.model_dump(mode="json") for _, s in summaries])
        return
    if row is not None:
        typer.echo(f"{row.key}: {_status(row)}")
    for heading, summary in summaries:
        typer.echo(f"\n{heading}:" if heading else "")
        if heading:
            typer.echo("")
        for line in _describe(summary, settings):
            typer.echo(line)
    for line in _captions(paper, row, settings):
        typer.echo(line)


def _captions(paper: str, row, settings) -> list[str]:
    """Every figure and table caption of the paper's PDF with its number, so the person can ask for another
    picture (`paperflow summarize ID --figure 3 --table 2`); nothing when the PDF is not at hand."""
    from pathlib import Path

    from paperflow.errors import PaperflowError
    from paperflow.summary.figure_choice import opening, rule_picks
    from paperflow.text.extract import extract_pdf

    pdf = Path(paper) if paper.lower().endswith(".pdf") and Path(paper).is_file() else None
    if pdf is None and row is not None and getattr(row, "pdf_path", None) and Path(row.pdf_path).is_file():
        pdf = Path(row.pdf_path)
    if pdf is None:
        return []
    try:
        text = extract_pdf(pdf, settings, paper)
    except PaperflowError:
        return []
    picked = rule_picks(text.figures, settings.figures.max_per_entry, text.sections)
    lines = ["", f"figures and tables ({len(text.figures)}; choose with --figure N / --table N):"]
    for f in text.figures:
        mark = f"  [picked: {picked[(f.kind, f.number)]}]" if (f.kind, f.number) in picked else ""
        lines.append(f"  {f.kind} {f.number}, p.{f.page}: {opening(f.caption)[:120]}{mark}")
    return lines


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print the groups as JSON"),
) -> None:
    """Per month (and model and prompt version): drafts made, merged, rejected, left open; the mean
    edit ratio of the merged ones (0 = merged as drafted, 1 = rewritten) and the part edited most."""
    from paperflow.ledger import Ledger
    from paperflow.stats import monthly_stats, stats_table

    settings = settings_from(ctx)
    groups = monthly_stats(Ledger.open(settings).rows())
    if as_json:
        print_json([g.model_dump() for g in groups])
        return
    if not groups:
        typer.echo("no drafts yet")
        return
    for line in stats_table(groups):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("show")(show)
    app.command("stats")(stats)

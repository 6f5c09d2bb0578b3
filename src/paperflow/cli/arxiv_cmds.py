"""`paperflow fetch` and `paperflow sources`: arXiv metadata, PDF downloads, tonight's sources.

(`paperflow pending --resolve` lives in log_cmds.py and calls paperflow.sources.pending.resolve_pending.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from paperflow.cli.common import LOG_DEFAULT_HELP, log_path, print_json, settings_from

if TYPE_CHECKING:
    from paperflow.sources.budget import NightPlan
    from paperflow.sources.ids import ArxivId


def fetch(
    ctx: typer.Context,
    ids: list[str] = typer.Argument(..., help="arXiv ids or arxiv.org URLs"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    no_download: bool = typer.Option(False, "--no-download", help="metadata only"),
) -> None:
    """Print arXiv metadata for IDS and download their PDFs to output/pdfs/. Exit 1 if any failed."""
    from paperflow.ledger import Ledger
    from paperflow.models import SourceKind
    from paperflow.pipeline import download_papers
    from paperflow.sources.arxiv_api import ArxivApiError, ArxivClient, fetch_papers
    from paperflow.sources.ids import InvalidIdError, parse_arxiv_id

    settings = settings_from(ctx)
    failures: list[dict[str, str]] = []
    wanted: list[ArxivId] = []
    for text in ids:
        try:
            wanted.append(parse_arxiv_id(text))
        except InvalidIdError as exc:
            failures.append({"input": text, "error": str(exc)})
    ledger = Ledger.open(settings)
    papers, missing = [], []
    if wanted:
        try:
            papers, missing = fetch_papers(ArxivClient(settings.arxiv), wanted, SourceKind.COMMAND_LINE)
        except ArxivApiError as exc:
            failures.extend({"input": str(i), "error": str(exc)} for i in wanted)
    failures.extend({"input": str(i), "error": f"{i}: arxiv: arXiv has no paper with this id"} for i in missing)
    rows = []
    downloads = download_papers(papers, settings, ledger) if not no_download else [(p, None, None) for p in papers]
    for paper, pdf, error in downloads:
        if no_download:
            ledger.record_found(paper)
        rows.append({"paper": paper.model_dump(mode="json"), "pdf_path": str(pdf) if pdf else None,
                     "error": str(error) if error else None})
    if as_json:
        print_json({"papers": rows, "failures": failures})
    else:
        for row in rows:
            p = row["paper"]
            assert isinstance(p, dict)
            typer.echo(f"arXiv:{p['arxiv_id']}v{p['version']}  {p['title']}")
            authors = ", ".join(p["authors"][:6]) + (" et al." if len(p["authors"]) > 6 else "")
            typer.echo(f"  {authors}")
            if p["affiliations"]:
                typer.echo(f"  affiliations: {'; '.join(p['affiliations'])}")
            typer.echo(f"  published {str(p['published'])[:10]}, updated {str(p['updated'])[:10]}, "
                       f"{p['primary_category']}")
            if p["comment"]:
                typer.echo(f"  comment: {p['comment']}")
            if row["pdf_path"]:
                typer.echo(f"  pdf: {row['pdf_path']}")
            if row["error"]:
                typer.echo(f"  failed: {row['error']}")
        for failure in failures:
            typer.echo(f"failed: {failure['error']}", err=True)
    if failures or any(r["error"] for r in rows):
        raise typer.Exit(1)


def sources(
    ctx: typer.Context,
    ids: Optional[list[str]] = typer.Argument(None, help="extra arXiv ids, as on the nightly command line"),
    log: Optional[Path] = typer.Option(None, "--log", metavar="FILE",
                                       help=f"the log whose pending list to read ({LOG_DEFAULT_HELP})"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    redraft_new_versions: bool = typer.Option(False, "--redraft-new-versions",
                                              help="take newer versions of papers already drafted"),
) -> None:
    """Show what tonight's run would take (queries + pending list + IDS) within its budget, each query result
    with its relevance to your log. Downloads nothing, records nothing.

    Exit 1 when a whole source (the pending list, a query, the arXiv API) could not be read."""
    from paperflow.ledger import Ledger
    from paperflow.log.weekly_log import read_log, style_examples
    from paperflow.sources.budget import select_tonight
    from paperflow.sources.gather import gather_sources

    settings = settings_from(ctx)
    # Without any log the queries and IDS still say what would be taken; a log named but missing is an error.
    no_log = log is None and settings.log.path is None
    parsed = None if no_log else read_log(log_path(settings, log), settings.log.layout).parsed
    ledger = Ledger.open(settings)
    plan = gather_sources(settings, ledger, ids=ids or [], parsed_log=parsed, record=False,
                          redraft_new_versions=redraft_new_versions)
    # The style examples are part of each paper's prompt, so of its estimate.
    wanted = settings.log.style_examples if parsed is not None and settings.llm.enabled else 0
    examples = style_examples(parsed, wanted) if wanted else []
    night = select_tonight(plan.take, parsed, settings, examples)
    if as_json:
        data = plan.model_dump(mode="json", exclude={"pending", "take", "lists"})
        data["lists"] = [{"item": r.item.text, "status": r.status.value, "arxiv_id": r.arxiv_id,
                          "describe": r.describe()} for r in plan.lists]
        data["take"] = [_paper_json(p, night) for p in night.take]
        data["over_budget"] = [dict(_paper_json(o.paper, night), reason=o.reason, checkbox=o.checkbox())
                               for o in night.over_budget]
        data["selection"] = night.describe()
        data["pending"] = [
            {"line": r.item.line + 1, "text": r.item.text, "status": r.status.value, "arxiv_id": r.arxiv_id,
             "describe": r.describe()}
            for r in plan.pending
        ]
        print_json(data)
        if plan.unreadable:
            raise typer.Exit(1)
        return
    if parsed is None:
        typer.echo("no log configured (--log FILE or [log] path): pending list not read, query results not scored")
    typer.echo(f"take ({len(night.take)}):")
    for paper in night.take:
        typer.echo(f"  arXiv:{paper.versioned_id}  {paper.title}  [{paper.source.value}: {paper.source_detail}]")
        _echo_relevance(paper.key, night)
    if night.over_budget:
        typer.echo(f"over budget, not drafted tonight ({len(night.over_budget)}):")
        for over in night.over_budget:
            typer.echo(f"  arXiv:{over.paper.versioned_id}  {over.paper.title}: {over.reason}")
            _echo_relevance(over.paper.key, night)
    typer.echo(night.describe())
    if plan.skipped:
        typer.echo(f"skipped ({len(plan.skipped)}):")
        for skipped in plan.skipped:
            typer.echo(f"  {skipped.key}  {skipped.title}: {skipped.reason}")
    if plan.unresolved:
        typer.echo(f"pending items left alone ({len(plan.unresolved)}):")
        for res in plan.unresolved:
            typer.echo(f"  line {res.item.line + 1}: {res.item.text}: {res.describe()}")
    unresolved_in_lists = [r for r in plan.lists if r.status.value in ("unresolved", "error")]
    if unresolved_in_lists:
        typer.echo(f"reading-list items left alone ({len(unresolved_in_lists)}):")
        for res in unresolved_in_lists:
            typer.echo(f"  {res.item.text}: {res.describe()}")
    for note in plan.notes:
        typer.echo(note)
    for name, count in plan.query_counts.items():
        typer.echo(f"query {name!r}: {count} new")
    for failure in plan.failures:
        typer.echo(f"failed: {failure}")
    typer.echo(f"{plan.api_requests} arXiv API requests")
    for what in plan.unreadable:
        typer.echo(f"paperflow sources: could not read {what}", err=True)
    if plan.unreadable:
        raise typer.Exit(1)


def _paper_json(paper, night: NightPlan) -> dict:
    """A paper of `paperflow sources --json`, with its relevance to the log (query results only:
    `score` 0..1 and the `nearest` entries; null for papers asked for)."""
    data = paper.model_dump(mode="json")
    rel = night.relevance.get(paper.key)
    data["score"] = rel.score if rel else None
    data["nearest"] = [n.model_dump(mode="json") for n in rel.nearest] if rel else None
    data["relevance"] = rel.describe() if rel else None
    return data


def _echo_relevance(key: str, night: NightPlan) -> None:
    rel = night.relevance.get(key)
    if rel is not None:
        typer.echo(f"    relevance {rel.describe()}")


def register(app: typer.Typer) -> None:
    app.command("fetch")(fetch)
    app.command("sources")(sources)

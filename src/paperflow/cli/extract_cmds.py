"""`paperflow extract FILE.pdf`: what paperflow reads from a PDF and what the LLM would be given."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from paperflow.cli.common import print_json, settings_from


def extract(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="a PDF file"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    max_tokens: Optional[int] = typer.Option(
        None, "--max-tokens", min=100, metavar="N",
        help="input budget in tokens (default: [extract] max_input_tokens in paperflow.toml, 6000 unless set)"
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="extract again, ignoring output/text/"),
    show_input: bool = typer.Option(True, "--input/--no-input", help="print the selected input text"),
    figures_dir: Optional[Path] = typer.Option(
        None, "--figures", metavar="DIR", help="write a PNG of every figure and table found into DIR, to look at"),
) -> None:
    """Print the sections found in FILE, the coverage report and the selected input for the LLM.

    A bad PDF ends with one line naming the file and the cause, exit code 2."""
    from paperflow.log.storage import check_regular_file
    from paperflow.text.budget import select_input
    from paperflow.text.extract import extract_pdf

    settings = settings_from(ctx)
    if file.exists() and not file.is_file() and not file.is_dir():
        check_regular_file(file, stage="extract")  # a FIFO or a device is refused here, never opened
    budget = max_tokens or settings.extract.max_input_tokens
    text = extract_pdf(file, settings, file.name, use_cache=not no_cache)
    selected = select_input(text, budget)
    floats, crop_problems = _floats_of(text, file, settings, figures_dir)
    if as_json:
        print_json(
            {
                "paper": text.label,
                "sha256": text.sha256,
                "pages": text.pages,
                "title": text.title,
                "authors": text.authors,
                "affiliations": text.affiliations,
                "email_domains": text.email_domains,
                "arxiv": {"id": text.arxiv_id, "version": text.arxiv_version, "category": text.arxiv_category,
                          "date": text.arxiv_date.isoformat() if text.arxiv_date else None} if text.arxiv_id else None,
                "engine": text.engine,
                "structure": text.structure,
                "contents_pages": text.contents_pages,
                "warnings": text.warnings,
                "stats": text.stats,
                "sections": [
                    {
                        "title": s.title,
                        "kind": s.kind.value,
                        "level": s.level,
                        "page": s.page,
                        "tokens": s.tokens(),
                        "inferred": s.inferred,
                    }
                    for s in text.sections
                ],
                "coverage": {**selected.coverage.model_dump(mode="json"), "cut": selected.coverage.cut,
                             "summary": selected.coverage.describe()},
                "figures": floats,
                "input": selected.text,
            }
        )
        return
    typer.echo(f"{text.label}: {text.pages} pages, title: {text.title or '(not found)'}")
    if text.affiliations:
        typer.echo(f"affiliations: {'; '.join(text.affiliations)}")
    if text.arxiv_id:
        typer.echo(f"arXiv: {text.arxiv_id}v{text.arxiv_version} [{text.arxiv_category}] "
                   f"{text.arxiv_date.isoformat() if text.arxiv_date else ''}".rstrip())
    typer.echo(f"read by {text.engine}; sections from {text.structure}"
               + (f"; contents pages left out: {', '.join(map(str, text.contents_pages))}" if text.contents_pages else ""))
    for warning in text.warnings:
        typer.echo(f"warning: {warning}")
    typer.echo("sections:")
    for s in text.sections:
        mark = " (by position)" if s.inferred else ""
        indent = "  " * s.level
        typer.echo(f"{indent}{s.title}  [{s.kind.value}{mark}, p.{s.page}, ~{s.tokens():,} tokens]")
    typer.echo(f"figures and tables: {len(floats)}")
    for f in floats:
        mark = "  [picked: " + f["picked"] + "]" if f["picked"] else ""
        typer.echo(f"  {f['kind']} {f['number']}, p.{f['page']}: {f['caption'][:100]}{mark}")
    for problem in crop_problems:
        typer.echo(f"warning: crop not written: {problem}")
    typer.echo(f"coverage: {selected.coverage.describe()}")
    if selected.coverage.left_out:
        typer.echo(f"left out: {', '.join(selected.coverage.left_out)}")
    if show_input:
        typer.echo("\n--- input for the LLM ---")
        typer.echo(selected.text)


def _floats_of(text, file: Path, settings, figures_dir: Path | None) -> tuple[list[dict], list[str]]:
    """The figures and tables as printed (kind, number, page, box, caption, the rule's pick or ""), and their
    crops written into `figures_dir` when given."""
    from paperflow.summary.figure_choice import rule_picks
    from paperflow.text.extract import crop_floats

    picked = rule_picks(text.figures, settings.figures.max_per_entry, text.sections)
    rows = [{**f.as_dict(), "picked": picked.get((f.kind, f.number), "")} for f in text.figures]
    problems: list[str] = []
    if figures_dir is not None and text.figures:
        _crops, problems = crop_floats(file, text.figures, settings, text.sha256, folder=figures_dir)
    return rows, problems


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)

"""`paperflow log ...` and `paperflow pending`: read and write the weekly log."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer
from pydantic import ValidationError

from paperflow.cli.common import print_json, settings_from
from paperflow.log.entry import render_entry, template_path
from paperflow.errors import PaperflowError
from paperflow.models import Summary
from paperflow.settings import Settings
from paperflow.log.weekly_log import DraftEntry, insert_entries, read_log

log_app = typer.Typer(help="Read and write the weekly paper log.", no_args_is_help=True)


def _log_path(settings: Settings, given: Path | None) -> Path:
    return given if given is not None else settings.log.path


def parse_day(value: str | None, settings: Settings) -> date:
    """YYYY-MM-DD (or YYYY.M.D) from the command line, else today in the configured time zone."""
    if not value:
        return settings.today()
    for fmt in ("%Y-%m-%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"{value!r} is not a date like 2024-01-03")


def load_summary_file(path: Path) -> Summary:
    """A Summary from a JSON file, or a one-line error naming the file and the first bad field."""
    try:
        return Summary.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise PaperflowError("file not found", paper=str(path), stage="log insert") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise PaperflowError(f"{where}: {first['msg']}", paper=str(path), stage="log insert") from None


@log_app.command("check")
def check(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, help="the log (default: log.path from the settings)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Parse the log and print its counts and any line it could not classify."""
    path = file if file is not None else settings_from(ctx).log.path
    if not path.is_file():
        raise PaperflowError(f"{path} does not exist", stage="log check")
    snapshot = read_log(path)
    parsed = snapshot.parsed
    counts = parsed.counts()
    unclassified = [{"line": line + 1, "text": text} for line, text in parsed.loose]
    if as_json:
        print_json(
            {
                **counts,
                "file": str(path),
                "line_endings": "crlf" if parsed.newline == "\r\n" else "lf",
                "bom": parsed.has_bom,
                "has_pending_list": parsed.pending_header is not None,
                "unclassified_lines": unclassified,
            }
        )
        return
    typer.echo(f"{path}: {counts['months']} months, {counts['days']} days, {counts['entries']} entries")
    typer.echo(f"pending list: {counts['pending_open']} open, {counts['pending_done']} ticked")
    if parsed.pending_header is None:
        typer.echo("no '# pending list' section")
    for item in unclassified:
        typer.echo(f"unclassified line {item['line']}: {item['text']}")


@log_app.command("insert")
def insert(
    ctx: typer.Context,
    summaries: list[Path] = typer.Argument(..., help="summary JSON files (see `paperflow log schema`)"),
    log: Optional[Path] = typer.Option(None, "--log", help="the log (default: log.path)"),
    day: Optional[str] = typer.Option(None, "--date", help="the day to file them under (default: today)"),
) -> None:
    """Render summary JSON files as entries and insert them into the log."""
    settings = settings_from(ctx)
    target = _log_path(settings, log)
    when = parse_day(day, settings)
    template = template_path(settings.prompts_path(), settings.log.entry_template)
    drafts = []
    for path in summaries:
        summary = load_summary_file(path)
        drafts.append(DraftEntry(summary.title, render_entry(summary, template, settings.log.language)))
    result = insert_entries(target, drafts, when)
    header = f"## {when.year}.{when.month}.{when.day}"
    for title in result.inserted:
        typer.echo(f"inserted under {header}: {title}")
    for title in result.skipped:
        typer.echo(f"skipped, already in the log: {title}")


@log_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a summary JSON file."""
    typer.echo(json.dumps(Summary.model_json_schema(), ensure_ascii=False, indent=2))


def pending(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, help="the log (default: log.path)"),
    resolve: bool = typer.Option(False, "--resolve", help="find each open item's arXiv id"),
    show_all: bool = typer.Option(False, "--all", help="also list ticked items"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the pending items of the log (with --resolve: their arXiv ids, or why not)."""
    settings = settings_from(ctx)
    path = _log_path(settings, file)
    parsed = read_log(path).parsed
    items = parsed.pending if show_all else parsed.pending_open
    resolutions: dict[int, object] = {}
    if resolve:
        from paperflow.ledger import Ledger
        from paperflow.sources.pending import resolve_pending

        with Ledger.open(settings) as ledger:
            for res in resolve_pending(settings, parsed, ledger):
                resolutions[res.item.line] = res
    rows = []
    for item in items:
        row = {"line": item.line + 1, "done": item.done, "level": item.level, "text": item.text}
        if item.line in resolutions:
            row.update(_resolution_fields(resolutions[item.line]))
        rows.append(row)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        box = "[x]" if row["done"] else "[ ]"
        line = f"{row['line']:>5} {'  ' * row['level']}{box} {row['text']}"
        if resolve and "status" in row:
            line += f"  ->  {row['status']}"
        typer.echo(line)


def _resolution_fields(resolution: object) -> dict[str, object]:
    describe = getattr(resolution, "describe", None)
    fields = resolution.model_dump(mode="json", exclude={"item"}) if hasattr(resolution, "model_dump") else {}
    fields["status"] = describe() if callable(describe) else str(resolution)
    return fields


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")
    app.command("pending")(pending)

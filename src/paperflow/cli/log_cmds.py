"""`paperflow log ...` and `paperflow pending`: read and write the weekly log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from paperflow.cli.common import LOG_DEFAULT_HELP, log_path, parse_day, print_json, settings_from
from paperflow.errors import LogFormatError, PaperflowError

if TYPE_CHECKING:
    from paperflow.models import Summary

# Each command imports what it uses when it runs: `log check` reads a log without loading the
# models, the entry template or the settings' dependencies it does not need.

log_app = typer.Typer(help="Read and write the weekly paper log.", no_args_is_help=True)

SUMMARY_FILE_MAX_BYTES = 1_000_000


def load_summary_file(path: Path) -> Summary:
    """A Summary from a JSON file, or a one-line error naming the file and the first bad field.

    Every field is validated as for an LLM's answer (the arXiv id by the id parser, lengths and
    counts bounded); the entry template then escapes every text field the same way."""
    from pydantic import ValidationError

    from paperflow.log import storage
    from paperflow.models import Summary

    try:
        data = storage.read_bytes(path, max_bytes=SUMMARY_FILE_MAX_BYTES)
    except LogFormatError as exc:
        raise PaperflowError(exc.message, stage="log insert") from None
    try:
        return Summary.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise PaperflowError(f"{where}: {first['msg']}", paper=str(path), stage="log insert") from None


@log_app.command("check")
def check(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, help=f"the log ({LOG_DEFAULT_HELP})", metavar="[FILE]"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Parse the log and print its counts and any line it could not classify."""
    from paperflow.log.weekly_log import read_log, require_layout

    settings = settings_from(ctx)
    path = log_path(settings, file, option="FILE", reads_only=True)
    if _describe_reading_list(settings, path, as_json):
        return
    parsed = require_layout(read_log(path, settings.log.layout))  # unrecognised: one line, exit 2
    assert parsed.layout is not None
    counts = parsed.counts()
    unclassified = [{"line": line + 1, "text": text} for line, text in parsed.loose]
    if as_json:
        print_json(
            {
                **counts,
                "titles": len(parsed.titles),
                "topics": [topic.name for topic in parsed.topics],
                "layout": parsed.layout.name,
                "layout_parts": parsed.layout.model_dump(mode="json"),
                "layout_note": parsed.layout_note,
                "file": str(path),
                "line_endings": "crlf" if parsed.newline == "\r\n" else "lf",
                "bom": parsed.has_bom,
                "has_pending_list": parsed.pending_header is not None,
                "unclassified_lines": unclassified,
            }
        )
        return
    typer.echo(f"layout {parsed.layout.describe()} ({parsed.layout_note})")
    if parsed.layout.weekly:
        typer.echo(f"{path}: {counts['months']} months, {counts['days']} days, {counts['entries']} entries")
    else:
        names = ", ".join(topic.name for topic in parsed.topics)
        typer.echo(f"{path}: {counts['entries']} entries, {len(parsed.titles)} titles, {len(parsed.topics)} topics"
                   + (f" ({names})" if names else ""))
    typer.echo(f"pending list: {counts['pending_open']} open, {counts['pending_done']} ticked")
    if parsed.pending_header is None:
        typer.echo("no '# pending list' section")
    for item in unclassified:
        typer.echo(f"unclassified line {item['line']}: {item['text']}")


def _describe_reading_list(settings, path: Path, as_json: bool) -> bool:
    """A configured reading list is no log: say what it gives as a source (no search is made) and that it is
    never written. False when `path` is not one."""
    listed = settings.sources.list_of(path)
    if listed is None:
        return False
    from paperflow.sources.ids import find_arxiv_id
    from paperflow.sources.lists import read_list
    from paperflow.sources.pending import title_from_item

    read = read_list(path)
    has_id = [find_arxiv_id(item.text) is not None for item in read.items]
    ids = sum(has_id)
    titles = sum(1 for item, known in zip(read.items, has_id, strict=True) if not known and title_from_item(item.text))
    name = listed.name or listed.path.name
    if as_json:
        print_json({"file": str(path), "reading_list": name, "items": len(read.items), "arxiv_ids": ids,
                    "titles_to_search": titles, "repaired": read.repaired})
        return True
    typer.echo(f"{path}: the reading list {name} ([[sources.lists]]), not a log: paperflow reads it as a "
               "source and never writes it")
    typer.echo(f"{len(read.items)} items: {ids} with an arXiv id or link, {titles} titles to search "
               "(`paperflow sources` resolves them)")
    if read.repaired:
        typer.echo(read.repaired)
    return True


@log_app.command("insert")
def insert(
    ctx: typer.Context,
    summaries: list[Path] = typer.Argument(..., help="summary JSON files (see `paperflow log schema`)",
                                           metavar="SUMMARY.json..."),
    log: Optional[Path] = typer.Option(None, "--log", help=f"the log ({LOG_DEFAULT_HELP})", metavar="FILE"),
    day: Optional[str] = typer.Option(None, "--date", help="the day to file them under (default: today)",
                                      metavar="YYYY-MM-DD"),
    create: bool = typer.Option(False, "--create", help="start a new log (with a # pending list) if there is none"),
) -> None:
    """Render summary JSON files as entries and insert them into the log."""
    from paperflow.log.entry import draft_entry
    from paperflow.log.weekly_log import insert_entries

    settings = settings_from(ctx)
    when = parse_day(day, settings)
    drafts = [draft_entry(load_summary_file(path), settings) for path in summaries]
    target = log_path(settings, log, create=create)
    result = insert_entries(target, drafts, when, layout=settings.log.layout)
    weekly = result.layout is None or result.layout.weekly
    header = f"## {when.year}.{when.month}.{when.day}" if weekly else f"{result.layout.name} entries"
    for title in result.inserted:
        typer.echo(f"inserted under {header}: {title}")
    for title in result.skipped:
        typer.echo(f"skipped, already in the log: {title}")


@log_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a summary JSON file."""
    from paperflow.models import Summary

    typer.echo(json.dumps(Summary.model_json_schema(), ensure_ascii=False, indent=2))


def pending(
    ctx: typer.Context,
    file: Optional[Path] = typer.Argument(None, help=f"the log ({LOG_DEFAULT_HELP})", metavar="[FILE]"),
    resolve: bool = typer.Option(False, "--resolve", help="find each open item's arXiv id"),
    show_all: bool = typer.Option(False, "--all", help="also list ticked items"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the pending items of the log (with --resolve: their arXiv ids, or why not).

    With --resolve, exit 1 when a title search could not be made (the arXiv API down or unreachable)."""
    from paperflow.log.weekly_log import read_log

    settings = settings_from(ctx)
    path = log_path(settings, file, option="FILE")
    parsed = read_log(path, settings.log.layout).parsed
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
    unread = any(getattr(r, "status", None) == "error" for r in resolutions.values())
    if as_json:
        print_json(rows)
        if unread:
            raise typer.Exit(1)
        return
    for row in rows:
        box = "[x]" if row["done"] else "[ ]"
        line = f"{row['line']:>5} {'  ' * row['level']}{box} {row['text']}"
        if resolve and "status" in row:
            line += f"  ->  {row['status']}"
        typer.echo(line)
    if unread:
        raise typer.Exit(1)


def _resolution_fields(resolution: object) -> dict[str, object]:
    describe = getattr(resolution, "describe", None)
    fields = resolution.model_dump(mode="json", exclude={"item"}) if hasattr(resolution, "model_dump") else {}
    fields["status"] = describe() if callable(describe) else str(resolution)
    return fields


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")
    app.command("pending")(pending)

"""Reading lists as sources (`[[sources.lists]]`): Markdown files whose list items and table rows name papers.

An item names a paper by an arXiv link or id (`arxiv.org/abs/2206.07682`, `arxiv.org/pdf/2005.14165`,
`arXiv:1706.03762`), else by its title (a Markdown link's text, or the item's text), searched like a pending
item's (`paperflow.sources.pending`). A table's header row and its `| --- |` line are not items. Text that is
mojibake (UTF-8 read as cp1252 and saved again, as such lists are often published) is repaired with `ftfy`
before it is read, and a note says so. The list file is only ever read: what was drafted is in the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ftfy

from paperflow.errors import PaperflowError
from paperflow.log.weekly_log import BOM, PendingItem, fenced_lines, split_lines
from paperflow.settings import ReadingList

MAX_LIST_BYTES = 5_000_000  # a reading list, not a data dump
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*\S)[ \t]*$")
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_HEADING_ITEM = re.compile(r"^#{1,6}[ \t]")  # "1. # Section": a heading inside a list item, not a paper


class ReadingListError(PaperflowError):
    """A reading list that cannot be read (missing, a folder without Markdown, unreadable)."""


@dataclass
class ListRead:
    """The items of one reading list file, with a note when its text had to be repaired."""

    path: Path
    items: list[PendingItem] = field(default_factory=list)  # line 0-based, text the paper's cell or item
    repaired: str | None = None  # one line: what ftfy did


def list_files(reading_list: ReadingList) -> list[Path]:
    """The Markdown files of a `[[sources.lists]]` entry (a file, or the *.md files of a folder, by name)."""
    path = reading_list.path
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".md", ".markdown") and p.is_file())
        if not files:
            raise ReadingListError(f"reading list {path}: no Markdown files in this folder", stage="resolve")
        return files
    if not path.is_file():
        raise ReadingListError(f"reading list {path}: does not exist", stage="resolve")
    return [path]


# ftfy repairs the encoding only: quotes, full-width characters, ligatures, line breaks and normalisation
# stay as the person wrote them (so a list that is not mojibake is never "repaired").
_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False, normalization=None,
)
# What is left of UTF-8 read as cp1252: a lead byte's letter (Ã..ï) before a continuation byte's.
_MOJIBAKE_LEFT = re.compile("[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                            "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def repair_text(text: str) -> tuple[str, str | None]:
    """The text with mojibake repaired (ftfy), and one line saying what was done (None: nothing was).

    Where the mojibake lost bytes before it was saved (cp1252 has no characters for 0x81, 0x8d, 0x8f, 0x90,
    0x9d, so a copy through it drops them), the characters cannot be known again: that text stays as it is,
    and the note says how much."""
    fixed, steps = ftfy.fix_and_explain(text, config=_ENCODING_ONLY)
    if fixed == text:
        return text, None
    names = sorted({step for _, step in steps or []})
    note = "mojibake repaired by ftfy (" + ", ".join(names) + ")"
    left = len(_MOJIBAKE_LEFT.findall(fixed))
    if left:
        note += f"; {left} places stay garbled (bytes lost before the file was saved)"
    return fixed, note


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def _paper_text(cells: Sequence[str]) -> str:
    """The cell of a table row that names the paper: the first with a link or an arXiv id, else the longest."""
    for cell in cells:
        if _LINK.search(cell) or re.search(r"arxiv", cell, re.IGNORECASE):
            return cell
    return max(cells, key=len, default="")


def read_items(text: str) -> list[PendingItem]:
    """The list items and table rows of a Markdown text (outside code blocks), as items to resolve."""
    lines = split_lines(text)
    fenced, _ = fenced_lines(lines)
    items: list[PendingItem] = []
    for index, raw in enumerate(lines):
        body = raw.rstrip("\n").rstrip("\r")
        if index in fenced:
            continue
        row = _TABLE_ROW.match(body)
        if row:
            following = lines[index + 1].rstrip("\r\n") if index + 1 < len(lines) else ""
            if _TABLE_RULE.match(body) or _TABLE_RULE.match(following):
                continue  # the rule, or the header row above it
            paper = _paper_text(_cells(row.group(1)))
            if paper:
                items.append(PendingItem(index, paper, False, 0))
            continue
        item = _LIST_ITEM.match(body)
        if item and not _HEADING_ITEM.match(item.group(1)):
            items.append(PendingItem(index, item.group(1).strip(), False, 0))
    return items


def read_list(path: Path) -> ListRead:
    """One reading list file: its items, its text repaired first when it is mojibake. Never writes the file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise ReadingListError(f"reading list {path}: cannot read: {exc.strerror or exc}", stage="resolve") from None
    if len(data) > MAX_LIST_BYTES:
        raise ReadingListError(f"reading list {path}: larger than {MAX_LIST_BYTES} bytes", stage="resolve")
    text = data.removeprefix(BOM).decode("utf-8", errors="replace")
    fixed, note = repair_text(text)
    return ListRead(path, read_items(fixed), note)


def item_label(reading_list: ReadingList, read: ListRead, item: PendingItem) -> str:
    """Where an item is, for reports: "reading list NAME, line N"."""
    name = read.path.name
    if reading_list.name:
        name = f"{reading_list.name} ({name})" if read.path != reading_list.path else reading_list.name
    return f"reading list {name}, line {item.line + 1}"

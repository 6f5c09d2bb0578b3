"""The weekly paper log: read it, insert drafted entries into it, tick its pending items.

Logs in other layouts (one heading per paper) are read and written through the same functions, in the layout
`[log] layout` gives or `paperflow.log.headings` recognises (`parse_log(data, layout)`); the rules below hold
for every layout.

The log is a person's years-old, hand-edited Markdown file (see the format document). The rules:

- Reading tolerates everything: old styles, CRLF, a UTF-8 BOM, bytes that are not UTF-8, no pending
  list, no dated part, an empty file.
- Writing only *inserts* whole lines (the new entries and, when needed, their day and month headers)
  and turns `[ ]` into `[x]` on pending items being ticked. Every other byte stays as it was, line
  endings included: lines are split on "\\n" only and re-joined unchanged.
- Headers, entries and pending items inside fenced code blocks (``` or ~~~) are text.
- Only entry title lines say which papers are in the log; a 《》 anywhere else is text.
- A write is atomic, runs under the log's inter-process lock, and is refused when the file changed on
  disk since it was read, even in the instant before it is replaced (see `paperflow.log.storage`).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from filelock import FileLock

from paperflow.errors import LogChangedError, LogFormatError
from paperflow.log import storage
from paperflow.log.layouts import WEEKLY, Layout, LayoutSetting
from paperflow.log.storage import (  # noqa: F401 - part of this module's interface
    SKELETON,
    LogMissingError,
    NoLogConfiguredError,
    create_log,
    write_atomic,
)

BOM = b"\xef\xbb\xbf"

_MONTH = re.compile(r"^#[ \t]*(\d{4})\.(\d{1,2})[ \t]*$")
_DAY = re.compile(r"^##[ \t]*(\d{4})\.(\d{1,2})\.(\d{1,2})[ \t]*$")
_H1 = re.compile(r"^#(?!#)")
_HEADER = re.compile(r"^#{1,6}(?:[ \t]|$)")
_PENDING_HEADER = re.compile(r"^#[ \t]*pending[ \t_-]*list\b.*$", re.IGNORECASE)
_PENDING_ITEM = re.compile(r"^([ \t]*)[-*+][ \t]+\[([ xX])\][ \t]?(.*)$")
# An entry title: a line that opens with 《 (after optional list marker, quote or emphasis) and closes with 》.
# A short parenthetical may follow the title: 《Title》（CVPR 2023）.
_TITLE_LINE = re.compile(
    r"^[ \t]*(?:[-*+>][ \t]+)?[*_]{0,3}《(.+)》[*_]{0,3}[ \t]*(?:[（(][^（）()]{0,40}[）)])?[ \t]*[:：]?[ \t]*$"
)
# A fenced code block opens with ``` or ~~~ (three or more, up to three spaces of indent; deeper in
# list items) and closes with a line of at least as many of the same character and nothing else.
_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*$")
_KEYWORDS_LINE = re.compile(r"^\*\*keywords:\*\*", re.IGNORECASE)


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class PendingItem:
    line: int  # 0-based index into the file's lines
    text: str
    done: bool
    level: int  # nesting: 0 for a top-level item


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    line: int


@dataclass(frozen=True)
class Day:
    date: date
    line: int


@dataclass(frozen=True)
class LogEntry:
    title: str  # markup and 《》 stripped
    line: int
    end: int  # exclusive: the entry runs over lines[line:end] (trailing blank lines excluded)
    day: date | None
    hand_written: bool  # False when paperflow drafted it (a keywords line; in heading layouts its arXiv link)
    # Heading layouts (paperflow.log.headings): what a "(2019 Google AI) BERT" heading says, and the topic
    # section the entry is in.
    year: int | None = None
    organisation: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Topic:
    """A section of a heading layout that holds entries (`## NLP`)."""

    name: str
    line: int
    level: int


@dataclass
class ParsedLog:
    """A parsed log. `lines` re-joined give back the file's text exactly."""

    lines: list[str]
    has_bom: bool
    newline: str
    pending_header: int | None = None
    pending_end: int | None = None  # exclusive end of the pending section
    pending: list[PendingItem] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    loose: list[tuple[int, str]] = field(default_factory=list)  # (line, text) lines it could not classify
    titles: set[str] = field(default_factory=set)  # normalised titles of the entries (title lines only)
    fenced: frozenset[int] = frozenset()  # lines inside fenced code blocks: text, never headers or entries
    open_fence: int | None = None  # line of a code fence never closed (it runs to the end of the file)
    layout: Layout | None = WEEKLY  # None: the layout could not be recognised (nothing is written then)
    layout_note: str = ""  # how the layout was chosen, for `paperflow log check`
    topics: list[Topic] = field(default_factory=list)  # heading layouts' topic sections

    @property
    def pending_open(self) -> list[PendingItem]:
        return [p for p in self.pending if not p.done]

    def has_title(self, title: str) -> bool:
        """Whether a paper of this title is already in the log (compared loosely)."""
        key = normalize_title(title)
        return bool(key) and key in self.titles

    def entry_text(self, entry: LogEntry) -> str:
        return "".join(self.lines[entry.line : entry.end])

    def recency(self, entry: LogEntry) -> int | None:
        """A number that grows with how new the entry is (None: unknown): its day in the weekly log, its
        place in the file in heading layouts (newest last, or newest first where new entries go on top)."""
        if self.layout is None or self.layout.weekly:
            return entry.day.toordinal() if entry.day is not None else None
        return -entry.line if self.layout.insert == "top" else entry.line

    def counts(self) -> dict[str, int]:
        return {
            "months": len(self.months),
            "days": len(self.days),
            "entries": len(self.entries),
            "pending_open": sum(1 for p in self.pending if not p.done),
            "pending_done": sum(1 for p in self.pending if p.done),
            "unclassified": len(self.loose),
        }


# ------------------------------------------------------------------------------------------- parsing


def normalize_title(title: str) -> str:
    """A title reduced for loose comparison: case, spacing, punctuation, 《》 and emphasis aside.

    HTML entities are decoded first: the entry template writes `<` as `&lt;`, and the title read
    back from the file must still match the summary's own title. A title made only of punctuation
    keeps its punctuation (spacing aside), so it still matches itself and nothing else.
    """
    text = unicodedata.normalize("NFKC", html.unescape(title)).casefold()
    key = "".join(ch for ch in text if ch.isalnum())
    if key:
        return key
    return "".join(ch for ch in text if not ch.isspace() and ch not in "《》*_`")


def strip_title_markup(title: str) -> str:
    text = re.sub(r"[*_`]+", "", title)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](link) -> text
    return " ".join(text.replace("《", " ").replace("》", " ").split())


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (a lone "\\r" or U+2028 stays inside its line)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _body(line: str) -> str:
    return line.rstrip("\n").rstrip("\r")


def decode(data: bytes) -> tuple[str, bool]:
    """Text of the file and whether it had a BOM. Bytes that are not UTF-8 survive as surrogates."""
    has_bom = data.startswith(BOM)
    if has_bom:
        data = data[len(BOM) :]
    return data.decode("utf-8", errors="surrogateescape"), has_bom


def encode(text: str, has_bom: bool) -> bytes:
    return (BOM if has_bom else b"") + text.encode("utf-8", errors="surrogateescape")


def _newline_style(lines: Sequence[str]) -> str:
    crlf = sum(1 for line in lines if line.endswith("\r\n"))
    lf = sum(1 for line in lines if line.endswith("\n")) - crlf
    return "\r\n" if crlf > lf else "\n"


def parse_log(data: bytes | str, layout: LayoutSetting = "auto") -> ParsedLog:
    """Parse a log. Never fails on content: what it cannot classify is listed in `loose`.

    Four steps: decode and split into lines, mark the lines inside fenced code blocks (they are
    text, whatever they look like), choose the layout (`layout`, recognised from the file when "auto"
    or "headings"; `log.layout` is None when it cannot be), then read the lines top to bottom
    (`_LogReader` for the weekly layout, `paperflow.log.headings` for the others)."""
    from paperflow.log import headings  # imports this module

    lines, has_bom = _decode_lines(data)
    log = ParsedLog(lines=lines, has_bom=has_bom, newline=_newline_style(lines))
    log.fenced, log.open_fence = fenced_lines(lines)
    log.layout, log.layout_note = headings.choose_layout(lines, log.fenced, layout)
    if log.layout is not None and not log.layout.weekly:
        headings.read(log)
    elif log.layout is not None:
        _LogReader(log).read()
    return log


def _decode_lines(data: bytes | str) -> tuple[list[str], bool]:
    if isinstance(data, bytes):
        text, has_bom = decode(data)
    else:
        has_bom = data.startswith("\ufeff")
        text = data[1:] if has_bom else data
    return split_lines(text), has_bom


def fenced_lines(lines: Sequence[str]) -> tuple[frozenset[int], int | None]:
    """The lines inside fenced code blocks (``` or ~~~, fence lines included), and the line of a fence
    that is never closed (it runs to the end of the file, as Markdown renders it), if any."""
    inside: set[int] = set()
    opened: tuple[int, str, int] | None = None  # (line, fence character, fence length)
    for index, raw in enumerate(lines):
        body = _body(raw)
        if opened is None:
            match = _FENCE_OPEN.match(body)
            # A backtick fence's info string may not hold a backtick (``` `x` ``` is inline code).
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                opened = (index, match.group(1)[0], len(match.group(1)))
                inside.add(index)
            continue
        inside.add(index)
        close = _FENCE_CLOSE.match(body)
        if close and close.group(1)[0] == opened[1] and len(close.group(1)) >= opened[2]:
            opened = None
    return frozenset(inside), (opened[0] if opened else None)


class _LogReader:
    """Reads a log's lines top to bottom into a ParsedLog: headers, the pending list, entries."""

    def __init__(self, log: ParsedLog):
        self.log = log
        self.in_pending = False
        self.pending_indents: list[int] = []  # indents of the items enclosing the next one
        self.current_day: date | None = None
        self.seen_dated = False
        self.entry: tuple[int, str, date | None] | None = None  # (start line, title, day) of the open entry
        self.entry_hand = True

    def read(self) -> None:
        for index, raw in enumerate(self.log.lines):
            body = _body(raw)
            if index in self.log.fenced:
                self.text_line(index, body, fenced=True)
            elif not self.header(index, body):
                self.text_line(index, body, fenced=False)
        self.close_entry(len(self.log.lines))
        if self.in_pending:
            self.log.pending_end = len(self.log.lines)

    # headers -------------------------------------------------------------------------------------

    def header(self, index: int, body: str) -> bool:
        """Handle `body` when it is a header (pending list, month, day, another H1); False otherwise."""
        if _PENDING_HEADER.match(body) and self.log.pending_header is None and not self.seen_dated:
            self.close_entry(index)
            self.in_pending = True
            self.log.pending_header = index
            return True
        month = _MONTH.match(body)
        if month and 1 <= int(month.group(2)) <= 12:
            self.enter_dated(index, None)
            self.log.months.append(Month(int(month.group(1)), int(month.group(2)), index))
            return True
        day = _DAY.match(body)
        if day and _valid_date(day):
            when = date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
            self.enter_dated(index, when)
            self.log.days.append(Day(when, index))
            return True
        if _H1.match(body) and _HEADER.match(body):
            # Another top-level header ends the pending list and any entry; it is loose text.
            self.close_entry(index)
            self.end_pending(index)
            self.current_day = None
            if self.seen_dated:
                self.log.loose.append((index, body))
            return True
        return False

    def enter_dated(self, index: int, day: date | None) -> None:
        self.close_entry(index)
        self.end_pending(index)
        self.seen_dated = True
        self.current_day = day

    def end_pending(self, index: int) -> None:
        if self.in_pending:
            self.log.pending_end = index
            self.in_pending = False

    # everything else -----------------------------------------------------------------------------

    def text_line(self, index: int, body: str, *, fenced: bool) -> None:
        if self.in_pending:
            if not fenced:
                self.pending_item(index, body)
            return
        title = None if fenced else _TITLE_LINE.match(body)
        if title and self.seen_dated:
            self.close_entry(index)
            self.entry = (index, strip_title_markup(title.group(1)), self.current_day)
            self.entry_hand = True
        elif self.entry is not None:
            if not fenced and _KEYWORDS_LINE.match(body.strip()):
                self.entry_hand = False
        elif self.seen_dated and body.strip():
            self.log.loose.append((index, body))

    def pending_item(self, index: int, body: str) -> None:
        read_pending_item(self.log, self.pending_indents, index, body)

    def close_entry(self, end: int) -> None:
        if self.entry is None:
            return
        start, title, day = self.entry
        lines = self.log.lines
        while end > start + 1 and not _body(lines[end - 1]).strip():
            end -= 1
        self.log.entries.append(LogEntry(title, start, end, day, self.entry_hand))
        key = normalize_title(title)
        if key:
            self.log.titles.add(key)
        self.entry = None


def read_pending_item(log: ParsedLog, indents: list[int], index: int, body: str) -> None:
    """Add the line to `log.pending` when it is a `- [ ]` item; `indents` holds the enclosing items' indents."""
    item = _PENDING_ITEM.match(body)
    if not item:
        return
    # The level is the number of enclosing items, whatever the indent width (2, 4, a tab).
    indent = len(item.group(1).replace("\t", "    "))
    while indents and indents[-1] >= indent:
        indents.pop()
    level = len(indents)
    indents.append(indent)
    log.pending.append(PendingItem(index, item.group(3).strip(), item.group(2) != " ", level))


def _valid_date(match: re.Match[str]) -> bool:
    try:
        date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def style_examples(parsed: ParsedLog, n: int) -> list[str]:
    """The text of the `n` most recent hand-written entries (newest first; in the weekly log, those of one
    day as the file orders them), in any layout."""
    if n <= 0:
        return []
    hand = [(recency, e) for e in parsed.entries if e.hand_written and (recency := parsed.recency(e)) is not None]
    hand.sort(key=lambda item: (item[0], -item[1].line), reverse=True)
    return [parsed.entry_text(e).replace("\r\n", "\n").strip() + "\n" for _, e in hand[:n]]


# ------------------------------------------------------------------------------------------ inserting


@dataclass(frozen=True)
class DraftEntry:
    title: str  # plain title, used to skip papers already in the log
    text: str  # rendered entry, "\n" line endings
    layout: Layout | None = None  # the layout `text` was rendered for (None: whatever the log's)
    # Renders the entry again for another layout: the insert uses it when the log turns out to be in a
    # layout other than `layout` (paperflow.log.entry.draft_entry sets it).
    render: Callable[[Layout], str] | None = field(default=None, compare=False, repr=False)

    def for_layout(self, layout: Layout) -> DraftEntry:
        if self.render is None or self.layout is None or self.layout == layout:
            return self
        return DraftEntry(self.title, self.render(layout), layout, self.render)


@dataclass
class InsertResult:
    inserted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # titles already in the log (or twice in this batch)
    ticked: list[int] = field(default_factory=list)  # pending-item lines ticked
    not_ticked: list[str] = field(default_factory=list)  # items asked for that are no longer in the list
    layout: Layout | None = None  # the layout the entries were inserted in

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.ticked)


def _tick_targets(parsed: ParsedLog, ticks: Iterable[int | PendingItem], result: InsertResult) -> list[int]:
    """The lines to tick. A bare line number must be an item's line. A PendingItem (read earlier) is
    found again by its text when the person has edited the list since: the item at its old line if the
    text still matches, else the one open item with that text; if none or several, it is left alone and
    reported in `not_ticked` rather than ticking the wrong box."""
    by_line = {p.line: p for p in parsed.pending}
    targets: set[int] = set()
    for tick in ticks:
        if isinstance(tick, PendingItem):
            here = by_line.get(tick.line)
            if here is not None and here.text == tick.text:
                item = here
            else:
                same = [p for p in parsed.pending if p.text == tick.text and not p.done]
                if len(same) != 1:
                    result.not_ticked.append(tick.text)
                    continue
                item = same[0]
        else:
            item = by_line.get(tick)
            if item is None:
                raise LogFormatError(f"line {tick + 1} is not a pending-list item", stage="log")
        if not item.done:
            targets.add(item.line)
    return sorted(targets)


def plan_insert(
    data: bytes, entries: Sequence[DraftEntry], day: date, tick_lines: Iterable[int | PendingItem] = (),
    layout: LayoutSetting = "auto",
) -> tuple[bytes, InsertResult]:
    """The new file content and what changed. Pure: no I/O. Unchanged input gives identical bytes.

    `tick_lines` holds line numbers (0-based) or PendingItems of the pending items to tick. Raises
    LogFormatError when the log's layout cannot be recognised (nothing is written then)."""
    parsed = parse_log(data, layout)
    if parsed.layout is None:
        raise LogFormatError(f"{parsed.layout_note}; nothing was written", stage="log")
    entries = [entry.for_layout(parsed.layout) for entry in entries]
    result = InsertResult(layout=parsed.layout)
    lines = list(parsed.lines)
    nl = parsed.newline

    # Tick first: ticking rewrites a line in place, so indices stay valid for the insert below.
    for line_no in _tick_targets(parsed, tick_lines, result):
        lines[line_no] = re.sub(r"\[ \]", "[x]", lines[line_no], count=1)
        result.ticked.append(line_no)

    seen = set(parsed.titles)
    fresh: list[DraftEntry] = []
    for entry in entries:
        key = normalize_title(entry.title)
        if key in seen:
            result.skipped.append(entry.title)
            continue
        seen.add(key)
        fresh.append(entry)
        result.inserted.append(entry.title)

    if fresh:
        if parsed.layout.weekly:
            places = [_insertion(parsed, day, fresh)]
        else:
            from paperflow.log import headings  # imports this module

            places = headings.insertions(parsed, fresh)
        # Bottom up, so that every place's line number still holds when it is reached.
        for at, block in sorted(places, key=lambda place: place[0], reverse=True):
            if parsed.open_fence is not None and at > parsed.open_fence:
                raise LogFormatError(
                    f"line {parsed.open_fence + 1} opens a code block (``` or ~~~) that is never closed, and the "
                    "new entries would go inside it; close it, then run again; nothing was written",
                    stage="log",
                )
            # Only whole lines are inserted; when the line before has no ending (end of file), give it one.
            if at > 0 and not lines[at - 1].endswith("\n"):
                block = ["\n", *block]
            lines[at:at] = [line[:-1] + nl if line.endswith("\n") else line for line in block]

    if not result.changed:
        return data, result
    return encode("".join(lines), parsed.has_bom), result


def _blank(line: str) -> bool:
    return not _body(line).strip()


def _entry_lines(entries: Sequence[DraftEntry]) -> list[str]:
    out: list[str] = []
    for i, entry in enumerate(entries):
        if i:
            out.append("\n")
        text = entry.text.replace("\r\n", "\n").strip("\n") + "\n"
        out.extend(split_lines(text))
    return out


def _section_end(parsed: ParsedLog, start: int, stop_at_days: bool) -> int:
    """Index of the first header after `start` that ends its section (month/H1, and day headers if asked)."""
    day_lines = {d.line for d in parsed.days}
    month_lines = {m.line for m in parsed.months}
    for index in range(start + 1, len(parsed.lines)):
        if index in parsed.fenced:
            continue
        body = _body(parsed.lines[index])
        if index in month_lines or (_H1.match(body) and _HEADER.match(body)):
            return index
        if stop_at_days and index in day_lines:
            return index
    return len(parsed.lines)


def _before_trailing_blanks(parsed: ParsedLog, start: int, end: int) -> int:
    while end > start + 1 and _blank(parsed.lines[end - 1]):
        end -= 1
    return end


def _wrap(parsed: ParsedLog, at: int, block: list[str], *, blank_before: bool = True) -> list[str]:
    """Surround a block with the blank lines it needs to stay a separate paragraph."""
    lines = parsed.lines
    if blank_before and at > 0 and not _blank(lines[at - 1]):
        block = ["\n", *block]
    if at < len(lines) and not _blank(lines[at]):
        block = [*block, "\n"]
    return block


def _insertion(parsed: ParsedLog, day: date, entries: Sequence[DraftEntry]) -> tuple[int, list[str]]:
    """Where the entries go and the lines to insert there (with "\\n" endings)."""
    body = _entry_lines(entries)
    day_header = f"## {day.year}.{day.month}.{day.day}\n"
    month_header = f"# {day.year}.{day.month}\n"

    existing_day = next((d for d in parsed.days if d.date == day), None)
    if existing_day is not None:
        # After the entries already under that day.
        end = _section_end(parsed, existing_day.line, stop_at_days=True)
        at = _before_trailing_blanks(parsed, existing_day.line, end)
        return at, _wrap(parsed, at, body)

    new_day = [day_header, "\n", *body]
    month = next((m for m in parsed.months if (m.year, m.month) == (day.year, day.month)), None)
    if month is not None:
        end = _section_end(parsed, month.line, stop_at_days=False)
        older = next((d for d in parsed.days if month.line < d.line < end and d.date < day), None)
        if older is not None:
            return older.line, _wrap(parsed, older.line, new_day)
        at = _before_trailing_blanks(parsed, month.line, end)
        return at, _wrap(parsed, at, new_day)

    new_month = [month_header, "\n", *new_day]
    older_month = next((m for m in parsed.months if (m.year, m.month) < (day.year, day.month)), None)
    if older_month is not None:
        return older_month.line, _wrap(parsed, older_month.line, new_month)
    # Day headers written without a month header (older styles) still order the file.
    older_day = next((d for d in parsed.days if d.date < day), None)
    if older_day is not None:
        return older_day.line, _wrap(parsed, older_day.line, new_month)
    if parsed.months or parsed.days:
        # Every dated section is newer: the new month goes after the last of them.
        last = max([m.line for m in parsed.months] + [d.line for d in parsed.days])
        end = _section_end(parsed, last, stop_at_days=False)
        at = _before_trailing_blanks(parsed, last, end)
        return at, _wrap(parsed, at, new_month)
    if parsed.pending_header is not None:
        # No dated part yet: right after the pending list.
        end = parsed.pending_end if parsed.pending_end is not None else len(parsed.lines)
        at = _before_trailing_blanks(parsed, parsed.pending_header, end)
        return at, _wrap(parsed, at, new_month)
    at = len(parsed.lines)
    return at, _wrap(parsed, at, new_month, blank_before=at > 0)


# ------------------------------------------------------------------------------------------- file I/O


@dataclass(frozen=True)
class LogSnapshot:
    path: Path
    data: bytes
    sha256: str
    parsed: ParsedLog


def read_log(path: Path | str, layout: LayoutSetting = "auto") -> LogSnapshot:
    """Read and parse the log in `layout`. Raises LogFormatError when it is missing (LogMissingError), not a
    regular file, or unreadable: one line naming the path. A layout that cannot be recognised is not an
    error here (`parsed.layout` is None; `require_layout` says so)."""
    path = Path(path)
    data = storage.read_bytes(path)
    return LogSnapshot(path, data, hashlib.sha256(data).hexdigest(), parse_log(data, layout))


def require_layout(snapshot: LogSnapshot) -> ParsedLog:
    """The parsed log, or LogFormatError (one line naming the file and what to set) when its layout is unknown."""
    if snapshot.parsed.layout is None:
        raise LogFormatError(f"{snapshot.path}: {snapshot.parsed.layout_note}", stage="log")
    return snapshot.parsed


def insert_entries(
    path: Path | str,
    entries: Sequence[DraftEntry],
    day: date,
    tick_lines: Iterable[int | PendingItem] = (),
    expected_sha256: str | None = None,
    lock_timeout: float = storage.LOCK_WAIT_SECONDS,
    layout: LayoutSetting = "auto",
) -> InsertResult:
    """Insert entries under `day` and tick pending items, atomically, under the log's lock.

    Entries whose title is already in the log are skipped and listed in `InsertResult.skipped`.
    Raises LogChangedError when `expected_sha256` is given and the file on disk differs from it
    (someone edited it since it was read), or when it changes while being written: nothing is written
    then. Raises LogFormatError when the log is missing, not a regular file, or read-only.
    """
    path = Path(path)
    real = storage.check_regular_file(path, writable=True)
    with storage.log_lock(real, lock_timeout, shown=path):
        snapshot = read_log(path, layout)
        require_layout(snapshot)
        if expected_sha256 is not None and snapshot.sha256 != expected_sha256:
            raise LogChangedError(f"{path} changed on disk since it was read; nothing was written", stage="log")
        new_data, result = plan_insert(snapshot.data, entries, day, tick_lines, layout)
        if result.changed:
            write_atomic(path, new_data, expected_sha256=snapshot.sha256)
        return result


def _lock_for(path: Path | str) -> FileLock:
    """The lock insert_entries takes for the log at `path` (for tests and tools that must wait for it)."""
    return FileLock(storage.lock_path(Path(os.path.realpath(path))), mode=0o664)

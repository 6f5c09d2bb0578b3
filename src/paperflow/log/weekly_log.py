"""The weekly paper log: read it, insert drafted entries into it, tick its pending items.

The log is a person's years-old, hand-edited Markdown file (see the format document). The rules:

- Reading tolerates everything: old styles, CRLF, a UTF-8 BOM, bytes that are not UTF-8, no pending
  list, no dated part, an empty file.
- Writing only *inserts* whole lines (the new entries and, when needed, their day and month headers)
  and turns `[ ]` into `[x]` on pending items being ticked. Every other byte stays as it was, line
  endings included: lines are split on "\\n" only and re-joined unchanged.
- A write is atomic (temp file, fsync, rename, same permissions), runs under an inter-process lock,
  and is refused when the file changed on disk since it was read.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from filelock import FileLock, Timeout

from paperflow.errors import LogChangedError, LogFormatError

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
_TITLE_ANYWHERE = re.compile(r"《([^《》\n]+)》")
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
    hand_written: bool  # False when paperflow drafted it (it has a keywords line)


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
    titles: set[str] = field(default_factory=set)  # normalised titles of every 《》 outside the pending list

    @property
    def pending_open(self) -> list[PendingItem]:
        return [p for p in self.pending if not p.done]

    def has_title(self, title: str) -> bool:
        """Whether a paper of this title is already in the log (compared loosely)."""
        key = normalize_title(title)
        return bool(key) and key in self.titles

    def entry_text(self, entry: LogEntry) -> str:
        return "".join(self.lines[entry.line : entry.end])

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


def parse_log(data: bytes | str) -> ParsedLog:
    """Parse a log. Never fails on content: what it cannot classify is listed in `loose`."""
    if isinstance(data, bytes):
        text, has_bom = decode(data)
    else:
        has_bom = data.startswith("\ufeff")
        text = data[1:] if has_bom else data
    lines = split_lines(text)
    log = ParsedLog(lines=lines, has_bom=has_bom, newline=_newline_style(lines))

    in_pending = False
    pending_indents: list[int] = []  # indents of the items enclosing the next one
    current_day: date | None = None
    seen_dated = False
    entry_start: int | None = None
    entry_title = ""
    entry_hand = True
    entry_day: date | None = None

    def close_entry(end: int) -> None:
        nonlocal entry_start
        if entry_start is None:
            return
        while end > entry_start + 1 and not _body(lines[end - 1]).strip():
            end -= 1
        log.entries.append(LogEntry(entry_title, entry_start, end, entry_day, entry_hand))
        entry_start = None

    for index, raw in enumerate(lines):
        body = _body(raw)
        month = _MONTH.match(body)
        day = _DAY.match(body)
        if _PENDING_HEADER.match(body) and log.pending_header is None and not seen_dated:
            close_entry(index)
            in_pending = True
            log.pending_header = index
            continue
        elif month and 1 <= int(month.group(2)) <= 12:
            close_entry(index)
            if in_pending:
                log.pending_end = index
            in_pending = False
            seen_dated = True
            current_day = None
            log.months.append(Month(int(month.group(1)), int(month.group(2)), index))
            continue
        elif day and _valid_date(day):
            close_entry(index)
            if in_pending:
                log.pending_end = index
            in_pending = False
            seen_dated = True
            current_day = date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
            log.days.append(Day(current_day, index))
            continue
        elif _H1.match(body) and _HEADER.match(body):
            # Another top-level header ends the pending list and any entry; it is loose text.
            close_entry(index)
            if in_pending:
                log.pending_end = index
                in_pending = False
            current_day = None
            if seen_dated:
                log.loose.append((index, body))
            continue

        if in_pending:
            item = _PENDING_ITEM.match(body)
            if item:
                # The level is the number of enclosing items, whatever the indent width (2, 4, a tab).
                indent = len(item.group(1).replace("\t", "    "))
                while pending_indents and pending_indents[-1] >= indent:
                    pending_indents.pop()
                level = len(pending_indents)
                pending_indents.append(indent)
                log.pending.append(PendingItem(index, item.group(3).strip(), item.group(2) != " ", level))
            continue

        title = _TITLE_LINE.match(body)
        if title and seen_dated:
            close_entry(index)
            entry_start, entry_title, entry_hand, entry_day = index, strip_title_markup(title.group(1)), True, current_day
        elif entry_start is not None:
            if _KEYWORDS_LINE.match(body.strip()):
                entry_hand = False
        elif seen_dated and body.strip():
            log.loose.append((index, body))
        for found in _TITLE_ANYWHERE.finditer(body):
            log.titles.add(normalize_title(strip_title_markup(found.group(1))))
    close_entry(len(lines))
    if in_pending:
        log.pending_end = len(lines)
    log.titles.discard("")
    return log


def _valid_date(match: re.Match[str]) -> bool:
    try:
        date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def style_examples(parsed: ParsedLog, n: int) -> list[str]:
    """The text of the `n` most recent hand-written entries (newest first, as the file orders them)."""
    if n <= 0:
        return []
    hand = [e for e in parsed.entries if e.hand_written and e.day is not None]
    hand.sort(key=lambda e: (e.day, -e.line), reverse=True)
    return [parsed.entry_text(e).replace("\r\n", "\n").strip() + "\n" for e in hand[:n]]


# ------------------------------------------------------------------------------------------ inserting


@dataclass(frozen=True)
class DraftEntry:
    title: str  # plain title, used to skip papers already in the log
    text: str  # rendered entry, "\n" line endings


@dataclass
class InsertResult:
    inserted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # titles already in the log (or twice in this batch)
    ticked: list[int] = field(default_factory=list)  # pending-item lines ticked
    not_ticked: list[str] = field(default_factory=list)  # items asked for that are no longer in the list

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
    data: bytes, entries: Sequence[DraftEntry], day: date, tick_lines: Iterable[int | PendingItem] = ()
) -> tuple[bytes, InsertResult]:
    """The new file content and what changed. Pure: no I/O. Unchanged input gives identical bytes.

    `tick_lines` holds line numbers (0-based) or PendingItems of the pending items to tick."""
    parsed = parse_log(data)
    result = InsertResult()
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
        at, block = _insertion(parsed, day, fresh)
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


def _lock_for(path: Path) -> FileLock:
    # The lock lives outside the person's repository, so it never shows up in `git status`.
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    return FileLock(os.path.join(tempfile.gettempdir(), f"paperflow-log-{digest}.lock"))


def read_log(path: Path | str) -> LogSnapshot:
    """Read and parse the log. A missing file reads as an empty log (it is created on first insert)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except IsADirectoryError:
        raise LogFormatError(f"{path} is a folder, not a log file", stage="log") from None
    except OSError as exc:
        raise LogFormatError(f"cannot read {path}: {exc.strerror}", stage="log") from None
    return LogSnapshot(path, data, hashlib.sha256(data).hexdigest(), parse_log(data))


def insert_entries(
    path: Path | str,
    entries: Sequence[DraftEntry],
    day: date,
    tick_lines: Iterable[int | PendingItem] = (),
    expected_sha256: str | None = None,
    lock_timeout: float = 60.0,
) -> InsertResult:
    """Insert entries under `day` and tick pending items, atomically, under an inter-process lock.

    Entries whose title is already in the log are skipped and listed in `InsertResult.skipped`.
    Raises LogChangedError when `expected_sha256` is given and the file on disk differs from it
    (someone edited it since it was read): nothing is written then.
    """
    path = Path(path)
    try:
        with _lock_for(path).acquire(timeout=lock_timeout):
            snapshot = read_log(path)
            if expected_sha256 is not None and snapshot.sha256 != expected_sha256:
                raise LogChangedError(f"{path} changed on disk since it was read; nothing was written", stage="log")
            new_data, result = plan_insert(snapshot.data, entries, day, tick_lines)
            if result.changed:
                write_atomic(path, new_data, expected_sha256=snapshot.sha256)
            return result
    except Timeout:
        raise LogChangedError(f"{path} is locked by another paperflow process; nothing was written", stage="log") from None


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.paperflow-tmp-"


def _remove_stale_temps(path: Path) -> None:
    # A writer killed mid-write leaves its temp file; the log itself is intact. Tidy up after it.
    for leftover in path.parent.glob(_temp_prefix(path) + "*"):
        pid = leftover.name.rsplit("-", 2)[-2] if leftover.name.count("-") >= 2 else ""
        if pid.isdigit() and _pid_alive(int(pid)):
            continue
        try:
            leftover.unlink()
        except OSError:
            pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomic(path: Path | str, data: bytes, expected_sha256: str | None = None) -> None:
    """Replace `path` with `data` all at once: a reader sees the old file or the new one, never half.

    Keeps the file's permissions. With `expected_sha256`, refuses (LogChangedError) when the file on disk
    no longer has that content, checked just before the rename. A symlinked log is written through
    the link (the target is replaced, the link stays).
    """
    path = Path(os.path.realpath(path))
    _remove_stale_temps(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if expected_sha256 is not None:
            current = path.read_bytes() if path.exists() else b""
            if hashlib.sha256(current).hexdigest() != expected_sha256:
                raise LogChangedError(f"{path} changed on disk since it was read; nothing was written", stage="log")
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

"""Logs kept as one heading per paper: recognising a log's layout, reading its entries, placing new ones.

How `auto` decides (README, "The log format"):

1. Month or day headers (`# 2024.1`, `## 2024.1.3`): the weekly layout.
2. Otherwise the headings, outside code blocks and YAML front matter, the pending-list heading and the
   document's title aside (the first heading, when it is the only one of the file's top level): the entries
   are the headings of the shallowest level at which most headings have text of their own under them
   (`## NLP` holds only deeper headings: it is a topic; `##### Model:` is deeper: a part of its entry).
   Titles are read as "(YEAR ORG) Title" when most entry headings read so; entries that mostly carry a
   `**keywords:**` line get the keywords template. New entries go to a topic section when there are topics,
   on top when the years of the entries run newest first, else after the last entry.
3. No entries of either kind yet: with only a title, text and a pending list the file is a new weekly log.
   Anything else (headings, none of them with notes under them) cannot be recognised: nothing is written,
   and one line says what to set.

Writing follows the weekly log's rules: whole lines inserted, every other byte kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from paperflow.log.layouts import (
    KEYWORDS_TEMPLATE,
    WEEKLY,
    YEAR_ORG_TEMPLATE,
    Layout,
    LayoutSetting,
)
from paperflow.log.weekly_log import (
    _DAY,
    _MONTH,
    DraftEntry,
    LogEntry,
    ParsedLog,
    Topic,
    _blank,
    _body,
    _entry_lines,
    _valid_date,
    _wrap,
    normalize_title,
    read_pending_item,
    strip_title_markup,
)

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_PENDING_TEXT = re.compile(r"^pending[ \t_-]*list\b", re.IGNORECASE)
# "(2019 Google AI) BERT - Pre-training…", "(2022 Meta, MAIR) MAE: …", "(2023) Title".
_YEAR_ORG = re.compile(r"^\(\s*((?:19|20)\d{2})\b[ \t,]*([^()]*?)\s*\)\s*(\S.*)$")
_KEYWORDS = re.compile(r"^\s*\*\*keywords:?\*\*", re.IGNORECASE)
# What paperflow's heading templates write and people do not: the arXiv link in the entry's keywords line.
_DRAFT_MARK = re.compile(r"\[arXiv:[^\]\s]+\]\(https://arxiv\.org/abs/")
UNRECOGNISED = ('its layout cannot be recognised (no # YYYY.M / ## YYYY.M.D headers, no headings with notes '
                'under them); set [log] layout = "weekly" or "headings", or its parts (README: "The log format")')


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str
    has_text: bool  # text of its own between it and the next heading
    pending: bool = False  # the pending list's heading


def front_matter_end(lines: Sequence[str]) -> int:
    """The first line after a YAML front matter block (`---` ... `---`), 0 when there is none."""
    if not lines or _body(lines[0]).strip() != "---":
        return 0
    for index in range(1, min(len(lines), 300)):
        if _body(lines[index]).strip() in ("---", "..."):
            return index + 1
    return 0


def scan_headings(lines: Sequence[str], fenced: frozenset[int]) -> list[Heading]:
    """The ATX headings of the file, outside code blocks and front matter."""
    found: list[tuple[int, int, str]] = []
    for index in range(front_matter_end(lines), len(lines)):
        if index in fenced:
            continue
        match = _ATX.match(_body(lines[index]))
        if match and match.group(2).strip():
            found.append((index, len(match.group(1)), match.group(2).strip()))
    out = []
    for k, (line, level, text) in enumerate(found):
        stop = found[k + 1][0] if k + 1 < len(found) else len(lines)
        out.append(Heading(line, level, text, any(not _blank(lines[j]) for j in range(line + 1, stop)),
                           bool(_PENDING_TEXT.match(strip_title_markup(text)))))
    return out


def _is_pending(heading: Heading) -> bool:
    return heading.pending


def document_title(headings: Sequence[Heading]) -> int | None:
    """The line of the document's title: the first heading, when it is the only one of the top level."""
    content = [h for h in headings if not _is_pending(h)]
    if not content:
        return None
    top = min(h.level for h in content)
    at_top = [h for h in content if h.level == top]
    return content[0].line if len(at_top) == 1 and content[0].level == top else None


def _weekly_marks(lines: Sequence[str], fenced: frozenset[int]) -> bool:
    """Whether the file has a month or day header (outside code blocks): the weekly log's. A 《title》 line alone
    is not one: the weekly log's entries are only those under its dates, and notes quote book titles so."""
    for index, raw in enumerate(lines):
        if index in fenced:
            continue
        body = _body(raw)
        month, day = _MONTH.match(body), _DAY.match(body)
        if (month and 1 <= int(month.group(2)) <= 12) or (day and _valid_date(day)):
            return True
    return False


def _entry_level(headings: Sequence[Heading]) -> int | None:
    title = document_title(headings)
    rest = [h for h in headings if not _is_pending(h) and h.line != title]
    for level in sorted({h.level for h in rest}):
        at = [h for h in rest if h.level == level]
        if 2 * sum(h.has_text for h in at) > len(at):
            return level
    return None


def _entry_spans(headings: Sequence[Heading], level: int, n_lines: int) -> list[tuple[Heading, int]]:
    """Each heading of `level` with the line where its entry ends (the next heading of its level or above)."""
    spans, stop = [], n_lines
    for heading in reversed(headings):
        if heading.level <= level:
            if heading.level == level:
                spans.append((heading, stop))
            stop = heading.line
    return spans[::-1]


def recognise_headings(lines: Sequence[str], fenced: frozenset[int],
                       headings: Sequence[Heading]) -> Layout | None:
    """The heading layout of the file (level, title form, template, where new entries go), or None."""
    level = _entry_level(headings)
    if level is None:
        return None
    entries = [h for h in headings if h.level == level and not _is_pending(h)]
    year_org = 2 * sum(bool(_YEAR_ORG.match(strip_title_markup(h.text))) for h in entries) > len(entries)
    # Whether the person's entries carry a keywords line (paperflow's drafts always do: they do not count).
    keywords = hand = 0
    hand_lines: set[int] = set()  # the person's own entries: what the file's order is read from too
    for heading, stop in _entry_spans(headings, level, len(lines)):
        if _is_pending(heading):
            continue
        body = [_body(lines[j]) for j in range(heading.line, stop) if j not in fenced]
        if not any(_DRAFT_MARK.search(line) for line in body):
            hand += 1
            hand_lines.add(heading.line)
            keywords += any(_KEYWORDS.match(line) for line in body)
    template = YEAR_ORG_TEMPLATE if year_org else KEYWORDS_TEMPLATE if hand and 2 * keywords > hand else None
    title_line = document_title(headings)
    last_entry = max((e.line for e in entries), default=-1)
    has_topics = any(h.level < level and h.line != title_line and not h.pending and h.line < last_entry
                     for h in headings)
    if has_topics:
        insert = "topic"
    else:
        # Read from the person's entries only: a draft on top (of an older paper) must not turn the order around.
        years = [int(m.group(1)) for h in entries
                 if h.line in hand_lines and (m := _YEAR_ORG.match(strip_title_markup(h.text)))]
        insert = "top" if year_org and len(years) >= 2 and years[0] > years[-1] else "end"
    return Layout(name="headings", entries=level, title="year-org" if year_org else "plain",
                  insert=insert, template=template)  # type: ignore[arg-type]


def choose_layout(lines: Sequence[str], fenced: frozenset[int], setting: LayoutSetting) -> tuple[Layout | None, str]:
    """The layout to read the file in, and how it was chosen (one line for `paperflow log check`)."""
    if isinstance(setting, Layout):
        return setting, "set by hand ([log.layout])"
    if setting == "weekly":
        return WEEKLY, 'set: layout = "weekly"'
    if setting == "auto" and _weekly_marks(lines, fenced):
        return WEEKLY, "auto: weekly (month and day headers)"
    headings = scan_headings(lines, fenced)
    if setting == "headings":
        found = recognise_headings(lines, fenced, headings)
        if found is None:
            # No heading has notes under it yet: `## Title` entries, new ones at the end.
            return (Layout(name="headings", entries=2, insert="end"),
                    'set: layout = "headings"; no heading has notes under it yet, so entries are ## headings')
        return found, 'set: layout = "headings", recognised from the file'
    found = recognise_headings(lines, fenced, headings)
    if found is not None:
        return found, "auto: headings (no month or day headers; entries are the headings with notes under them)"
    title = document_title(headings)
    if all(h.line == title or _is_pending(h) for h in headings):
        return WEEKLY, "auto: weekly (no entries yet)"
    return None, UNRECOGNISED


# ------------------------------------------------------------------------------------------- reading


def read(log: ParsedLog) -> None:
    """Read a heading layout's entries, topics and pending list into `log`."""
    layout = log.layout
    assert layout is not None and not layout.weekly
    level = int(layout.entries)
    lines = log.lines
    headings = scan_headings(lines, log.fenced)
    title_line = document_title(headings)
    stack: list[Heading] = []  # the sections enclosing the current line, shallowest first
    sections: list[Topic] = []
    used: set[int] = set()  # lines of topic headings that hold entries
    open_entry: tuple[Heading, Heading | None] | None = None

    def close(end: int) -> None:
        nonlocal open_entry
        if open_entry is None:
            return
        heading, topic = open_entry
        while end > heading.line + 1 and _blank(lines[end - 1]):
            end -= 1
        text = strip_title_markup(heading.text)
        year = org = None
        if layout.title == "year-org" and (match := _YEAR_ORG.match(text)):
            year, org, text = int(match.group(1)), match.group(2).strip() or None, match.group(3).strip()
        drafted = any(j not in log.fenced and _DRAFT_MARK.search(lines[j]) for j in range(heading.line, end))
        log.entries.append(LogEntry(text, heading.line, end, None, not drafted, year, org,
                                    strip_title_markup(topic.text) if topic else None))
        if topic is not None:
            used.add(topic.line)
        key = normalize_title(text)
        if key:
            log.titles.add(key)
        open_entry = None

    for k, heading in enumerate(headings):
        if heading.level <= level or _is_pending(heading):
            close(heading.line)
        if _is_pending(heading) and log.pending_header is None:
            stop = headings[k + 1].line if k + 1 < len(headings) else len(lines)
            log.pending_header, log.pending_end = heading.line, stop
            indents: list[int] = []
            for index in range(heading.line + 1, stop):
                if index not in log.fenced:
                    read_pending_item(log, indents, index, _body(lines[index]))
            continue
        if heading.level < level:
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            if heading.line != title_line:
                stack.append(heading)
                sections.append(Topic(strip_title_markup(heading.text), heading.line, heading.level))
        elif heading.level == level:
            open_entry = (heading, stack[-1] if stack else None)
    close(len(lines))
    log.topics = [t for t in sections if t.line in used]


# ------------------------------------------------------------------------------------------ inserting


def _after_last(parsed: ParsedLog, entries: Sequence[LogEntry]) -> int:
    return max(e.end for e in entries) if entries else len(parsed.lines)


def _section_end(parsed: ParsedLog, topic: Topic) -> int:
    """The end of a topic's section (before its trailing blank lines): the next heading of its level or above."""
    end = len(parsed.lines)
    for heading in scan_headings(parsed.lines, parsed.fenced):
        if heading.line > topic.line and heading.level <= topic.level:
            end = heading.line
            break
    while end > topic.line + 1 and _blank(parsed.lines[end - 1]):
        end -= 1
    return end


def nearest_topic(parsed: ParsedLog, entry: DraftEntry, index) -> str | None:
    """The topic of the entries closest to the draft (BM25 over the log's entries, as tonight's relevance):
    the topic whose nearest entries share most; the newest entry's topic when nothing is close. `index` is the
    log's LogIndex (sources.relevance), built once for all the drafts placed."""
    from paperflow.models import Paper

    near = index.score([Paper(title=entry.title, abstract=entry.text, arxiv_id="draft")])
    by_title = {e.title: e.topic for e in reversed(parsed.entries)}
    shares: dict[str, float] = {}
    for found in near["draft"].nearest:
        topic = by_title.get(found.title) if not found.pending else None
        if topic:
            shares[topic] = shares.get(topic, 0.0) + found.share
    if shares:
        return max(shares, key=lambda name: shares[name])
    newest = max((e for e in parsed.entries if e.topic), key=lambda e: parsed.recency(e) or 0, default=None)
    return newest.topic if newest else None


def insertions(parsed: ParsedLog, fresh: Sequence[DraftEntry]) -> list[tuple[int, list[str]]]:
    """Where the new entries go and the lines to insert there ("\\n" endings), one place per section."""
    layout = parsed.layout
    assert layout is not None and not layout.weekly
    if layout.insert == "top" and parsed.entries:
        at = min(e.line for e in parsed.entries)
        return [(at, _wrap(parsed, at, _entry_lines(fresh)))]
    if layout.insert != "topic" or (not parsed.topics and layout.topic is None):
        at = _after_last(parsed, parsed.entries)
        return [(at, _wrap(parsed, at, _entry_lines(fresh), blank_before=at > 0))]
    groups: dict[str, list[DraftEntry]] = {}
    index = None
    if layout.topic is None:
        from paperflow.sources.relevance import LogIndex  # imports this package

        index = LogIndex.from_log(parsed)
    for entry in fresh:
        name = layout.topic or nearest_topic(parsed, entry, index) or parsed.topics[-1].name
        groups.setdefault(name, []).append(entry)
    headings = scan_headings(parsed.lines, parsed.fenced)
    title_line = document_title(headings)
    # Every section above the entries' level, those without entries yet too (a topic the person named).
    sections = [Topic(strip_title_markup(h.text), h.line, h.level) for h in headings
                if h.level < int(layout.entries) and h.line != title_line and not _is_pending(h)]
    places = []
    for name, group in groups.items():
        topic = next((t for t in sections if normalize_title(t.name) == normalize_title(name)), None)
        if topic is None:
            # A topic the person named that the file does not have yet: a new section at the end.
            known = parsed.topics or sections
            level = known[0].level if known else max(1, int(layout.entries) - 1)
            at = len(parsed.lines)
            block = [f"{'#' * level} {name}\n", "\n", *_entry_lines(group)]
            places.append((at, _wrap(parsed, at, block, blank_before=at > 0)))
            continue
        inside = [e for e in parsed.entries if e.line > topic.line and e.topic == topic.name
                  and e.line < _section_end(parsed, topic) + 1]
        at = _after_last(parsed, inside) if inside else _section_end(parsed, topic)
        places.append((at, _wrap(parsed, at, _entry_lines(group))))
    return places

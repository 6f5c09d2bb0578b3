"""Where the sections start: the PDF outline matched to the printed lines.

Pure functions, no I/O. Most arXiv PDFs carry an outline (LaTeX's hyperref writes one) with the exact section
titles and their pages (13 of 18 papers measured). `outline_headings` finds each entry's printed line (by its
words, on or near its page, in order, a heading wrapped over two lines or run into its paragraph included) and
returns them as HeadingMarks for `sections.build_sections`. Without a usable outline the sections come from the
printed lines: a heading is printed larger or bolder than the running text (see sections.build_sections).
"""

from __future__ import annotations

import re

from paperflow.text.engine import Line, OutlineEntry
from paperflow.text.sections import HeadingMark, SectionKind, kind_from_title

_NUMBER = re.compile(r"^\s*(?:(?:Appendix|APPENDIX|Section|Chapter)\s+)?"
                     r"(?P<num>\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5}|[A-Z](?:\.\d{1,2}){0,3})(?:\.|:)?\s+(?=\S)")
_CN_NUMBER = re.compile(r"^\s*第[一二三四五六七八九十\d]{1,3}[章节]\s*")
MIN_MATCHED_SHARE = 0.5


def _key(text: str) -> str:
    """The words of a heading without its number: lower case, letters and digits only."""
    text = _CN_NUMBER.sub("", text)
    if (m := _NUMBER.match(text)) and len(text) > m.end():
        text = text[m.end():]
    return "".join(c for c in text.lower() if c.isalnum())


def _number(text: str) -> str | None:
    m = _NUMBER.match(text)
    return m["num"] if m and len(text) > m.end() else None


def _split_after(text: str, key: str) -> int:
    """Index in `text` just after the characters that spell `key` (the heading of a run-in paragraph)."""
    start = 0
    if (m := _NUMBER.match(text)) and len(text) > m.end():
        start = m.end()
    seen = 0
    for index in range(start, len(text)):
        if text[index].isalnum():
            seen += 1
            if seen == len(key):
                end = index + 1
                while end < len(text) and text[end] in ".:—–-":
                    end += 1
                return end
    return len(text)


def _entries(outline: list[OutlineEntry]) -> list[OutlineEntry]:
    """The outline without a root entry that only holds the paper's title over all the sections (an entry
    with a section number is a section, whatever the nesting: some outlines nest everything under "1")."""
    if len(outline) > 2:
        top = min(e.depth for e in outline)
        if outline[0].depth == top and all(e.depth > top for e in outline[1:]) and not _number(outline[0].title):
            return outline[1:]
    return outline


def outline_headings(outline: list[OutlineEntry], pages: list[list[Line]],
                     body_size: float) -> dict[tuple[int, int], HeadingMark] | None:
    """HeadingMarks keyed by (page index, line index) for the outline entries found in the text, in order;
    None when the outline is absent or too few of its entries are printed (then it does not describe the text).
    """
    entries = [e for e in _entries(outline) if _key(e.title)]
    if len(entries) < 2:
        return None
    keys = [[_key(line.text) for line in page] for page in pages]
    top_depth = min(e.depth for e in entries)
    marks: dict[tuple[int, int], HeadingMark] = {}
    position = (0, 0)
    in_back = False
    arabic = any(re.match(r"\d", _number(e.title) or "") for e in entries)
    for entry in entries:
        found = _find(entry, pages, keys, position, body_size)
        if found is None:
            continue
        (page_index, line_index), span, cut = found
        lines = pages[page_index][line_index:line_index + span]
        printed = " ".join(line.text for line in lines)
        rest = ""
        if cut is not None:  # a heading run into its paragraph: "Reward Design. We conduct ..."
            printed, rest = printed[:cut].rstrip(" .:—–-"), printed[cut:].strip()
        number = _number(printed) or _number(entry.title)
        if number and re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*|[A-Z](?:\.\d{1,2})+", number):
            level = number.count(".") + 1
        else:
            level = entry.depth - top_depth + 1
        kind = kind_from_title(_NUMBER.sub("", entry.title) or entry.title)
        if kind is SectionKind.REFERENCES:
            in_back = True
        elif in_back and kind is not SectionKind.ACKNOWLEDGEMENTS:
            kind = SectionKind.APPENDIX
        elif arabic and level == 1 and number and re.fullmatch(r"[A-Z]", number):
            kind = SectionKind.APPENDIX  # "A Hyperparameters" in a paper numbered 1, 2, 3: an appendix
        marks[(page_index, line_index)] = HeadingMark(title=printed, number=number, level=level, kind=kind,
                                                      span=span, rest=rest)
        position = (page_index, line_index + span)
    if len(marks) < 2 or len(marks) < MIN_MATCHED_SHARE * len(entries):
        return None
    return marks


def _find(entry: OutlineEntry, pages: list[list[Line]], keys: list[list[str]], position: tuple[int, int],
          body_size: float) -> tuple[tuple[int, int], int, int | None] | None:
    """(page index, line index), lines spanned and, for a heading run into its paragraph, where the heading
    ends in the line; None when the entry is not printed where it points."""
    key = _key(entry.title)
    first_page = position[0]
    if entry.page is not None:
        if entry.page - 1 < first_page - 1:
            return None  # points before what was already matched: out of order
        pages_to_search = range(max(first_page, entry.page - 2), min(len(pages), entry.page + 1))
    else:
        pages_to_search = range(first_page, min(len(pages), first_page + 3))
    plain_match: tuple[tuple[int, int], int, int | None] | None = None
    for page_index in pages_to_search:
        start = position[1] if page_index == position[0] else 0
        page_keys = keys[page_index]
        for line_index in range(start, len(page_keys)):
            line_key = page_keys[line_index]
            if not line_key:
                continue
            line = pages[page_index][line_index]
            if line_key == key:
                styled = not body_size or line.bold or line.size >= body_size + 0.4 or _number(line.text)
                if styled:
                    return (page_index, line_index), 1, None
                # the same words in running print (a figure's legend "Differential Transformer"): the heading
                # printed as one further on is the entry; this line only when there is none
                plain_match = plain_match or ((page_index, line_index), 1, None)
                continue
            if key.startswith(line_key) and len(line_key) >= 4:  # wrapped over several lines
                joined, span = line_key, 1
                while len(joined) < len(key) and line_index + span < len(page_keys) and span < 4:
                    joined += page_keys[line_index + span]
                    span += 1
                if joined == key:
                    if not body_size or line.bold or line.size >= body_size + 0.4 or _number(line.text):
                        return (page_index, line_index), span, None
                    plain_match = plain_match or ((page_index, line_index), span, None)  # small print: a legend
            styled = not body_size or line.bold or line.size >= body_size + 0.4
            if line_key.startswith(key) and len(key) >= 4 and styled:  # run into its paragraph
                return (page_index, line_index), 1, _split_after(line.text, key)
    return plain_match

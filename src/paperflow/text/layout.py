"""Clean-up of the printed lines: what is on the page but not part of the paper's running text.

Pure functions, no I/O. `clean_layout(pages)` takes each page's `Line`s (from `paperflow.text.engine`) and
returns them with compatibility characters normalised (ligatures to letters), the arXiv side stamp taken out
(and read: id, version, category, date), page numbers, running headers and footers, contents pages and footnote
blocks removed. Footnotes and contents pages need the font sizes the PDFium engine gives; with the pypdf engine
(no sizes) only the text-based steps run.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from paperflow.text.engine import Line, RawPage

# Compatibility characters worth normalising (ligatures, math letters, odd spaces and hyphens). Applied
# per character rather than NFKC on everything, which would also turn CJK full-width punctuation into ASCII.
_NORMALISE: dict[int, str] = {}
for _code in [*range(0xFB00, 0xFB50), *range(0x1D400, 0x1D800), *range(0x2000, 0x200B), 0x00A0, 0x202F,
              0x2024, 0x2025, 0x2026, 0x2044, *range(0x2070, 0x209D), 0x00B5, 0x017F, 0x2122]:
    _normal = unicodedata.normalize("NFKC", chr(_code))
    if _normal != chr(_code):
        _NORMALISE[_code] = _normal
_NORMALISE.update({0x00AD: "", 0xFEFF: "", 0x200B: "", 0x2010: "-", 0x2011: "-", 0xFFFE: "-"})
# Control characters are never text: PDFium gives them for large math delimiters of fonts without a Unicode map.
_NORMALISE.update({code: " " for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]})

# The side stamp arXiv prints on every page of its PDFs; a citation ("arXiv:1907.11692, 2019") is no stamp.
ARXIV_STAMP = re.compile(
    r"arXiv:\s?(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})v(?P<version>\d+)\s*"
    r"\[(?P<category>[^\]\n]{1,30})\]\s*(?P<date>\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4})?"
)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")

# A contents entry: a title, then dot leaders or spaces, then a page number (arabic or roman).
_CONTENTS_ENTRY = re.compile(r"^(?!\d+(?:\.\d+)?$)\S.{1,120}?(?:\s*(?:[.·…]\s*){2,}|\s)(?:\d{1,3}|[ivxlc]{1,6})$")
_CONTENTS_TITLE = re.compile(r"^(?:table of )?contents$|^目\s*录$", re.IGNORECASE)

# What a footnote opens with: a marker (symbol, or a number before a word), or words footnotes use.
_FOOTNOTE_MARKER = re.compile(
    r"^(?:[∗*†‡§¶⋆★♠♣♦♥]|\d{1,2}(?=\s*[A-Za-z(\"“<]|$))"
    r"|^(?:correspond|equal contribution|work (?:done|performed)|preprint|code (?:is|and)|project page|"
    r"e-?mail|contact|©|copyright|https?://|www\.|manuscript received|digital object identifier)",
    re.IGNORECASE,
)
# An author note read onto the end of a body line printed at its height ("... Both approaches ∗Work done at
# OpenAI. 1"): a footnote, never the sentence's continuation.
_GLUED_NOTE = re.compile(r"\s[∗†‡§¶⋆]\s?(?:work (?:was )?(?:done|performed)|equal contributions?|corresponding authors?|"
                         r"all authors (?:are )?(?:from|at))\b[^∗†‡§¶⋆]{0,120}$", re.IGNORECASE)
# A venue, licence or copyright line at the foot of the first page (printed at body size in some styles).
_FIRST_PAGE_FOOTER = re.compile(
    r"conference|proceedings|workshop|symposium|preprint|under review|copyright|©|licen[cs]e|submitted to",
    re.IGNORECASE,
)


@dataclass
class ArxivStamp:
    """What the arXiv side stamp ("arXiv:2112.04426v1 [cs.CL] 8 Dec 2021") says."""

    arxiv_id: str
    version: int | None = None
    category: str | None = None
    date: date | None = None


@dataclass
class Layout:
    pages: list[list[Line]]
    body_size: float = 0.0  # the most common font size of running text; 0 when the engine gives no sizes
    stamp: ArxivStamp | None = None
    heights: list[float] = field(default_factory=list)  # page heights in pt (0 when unknown)
    first_page_footnotes: list[Line] = field(default_factory=list)  # affiliations and emails often sit here
    contents_pages: list[int] = field(default_factory=list)  # 1-based
    # The running heads and feet taken out, once each ("RUC AI Box", a lab's name, the short title): the front
    # matter reads organisations from them.
    running_lines: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Compatibility characters to their plain form (ligatures to letters), spaces collapsed."""
    return " ".join(text.translate(_NORMALISE).split())


def parse_stamp(match: re.Match[str]) -> ArxivStamp:
    when = None
    if match["date"]:
        try:
            when = datetime.strptime(match["date"], "%d %b %Y").date()
        except ValueError:
            when = None
    return ArxivStamp(arxiv_id=match["id"], version=int(match["version"]),
                      category=match["category"], date=when)


def clean_layout(raw_pages: list[RawPage]) -> Layout:
    """The pages' lines cleaned as the module docstring says (the input is not modified)."""
    stamp: ArxivStamp | None = None
    pages: list[list[Line]] = []
    for raw in raw_pages:
        page: list[Line] = []
        for line in raw.lines:
            text = line.text.translate(_NORMALISE)
            if "arXiv:" in text and (match := ARXIV_STAMP.search(text)):
                if stamp is None and len(pages) == 0:
                    stamp = parse_stamp(match)
                text = ARXIV_STAMP.sub(" ", text)
            text = _GLUED_NOTE.sub("", " ".join(text.split()))
            if text:
                page.append(Line(text, line.size, line.bold, line.top, line.left))
        pages.append(page)
    stats: dict[str, int] = {}
    _repair_math_glyphs(pages, stats)
    running = _drop_running_lines(pages, stats)
    body_size = _body_size(pages)
    heights = [raw.height or max((line.top for line in page), default=0.0) for raw, page in zip(raw_pages, pages)]
    _drop_detached_markers(pages, heights)
    layout = Layout(pages=pages, body_size=body_size, stamp=stamp, heights=heights, stats=stats,
                    running_lines=running)
    layout.contents_pages = _drop_contents_pages(pages)
    if layout.contents_pages:
        stats["contents_pages"] = len(layout.contents_pages)
    if body_size:
        _drop_footnotes(layout)
    return layout


def _edge_key(line: str) -> str:
    return _DIGITS.sub("#", line.lower())


def _drop_page_numbers(page: list[Line]) -> None:
    if page and _PAGE_NUMBER.match(page[-1].text):
        page.pop()
    if page and _PAGE_NUMBER.match(page[0].text):
        page.pop(0)


def _drop_running_lines(pages: list[list[Line]], stats: dict[str, int]) -> list[str]:
    """Page numbers, and headers/footers repeated (digits aside) at the top or bottom of 3 or more pages, in
    the size they are repeated in: the first page's title is no running head though ICML-style papers repeat it
    above every later page, smaller. Returns the running lines' texts, once each."""
    for page in pages:
        _drop_page_numbers(page)
    edge_counts: Counter[str] = Counter()
    edge_sizes: dict[str, Counter[float]] = {}
    for page in pages:
        edges = {_edge_key(line.text): line for line in (page[:1] + page[-1:])}
        edge_counts.update(edges.keys())
        for key, line in edges.items():
            edge_sizes.setdefault(key, Counter())[round(line.size)] += 1
    repeated = {key for key, count in edge_counts.items() if count >= 3 and len(key) > 1}

    def running(line: Line) -> bool:
        key = _edge_key(line.text)
        if key not in repeated:
            return False
        usual = edge_sizes[key].most_common(1)[0][0]
        return not line.size or not usual or line.size <= usual + 1.5

    dropped = 0
    texts: dict[str, str] = {}
    for page in pages:
        if page and running(page[0]):
            texts.setdefault(_edge_key(page[0].text), page.pop(0).text)
            dropped += 1
        if page and running(page[-1]):
            texts.setdefault(_edge_key(page[-1].text), page.pop().text)
            dropped += 1
        _drop_page_numbers(page)
    if dropped:
        stats["running_lines"] = dropped
    return list(texts.values())


# The math fonts of some publishers' PDFs (IEEE's MathTime) map their symbols onto Latin-1 letters: "pðOjLlÞ"
# for "p(O|Ll)", "B ¼ P" for "B = P". Where a document prints eth and thorn in pairs like parentheses, it is that
# map, and its symbols are put back (eth is no letter of an English paper).
_MATH_GLYPHS = {"ð": "(", "Þ": ")", "¼": "=", "þ": "+", "½": "[", "Š": "]", "À": "−"}
_NOT_EQUAL = re.compile("6¼")


def _repair_math_glyphs(pages: list[list[Line]], stats: dict[str, int]) -> None:
    text = "".join(line.text for page in pages for line in page)
    opening, closing = text.count("ð"), text.count("Þ")
    if opening < 5 or not 0.7 * opening <= closing <= 1.3 * opening:
        return
    table = str.maketrans(_MATH_GLYPHS)
    repaired = 0
    for page in pages:
        for line in page:
            fixed = _NOT_EQUAL.sub("≠", line.text).translate(table)
            if fixed != line.text:
                line.text = fixed
                repaired += 1
    stats["math_glyph_lines"] = repaired


def _drop_detached_markers(pages: list[list[Line]], heights: list[float]) -> None:
    """A footnote mark read as a line of its own ("1" in superscript beside a title): printed smaller than the
    line around it, nothing but a number or a symbol, above the footnotes (whose own marks tell the footnote
    step which markers to take out of the text); never text."""
    for page, height in zip(pages, heights):
        sizes = [line.size for line in page if line.size > 0]
        if not sizes:
            continue
        typical = sorted(sizes)[len(sizes) // 2]
        page[:] = [line for line in page if not (
            0 < line.size < typical - 1.5 and re.fullmatch(r"[\d∗*†‡§¶,]{1,3}", line.text)
            and (not height or line.top < 0.6 * height))]


def _body_size(pages: list[list[Line]]) -> float:
    """The font size most of the text is printed in (weighted by characters); 0 when sizes are unknown."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page:
            if line.size > 0:
                weights[round(line.size * 2) / 2] += len(line.text)
    if not weights:
        return 0.0
    return weights.most_common(1)[0][0]


def _is_contents_page(page: list[Line], after_contents: bool) -> bool:
    if len(page) < 5:
        return False
    titled = any(_CONTENTS_TITLE.match(line.text) for line in page[:6])
    entries = sum(1 for line in page if _CONTENTS_ENTRY.match(line.text))
    share = entries / len(page)
    if titled:
        return entries >= 3 and share >= 0.25
    return entries >= 8 and share >= (0.4 if after_contents else 0.6)


def _drop_contents_pages(pages: list[list[Line]]) -> list[int]:
    """Contents pages (a "Contents" title with entries, or mostly "title ... page" lines) within the first
    fifth of the document: their entries look like headings but are not the paper's sections."""
    dropped: list[int] = []
    limit = max(3, len(pages) // 5 + 1)
    for index, page in enumerate(pages[:limit]):
        if _is_contents_page(page, after_contents=bool(dropped) and dropped[-1] == index):
            page.clear()
            dropped.append(index + 1)
    return dropped


_MARKER_DIGITS = re.compile(r"^(\d{1,2})")


def _drop_footnotes(layout: Layout) -> None:
    """Footnote blocks: at the foot of a column (nothing printed below them but the page's end or the top of the
    next column), printed smaller than the running text, opening like a footnote (a marker, "Correspondence
    to", "Equal contribution", ...), at most a few lines. The footnote markers left in the running text
    ("data.1") are removed too. The first page's blocks are kept aside for the front matter (affiliations and
    emails are often printed as footnotes), as is the venue or licence line under the first page's text."""
    removed = 0
    for number, (page, height) in enumerate(zip(layout.pages, layout.heights), start=1):
        if not page or not height:
            continue
        small = layout.body_size - 0.7
        page_size = _body_size([page])
        chars = sum(len(line.text) for line in page) or 1
        if sum(len(line.text) for line in page if 0 < line.size <= small) > 0.5 * chars:
            if number > 1:
                continue  # references, tables, a small-print appendix: no running text to take footnotes out of
            # A first page mostly in the abstract's smaller size: footnotes are smaller than that.
            small = page_size - 0.7
        drop: set[int] = set()
        markers: set[str] = set()
        index = 0
        while index < len(page):
            line = page[index]
            if not (0 < line.size <= small and line.top >= 0.6 * height and _FOOTNOTE_MARKER.match(line.text)):
                index += 1
                continue
            end = index + 1
            while end < len(page) and 0 < page[end].size <= small and page[end].top >= line.top - layout.body_size \
                    and page[end].top - page[end - 1].top <= 2.5 * layout.body_size:
                end += 1  # a footnote block's lines follow closely; a gap (the rule above the notes) ends it
            # nothing below it but more small print (a venue line under a gap), or the next column
            at_foot = end == len(page) or page[end].top < line.top or all(
                0 < later.size <= small for later in page[end:] if later.top >= line.top)
            if at_foot and end - index <= 12:
                drop.update(range(index, end))
                if digits := _MARKER_DIGITS.match(line.text):
                    markers.add(digits.group(1))
                index = end
            else:
                index += 1  # a small-print paragraph (an abstract) that opened like a footnote: look further down
        if number == 1:
            for index, line in enumerate(page):
                if line.top >= 0.85 * height and _FIRST_PAGE_FOOTER.search(line.text):
                    drop.add(index)  # "34th Conference on Neural Information Processing Systems ..." under page 1
            layout.first_page_footnotes.extend(page[i] for i in sorted(drop))
        removed += len(drop)
        keep = [line for index, line in enumerate(page) if index not in drop]
        if markers:
            alternatives = "|".join(sorted(markers, key=len, reverse=True))
            # after a word of 3+ letters only: "data.1", "competitions1", never "r0" or "v1.1"
            pattern = re.compile(rf"(?<=[a-z]{{3}})([.,;:)]?)(?:{alternatives})(?=\s|$)")
            for line in keep:
                line.text = pattern.sub(r"\1", line.text)
        page[:] = keep
    if removed:
        layout.stats["footnote_lines"] = removed


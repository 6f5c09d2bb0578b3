"""Evidence for a draft's claims: the paper's own words, found in the extracted text, with their page.

An LLM is asked for a verbatim supporting quote per point. Its quotes are rarely byte-exact (case,
spacing, hyphenation, curly quotes, a citation or a few words left out, "..." for a cut) and some are
invented outright: plausible sentences the paper never wrote. `EvidenceIndex.check(quote)` looks the
quote up in the paper's text and keeps it only when a passage matches well enough. The passage shown
to the reviewer is then the *paper's* sentence, not the model's quote, so even a near-verbatim quote
that changed a word misleads nobody: the reviewer reads the real sentence beside the point.

How a quote is matched:
- Both sides are folded to case-folded letters and digits (NFKC first): spacing, punctuation,
  hyphenation ("pre- training", "pretraining", "pre-training") and ligatures stop mattering, and a
  sentence split over two paragraphs or pages of the extraction still matches.
- rapidfuzz's `partial_ratio_alignment` finds where in the paper the quote is; around that place the
  quote is aligned to the paper by longest common runs first (difflib), counting only runs of at least
  `_MIN_RUN` characters: letters that line up by chance (two unrelated sentences share half their
  letters in order) count for nothing. The score is the share of the quote found that way, lowered
  when the passage is more than `MAX_OMITTED` longer than the quote (a collage, not a quote with a cut).
- A quote cut with "..." / "…" / "[...]" is matched piece by piece around its longest piece; each piece
  must lie within `MAX_ELLIPSIS_GAP` characters of its neighbour, in order.
- The numbers of the quote must all be in the passage, in the same order: a real sentence with a
  changed number is not the paper's evidence.
- A quote shorter than `MIN_QUOTE_CHARS` letters proves nothing (it matches somewhere by chance).

`MATCH_THRESHOLD` is measured by benchmarks/evidence.py on the 9 real arXiv papers (pypdfium2 text):
of 1,384 real sentences with the noise an LLM adds, all but one score at least 89 (the one lost had
more than half of its words left out); of 729 invented ones (hand-written plausible claims, two real
half-sentences joined, other papers' sentences) none scores above 79. The threshold sits in that gap.
A real sentence with one number changed scores 90-100: the number rule flags all 682 of them.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from rapidfuzz import fuzz

from paperflow.models import Evidence, Summary, SummaryContent, Support
from paperflow.text.extract import PaperText
from paperflow.text.sections import SectionKind

MATCH_THRESHOLD = 85.0
MIN_QUOTE_CHARS = 20  # folded letters and digits; a CJK character counts twice
MAX_OMITTED = 0.5  # a quote may leave out up to half its own length of the passage without losing score
MAX_ELLIPSIS_GAP = 400  # folded characters allowed between the pieces of a quote cut with "..."
_MIN_RUN = 4  # equal characters in a row that count as matched (shorter runs line up by chance)
_MAX_ANCHORS = 3  # pieces of a cut quote tried as the anchor of the others
_MIN_PIECE_CHARS = 8  # a shorter piece around an ellipsis is joined to its neighbour ("3, ..., 13")
_WINDOW_SLACK = 0.5  # the paper text aligned around a match reaches this share of the quote beyond it
_SENTENCE_REACH = 80  # characters a passage is widened by, at most, to start and end on a sentence boundary

# Where the verdict's evidence is looked for first: the paper's own conclusions and limitations.
VERDICT_KINDS = frozenset({SectionKind.CONCLUSION, SectionKind.DISCUSSION})
# Never evidence: a quote that matches a reference list entry or the acknowledgements supports nothing.
EXCLUDED_KINDS = frozenset({SectionKind.REFERENCES, SectionKind.ACKNOWLEDGEMENTS})

NO_PASSAGE = "no supporting passage found"
NO_QUOTE = f"{NO_PASSAGE} (no quote given)"

_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\.{3,}|…|\.\s\.\s\.)\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s|$)|[。！？]")


class QuoteCheck(BaseModel):
    """The outcome of looking a quote up: its evidence when verified, else why not (one line)."""

    quote: str
    evidence: Evidence | None = None
    best_score: float = 0.0
    reason: str | None = None  # None when verified

    @property
    def verified(self) -> bool:
        return self.evidence is not None


@dataclass(frozen=True)
class _Passage:
    page: int
    section: str
    kind: SectionKind
    text: str


@dataclass(frozen=True)
class _Match:
    start: int  # folded offsets, end exclusive
    end: int
    score: float


def fold(text: str) -> str:
    """`text` as matched: NFKC, case-folded, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def _weight(folded: str) -> int:
    return len(folded) + len(_CJK.findall(folded))


def numbers(text: str) -> list[str]:
    """The numbers of `text` in order, written alike: "1,000" is "1000", "28.40" is "28.4"."""
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), unicodedata.normalize("NFKC", text))
    values = []
    for raw in _NUMBER.findall(text):
        if "." in raw:
            raw = raw.rstrip("0").rstrip(".")
        values.append(raw.lstrip("0") or "0")
    return values


def missing_numbers(quote: str, passage: str) -> list[str]:
    """Numbers of the quote that the passage does not have in the same order (a verbatim quote keeps
    the paper's numbers and their order; a changed or added number is not the paper's)."""
    available = numbers(passage)
    missing: list[str] = []
    position = 0
    for number in numbers(quote):
        try:
            position = available.index(number, position) + 1
        except ValueError:
            missing.append(number)
    return missing


def quote_pieces(quote: str) -> list[str]:
    """The folded pieces of a quote cut with ellipses; a piece too short to look up joins its neighbour."""
    pieces: list[str] = []
    for raw in _ELLIPSIS.split(quote):
        piece = fold(raw)
        if not piece:
            continue
        if pieces and (len(piece) < _MIN_PIECE_CHARS or len(pieces[-1]) < _MIN_PIECE_CHARS):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


class EvidenceIndex:
    """A paper's text, folded once, for looking up any number of quotes.

    Build it with `from_paper_text` (sections and paragraphs with their pages) or `from_pages` (one
    string per page, for text that was never sectioned)."""

    def __init__(self, passages: Sequence[_Passage]):
        self._passages = [p for p in passages if p.text.strip()]
        folded: list[str] = []
        origin: list[int] = []  # folded offset -> offset in self._original
        starts: list[int] = []  # folded offset where each passage starts
        offset = 0
        for passage in self._passages:
            starts.append(len(origin))
            for index, char in enumerate(passage.text):
                for folded_char in unicodedata.normalize("NFKC", char).casefold():
                    if folded_char.isalnum():
                        folded.append(folded_char)
                        origin.append(offset + index)
            offset += len(passage.text) + 2
        self._folded = "".join(folded)
        self._origin = origin
        self._starts = starts
        self._original = "\n\n".join(p.text for p in self._passages)

    @classmethod
    def from_paper_text(cls, text: PaperText) -> EvidenceIndex:
        return cls([
            _Passage(paragraph.page, section.title, section.kind, paragraph.text)
            for section in text.sections if section.kind not in EXCLUDED_KINDS
            for paragraph in section.paragraphs
        ])

    @classmethod
    def from_pages(cls, pages: Sequence[str]) -> EvidenceIndex:
        """An index over raw page texts (page numbers 1, 2, ... in order)."""
        return cls([_Passage(number, "", SectionKind.OTHER, page) for number, page in enumerate(pages, start=1)])

    @property
    def empty(self) -> bool:
        return not self._folded

    # -- lookup ---------------------------------------------------------------------------------

    def check(self, quote: str, kinds: Iterable[SectionKind] | None = None) -> QuoteCheck:
        """Look `quote` up, in the sections of `kinds` first when given (then in the whole text).

        Verified when it scores at least MATCH_THRESHOLD and the passage has all its numbers."""
        pieces = quote_pieces(quote)
        if _weight("".join(pieces)) < MIN_QUOTE_CHARS:
            return QuoteCheck(quote=quote, reason=f"{NO_PASSAGE} (quote too short to check)")
        match = None
        if kinds is not None:
            for start, end in self._segments(frozenset(kinds)):
                candidate = self._match_pieces(pieces, start, end)
                if candidate and (match is None or candidate.score > match.score):
                    match = candidate
        if match is None or match.score < MATCH_THRESHOLD:
            whole = self._match_pieces(pieces, 0, len(self._folded))
            if whole and (match is None or whole.score > match.score):
                match = whole
        if match is None:
            return QuoteCheck(quote=quote, reason=NO_PASSAGE)
        passage, page, section = self._passage_at(match)
        score = round(match.score, 1)
        if match.score < MATCH_THRESHOLD:
            return QuoteCheck(quote=quote, best_score=score,
                              reason=f"{NO_PASSAGE} (closest: {match.score:.0f}/100 on page {page})")
        if missing := missing_numbers(quote, passage):
            return QuoteCheck(quote=quote, best_score=score,
                              reason=f"{NO_PASSAGE} (page {page} matches but not the numbers {', '.join(missing)})")
        evidence = Evidence(quote=quote, page=page, score=score, passage=passage, section=section or None)
        return QuoteCheck(quote=quote, evidence=evidence, best_score=score)

    def verify(self, quote: str, kinds: Iterable[SectionKind] | None = None) -> Evidence | None:
        """The quote's Evidence, or None when the paper does not support it."""
        return self.check(quote, kinds).evidence

    def verified(self, quotes: Iterable[str], kinds: Iterable[SectionKind] | None = None) -> list[Evidence]:
        """Only the quotes the paper supports, in order, each with its passage and page."""
        return [e for q in quotes if (e := self.verify(q, kinds)) is not None]

    # -- matching -------------------------------------------------------------------------------

    def _segments(self, kinds: frozenset[SectionKind]) -> list[tuple[int, int]]:
        """Folded ranges of consecutive passages whose section is of `kinds`."""
        segments: list[tuple[int, int]] = []
        bounds = [*self._starts, len(self._folded)]
        for index, passage in enumerate(self._passages):
            if passage.kind not in kinds:
                continue
            start, end = bounds[index], bounds[index + 1]
            if segments and segments[-1][1] == start:
                segments[-1] = (segments[-1][0], end)
            else:
                segments.append((start, end))
        return segments

    def _match_pieces(self, pieces: list[str], start: int, end: int) -> _Match | None:
        """The pieces of a quote matched in order within folded[start:end]; the score is weighted by the
        pieces' lengths. Each piece in turn anchors the others (a piece may also occur elsewhere in the
        paper, where its neighbours are not); the best result wins."""
        best: _Match | None = None
        for anchor_index in sorted(range(len(pieces)), key=lambda i: -len(pieces[i]))[:_MAX_ANCHORS]:
            found = self._match_around(pieces, anchor_index, start, end)
            if found is not None and (best is None or found.score > best.score):
                best = found
            if best is not None and best.score >= 100.0:
                break
        return best

    def _match_around(self, pieces: list[str], anchor_index: int, start: int, end: int) -> _Match | None:
        anchor = self._match(pieces[anchor_index], start, end)
        if anchor is None:
            return None
        matches = {anchor_index: anchor}
        previous = anchor
        for index in range(anchor_index - 1, -1, -1):  # pieces before the anchor, nearest first
            piece = pieces[index]
            found = self._match(piece, max(start, previous.start - MAX_ELLIPSIS_GAP - len(piece)), previous.start)
            if found is None:
                return None
            matches[index] = previous = found
        previous = anchor
        for index in range(anchor_index + 1, len(pieces)):
            piece = pieces[index]
            found = self._match(piece, previous.end, min(end, previous.end + MAX_ELLIPSIS_GAP + len(piece)))
            if found is None:
                return None
            matches[index] = previous = found
        total = sum(len(p) for p in pieces)
        score = sum(matches[i].score * len(p) for i, p in enumerate(pieces)) / total
        return _Match(matches[0].start, matches[len(pieces) - 1].end, score)

    def _match(self, piece: str, start: int, end: int) -> _Match | None:
        """The best match of one folded piece within folded[start:end]."""
        text = self._folded
        if end - start < _MIN_RUN:
            return None
        found = fuzz.partial_ratio_alignment(piece, text[start:end])
        if found is None:
            return None
        # Aligned in a wider window, longest common runs first (difflib's Ratcliff-Obershelp matching):
        # a window the length of the quote would cut off the words a quote left out, and an LCS
        # alignment (rapidfuzz's opcodes) scatters the ends over letters that line up by chance.
        slack = int(len(piece) * _WINDOW_SLACK) + _MIN_RUN
        left = max(start, start + found.dest_start - slack)
        right = min(end, start + found.dest_end + slack)
        matcher = difflib.SequenceMatcher(None, piece, text[left:right], autojunk=False)
        runs = _without_stray_ends([b for b in matcher.get_matching_blocks() if b.size >= _MIN_RUN])
        if not runs:
            return _Match(left, right, 0.0)
        matched = sum(block.size for block in runs)
        first, last = left + runs[0].b, left + runs[-1].b + runs[-1].size
        allowed = len(piece) * (1 + MAX_OMITTED)
        score = 100.0 * matched / len(piece) * min(1.0, allowed / (last - first))
        return _Match(first, last, score)

    def _passage_at(self, match: _Match) -> tuple[str, int, str]:
        """The paper's words behind a folded match, widened to whole words (and to the sentence's
        start and end when they are near), with the page and section where the passage starts."""
        original = self._original
        begin = self._origin[match.start]
        finish = self._origin[max(match.start, match.end - 1)] + 1
        while begin > 0 and original[begin - 1].isalnum():
            begin -= 1
        while finish < len(original) and original[finish].isalnum():
            finish += 1
        paragraph_start = original.rfind("\n\n", 0, begin) + 1
        paragraph_end = original.find("\n\n", finish)
        paragraph_end = len(original) if paragraph_end == -1 else paragraph_end
        before = original[max(paragraph_start, begin - _SENTENCE_REACH):begin]
        ends = list(_SENTENCE_END.finditer(before))
        if ends:
            begin = begin - len(before) + ends[-1].end()
        elif begin - paragraph_start <= _SENTENCE_REACH:
            begin = paragraph_start
        after = _SENTENCE_END.search(original, finish, min(paragraph_end, finish + _SENTENCE_REACH))
        if after:
            finish = after.end()
        elif paragraph_end - finish <= _SENTENCE_REACH:
            finish = paragraph_end
        passage = " ".join(original[begin:finish].split())
        index = bisect.bisect_right(self._starts, match.start) - 1
        source = self._passages[max(0, index)]
        return passage, source.page, source.section


def _without_stray_ends(runs: list[difflib.Match]) -> list[difflib.Match]:
    """Drop a short first or last run that lies far from the others in the paper but not in the quote:
    letters that happened to line up in the next sentence ("Fig. 4" matched beyond "Fig. 3")."""

    def stray(run: difflib.Match, neighbour: difflib.Match) -> bool:
        quote_gap = abs(run.a - (neighbour.a + neighbour.size)) if run.a > neighbour.a else neighbour.a - (run.a + run.size)
        paper_gap = abs(run.b - (neighbour.b + neighbour.size)) if run.b > neighbour.b else neighbour.b - (run.b + run.size)
        return run.size < 2 * _MIN_RUN and paper_gap > 2 * quote_gap + 2 * _MIN_RUN

    while len(runs) > 1 and stray(runs[-1], runs[-2]):
        runs = runs[:-1]
    while len(runs) > 1 and stray(runs[0], runs[1]):
        runs = runs[1:]
    return runs


def support_for(content: SummaryContent, index: EvidenceIndex) -> list[Support]:
    """Each point's quote and the verdict's quote looked up in the paper: the verified passage with its
    page, or a flag ("no supporting passage found", and why). The verdict's quote is looked for in the
    conclusion and limitations first (VERDICT_KINDS)."""
    supports: list[Support] = []
    claims: list[tuple[int | None, str | None, frozenset[SectionKind] | None]] = [
        (number, point.quote, None) for number, point in enumerate(content.points, start=1)]
    claims.append((None, content.verdict_quote, VERDICT_KINDS))
    for number, quote, kinds in claims:
        if not quote or not quote.strip():
            supports.append(Support(point=number, flag=NO_QUOTE))
            continue
        check = index.check(quote, kinds)
        supports.append(Support(point=number, quote=quote, evidence=check.evidence, flag=check.reason))
    return supports


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str, limit: int) -> str:
    """One line for a terminal: no control characters (a PDF may hold escape sequences), clipped."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe_support(summary: Summary, width: int = 400) -> list[str]:
    """Lines for a terminal saying what supports each claim of `summary` (paperflow show, --dry-run)."""
    if not summary.support:
        return ["evidence: not checked (no paper text behind this summary)"]
    found = sum(1 for s in summary.support if s.evidence is not None)
    lines = [f"evidence: {found} of {len(summary.support)} claims found in the paper"]
    for support in summary.support:
        claim = support.claim
        if support.point is not None and support.point <= len(summary.points):
            claim += f" ({summary.points[support.point - 1].label})"
        if support.evidence is not None:
            where = f"p. {support.evidence.page}" + (f", {_plain(support.evidence.section, 80)}"
                                                     if support.evidence.section else "")
            lines.append(f"  {claim}, {where}: \"{_plain(support.evidence.passage, width)}\"")
        else:
            quoted = f"; the draft's quote: \"{_plain(support.quote, width)}\"" if support.quote else ""
            lines.append(f"  {claim}: ! {_plain(support.flag or NO_PASSAGE, 200)}{quoted}")
    return lines

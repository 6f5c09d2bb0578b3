"""How much of a draft the person rewrote: an entry compared with its draft, part by part.

An entry (as `prompts/entry.md.j2` renders it, or as a person wrote or edited it) is split into its
parts: the keywords line, the opening line ("2023.12 Google 的一篇文章，研究……，要点："), each numbered
point, and the verdict ("总体上，……"). `compare_entries(draft, merged)` gives each part an edit ratio
from 0 (untouched) to 1 (rewritten, added or removed), measured with rapidfuzz on whitespace-folded
text. Points are paired by content, not by number, so a point the person added, removed or moved
counts as exactly that and never makes its neighbours look edited. Keywords are compared as a set in
any order. The link after the keywords, the numbering and the label punctuation are not edits.

Pure functions, no I/O: the review stage reads the draft and the merged log, the ledger stores the ratios.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from paperflow.log.weekly_log import ParsedLog, normalize_title, strip_title_markup

# An entry the person rewrote at least this much (edit ratio of the whole entry) shows their style
# better than anything: it is preferred as a few-shot example. A draft edited less is never one.
HEAVY_EDIT = 0.3
# A point pairs with a draft point when their texts are at least this similar (rapidfuzz ratio, 0-100);
# below it, the person's point is new and the draft's point was removed.
SAME_POINT_SIMILARITY = 45.0

_TITLE = re.compile(r"^\s*[*_]*\s*《(?P<title>.*)》\s*[*_]*\s*$")
_KEYWORDS = re.compile(r"^\s*(?:\*\*|__)?\s*(?:keywords|关键词)\s*[:：]\s*(?:\*\*|__)?\s*(?P<rest>.*)$", re.I)
_LINK = re.compile(r"\s*·?\s*\[arXiv:[^\]]*\]\([^)]*\)\s*$")
_POINT = re.compile(r"^\s*(?:(?P<number>\d{1,2})\s*[.．、，,)）]|[-*+•])\s*(?P<text>\S.*)$")
_VERDICT = re.compile(r"^\s*(?:总体上|总的来说|总体而言|Overall\b)", re.I)
_OPENING_END = re.compile(r"(?:要点|key points)\s*[:：]\s*$", re.I)
_LABEL = re.compile(r"^(?P<label>背景|数据|模型|实验结果|其他|Background|Data|Model|Results|Other)\s*[:：，,]\s*")
# The line the entry template writes above an extractive draft (italic, says it is not the person's text).
_MARKER = re.compile(r"^\s*\*(?:摘录草稿|Extractive draft)[^*]*\*\s*$", re.I)


class PartKind(StrEnum):
    KEYWORDS = "keywords"
    OPENING = "opening"
    POINT = "point"
    VERDICT = "verdict"


class EntryParts(BaseModel):
    """An entry split into the parts a person edits."""

    title: str = ""
    keywords: list[str] = Field(default_factory=list)
    opening: str = ""
    points: list[str] = Field(default_factory=list)  # without their numbers
    verdict: str = ""
    other: list[str] = Field(default_factory=list)  # paragraphs that are none of the above


class PartEdit(BaseModel):
    """One part of an entry, as drafted and as merged. `draft` None: the person added it; `merged`
    None: the person removed it. `ratio` 0 = untouched, 1 = rewritten (or added, or removed)."""

    kind: PartKind
    draft: str | None
    merged: str | None
    ratio: float = Field(ge=0, le=1)
    draft_position: int | None = None  # 1-based number of a point in the draft
    merged_position: int | None = None  # and in the merged entry


class EntryEdits(BaseModel):
    """Every part's edit, and the entry's overall ratio (parts weighted by their length)."""

    parts: list[PartEdit]
    ratio: float = Field(ge=0, le=1)
    reordered: bool = False  # the person changed the order of the points they kept

    def by_kind(self) -> dict[PartKind, float]:
        """Mean edit ratio of each kind of part present in the draft or the merged entry."""
        ratios: dict[PartKind, list[float]] = {}
        for part in self.parts:
            ratios.setdefault(part.kind, []).append(part.ratio)
        return {kind: sum(values) / len(values) for kind, values in ratios.items()}

    @property
    def most_edited(self) -> PartKind | None:
        """The kind of part edited most (None when nothing was edited)."""
        kinds = self.by_kind()
        if not kinds or max(kinds.values()) == 0:
            return None
        return max(kinds, key=lambda kind: kinds[kind])

    @property
    def untouched(self) -> bool:
        return self.ratio == 0


def _fold_space(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def split_entry(text: str) -> EntryParts:
    """The parts of one entry's text (its 《title》 line first, then its body).

    Lenient: a person's entry may lack the keywords line or the opening, number points "1，" or "1、",
    wrap a point over several lines, or end without a verdict; what fits no part goes to `other`."""
    parts = EntryParts()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    point_open = False  # the last line was (part of) a point: an indented or wrapped line continues it
    verdict_open = False
    for block in _paragraphs(lines):
        point_open = False
        for line in block:
            stripped = line.strip()
            if not parts.title and (title := _TITLE.match(stripped)):
                parts.title = strip_title_markup(title.group("title"))
                continue
            if keywords := _KEYWORDS.match(stripped):
                rest = _LINK.sub("", keywords.group("rest"))
                parts.keywords = [k.strip() for k in re.split(r"[,，、;；]", rest) if k.strip()]
                continue
            if _MARKER.match(stripped):
                continue
            if verdict_open:
                parts.verdict = f"{parts.verdict} {stripped}"
                continue
            if _VERDICT.match(stripped):
                parts.verdict, verdict_open, point_open = stripped, True, False
                continue
            if point_open and line[:1] in (" ", "\t"):
                parts.points[-1] = f"{parts.points[-1]} {stripped}"  # an indented line belongs to its point
                continue
            if point := _POINT.match(line):
                parts.points.append(point.group("text").strip())
                point_open = True
                continue
            if point_open:
                parts.points[-1] = f"{parts.points[-1]} {stripped}"
                continue
            if not parts.opening and not parts.points:
                parts.opening = stripped
                continue
            if parts.opening and not parts.points and not _OPENING_END.search(parts.opening):
                parts.opening = f"{parts.opening} {stripped}"  # an opening wrapped over lines
                continue
            parts.other.append(stripped)
    parts.opening = _fold_space(parts.opening)
    parts.points = [_fold_space(p) for p in parts.points]
    parts.verdict = _fold_space(parts.verdict)
    return parts


def _comparable(text: str) -> str:
    """Whitespace folded, and a point's label followed by one space whatever its punctuation."""
    return _LABEL.sub(lambda m: f"{m.group('label')} ", _fold_space(text), count=1)


def edit_ratio(draft: str, merged: str) -> float:
    """0 when the texts are the same (whitespace and label punctuation aside), 1 when nothing of the
    draft is left."""
    draft, merged = _comparable(draft), _comparable(merged)
    if draft == merged:
        return 0.0
    return round(1 - fuzz.ratio(draft, merged) / 100, 4)


def _keywords_key(keywords: list[str]) -> str:
    return " | ".join(sorted(_fold_space(k).casefold() for k in keywords))


def _pair_points(draft: list[str], merged: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs (draft index, merged index) by content, most similar first; unpaired points alone."""
    draft, merged = [_comparable(d) for d in draft], [_comparable(m) for m in merged]
    scores = sorted(
        ((fuzz.ratio(d, m), i, j) for i, d in enumerate(draft) for j, m in enumerate(merged)),
        key=lambda item: (-item[0], abs(item[1] - item[2]), item[1]),
    )
    used_draft: set[int] = set()
    used_merged: set[int] = set()
    pairs: list[tuple[int | None, int | None]] = []
    for score, i, j in scores:
        if score < SAME_POINT_SIMILARITY or i in used_draft or j in used_merged:
            continue
        used_draft.add(i)
        used_merged.add(j)
        pairs.append((i, j))
    pairs += [(i, None) for i in range(len(draft)) if i not in used_draft]
    pairs += [(None, j) for j in range(len(merged)) if j not in used_merged]
    return sorted(pairs, key=lambda p: (p[0] if p[0] is not None else len(draft), p[1] if p[1] is not None else -1))


def compare_entries(draft: str | EntryParts, merged: str | EntryParts) -> EntryEdits:
    """Each part of the draft against the merged entry (see the module docstring)."""
    before = split_entry(draft) if isinstance(draft, str) else draft
    after = split_entry(merged) if isinstance(merged, str) else merged
    parts: list[PartEdit] = []

    def single(kind: PartKind, old: str, new: str, ratio: float | None = None) -> None:
        if not old and not new:
            return
        if ratio is None:
            ratio = 1.0 if not old or not new else edit_ratio(old, new)
        parts.append(PartEdit(kind=kind, draft=old or None, merged=new or None, ratio=ratio))

    old_keywords, new_keywords = _keywords_key(before.keywords), _keywords_key(after.keywords)
    single(PartKind.KEYWORDS, ", ".join(before.keywords), ", ".join(after.keywords),
           None if not old_keywords or not new_keywords else edit_ratio(old_keywords, new_keywords))
    single(PartKind.OPENING, before.opening, after.opening)
    pairs = _pair_points(before.points, after.points)
    for i, j in pairs:
        old = before.points[i] if i is not None else ""
        new = after.points[j] if j is not None else ""
        parts.append(PartEdit(
            kind=PartKind.POINT, draft=old or None, merged=new or None,
            ratio=edit_ratio(old, new) if old and new else 1.0,
            draft_position=None if i is None else i + 1, merged_position=None if j is None else j + 1,
        ))
    single(PartKind.VERDICT, before.verdict, after.verdict)
    kept = [j for i, j in pairs if i is not None and j is not None]
    weights = [max(len(p.draft or ""), len(p.merged or "")) for p in parts]
    total = sum(weights)
    ratio = sum(p.ratio * w for p, w in zip(parts, weights, strict=True)) / total if total else 0.0
    return EntryEdits(parts=parts, ratio=round(ratio, 4), reordered=kept != sorted(kept))


def style_examples(parsed: ParsedLog, n: int, drafted: Mapping[str, float | None]) -> list[str]:
    """The text of the `n` best examples of the person's style for the LLM: entries they rewrote
    heavily (edit ratio >= HEAVY_EDIT) first, then entries they wrote by hand, newest first in each.

    `drafted` maps the normalised title (weekly_log.normalize_title) of every paper paperflow drafted
    to its measured edit ratio (None: not measured, e.g. merged before edits were recorded). A draft
    is never an example unless it is known to be heavily edited: an unedited draft is paperflow's
    style, not the person's, and copying it would only teach the model its own habits."""
    if n <= 0:
        return []
    ranked: list[tuple[int, int, int]] = []
    for position, entry in enumerate(parsed.entries):
        recency = parsed.recency(entry)  # the day in the weekly log, the place in the file in heading layouts
        if recency is None:
            continue
        key = normalize_title(entry.title)
        if key in drafted:
            ratio = drafted[key]
            if ratio is None or ratio < HEAVY_EDIT:
                continue
            rank = 0
        elif entry.hand_written:
            rank = 1
        else:
            continue  # a draft (it has the keywords line) paperflow has no record of
        ranked.append((rank, recency, position))
    ranked.sort(key=lambda item: (item[0], -item[1], item[2]))
    return [parsed.entry_text(parsed.entries[i]).replace("\r\n", "\n").strip() + "\n" for _, _, i in ranked[:n]]

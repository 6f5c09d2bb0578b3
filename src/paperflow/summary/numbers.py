"""Check the numbers of a draft against the paper: a number the paper does not contain is flagged.

A draft says "28.4 BLEU", "2-4倍", "37B", "91%"; each number is looked for in the paper's own text.
Numbers are compared as values, not strings, so "1,000" matches "1000", "37B" matches "37 billion",
"91%" matches "0.91", "1750亿" matches "175B", and "28.4" matches a paper's "28.41" (the draft may
round to its own precision). A range ("2-4", "2~4", "2 到 4") is supported when the range itself
or both of its ends are in the paper. Numbers that are part of a name (GPT-4, L2, ResNet-50) are
not checked: they are names, not claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from paperflow.models import SummaryContent

_SCALES: dict[str, Decimal] = {
    "k": Decimal(10) ** 3,
    "thousand": Decimal(10) ** 3,
    "千": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "百万": Decimal(10) ** 6,
    "万": Decimal(10) ** 4,
    "b": Decimal(10) ** 9,
    "billion": Decimal(10) ** 9,
    "亿": Decimal(10) ** 8,
    "t": Decimal(10) ** 12,
    "trillion": Decimal(10) ** 12,
}
_PERCENT = {"%", "percent", "个百分点", "百分点"}

# A number: digits with optional thousands separators and decimals, then an optional unit word.
# Not preceded by a letter, digit, dot or a letter+hyphen (GPT-4, L2, v1.5 are names).
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(?<![A-Za-z]-)"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<unit>%|percent\b|thousand\b|million\b|billion\b|trillion\b|个百分点|百分点|百万|千|万|亿"
    r"|[kKmMbBtT](?![A-Za-z])))?"
)
_RANGE = re.compile(
    r"(?<![A-Za-z0-9_.])(?<![A-Za-z]-)"
    r"(?P<a>\d+(?:\.\d+)?)\s*(?:-|–|—|~|～|to|到|至)\s*(?P<b>\d+(?:\.\d+)?)(?!\.?\d)"
)


@dataclass(frozen=True)
class NumberMention:
    """One number as written in a draft, with the values it may stand for."""

    text: str
    values: frozenset[Decimal]
    decimals: int  # digits after the point as written, for rounding


def _normalize(text: str) -> str:
    # Full-width digits and punctuation (２８．４％) become ASCII; ligatures split.
    return unicodedata.normalize("NFKC", text)


def _values(number: str, unit: str | None) -> frozenset[Decimal]:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return frozenset()
    values = {value}
    if unit:
        unit_key = unit.lower()
        if unit_key in _SCALES:
            values.add(value * _SCALES[unit_key])
        elif unit_key in _PERCENT:
            values.add(value / 100)
    return frozenset(v.normalize() for v in values)


def _decimals(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


def mentions(text: str) -> list[NumberMention]:
    """Every number written in `text` (ranges as one mention), in order, without duplicates."""
    text = _normalize(text)
    found: list[NumberMention] = []
    seen: set[str] = set()
    for match in _NUMBER.finditer(text):
        raw = match.group(0).strip()
        if raw in seen:
            continue
        seen.add(raw)
        number = match.group("num")
        found.append(NumberMention(raw, _values(number, match.group("unit")), _decimals(number)))
    return found


def paper_values(paper_text: str) -> frozenset[Decimal]:
    """All number values the paper's text contains (with unit scalings), for repeated lookups."""
    values: set[Decimal] = set()
    for mention in mentions(paper_text):
        values |= mention.values
    return frozenset(values)


def _supported(mention: NumberMention, available: frozenset[Decimal]) -> bool:
    if mention.values & available:
        return True
    if mention.decimals == 0:
        return False
    # The draft rounded the paper's number to its own precision (28.41 written as 28.4).
    quantum = Decimal(1).scaleb(-mention.decimals)
    for value in available:
        if value.as_tuple().exponent >= -mention.decimals:  # type: ignore[operator]
            continue  # not more precise than the draft: exact comparison already done
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP).normalize()
        if rounded in mention.values:
            return True
    return False


def unsupported_in(draft_texts: Iterable[str], paper_text: str) -> list[str]:
    """Numbers written in `draft_texts` that the paper's text does not contain, as written, in order."""
    available = paper_values(paper_text)
    paper_ranges = {
        (Decimal(m.group("a")).normalize(), Decimal(m.group("b")).normalize())
        for m in _RANGE.finditer(_normalize(paper_text))
    }
    missing: list[str] = []
    for text in draft_texts:
        text = _normalize(text)
        range_spans: list[tuple[int, int]] = []
        for match in _RANGE.finditer(text):
            raw_ends = (match.group("a"), match.group("b"))
            ends = (Decimal(raw_ends[0]).normalize(), Decimal(raw_ends[1]).normalize())
            range_spans.append(match.span())
            both_found = all(
                _supported(NumberMention(raw, _values(raw, None), _decimals(raw)), available) for raw in raw_ends
            )
            if ends not in paper_ranges and not both_found and match.group(0) not in missing:
                missing.append(match.group(0))
        for match in _NUMBER.finditer(text):
            if any(start <= match.start() < end for start, end in range_spans):
                continue  # judged as part of its range
            number = match.group("num")
            mention = NumberMention(match.group(0).strip(), _values(number, match.group("unit")), _decimals(number))
            if not _supported(mention, available) and mention.text not in missing:
                missing.append(mention.text)
    return missing


def draft_texts(content: SummaryContent) -> list[str]:
    """The parts of a summary that make claims about the paper (not its publication date)."""
    return [content.topic, *content.keywords, *(p.text for p in content.points), content.verdict]


def unsupported_numbers(content: SummaryContent, paper_text: str) -> list[str]:
    """Numbers in the summary's claims that the paper's text does not contain, as written in the draft."""
    return unsupported_in(draft_texts(content), paper_text)

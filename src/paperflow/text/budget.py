"""What the LLM reads of a paper: `select_input` picks sections within a token budget (`max_input_tokens`).

Abstract and conclusion come whole where they fit, introduction, method and results share the rest in
proportion, later sections get what is left; front matter, references, appendices and acknowledgements are left
out. The result keeps the section titles and says what it covers (`Coverage`), for the prompt and the reports.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from paperflow.text.paper_text import PaperText
from paperflow.text.sections import CORE_KINDS, Section, SectionKind
from paperflow.text.tokens import estimate_tokens, trim_to_tokens

__all__ = ["Coverage", "EXCLUDED_KINDS", "SelectedInput", "missing_core_kinds", "select_input"]

EXCLUDED_KINDS = frozenset({SectionKind.FRONT, SectionKind.REFERENCES, SectionKind.APPENDIX,
                            SectionKind.ACKNOWLEDGEMENTS})
_WHOLE_KINDS = (SectionKind.ABSTRACT, SectionKind.CONCLUSION)
_PROPORTIONAL_KINDS = (SectionKind.INTRODUCTION, SectionKind.METHOD, SectionKind.RESULTS)
_LATER_KINDS = (SectionKind.DISCUSSION, SectionKind.RELATED_WORK, SectionKind.OTHER)
_WHOLE_SHARE = 0.4  # abstract + conclusion whole, as long as they take at most this share of the budget
_MIN_SECTION_TOKENS = 40  # a trimmed section shorter than this says nothing: give its share to the others
_CUT_MARK = " […]"


class Coverage(BaseModel):
    """What the LLM read of the paper."""

    included: list[str] = Field(description="titles of the sections read, whole or trimmed")
    kinds: list[SectionKind] = Field(description="kinds of the sections read")
    trimmed: list[str] = Field(default_factory=list, description="titles of the sections read only in part")
    left_out: list[str] = Field(default_factory=list, description="titles of the sections not read")
    tokens_read: int
    tokens_total: int
    max_input_tokens: int
    inferred: list[str] = Field(default_factory=list, description="sections found by position, not heading")
    missing: list[SectionKind] = Field(default_factory=list, description="core kinds (abstract, introduction, "
                                       "method, results, conclusion) not found in the paper, so not read")

    @property
    def cut(self) -> bool:
        return bool(self.trimmed) or any(k for k in self.left_out)

    def describe(self) -> str:
        """One line for reports and PR bodies."""
        share = self.tokens_read / self.tokens_total if self.tokens_total else 1.0
        kinds = ", ".join(k.value.replace("_", " ") for k in self.kinds)
        cut = f"; trimmed {len(self.trimmed)}, left out {len(self.left_out)} sections" if self.cut else "; nothing cut"
        missing = f"; no {', '.join(k.value.replace('_', ' ') for k in self.missing)} section found" \
            if self.missing else ""
        return f"read {self.tokens_read:,} of {self.tokens_total:,} tokens ({share:.0%}): {kinds}{cut}{missing}"


class SelectedInput(BaseModel):
    """The text the LLM reads (section titles kept) and what it covers."""

    text: str
    coverage: Coverage

    @property
    def tokens(self) -> int:
        return self.coverage.tokens_read


def select_input(text: PaperText, max_input_tokens: int) -> SelectedInput:
    """The paper's text to summarise within `max_input_tokens` (estimated, see paperflow.text.tokens).

    Abstract and conclusion come whole where they fit (together at most 40% of the budget, trimmed in
    proportion beyond that); introduction, method and results share the rest in proportion to their
    length; discussion, related work and other sections get what is left; front matter, references,
    appendices and acknowledgements are left out. Sections stay in reading order with their titles; a
    trimmed section keeps its beginning and ends with "[…]"."""
    if max_input_tokens < 100:
        raise ValueError("max_input_tokens must be at least 100")
    budget = max_input_tokens
    for _ in range(8):
        chosen = _allocate(text, budget)
        rendered = _render(text, chosen)
        used = estimate_tokens(rendered)
        if used <= max_input_tokens:
            return SelectedInput(text=rendered, coverage=_coverage(text, chosen, used, max_input_tokens))
        budget -= used - max_input_tokens + max(10, max_input_tokens // 100)
    raise AssertionError("selection did not converge within the budget")  # pragma: no cover


def _allocate(text: PaperText, budget: int) -> dict[int, int]:
    """Token allowance per section index (sections absent from the result are not read)."""
    sizes = {i: s.tokens() for i, s in enumerate(text.sections) if s.kind not in EXCLUDED_KINDS}
    headers = {i: estimate_tokens(f"## {text.sections[i].title}\n") + 2 for i in sizes}
    remaining = budget - (estimate_tokens(f"# {text.title}\n") if text.title else 0)
    allowance: dict[int, int] = {}
    for group, cap in ((_WHOLE_KINDS, _WHOLE_SHARE), (_PROPORTIONAL_KINDS, 1.0), (_LATER_KINDS, 1.0)):
        members = [i for i in sizes if text.sections[i].kind in group]
        if not members or remaining <= 0:
            continue
        available = int(remaining * cap) if cap < 1 else remaining
        # the first section of each kind that says something (not a two-line lead-in to its subsections)
        firsts = {next((i for i in members if text.sections[i].kind is kind and sizes[i] >= 2 * _MIN_SECTION_TOKENS),
                       next(i for i in members if text.sections[i].kind is kind))
                  for kind in {text.sections[i].kind for i in members}}
        granted = _share(members, sizes, headers, available, firsts)
        allowance.update(granted)
        remaining -= sum(granted[i] + headers[i] for i in granted)
    return allowance


def _share(members: list[int], sizes: dict[int, int], headers: dict[int, int], available: int,
           firsts: set[int] = frozenset()) -> dict[int, int]:
    """Split `available` tokens over sections in proportion to their size; drop those whose share would be
    too small to say anything, giving it to the others; a section gets at most its size. The first section of
    each kind (`firsts`: its opening says most) is dropped last, so a long report's method is read beside its
    many results sections."""
    members = list(members)
    while members:
        need = sum(sizes[i] + headers[i] for i in members)
        if need <= available:
            return {i: sizes[i] for i in members}
        body = available - sum(headers[i] for i in members)
        total = sum(sizes[i] for i in members) or 1
        shares = {i: min(sizes[i], int(body * sizes[i] / total)) for i in members}
        too_small = [i for i in members if shares[i] < min(_MIN_SECTION_TOKENS, sizes[i]) and sizes[i] > 0]
        if not too_small and body > 0:
            return shares
        if body <= 0 or not too_small:
            too_small = [min(members, key=lambda i: sizes[i])]
        # Keep the first section of each kind (its opening says most); drop the smallest others.
        droppable = ([i for i in too_small if i not in firsts and i != members[0]]
                     or [i for i in members if i not in firsts and too_small] or too_small)
        members.remove(min(droppable, key=lambda i: sizes[i]))
    return {}


def _render(text: PaperText, allowance: dict[int, int]) -> str:
    parts = [f"# {text.title}"] if text.title else []
    for index, section in enumerate(text.sections):
        if index not in allowance:
            continue
        body = _trimmed_body(section, allowance[index])
        if body or section.paragraphs == []:
            parts.append(f"## {section.title}\n{body}".rstrip())
    return "\n\n".join(parts)


def _trimmed_body(section: Section, limit: int) -> str:
    if limit >= section.tokens():
        return section.text
    kept: list[str] = []
    used = 0
    for paragraph in section.paragraphs:
        cost = estimate_tokens(paragraph.text) + 1
        if used + cost <= limit:
            kept.append(paragraph.text)
            used += cost
            continue
        room = limit - used - estimate_tokens(_CUT_MARK) - 1
        piece = trim_to_tokens(paragraph.text, room) if room > 5 else ""
        if piece:
            kept.append(piece + _CUT_MARK)
        elif kept:
            kept[-1] += _CUT_MARK
        break
    return "\n\n".join(kept)


def _coverage(text: PaperText, allowance: dict[int, int], used: int, max_input_tokens: int) -> Coverage:
    included, trimmed, left_out, kinds = [], [], [], []
    for index, section in enumerate(text.sections):
        if index in allowance:
            included.append(section.title)
            kinds.append(section.kind)
            if allowance[index] < section.tokens():
                trimmed.append(section.title)
        elif section.paragraphs:
            left_out.append(section.title)
    return Coverage(
        included=included,
        kinds=list(dict.fromkeys(kinds)),
        trimmed=trimmed,
        left_out=left_out,
        tokens_read=used,
        tokens_total=text.total_tokens(),
        max_input_tokens=max_input_tokens,
        inferred=[s.title for s in text.sections if s.inferred and s.kind is not SectionKind.FRONT],
        missing=[k for k in CORE_KINDS if not any(s.kind is k and (s.paragraphs or index in allowance)
                                                  for index, s in enumerate(text.sections))],
    )


def missing_core_kinds(selected: SelectedInput) -> list[SectionKind]:
    """Core kinds (abstract, introduction, method, results, conclusion) the selected input lacks (those the paper
    lacks, `Coverage.missing`, and those the budget left out)."""
    return [k for k in CORE_KINDS if k not in selected.coverage.kinds]


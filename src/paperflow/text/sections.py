"""From cleaned page lines to typed sections: paragraphs (with their page), headings, section kinds.

Pure functions, no I/O. `build_sections(pages)` is the entry point; `paperflow.text.extract` feeds it the lines of
each page after clean-up (with the outline's headings, see `structure`) and `paperflow.text.budget.select_input` picks
what the LLM reads from the result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from paperflow.text.engine import Line
from paperflow.text.tokens import estimate_tokens


class SectionKind(StrEnum):
    FRONT = "front"  # title, authors, affiliations before the abstract
    ABSTRACT = "abstract"
    INTRODUCTION = "introduction"
    RELATED_WORK = "related_work"
    METHOD = "method"
    RESULTS = "results"  # experiments and results
    DISCUSSION = "discussion"
    CONCLUSION = "conclusion"
    ACKNOWLEDGEMENTS = "acknowledgements"
    REFERENCES = "references"
    APPENDIX = "appendix"
    OTHER = "other"


CORE_KINDS = (
    SectionKind.ABSTRACT,
    SectionKind.INTRODUCTION,
    SectionKind.METHOD,
    SectionKind.RESULTS,
    SectionKind.CONCLUSION,
)
BODY_KINDS = frozenset(
    {
        SectionKind.INTRODUCTION,
        SectionKind.RELATED_WORK,
        SectionKind.METHOD,
        SectionKind.RESULTS,
        SectionKind.DISCUSSION,
        SectionKind.CONCLUSION,
        SectionKind.OTHER,
    }
)


class Paragraph(BaseModel):
    text: str
    page: int = Field(ge=1, description="1-based page where the paragraph starts")


class Section(BaseModel):
    """One section as printed: its heading, its kind and its paragraphs in reading order."""

    title: str = Field(description='heading as printed, e.g. "3.2 Training"; a description when inferred')
    number: str | None = None
    level: int = Field(1, ge=1, description="1 for a section, 2 for a subsection, ...")
    kind: SectionKind
    page: int = Field(ge=1)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    inferred: bool = Field(False, description="kind (or the whole section) found by position, not by a heading")

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def tokens(self) -> int:
        return sum(estimate_tokens(p.text) for p in self.paragraphs)


# ---------------------------------------------------------------------------------------------- headings

_KIND_KEYWORDS: list[tuple[SectionKind, tuple[str, ...]]] = [
    # Order matters: the first kind whose keyword occurs in the title wins.
    (SectionKind.ABSTRACT, ("abstract", "摘要", "摘 要")),
    (SectionKind.REFERENCES, ("references", "bibliography", "works cited", "参考文献")),
    (SectionKind.ACKNOWLEDGEMENTS, ("acknowledg", "致谢", "致 谢")),
    (SectionKind.APPENDIX, ("appendix", "appendices", "supplementary", "附录")),
    (SectionKind.CONCLUSION, ("conclusion", "concluding", "closing remarks", "summary and outlook", "结论", "总结", "结束语")),
    (SectionKind.INTRODUCTION, ("introduction", "绪论", "引言", "前言")),
    (SectionKind.RELATED_WORK, ("related work", "background", "prior work", "previous work", "literature",
                                "preliminar", "related research", "相关工作", "研究现状", "相关技术")),
    (SectionKind.RESULTS, ("experiment", "result", "evaluation", "ablation", "benchmark", "empirical",
                           "setup", "training", "dataset", "data", "performance", "comparison", "analysis",
                           "实验", "结果", "评估", "分析")),
    (SectionKind.DISCUSSION, ("discussion", "limitation", "future work", "broader impact", "讨论", "展望")),
    (SectionKind.METHOD, ("method", "approach", "model", "architecture", "framework", "algorithm",
                          "formulation", "design", "proposed", "learning", "pre-training", "方法", "模型", "设计")),
]

_UNNUMBERED = {
    "abstract", "introduction", "related work", "related works", "background", "method", "methods",
    "methodology", "approach", "experiments", "experimental results", "results", "evaluation", "discussion",
    "conclusion", "conclusions", "conclusions and future work", "conclusion and future work", "summary",
    "references", "bibliography", "acknowledgments", "acknowledgements", "acknowledgment", "acknowledgement",
    "appendix", "appendices", "supplementary material", "limitations",
    "摘要", "摘 要", "参考文献", "致谢", "致 谢", "结论", "附录", "总结与展望",
}

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>\S.*)$")
_ROMAN = re.compile(r"^(?P<num>X?(?:IX|IV|V?I{1,3}|V|X))\.\s+(?P<title>\S.*)$")
_LETTERED = re.compile(r"^(?:(?:Appendix|APPENDIX)\s+)?(?P<num>[A-H](?:\.\d{1,2}){0,3})(?:[.:]\s*|\s+)(?P<title>\S.*)$")
_CN_CHAPTER = re.compile(r"^第(?P<num>[一二三四五六七八九十\d]{1,3})章\s*(?P<title>\S.*)$")
_CN_SECTION = re.compile(r"^第(?P<num>[一二三四五六七八九十\d]{1,3})节\s*(?P<title>\S.*)$")
_INLINE_ABSTRACT = re.compile(r"^(?P<head>Abstract|ABSTRACT)\s*(?:[.:—–]|-{1,2})\s*(?P<rest>\S.*)$")
# "Acknowledgements We are grateful to ...": a run-in heading (printed bold where fonts are known)
_INLINE_ACKNOWLEDGEMENTS = re.compile(r"^(?P<head>Acknowledge?ments?|ACKNOWLEDGE?MENTS?)\s*[.:—–]?\s+(?P<rest>[A-Z].*)$")
_TOC_LEADER = re.compile(r"(?:[.·…]\s*){3,}\s*[\dIVX]*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
                 "XI": 11, "XII": 12, "XIII": 13}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CONNECTIVES = {"and", "of", "for", "the", "in", "on", "with", "to", "a", "an", "via", "from", "by", "at", "as"}


_NAMED_FIRST = (SectionKind.ABSTRACT, SectionKind.REFERENCES, SectionKind.ACKNOWLEDGEMENTS, SectionKind.APPENDIX,
                SectionKind.CONCLUSION, SectionKind.INTRODUCTION, SectionKind.RELATED_WORK)


def kind_from_title(title: str) -> SectionKind:
    """The section kind a heading's words name (OTHER when none does).

    Unambiguous names (abstract, references, conclusion, introduction, related work, ...) win wherever
    they occur; otherwise the keyword nearest the end decides, since a title's last noun says what it is:
    "Pre-training Approach" is a method, "Model Evaluation" a result."""
    lowered = title.lower()
    best: tuple[int, SectionKind] | None = None
    for kind, keywords in _KIND_KEYWORDS:
        positions = [lowered.rfind(k) for k in keywords if k in lowered]
        if not positions:
            continue
        if kind in _NAMED_FIRST:
            return kind
        end = max(positions)
        if best is None or end > best[0]:
            best = (end, kind)
    return best[1] if best else SectionKind.OTHER


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


def _plausible_title(title: str, large: bool = False) -> bool:
    """Does `title` read like a heading rather than a sentence, a table row or a reference? `large`: printed
    larger than the running text, so a heading in sentence case ("5. Why does it work? Some speculation")."""
    title = title.strip()
    if not title or len(title) > 90 or _TOC_LEADER.search(title):
        return False
    if _CJK.search(title[:1]):
        return len(title) <= 30 and not re.search(r"[。，；：]", title)
    if not title[0].isupper() or title[-1] in ".,;" or ". " in title or "et al" in title or "=" in title:
        return False
    words = title.split()
    if len(words) > 14 or sum(w.isdigit() for w in words) > 2:
        return False
    letters = sum(c.isalpha() for c in title)
    if letters < 0.6 * len(title.replace(" ", "")):
        return False
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if len(words) > 5 and long_words and not large:
        capitalised = sum(w[0].isupper() for w in long_words)
        if capitalised < 0.5 * len(long_words):
            return False
    return True


@dataclass
class HeadingMark:
    """A heading found in the printed lines (by the outline, or by the finder below)."""

    title: str  # as printed, number included
    number: str | None
    level: int
    kind: SectionKind
    rest: str = ""  # text after an inline heading ("Abstract—We ...")
    span: int = 1  # printed lines the heading takes


_Heading = HeadingMark


class _HeadingFinder:
    """Accepts headings in a plausible order: numbered sections must count up, appendix letters only
    after the references, each named heading once. The order is what filters out table rows,
    reference entries and figure labels that look like headings."""

    def __init__(self) -> None:
        self.top = 0  # last accepted top-level number
        self.sub: list[int] = []  # last accepted sub-numbers under it
        self.roman = 0
        self.roman_letter = 0
        self.letter = ""  # last appendix letter
        self.cn_chapter = 0
        self.seen_names: set[str] = set()
        self.in_back = False  # after references / appendix

    def match(self, line: str, *, named_only: bool = False, large: bool = False) -> _Heading | None:
        """The heading `line` is, if any. `named_only`: only unnumbered named headings (Abstract, References,
        Acknowledgements, Appendix), for papers whose numbered headings come from the outline."""
        text = line.strip()
        if not text or len(text) > 100:
            return None
        lowered = text.lower().rstrip(": ")
        # Named headings are capitalised and carry no full stop: "experiments." ends a sentence.
        capitalised = text[0].isupper() or bool(_CJK.match(text))
        if capitalised and lowered in _UNNUMBERED and lowered not in self.seen_names:
            self.seen_names.add(lowered)
            kind = kind_from_title(lowered)
            if kind in (SectionKind.REFERENCES, SectionKind.APPENDIX):
                self.in_back = True
            return _Heading(text.rstrip(":"), None, 1, kind)
        inline = _INLINE_ABSTRACT.match(text)
        if inline and "abstract" not in self.seen_names:
            self.seen_names.add("abstract")
            return _Heading(inline["head"], None, 1, SectionKind.ABSTRACT, rest=inline["rest"])
        inline = _INLINE_ACKNOWLEDGEMENTS.match(text)
        if inline and "acknowledgements" not in self.seen_names:
            self.seen_names.add("acknowledgements")
            return _Heading(inline["head"], None, 1, SectionKind.ACKNOWLEDGEMENTS, rest=inline["rest"])
        if text.startswith(("Appendix", "APPENDIX")) and len(text.split()) <= 10 and not text.endswith(".") \
                and not _LETTERED.match(text):  # "Appendix A: Proofs" is lettered, below
            if ". " not in text and ")" not in text and "appendix" not in self.seen_names:
                self.seen_names.add("appendix")
                self.in_back = True
                return _Heading(text, None, 1, SectionKind.APPENDIX)
        return None if named_only else self._numbered(text, large)

    def _numbered(self, text: str, large: bool = False) -> _Heading | None:
        if not self.in_back and (m := _LETTERED.match(text)) and m["num"] == "A" \
                and (text.startswith(("Appendix", "APPENDIX")) or (self.top and not self.roman and large)):
            # "A Proofs" printed as large as a section heading after the numbered sections (\appendix numbers by
            # letter; a bold "A note on ..." is no heading), or "Appendix A. Proofs": the appendix begins, before
            # the references or after them
            self.in_back = True
        if self.in_back:
            return self._appendix_letter(text)
        if m := _CN_CHAPTER.match(text):
            n = _cn_number(m["num"])
            if n == self.cn_chapter + 1 and _plausible_title(m["title"]):
                self.cn_chapter, self.top, self.sub = n, n, []
                return _Heading(text, str(n), 1, kind_from_title(m["title"]))
            return None
        if m := _CN_SECTION.match(text):
            if self.cn_chapter and _plausible_title(m["title"]):
                return _Heading(text, None, 2, kind_from_title(m["title"]))
            return None
        if m := _NUMBERED.match(text):
            parts = [int(p) for p in m["num"].split(".")]
            if not _plausible_title(m["title"], large and len(parts) == 1):
                return None
            if len(parts) == 1:
                if parts[0] != self.top + 1:
                    return None
                self.top, self.sub = parts[0], []
                return _Heading(text, m["num"], 1, kind_from_title(m["title"]))
            if parts[0] != self.top:
                return None
            depth = len(parts) - 1
            previous = self.sub[depth - 1] if len(self.sub) >= depth else 0
            if len(self.sub) < depth - 1 or not previous < parts[-1] <= previous + 2:
                return None
            self.sub = self.sub[: depth - 1] + [parts[-1]]
            return _Heading(text, m["num"], depth + 1, kind_from_title(m["title"]))
        if m := _ROMAN.match(text):
            value = _ROMAN_VALUES.get(m["num"], 0)
            title = m["title"]
            upper = sum(c.isupper() for c in title) >= 0.7 * max(1, sum(c.isalpha() for c in title))
            if value == self.roman + 1 and upper and _plausible_title(title):
                self.roman, self.roman_letter = value, 0
                return _Heading(text, m["num"], 1, kind_from_title(title))
            return None
        if self.roman and (m := _LETTERED.match(text)) and "." not in m["num"] and text[1:2] == ".":
            value = ord(m["num"]) - ord("A") + 1
            if value == self.roman_letter + 1 and _plausible_title(m["title"]):
                self.roman_letter = value
                return _Heading(text, m["num"], 2, kind_from_title(m["title"]))
        return None

    def _appendix_letter(self, text: str) -> _Heading | None:
        m = _LETTERED.match(text)
        if not m or not _plausible_title(m["title"]):
            return None
        parts = m["num"].split(".")
        letter = parts[0]
        if len(parts) == 1:
            expected = chr(ord(self.letter) + 1) if self.letter else "A"
            if letter != expected:
                return None
            self.letter, self.sub = letter, []
            return _Heading(text, m["num"], 1, SectionKind.APPENDIX)
        if letter != self.letter:
            return None
        return _Heading(text, m["num"], len(parts), SectionKind.APPENDIX)


_NEXT_IS_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s|[IVX]{1,4}\.\s|[A-H](?:\.\d)*\.?\s)")


# Small capitals read as separate letters: "NEFTU N E" is "NEFTUNE" ("A" and "I" are words, never joined).
_SMALL_CAPS_SPLIT = re.compile(r"\b[A-Z]{2,}(?: [B-HJ-Z]\b){2,}")


def _printed_alike(heading: Line, following: Line, body_size: float) -> bool:
    """A heading wrapped onto a line printed just like it, right below ("2 Preliminaries: TAPAS for Table" /
    "Encoding", both bold and larger than the running text)."""
    text = following.text.strip()
    if not body_size or heading.size < body_size + 1 or _NEXT_IS_HEADING.match(text) or not text[:1].isalpha():
        return False
    return (abs(following.size - heading.size) < 0.3 and following.bold == heading.bold
            and 0 < following.top - heading.top <= 1.8 * heading.size and len(text.split()) <= 8
            and not text.endswith((".", ",")))


def _continues_heading(heading: _Heading, next_line: str) -> bool:
    """A heading wrapped onto a second line ("II. SELF-CONSISTENT ACTION IN THE" / "LARGE ... LIMIT")."""
    nxt = next_line.strip()
    if not nxt or _NEXT_IS_HEADING.match(nxt) or len(nxt.split()) > 8 or nxt.endswith((".", ",")) or _CJK.search(nxt[:1] or " "):
        return False
    last_word = heading.title.split()[-1]
    if last_word.lower() in _CONNECTIVES or heading.title.endswith((":", "-")):
        return nxt[0].isalpha()
    body = heading.title.split(maxsplit=1)[-1]
    if body.isupper() and nxt.isupper() and len(nxt) > 3:
        return True
    return False


# -------------------------------------------------------------------------------------------- paragraphs

_WORD = re.compile(r"[A-Za-z]+")
_COMPOUND = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)+")
# Tails and heads that make a hyphenated compound rather than a word split by the line break.
_COMPOUND_TAILS = {
    "based", "level", "wise", "specific", "like", "free", "aware", "scale", "art", "of", "the", "to", "end",
    "order", "time", "trained", "tuned", "tuning", "training", "shot", "step", "dimensional", "layer",
    "head", "grained", "term", "side", "driven", "independent", "dependent", "agnostic", "only", "style",
    "valued", "sized", "wide", "oriented", "related", "known", "defined", "made", "efficient",
}
_COMPOUND_HEADS = {
    "self", "non", "state", "two", "three", "one", "multi", "cross", "well", "high", "low", "long", "short",
    "large", "small", "fine", "end", "task", "zero", "few", "data", "semi", "post",
    "single", "first", "second", "top", "left", "right", "open", "closed", "full", "half",
}


class Hyphenation:
    """Decides whether "X-" at a line end followed by "Y" is one word broken by the line ("repre-sentation")
    or a real compound ("state-of-the-art", "two-column"). Evidence from the same document wins: the joined
    word or the hyphenated form seen elsewhere in it; failing that, compound heads/tails, then join."""

    def __init__(self, lines: list[str]) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()
        for line in lines:
            body = line[:-1] if line.endswith("-") else line
            self.words.update(w.lower() for w in _WORD.findall(body))
            for compound in _COMPOUND.findall(body):
                parts = compound.lower().split("-")
                # every adjacent pair: "state-of-the-art" is evidence for "the-art" and "state-of"
                self.compounds.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
        self.decisions = {"evidence_joined": 0, "evidence_hyphen": 0, "rule_joined": 0, "rule_hyphen": 0}

    def by_evidence(self, head: str, tail: str) -> bool | None:
        """True: keep the hyphen, False: join, None: the document does not say."""
        head_l, tail_l = head.lower(), tail.lower()
        if f"{head_l}-{tail_l}" in self.compounds:
            return True
        if head_l + tail_l in self.words:
            return False
        return None

    @staticmethod
    def by_rule(head: str, tail: str) -> bool:
        if head.isupper() and tail.isupper():  # "TABLE-FORMER": a name in capitals split by the line
            return False
        if tail[:1].isupper() or tail[:1].isdigit() or len(head) == 1:
            return True
        if len(head) > 5 and head.endswith("ly"):  # "fully-convolutional", "deeply-supervised"
            return True
        return tail.lower() in _COMPOUND_TAILS or head.lower() in _COMPOUND_HEADS

    def keep_hyphen(self, head: str, tail: str) -> bool:
        decided = self.by_evidence(head, tail)
        if decided is None:
            decided = self.by_rule(head, tail)
            self.decisions["rule_hyphen" if decided else "rule_joined"] += 1
        else:
            self.decisions["evidence_hyphen" if decided else "evidence_joined"] += 1
        return decided


_HEAD_WORD = re.compile(r"([A-Za-z]+)-$")
_TAIL_WORD = re.compile(r"^([A-Za-z]+)")
_SENTENCE_END = tuple(".!?:。！？；")


def _broken_word(head: str, tail: str, hyphenation: Hyphenation) -> bool | None:
    """For "head-" at a line end and "tail" opening the next: keep the hyphen (True), join the word (False), or
    None when they are no word broken by the line (a capitalised tail the document has no evidence for)."""
    if tail[0].islower() or hyphenation.by_evidence(head, tail) is not None:
        return hyphenation.keep_hyphen(head, tail)
    return None


def _join(previous: str, line: str, hyphenation: Hyphenation) -> str:
    if previous.endswith("-") and (head := _HEAD_WORD.search(previous)) and (tail := _TAIL_WORD.match(line)):
        keep = _broken_word(head.group(1), tail.group(1), hyphenation)
        if keep is not None:
            return previous + line if keep else previous[:-1] + line
    if _CJK.search(previous[-1:]) and _CJK.search(line[:1]):
        return previous + line
    return previous + " " + line


# "ex- cept" in a caption: a word broken at a caption's line end, its lines joined with a space (text/figures.py)
_BROKEN_IN_CAPTION = re.compile(r"\b([A-Za-z]+)- ([A-Za-z]+)")
_SUSPENDED = {"and", "or", "nor"}  # "pre- and post-training": the hyphen waits for its word


def join_caption_lines(caption: str, hyphenation: Hyphenation) -> str:
    """A caption with the words its line ends broke joined as the paragraphs' are (`_join`): "repre- sentation"
    becomes "representation", "state-of-the- art" keeps its hyphen."""
    def joined(match: re.Match) -> str:
        head, tail = match.group(1), match.group(2)
        keep = None if tail.lower() in _SUSPENDED else _broken_word(head, tail, hyphenation)
        if keep is None:
            return match.group(0)
        return f"{head}-{tail}" if keep else head + tail
    return _BROKEN_IN_CAPTION.sub(joined, caption)


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(x) for x in lines if len(x) >= 20)
    if not lengths:
        return 80
    return lengths[int(len(lengths) * 0.75)]


# ---------------------------------------------------------------------------------------------- assembly


def build_sections(pages: Sequence[Sequence[str | Line]], *, marks: dict[tuple[int, int], HeadingMark] | None = None,
                   body_size: float = 0.0) -> tuple[list[Section], Hyphenation]:
    """Typed sections, in reading order, from the cleaned lines of each page (page i+1 = pages[i]).

    Headings come from `marks` (the PDF outline matched to the lines, see paperflow.text.structure) where
    given, plus the unnumbered named ones (Abstract, References, ...) the outline leaves out; otherwise they
    are found in order (see _HeadingFinder) among the lines printed as headings are: larger than the running
    text (`body_size`), bold, or in capitals, when the engine gives font sizes (if that finds fewer than two
    headings, among all lines). Sections without a kind-naming heading get a kind by position; a paper without
    an abstract heading gets its abstract from the front matter, one without a conclusion gets its closing
    discussion (or the last body paragraphs) as the conclusion; a paper without headings at all is split by
    position. Every section returned has at least one paragraph, except headings directly followed by a
    subheading."""
    lines = [[line if isinstance(line, Line) else Line(line) for line in page] for page in pages]
    hyphenation = Hyphenation([line.text for page in lines for line in page])
    if marks is not None or not body_size:
        sections, _ = _sections(lines, hyphenation, marks, 0.0)
    else:
        sections, headings = _sections(lines, hyphenation, None, body_size)
        if headings < 2:
            sections, _ = _sections(lines, hyphenation, None, 0.0)  # headings printed like running text
    return sections, hyphenation


def _styled(line: Line, body_size: float) -> bool:
    """Printed as a heading is: larger than the running text, bold, or in capitals (small caps)."""
    if not body_size or line.size <= 0 or line.bold or line.size >= body_size + 0.4:
        return True
    text = line.text
    if _CJK.match(text):
        return True  # no capitals in CJK: the finder's order rules alone decide
    if len(text) > 100 or not text[:1].isupper():
        return False  # no heading the finder would take
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _sections(pages: list[list[Line]], hyphenation: Hyphenation, marks: dict[tuple[int, int], HeadingMark] | None,
              body_size: float) -> tuple[list[Section], int]:
    """The sections and the number of headings found."""
    hyphenation.decisions = dict.fromkeys(hyphenation.decisions, 0)
    finder = _HeadingFinder()
    sections: list[Section] = [Section(title="(front matter)", kind=SectionKind.FRONT, page=1, inferred=True)]
    current = ""
    current_page = 1

    def flush() -> None:
        nonlocal current
        if current.strip():
            sections[-1].paragraphs.append(Paragraph(text=current.strip(), page=current_page))
        current = ""

    for page_index, page in enumerate(pages):
        page_number = page_index + 1
        texts = [line.text for line in page]
        width = _typical_width(texts)
        skip = 0
        for index, line in enumerate(page):
            if skip:
                skip -= 1
                continue
            text = line.text
            heading: HeadingMark | None = None
            if marks is not None and (page_index, index) in marks:
                heading = marks[(page_index, index)]
                skip = heading.span - 1
            elif _styled(line, body_size) or _INLINE_ABSTRACT.match(text):
                heading = finder.match(text, named_only=marks is not None,
                                       large=bool(body_size) and line.size >= body_size + 1.5)
                if heading is not None and index + 1 < len(page) and not heading.rest \
                        and (_continues_heading(heading, texts[index + 1])
                             or _printed_alike(line, page[index + 1], body_size)):
                    heading.title = f"{heading.title} {texts[index + 1].strip()}"
                    skip = 1
            if heading is not None:
                flush()
                title = _SMALL_CAPS_SPLIT.sub(lambda m: m.group(0).replace(" ", ""), heading.title)
                sections.append(Section(title=title, number=heading.number, level=heading.level,
                                        kind=heading.kind, page=page_number))
                if heading.rest:
                    current, current_page = heading.rest, page_number
                continue
            if not current:
                current, current_page = text, page_number
            else:
                current = _join(current, text, hyphenation)
            in_front = sections[-1].kind is SectionKind.FRONT
            # Title, author and affiliation lines are short: in the front matter each short line ends a block.
            if (text.endswith(_SENTENCE_END) and len(text) < 0.8 * width) or (in_front and len(text) < 0.6 * width):
                flush()
    flush()
    sections = [s for s in sections if s.paragraphs or s.kind is not SectionKind.FRONT]
    headed = [s for s in sections if s.kind is not SectionKind.FRONT]
    if len(headed) < 2:
        sections = _split_by_position([p for s in sections for p in s.paragraphs])
    else:
        _assign_kinds(sections)
        _unheaded_references(sections)
    return [s for s in sections if s.paragraphs or _has_children(sections, s)], len(headed)


# a numbered reference entry: "[1] A. Author, ...", "1 D. C. Johnston, ..." (REVTeX prints the list with no heading)
_REFERENCE_ENTRY = re.compile(r"^\[?(\d{1,3})\]?\s+\S")


def _unheaded_references(sections: list[Section]) -> None:
    """A paper with no references heading whose last section runs on into a list numbered 1, 2, ...: the list is
    the references (APS's REVTeX prints it after a rule, with no heading), not the conclusion's or the
    acknowledgements' text."""
    if any(s.kind is SectionKind.REFERENCES for s in sections) or not sections:
        return
    last = sections[-1]
    starts = [int(m.group(1)) if (m := _REFERENCE_ENTRY.match(p.text)) else 0 for p in last.paragraphs]
    for index, number in enumerate(starts):
        # entry 1 with entry 2 (or a later one: entries share paragraphs) within the next two paragraphs
        if number == 1 and index > 0 and any(1 < n <= 6 for n in starts[index + 1:index + 3]):
            sections.append(Section(title="References (unlabelled, found by their numbering)",
                                    kind=SectionKind.REFERENCES, page=last.paragraphs[index].page,
                                    paragraphs=last.paragraphs[index:], inferred=True))
            last.paragraphs = last.paragraphs[:index]
            return


def _has_children(sections: list[Section], section: Section) -> bool:
    index = sections.index(section)
    return index + 1 < len(sections) and sections[index + 1].level > section.level


def _assign_kinds(sections: list[Section]) -> None:
    _mark_back_matter(sections)
    # Subsections take the kind of their section, unless they are in the back matter.
    parent_kind: SectionKind | None = None
    for section in sections:
        if section.level == 1:
            parent_kind = section.kind
        elif parent_kind is not None and section.kind not in (SectionKind.REFERENCES, SectionKind.APPENDIX):
            section.kind = parent_kind
    _infer_abstract(sections)
    top = [s for s in sections if s.level == 1 and s.kind in BODY_KINDS]
    _kinds_by_position(top, sections)
    _find_method(sections)
    _infer_conclusion(sections)


def _mark_back_matter(sections: list[Section]) -> None:
    """After the references, and from a section lettered "A" in a paper numbered 1, 2, 3, come appendices."""
    numbered = False
    back = False
    for section in sections:
        if section.kind is SectionKind.REFERENCES:
            back = True
            continue
        if section.level == 1 and section.number:
            if section.number.isdigit():
                numbered = True
            elif numbered and section.number == "A":
                back = True
        if back and section.kind is not SectionKind.ACKNOWLEDGEMENTS:
            section.kind = SectionKind.APPENDIX


def _infer_abstract(sections: list[Section]) -> None:
    if any(s.kind is SectionKind.ABSTRACT for s in sections) or sections[0].kind is not SectionKind.FRONT:
        return
    front = sections[0]
    if not front.paragraphs:
        return
    # The abstract is the first long paragraph of the front matter (title and author lines are short).
    longest = max(range(len(front.paragraphs)), key=lambda i: len(front.paragraphs[i].text))
    start = next(i for i, p in enumerate(front.paragraphs) if len(p.text) >= 0.5 * len(front.paragraphs[longest].text))
    if len(front.paragraphs[longest].text.split()) < 40:
        return
    abstract = Section(title="Abstract (unlabelled, found by position)", kind=SectionKind.ABSTRACT,
                       page=front.paragraphs[start].page, paragraphs=front.paragraphs[start:], inferred=True)
    front.paragraphs = front.paragraphs[:start]
    sections.insert(1, abstract)


def _kinds_by_position(top: list[Section], sections: list[Section]) -> None:
    """Body sections whose heading names no kind: before the first results section they describe the
    method, after it they report results; with no results heading at all, the later half are results."""
    unknown = [s for s in top if s.kind is SectionKind.OTHER]
    if not unknown:
        return
    first_results = next((i for i, s in enumerate(top) if s.kind is SectionKind.RESULTS), None)
    intro = next((i for i, s in enumerate(top) if s.kind is SectionKind.INTRODUCTION), -1)
    has_method = any(s.kind is SectionKind.METHOD for s in top)
    candidates = [i for i, s in enumerate(top) if s.kind is SectionKind.OTHER and i > intro]
    if intro == -1 and top and top[0].kind is SectionKind.OTHER:
        _retype(sections, top[0], SectionKind.INTRODUCTION)
        candidates = candidates[1:]
    for rank, i in enumerate(candidates):
        if first_results is not None:
            kind = SectionKind.METHOD if i < first_results else SectionKind.RESULTS
        elif has_method:
            kind = SectionKind.RESULTS
        else:
            kind = SectionKind.METHOD if rank < (len(candidates) + 1) // 2 else SectionKind.RESULTS
        _retype(sections, top[i], kind)


_REPORTS_RESULTS = ("experiment", "result", "evaluation", "ablation", "benchmark", "empirical", "实验", "结果")
_NAMES_A_METHOD = ("method", "approach", "methodolog", "方法")


def _find_method(sections: list[Section]) -> None:
    """A paper whose method no heading calls one: found by what it is. A heading that names its method beside
    other words ("Methods and Data Collection"); else the first section after the introduction and related work
    that reports no results by name ("Dataset Recaptioning", the paper's own name for its technique); else,
    inside "Experiments", the subsection that describes the method ("Model", "Our approach")."""
    if any(s.kind is SectionKind.METHOD for s in sections):
        return
    top = [s for s in sections if s.level == 1 and s.kind in BODY_KINDS]
    for section in top:
        if section.kind is SectionKind.RESULTS and any(w in section.title.lower() for w in _NAMES_A_METHOD):
            _retype(sections, section, SectionKind.METHOD)
            return
    opening = (SectionKind.INTRODUCTION, SectionKind.RELATED_WORK)
    started = any(s.kind in opening for s in top)
    first = next((s for s in top if s.kind not in opening), None) if started else None
    if first is not None and first.kind in (SectionKind.RESULTS, SectionKind.OTHER, SectionKind.DISCUSSION) and \
            not any(w in first.title.lower() for w in _REPORTS_RESULTS) and first is not top[-1]:
        _retype(sections, first, SectionKind.METHOD)
        return
    for section in sections:
        if section.level > 1 and section.kind is SectionKind.RESULTS and \
                kind_from_title(section.title) is SectionKind.METHOD:
            _retype(sections, section, SectionKind.METHOD)
            return


def _retype(sections: list[Section], section: Section, kind: SectionKind) -> None:
    index = sections.index(section)
    section.kind, section.inferred = kind, True
    for child in sections[index + 1:]:
        if child.level <= section.level:
            break
        child.kind, child.inferred = kind, True


_ASIDE = re.compile(r"limitation|broader impact|ethic|societal|reproducibility", re.IGNORECASE)


def _infer_conclusion(sections: list[Section]) -> None:
    if any(s.kind is SectionKind.CONCLUSION for s in sections):
        return
    body = [s for s in sections if s.kind in BODY_KINDS and s.paragraphs]
    if not body:
        return
    closing = [s for s in sections if s.level == 1 and s.kind in BODY_KINDS]
    # The closing discussion is the paper's conclusion; a "Limitations" or "Broader impact" after it is an aside.
    while len(closing) > 1 and closing[-1].kind is SectionKind.DISCUSSION and _ASIDE.search(closing[-1].title) \
            and closing[-2].kind is SectionKind.DISCUSSION:
        closing.pop()
    last_top = closing[-1] if closing else None
    if last_top is not None and last_top.kind is SectionKind.DISCUSSION:
        _retype(sections, last_top, SectionKind.CONCLUSION)  # a closing discussion is the paper's conclusion
        return
    # No conclusion heading: the closing paragraphs of the last body section stand in for it.
    last = body[-1]
    take = 1 if len(last.paragraphs) > 1 else 0
    if take == 0:
        _retype(sections, last, SectionKind.CONCLUSION)
        return
    closing = last.paragraphs[-take:]
    last.paragraphs = last.paragraphs[:-take]
    sections.insert(sections.index(last) + 1, Section(
        title=f"Closing paragraph of {last.title} (no conclusion heading)", kind=SectionKind.CONCLUSION,
        level=last.level, page=closing[0].page, paragraphs=closing, inferred=True))


_POSITION_SPLIT = [
    (SectionKind.ABSTRACT, 0.05),
    (SectionKind.INTRODUCTION, 0.20),
    (SectionKind.METHOD, 0.55),
    (SectionKind.RESULTS, 0.90),
    (SectionKind.CONCLUSION, 1.0),
]


def _split_by_position(paragraphs: list[Paragraph]) -> list[Section]:
    """No usable headings: cut the text into the five core parts by position (share of the characters)."""
    total = sum(len(p.text) for p in paragraphs) or 1
    sections: list[Section] = []
    seen = 0
    for index, paragraph in enumerate(paragraphs):
        share = seen / total
        kind = next(k for k, end in _POSITION_SPLIT if share < end or end == 1.0)
        if index == 0:
            kind = SectionKind.ABSTRACT  # the opening paragraph stands in for the abstract
        elif index == len(paragraphs) - 1 and len(paragraphs) > 2:
            kind = SectionKind.CONCLUSION  # and the closing one for the conclusion
        if not sections or sections[-1].kind is not kind:
            sections.append(Section(title=f"{kind.value.replace('_', ' ').title()} (no heading, by position)",
                                    kind=kind, page=paragraph.page, inferred=True))
        sections[-1].paragraphs.append(paragraph)
        seen += len(paragraph.text)
    return sections

"""Plain data passed between stages. No I/O here."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from paperflow.sources.ids import InvalidIdError, parse_arxiv_id

# The labels a numbered point may open with, as the person writes them.
POINT_LABELS = ("背景", "数据", "模型", "实验结果", "其他")
VERDICT_OPENINGS = ("总体上", "Overall")
PUBLISHED_PATTERN = re.compile(r"^(\d{4})\.(1[0-2]|[1-9])$")

# Hard bounds of a summary, whoever wrote it (a summary file, the extractive drafter, a model: an LLM's
# answer is held to the tighter limits of its schema, see paperflow.summary.summarize.field_limits).
TITLE_MAX = 1000
TOPIC_MAX = 500
KEYWORD_MAX = 100
ORGANISATION_MAX = 300
ORGANISATIONS_MAX = 20
POINT_MAX = 2000
VERDICT_MAX = 3000
NAME_MAX = 300  # model name, local source
NUMBERS_MAX = 1000
NUMBER_MAX = 64
QUOTE_MAX = 2000  # a supporting quote as the summarizer gave it
PASSAGE_MAX = 4000  # the paper's own words found for it

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def _visible(value: str) -> str:
    """A text that shows something: not empty, not only spaces, line breaks or control characters."""
    if not any(unicodedata.category(ch) not in _INVISIBLE for ch in value):
        raise ValueError("must not be empty or only spaces")
    return value


def _one_line(value: str) -> str:
    """A name or number written on one line, without control characters."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise ValueError("must be one line without control characters")
    return value


Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX), AfterValidator(_visible)]
Topic = Annotated[str, Field(min_length=1, max_length=TOPIC_MAX), AfterValidator(_visible)]
Organisation = Annotated[str, Field(min_length=1, max_length=ORGANISATION_MAX), AfterValidator(_visible)]
Keyword = Annotated[str, Field(max_length=KEYWORD_MAX)]
PointText = Annotated[str, Field(min_length=1, max_length=POINT_MAX), AfterValidator(_visible)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_one_line)]
Number = Annotated[str, Field(min_length=1, max_length=NUMBER_MAX), AfterValidator(_one_line)]


class SourceKind(StrEnum):
    QUERY = "query"
    PENDING = "pending"  # an unticked item of the log's pending list (ticked when its entry is merged)
    LIST = "list"  # an item of a reading list ([[sources.lists]]): never written, so never ticked
    COMMAND_LINE = "command_line"
    LOCAL = "local"


class DraftedBy(StrEnum):
    LLM = "llm"
    EXTRACTIVE = "extractive"  # sentences copied from the paper: no LLM was used
    HAND = "hand"  # written by a person or another tool (paperflow log insert)


class Point(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(max_length=20, description="one of 背景, 数据, 模型, 实验结果, 其他")
    text: PointText
    quote: str | None = Field(None, max_length=QUOTE_MAX,
                              description="a sentence of the paper supporting the point, copied verbatim in the "
                                          "paper's language (paperflow looks it up in the paper)")

    @field_validator("label")
    @classmethod
    def _known_label(cls, value: str) -> str:
        value = value.strip().rstrip("：:，,")
        if value not in POINT_LABELS:
            raise ValueError(f"label must be one of {', '.join(POINT_LABELS)}, not {value!r}")
        return value


class PictureKind(StrEnum):
    ARCHITECTURE = "architecture"  # the model or method overview figure
    RESULTS = "results"  # the main results table or plot


class Picture(BaseModel):
    """A picture cropped from the paper for its entry: what it shows, where it came from, and where its PNG is
    (relative to the log's folder, as the entry links it, e.g. "pic/BLIP2_1.png"). Widths and heights are the
    entry's display size in pixels, the height from the crop's aspect ratio."""

    model_config = ConfigDict(extra="forbid")

    kind: PictureKind
    source_kind: Literal["figure", "table"]
    number: int = Field(ge=1, le=999)
    page: int = Field(ge=1)
    caption: str = Field("", max_length=2000)
    src: str = Field(max_length=500, description="path of the PNG relative to the log's folder, '/' separated")
    width: int = Field(ge=1, le=4000)
    height: int = Field(ge=1, le=4000)


class PicturePicks(BaseModel):
    """Which figure or table shows the model/method overview and which the main results, as "figure 3" or
    "table 2" (None: the paper has none)."""

    model_config = ConfigDict(extra="forbid")

    architecture: str | None = Field(None, pattern=r"^(?:figure|table) [0-9]{1,3}$")
    results: str | None = Field(None, pattern=r"^(?:figure|table) [0-9]{1,3}$")

    def as_refs(self) -> dict[PictureKind, tuple[str, int]]:
        refs: dict[PictureKind, tuple[str, int]] = {}
        for kind, value in ((PictureKind.ARCHITECTURE, self.architecture), (PictureKind.RESULTS, self.results)):
            if value:
                name, number = value.split()
                refs[kind] = (name, int(number))
        return refs


class SummaryContent(BaseModel):
    """What a summarizer writes about a paper: the part an LLM is asked for."""

    model_config = ConfigDict(extra="forbid")

    published: str = Field(max_length=10, description="year.month of the paper, not zero-padded, e.g. 2023.12; "
                                                      "empty when the paper's date is not known")
    organisations: list[Organisation] = Field(default_factory=list, max_length=ORGANISATIONS_MAX,
                                              description="e.g. Google, 清华")
    topic: Topic = Field(description="one phrase: what the paper studies")
    keywords: list[Keyword] = Field(min_length=3, max_length=6)
    points: list[Point] = Field(min_length=3, max_length=5)
    verdict: str = Field(max_length=VERDICT_MAX,
                         description="the reader's judgement, starting with 总体上 (or Overall in English)")
    verdict_quote: str | None = Field(None, max_length=QUOTE_MAX,
                                      description="the sentence of the paper's conclusion or limitations the verdict "
                                                  "draws on, copied verbatim in the paper's language")
    picks: PicturePicks | None = Field(None, description="the LLM's choice of the entry's pictures among the "
                                                          "paper's captions (validated against them)")

    @field_validator("published")
    @classmethod
    def _published_format(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return ""  # unknown: the entry says no date rather than a wrong one (never today's)
        match = re.match(r"^(\d{4})[.\-/](\d{1,2})$", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError("published must be YEAR.MONTH such as 2023.12")
        return f"{int(match.group(1))}.{int(match.group(2))}"

    @field_validator("keywords")
    @classmethod
    def _keywords_nonempty(cls, value: list[str]) -> list[str]:
        cleaned = [k.strip() for k in value]
        if any(not k for k in cleaned):
            raise ValueError("keywords must not be empty strings")
        return cleaned

    @field_validator("verdict")
    @classmethod
    def _verdict_opening(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(VERDICT_OPENINGS):
            raise ValueError("verdict must start with 总体上 (or Overall)")
        return value


class Evidence(BaseModel):
    """The paper's own words behind a claim, found by paperflow (paperflow.summary.evidence), never
    written by a model: the quote as the summarizer gave it, the passage of the paper it matched, the
    1-based page where that passage starts, its section, and how well it matched (0-100)."""

    quote: str = Field(max_length=QUOTE_MAX)
    page: int = Field(ge=1)
    score: float = Field(ge=0, le=100)
    passage: str = Field(max_length=PASSAGE_MAX)
    section: str | None = Field(None, max_length=TITLE_MAX, description="heading of the section the passage is in")


class Support(BaseModel):
    """What supports one claim of a draft: a point (1-based `point`) or the verdict (`point` None).
    Either `evidence` (verified) or `flag` (why none was found, e.g. "no supporting passage found")."""

    point: int | None = Field(None, ge=1, le=5)
    quote: str | None = Field(None, max_length=QUOTE_MAX, description="the summarizer's quote, verified or not")
    evidence: Evidence | None = None
    flag: str | None = Field(None, max_length=500)

    @property
    def claim(self) -> str:
        return f"point {self.point}" if self.point is not None else "verdict"


# What paperflow.sources.ids.parse_arxiv_id accepts, as a JSON Schema (ECMA-262) pattern: no inline flags,
# so the parser's case-insensitivity is spelled out where ids and URLs are written in either case.
_ID_BODY = (r"(?:(?:0[0-9]|1[0-4])(?:0[1-9]|1[0-2])\.[0-9]{4}"  # four-digit numbers until 1412
            r"|(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\.[0-9]{5}"  # five from 1501 on
            r"|[a-zA-Z]+(?:-[a-zA-Z]+)?(?:\.[A-Za-z]{2})?/[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3})"
            r"(?:[vV][1-9][0-9]{0,2})?")
ARXIV_ID_PATTERN = (r"^\s*(?:(?:[aA][rR][xX][iI][vV]\s*:\s*)?" + _ID_BODY
                    + r"|[hH][tT][tT][pP][sS]?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/" + _ID_BODY
                    + r"(?:\.pdf)?/?(?:[?#][^\s]*)?)\s*$")


class Summary(SummaryContent):
    """A summary of one paper: what the entry template renders and `paperflow log insert` reads."""

    title: Title
    # The pattern tells people and tools what the id parser (the validator below, the judge) accepts.
    arxiv_id: str | None = Field(None, max_length=100, json_schema_extra={"pattern": ARXIV_ID_PATTERN},
                                 description="an arXiv id, with or without its version (2312.13286, 2312.13286v2, "
                                             "hep-th/9901001), optionally written arXiv:ID or as an arxiv.org "
                                             "abs/pdf/html URL")
    version: int | None = Field(None, ge=1, le=999)
    local_source: Name | None = Field(None, description="file name or content hash of a local PDF")
    drafted_by: DraftedBy = DraftedBy.HAND
    model: Name | None = None
    unsupported_numbers: list[Number] = Field(default_factory=list, max_length=NUMBERS_MAX,
                                              description="numbers not found in the paper")
    support: list[Support] = Field(default_factory=list, max_length=6,
                                   description="per point and for the verdict: the paper's passage behind it, or a "
                                               "flag; paperflow's finding, never part of the log entry")

    @property
    def unsupported_claims(self) -> list[Support]:
        """The claims with no verified passage of the paper behind them."""
        return [s for s in self.support if s.evidence is None]

    @field_validator("arxiv_id")
    @classmethod
    def _arxiv_id(cls, value: str | None) -> str | None:
        # The id parser decides, as for ids anywhere else: an id is used in links and file names.
        if value is None:
            return None
        try:
            return parse_arxiv_id(value).versioned
        except InvalidIdError:
            raise ValueError("not an arXiv id (expected e.g. 2312.13286 or 2312.13286v2)") from None

    @model_validator(mode="after")
    def _has_a_source(self) -> Summary:
        if not self.arxiv_id and not self.local_source:
            raise ValueError("a summary needs arxiv_id or local_source")
        if self.arxiv_id:
            parsed = parse_arxiv_id(self.arxiv_id)
            if parsed.version and self.version and parsed.version != self.version:
                raise ValueError(f"arxiv_id says version {parsed.version}, version says {self.version}")
            self.arxiv_id, self.version = parsed.base, parsed.version or self.version
        return self

    @property
    def key(self) -> str:
        """Stable identity: the arXiv id (no version) or the local source."""
        return self.arxiv_id or f"local:{self.local_source}"


class Paper(BaseModel):
    """One paper as the sources found it (arXiv metadata, or a local PDF)."""

    arxiv_id: str | None = None  # normalised, without version
    version: int | None = None
    title: str
    authors: list[str] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)
    email_domains: list[str] = Field(default_factory=list, description="of the authors' emails, a hint to the "
                                                                        "organisations (from the PDF)")
    published: datetime | None = None
    updated: datetime | None = None
    primary_category: str | None = None
    categories: list[str] = Field(default_factory=list)
    abstract: str = ""
    comment: str | None = None
    pdf_url: str | None = None
    local_pdf: Path | None = None
    local_sha256: str | None = None  # content hash of a local PDF: its identity wherever the file moves
    source: SourceKind = SourceKind.COMMAND_LINE
    source_detail: str | None = None  # the query, the pending item's text, the argument

    @property
    def key(self) -> str:
        """The ledger key: the arXiv id without version, or "local:<sha256>" for a local PDF
        (the same key as Summary.key, so review and the ledger agree)."""
        if self.arxiv_id:
            return self.arxiv_id
        return f"local:{self.local_sha256 or self.local_pdf}"

    @property
    def versioned_id(self) -> str | None:
        if not self.arxiv_id:
            return None
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


class Failure(BaseModel):
    """A paper that did not make it, and why: reported, recorded, retried later."""

    paper: str  # id or title, as a person would recognise it
    stage: str
    reason: str

    def __str__(self) -> str:
        return f"{self.paper}: {self.stage}: {self.reason}"

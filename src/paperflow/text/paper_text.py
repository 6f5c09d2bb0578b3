"""PaperText: a paper's text as extracted, cleaned and sectioned, with its front matter (the model only)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from paperflow.text.figures import Float
from paperflow.text.sections import Section, SectionKind


class PaperText(BaseModel):
    """A paper's text, cleaned and split into typed sections in reading order."""

    label: str = Field(description="how a person recognises the paper: arXiv id, title or file name")
    source: str = Field(description="file name of the PDF")
    sha256: str
    pages: int
    title: str | None = Field(None, description="as printed on the first page (over several lines), confirmed "
                                                "by the PDF's metadata title; prefer the arXiv title where known")
    authors: list[str] = Field(default_factory=list, description="names in the author block")
    affiliations: list[str] = Field(default_factory=list, description="organisations of the author block, as "
                                                                      "written, deduplicated")
    email_domains: list[str] = Field(default_factory=list, description="of the authors' emails (webmail left out)")
    organisations: list[str] = Field(default_factory=list, description="what a reader names: teams, affiliations, "
                                     "email domains and links as organisations, lead first, short forms")
    printed_date: date | None = Field(None, description="a date printed in the front matter (a lab's own copy)")
    arxiv_id: str | None = Field(None, description="from the arXiv side stamp on the first page")
    arxiv_version: int | None = None
    arxiv_category: str | None = None
    arxiv_date: date | None = Field(None, description="the stamp's date: when this version was submitted")
    engine: Literal["pdfium", "pypdf"] = Field("pdfium", description="what read the page text")
    structure: Literal["outline", "fonts", "text", "position"] = Field(
        "text", description="where the sections came from: the PDF outline, headings told by font size and "
                            "weight, heading patterns in plain text, or position (no headings)")
    contents_pages: list[int] = Field(default_factory=list, description="contents pages left out (1-based)")
    sections: list[Section]
    warnings: list[str] = Field(default_factory=list, description="pypdf repairs, pages that failed, ...")
    stats: dict[str, int] = Field(default_factory=dict, description="clean-up counts (hyphenation decisions, ...)")
    figures: list[Float] = Field(default_factory=list, description="figures and tables: caption, page, region "
                                                                   "(paperflow.text.figures), in reading order")

    def kinds(self) -> list[SectionKind]:
        """Kinds of the sections in reading order, without repeats."""
        return list(dict.fromkeys(s.kind for s in self.sections))

    def of_kind(self, kind: SectionKind) -> list[Section]:
        return [s for s in self.sections if s.kind is kind]

    def total_tokens(self) -> int:
        return sum(s.tokens() for s in self.sections)

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s.title}\n\n{s.text}" if s.text else s.title for s in self.sections)

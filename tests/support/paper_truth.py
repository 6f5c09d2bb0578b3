"""What the real papers in ../shared/data/pdf, pdf-hard and corpus are, read by a person from the PDFs and their
arXiv pages: printed title, arXiv id and title, affiliations printed on the first page, the organisations a reader
names, the copy's date and its core sections' headings. Used by the extraction tests and benchmarks/extract.py.

`PAPERS` is the merge of truth_part1 (pdf/, pdf-hard/ and five corpus papers, replacing the entries this module
first held), truth_part2 and truth_part3, written by the people who read the papers (kept as they wrote them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Truth:
    printed_title: str
    arxiv_id: str | None = None  # with version, as the file's stamp says (None: no stamp on this copy)
    arxiv_title: str | None = None
    affiliations: tuple[str, ...] = field(default_factory=tuple)  # each must be found (as written)
    # Issue 18: what a reader names. `organisations`: every organisation of the paper as a reader would name it
    # (short forms as written: "Google Research", "DeepSeek-AI", "Meta"), the lead one (first author's, or the
    # team's) first; an extracted organisation must match one of these or of `also_right` (department names and
    # other printed forms that are not wrong). `published`: "YYYY.M" of this copy: the stamp's date, else the
    # date printed in the paper, else None. `arxiv_of_copy`: the arXiv id (no version) a stamp-less copy is the
    # same paper as. `sections`: core kind -> the printed heading of that section as it appears ("3 Method",
    # "4 Experiments"); "abstract" is "Abstract" even when unlabelled; a core kind the paper truly lacks is absent.
    organisations: tuple[str, ...] = field(default_factory=tuple)
    also_right: tuple[str, ...] = field(default_factory=tuple)
    published: str | None = None
    arxiv_of_copy: str | None = None
    sections: dict[str, str] = field(default_factory=dict)


def _merged() -> dict[str, Truth]:
    from tests.support import truth_part1, truth_part2, truth_part3

    papers: dict[str, Truth] = {}
    for part in (truth_part1, truth_part2, truth_part3):
        papers.update(part.PAPERS)
    return papers


def __getattr__(name: str):
    # PAPERS is merged on first use, not at import: the parts import Truth from this module, and
    # figure_truth imports the parts, so a merge at import time would see a half-imported part.
    if name == "PAPERS":
        globals()["PAPERS"] = papers = _merged()
        return papers
    raise AttributeError(name)

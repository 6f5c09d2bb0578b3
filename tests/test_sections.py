"""Headings, hyphenation, clean-up and sectioning on small built inputs (the real papers are in
test_extract_papers.py)."""

from __future__ import annotations

import pytest

from paperflow.text.engine import Line
from paperflow.text.extract import PaperText, clean_pages, select_input
from paperflow.text.sections import Hyphenation, SectionKind, build_sections, kind_from_title


def test_kind_from_title():
    assert kind_from_title("Pre-training Approach") is SectionKind.METHOD
    assert kind_from_title("Experimental Setup") is SectionKind.RESULTS
    assert kind_from_title("Conclusions and future work") is SectionKind.CONCLUSION
    assert kind_from_title("Results and Discussion") is SectionKind.DISCUSSION or \
        kind_from_title("Results and Discussion") is SectionKind.RESULTS
    assert kind_from_title("Related Work") is SectionKind.RELATED_WORK
    assert kind_from_title("参考文献") is SectionKind.REFERENCES
    assert kind_from_title("Why Self-Attention") is SectionKind.OTHER


def test_hyphenation_uses_document_evidence_then_rules():
    h = Hyphenation(["a state-of-the-art model", "the representation is", "two-column layout"])
    assert h.keep_hyphen("the", "art") is True  # seen as state-of-the-art
    assert h.keep_hyphen("repre", "sentation") is False  # seen joined
    assert h.keep_hyphen("two", "column") is True
    assert h.keep_hyphen("self", "attention") is True  # rule: compound head
    assert h.keep_hyphen("experi", "ments") is False  # rule: join by default
    assert h.keep_hyphen("TABLE", "FORMER") is False


def test_clean_pages_drops_stamp_page_numbers_headers_and_ligatures():
    pages = [
        f"Conference header 2024\n{word} line with e\ufb03cient text\nmore  body {word.lower()}\n"
        f"arXiv:1706.03762v5 [cs.CL] 2 Aug 2023\n{i + 1}"
        for i, word in enumerate(["First", "Second", "Third", "Fourth"])
    ]
    cleaned = clean_pages(pages)
    for lines, word in zip(cleaned, ["First", "Second", "Third", "Fourth"]):
        assert lines == [f"{word} line with efficient text", f"more body {word.lower()}"]


def _lines(*blocks: str) -> list[list[str]]:
    return [list(block.strip().splitlines()) for block in blocks]


def test_build_sections_numbered_headings_in_order_only():
    pages = _lines(
        """
A Paper Title
Abstract
We study things. This abstract is short but ends here.
1 Introduction
Intro text that is long enough to be a line of the page in the paper.
7 Input patch row
2 Method
Method text explains the approach in detail across the line of the page.
2.1 Details
Detail text.
3 Experiments
Results text reporting numbers.
4 Conclusion
We conclude.
References
[1] A reference.
""")
    sections, _ = build_sections(pages)
    titles = [(s.title, s.kind) for s in sections]
    assert ("7 Input patch row", SectionKind.OTHER) not in titles  # out of sequence: not a heading
    assert [t for t, _ in titles][1:] == ["Abstract", "1 Introduction", "2 Method", "2.1 Details", "3 Experiments",
                                           "4 Conclusion", "References"]
    kinds = {t: k for t, k in titles}
    assert kinds["2.1 Details"] is SectionKind.METHOD
    assert kinds["3 Experiments"] is SectionKind.RESULTS


def test_without_headings_the_parts_are_typed_by_position():
    paragraph = "This is a sentence of a paper without any headings at all, in one line."
    pages = [[line for i in range(20) for line in (paragraph, f"Short end {i}.")]]
    sections, _ = build_sections(pages)
    kinds = [s.kind for s in sections]
    assert kinds[0] is SectionKind.ABSTRACT and kinds[-1] is SectionKind.CONCLUSION
    assert SectionKind.METHOD in kinds and SectionKind.RESULTS in kinds
    assert all(s.inferred for s in sections)
    text = PaperText(label="x", source="x.pdf", sha256="0", pages=1, sections=sections)
    selected = select_input(text, 500)
    assert selected.coverage.inferred and selected.coverage.tokens_read <= 500


_APPENDIX_PAPER = """
A Paper Title
1 Introduction
Intro text that is long enough to be a line of the page in the paper.
2 Method
Method text explains the approach in detail across the line of the page.
3 Conclusion
We conclude.
{heading}
Proof text of the first lemma, long enough to be a line of the page.
A.1 The first lemma
Its proof.
References
[1] A reference.
"""


def _assert_appendix_opened(sections, heading: str) -> None:
    kinds = {s.title: s.kind for s in sections}
    assert kinds[heading] is SectionKind.APPENDIX and kinds["A.1 The first lemma"] is SectionKind.APPENDIX
    assert kinds["3 Conclusion"] is SectionKind.CONCLUSION
    assert next(s for s in sections if s.title == "3 Conclusion").text == "We conclude."


@pytest.mark.parametrize("heading", ["Appendix A. Proofs", "Appendix A: Proofs", "APPENDIX A PROOFS"])
def test_appendix_a_after_the_numbered_sections_opens_the_appendix(heading):
    # LaTeX's \appendix numbers by letter; the appendix may come before the references as well as after them
    sections, _ = build_sections(_lines(_APPENDIX_PAPER.format(heading=heading)))
    _assert_appendix_opened(sections, heading)


@pytest.mark.parametrize("heading", ["A Proofs", "A. Proofs"])
def test_a_letter_heading_printed_as_a_section_opens_the_appendix(heading):
    # a bare letter needs the size of a section heading (12 pt over 10 pt running text): a bold "A note on ..."
    # inside a section is no appendix
    def line(text: str) -> Line:
        heading_like = text[:1].isdigit() or text.startswith(("A ", "A.", "References"))
        return Line(text, size=12.0 if heading_like else 10.0, bold=heading_like)

    pages = [[line(t) for t in page] for page in _lines(_APPENDIX_PAPER.format(heading=heading))]
    sections, _ = build_sections(pages, body_size=10.0)
    _assert_appendix_opened(sections, heading)
    pages = [[Line(t, size=10.0, bold=t.startswith("A ")) if not t[:1].isdigit() else line(t) for t in page]
             for page in _lines(_APPENDIX_PAPER.format(heading="A note on the proofs"))]
    sections, _ = build_sections(pages, body_size=10.0)
    assert not any(s.kind is SectionKind.APPENDIX for s in sections)


def test_a_letter_under_a_roman_section_is_a_subsection():
    pages = _lines("""
A Paper Title
I. INTRODUCTION
Intro text that is long enough to be a line of the page in the paper.
II. METHOD
Method text explains the approach in detail across the line of the page.
A. Setup
Setup text.
III. CONCLUSION
We conclude.
""")
    sections, _ = build_sections(pages)
    setup = next(s for s in sections if s.title == "A. Setup")
    assert setup.level == 2 and setup.kind is SectionKind.METHOD

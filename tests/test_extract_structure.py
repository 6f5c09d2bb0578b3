"""A long report with a contents page, built as a real PDF with reportlab: the contents entries ("2 Model
Architecture ..... 5") never become sections, with or without a PDF outline; the sections are the body's headings
(14 pt bold over 10 pt text), and the LLM's input covers all five core sections within the budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from paperflow.settings import Settings
from paperflow.text.budget import select_input
from paperflow.text.extract import extract_pdf
from paperflow.text.sections import CORE_KINDS, SectionKind

HEADINGS = ["1 Introduction", "2 Model Architecture", "3 Training Data", "4 Experiments", "5 Results",
            "6 Related Work", "7 Conclusion", "8 Acknowledgments"]
SENTENCE = ("The {topic} section of this report explains its part of the work in plain sentences that run across "
            "the whole width of the page, as a body text does.")


def _paragraph_lines(topic: str, count: int) -> list[str]:
    words = " ".join(SENTENCE.format(topic=topic) for _ in range(count)).split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) > 95:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return lines + [line]


def build_report(path: Path, *, outline: bool) -> dict[str, int]:
    """Title page, a contents page, then two pages per section; returns each heading's page."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(72, 700, "A Technical Report on Building")
    canvas.drawString(72, 675, "Long Reports for Testing")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 640, "Example Research Lab")
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(72, 600, "Abstract")
    canvas.setFont("Helvetica", 10)
    y = 585
    for line in _paragraph_lines("abstract", 4):
        canvas.drawString(72, y, line)
        y -= 12
    canvas.showPage()
    pages = {heading: 3 + 2 * i for i, heading in enumerate(HEADINGS)}
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(72, 720, "Contents")
    y = 690
    for heading in HEADINGS:  # entries in bold at body size, as LaTeX prints section entries
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(72, y, heading)
        canvas.drawRightString(540, y, str(pages[heading]))
        y -= 16
        canvas.setFont("Helvetica", 10)
        canvas.drawString(90, y, f"{heading.split()[0]}.1 Details of {heading.split(' ', 1)[1]} ........ {pages[heading]}")
        y -= 16
    canvas.showPage()
    for heading in HEADINGS:
        topic = heading.split(" ", 1)[1].lower()
        for part in range(2):
            if part == 0:
                canvas.setFont("Helvetica-Bold", 14)
                canvas.drawString(72, 720, heading)
                if outline:
                    key = heading.replace(" ", "_")
                    canvas.bookmarkPage(key)
                    canvas.addOutlineEntry(heading, key, level=0)
            canvas.setFont("Helvetica", 10)
            y = 690
            for line in _paragraph_lines(topic, 12):
                canvas.drawString(72, y, line)
                y -= 12
            canvas.drawCentredString(306, 40, str(canvas.getPageNumber()))
            canvas.showPage()
    canvas.save()
    return pages


@pytest.mark.parametrize("outline", [False, True], ids=["fonts", "outline"])
def test_a_contents_page_yields_no_sections(tmp_path, outline):
    path = tmp_path / "report.pdf"
    pages = build_report(path, outline=outline)
    text = extract_pdf(path, Settings(output_dir=tmp_path / "output"))
    assert text.structure == ("outline" if outline else "fonts")
    assert text.contents_pages == [2]
    assert all(section.page != 2 for section in text.sections)
    assert "Details of Model Architecture" not in text.text  # the contents lines left the text
    top = [s for s in text.sections if s.kind not in (SectionKind.FRONT, SectionKind.ABSTRACT)]
    assert [(s.title, s.page) for s in top] == [(h, pages[h]) for h in HEADINGS]
    assert text.title == "A Technical Report on Building Long Reports for Testing"
    assert text.affiliations == ["Example Research Lab"]
    acknowledgments = text.of_kind(SectionKind.ACKNOWLEDGEMENTS)
    assert len(acknowledgments) == 1 and "acknowledgments section" in acknowledgments[0].text
    introduction = text.of_kind(SectionKind.INTRODUCTION)[0]
    assert introduction.text.startswith("The introduction section of this report")
    selected = select_input(text, 1500)
    assert all(kind in selected.coverage.kinds for kind in CORE_KINDS)
    assert selected.coverage.tokens_read <= 1500
    assert "Acknowledgments" not in " ".join(selected.coverage.included)

"""What other templates print as the real test papers do not (tests/pdfs/README.md): captions numbered in roman
("TABLE IV", "TABLE II."), by appendix letter or apart from the paper's ("Table A1", "Extended Data Fig. 1"),
papers of two or three pages, captions below tables, and the headings, reference lists and dates of IEEEtran,
REVTeX, LNCS and LaTeX's article class, read from short papers typeset with those classes."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from paperflow.settings import Settings
from paperflow.summary.figure_choice import mentions, rule_picks
from paperflow.text.engine import read_document
from paperflow.text.extract import extract_pdf
from paperflow.text.figures import CAPTION, caption_number, roman_value
from paperflow.text.sections import SectionKind

PDFS = Path(__file__).parent / "pdfs"
IEEE = PDFS / "ieee_roman_tables.pdf"
APS = PDFS / "aps_roman_tables.pdf"


@cache
def _floats(path: Path) -> dict[tuple[str, int], object]:
    return {(f.kind, f.number): f for f in read_document(path, 200).floats}


@pytest.fixture(scope="module")
def ieee_text(tmp_path_factory):
    return extract_pdf(IEEE, Settings(output_dir=tmp_path_factory.mktemp("ieee")))


@pytest.mark.parametrize(("label", "number"), [
    ("TABLE I", 1), ("TABLE IV", 4), ("TABLE IX. Results", 9), ("TABLE XIV: Scores", 14), ("Table II: Ablation", 2),
    ("TABLE XLIX", 49), ("Table 3: Arabic", 3), ("Figure S3: Supplement", 3)])
def test_a_caption_number_is_arabic_or_a_tables_roman_numeral(label, number):
    parsed = CAPTION.match(label)
    assert parsed is not None and caption_number(parsed) == number


@pytest.mark.parametrize("text", ["TABLE IIII", "Table In", "TableI", "Figure I", "Fig. IV.", "Table I shows"])
def test_what_is_no_roman_caption_label(text):
    # not a numeral, not a table, or (with no punctuation) a sentence: "Table I shows" needs a heavier label
    assert CAPTION.match(text) is None


def test_roman_values():
    assert [roman_value(n) for n in ("I", "II", "III", "IV", "V", "IX", "X", "XIV", "XL", "XLIV")] == \
        [1, 2, 3, 4, 5, 9, 10, 14, 40, 44]


def test_ieee_tables_numbered_in_roman_are_found_with_their_cells():
    floats = _floats(IEEE)
    assert {(kind, number, f.page) for (kind, number), f in floats.items()} == {
        ("figure", 1, 1), ("table", 1, 2), ("table", 2, 2), ("table", 3, 2), ("figure", 2, 2)}
    table = floats[("table", 1)]
    # the label line and the title on the next line (small capitals) are one caption above the table
    assert table.caption.startswith("TABLE I COMPARISON WITH PUBLISHED STREAMING SYSTEMS")
    assert table.caption_box[3] <= table.box[1]
    assert "Conformer-S 3.1 7.9 310" in table.text and "Gated mixer (ours) 3.1 8.0 127" in table.text
    assert "Size Blocks Channels Parameters" in floats[("table", 3)].text


def test_a_body_line_opening_with_table_i_is_running_text():
    # page 1: "... summarised in / Table I. Section II reviews related work, ..." is a paragraph's line
    assert not any(f.page == 1 for (kind, _n), f in _floats(IEEE).items() if kind == "table")


def test_the_cells_of_roman_numbered_tables_leave_the_paragraphs(ieee_text):
    body = " ".join(p.text for s in ieee_text.sections for p in s.paragraphs)
    assert "Conformer-S 3.1" not in body and "10.3M" not in body
    assert "Table I compares our encoder with five published streaming systems" in body


def test_a_first_page_drawing_made_of_line_glyphs_is_one_figure():
    # Fig. 1 is drawn in LaTeX's picture mode: its slanted arrows are glyphs of a line font, in the running text's
    # size, above the lower boxes. A glyph alone is the drawing's, not a line of the title block: the figure
    # reaches up to its top row of boxes.
    figure = _floats(IEEE)[("figure", 1)]
    assert "Input frames" in figure.text and "Feed-forward" in figure.text
    assert figure.box[1] < 205  # the top row's frames begin at 201 pt


def test_roman_table_mentions_name_their_tables(ieee_text):
    named = mentions(ieee_text.sections)
    assert {("table", 1), ("table", 2), ("table", 3)} <= set(named)  # "Table I", "Tables II and III"
    assert ("figure", 1) in named and ("figure", 2) in named


def test_the_rule_picks_the_overview_and_the_roman_results_table(ieee_text):
    picks = rule_picks(ieee_text.figures, 2, ieee_text.sections)
    assert picks == {("figure", 1): "architecture", ("table", 1): "results"}


def test_aps_tables_and_a_figure_alone_on_the_last_page():
    floats = _floats(APS)
    assert {(kind, number, f.page) for (kind, number), f in floats.items()} == {
        ("figure", 1, 1), ("table", 1, 1), ("table", 2, 1), ("figure", 2, 2)}
    assert floats[("table", 1)].caption.startswith("TABLE I. Fitted slope and saturation")
    assert "LSWT 0.019 0.94" in floats[("table", 1)].text
    # a two-page paper has no first paragraph line recurring on its pages; the first page's opens under the title
    # block, so it does not say where the text block begins: FIG. 2 at the top of page 2 is inside it
    figure = floats[("figure", 2)]
    assert figure.box[1] < 60 and re.search(r"\b15\b.*\b25\b", figure.text)


def test_a_table_ends_before_a_heading_in_small_print_set_well_below_it():
    # TABLE II. ends at its closing (double) rule; "III. RESULTS", printed smaller than the running text and two
    # lines further down, is the next section's heading
    table = _floats(APS)[("table", 2)]
    assert "D 0.07" in table.text and "RESULTS" not in table.text
    assert table.box[3] < 395


LNCS = PDFS / "lncs_short_appendix.pdf"


@pytest.mark.parametrize("label", ["Table A1: Hyper-parameters", "Table A1. Settings", "Figure B.2: More",
                                   "Figure 3.2: A chapter's", "Table 4-1 Results"])
def test_an_appendix_or_chapter_number_is_a_caption_left_unlisted(label):
    parsed = CAPTION.match(label)
    assert parsed is not None and caption_number(parsed) == 0


def test_a_short_papers_pages_opening_with_floats():
    # three pages: no paragraph's first line recurs at one height, pages 2 and 3 open with a float, page 1's first
    # paragraph opens under the title block. None of them bounds the text block: the floats at the tops of pages 2
    # and 3 are found whole.
    floats = _floats(LNCS)
    assert {(kind, number, f.page) for (kind, number), f in floats.items()} == {
        ("figure", 1, 2), ("table", 1, 2), ("table", 2, 3), ("figure", 2, 3)}
    assert "Question" in floats[("figure", 1)].text and "Passage drops" in floats[("figure", 1)].text
    assert "no index refresh 46.1" in floats[("table", 2)].text
    assert "passages read" not in floats[("table", 2)].text  # the plot under it is Fig. 2's
    assert "passages read" in floats[("figure", 2)].text


def test_an_appendix_table_numbered_by_letter_keeps_its_cells_out_of_the_text(tmp_path):
    text = extract_pdf(LNCS, Settings(output_dir=tmp_path))
    assert all(f.number for f in text.figures)  # Table A1 is not listed (a float is named by one number)
    body = " ".join(p.text for s in text.sections for p in s.paragraphs)
    assert "Table A1 lists the hyper-parameters of all our runs" in body
    assert "Index refresh 500 steps" not in body and "Batch size 64" not in body


ARTICLE = PDFS / "article_caption_below.pdf"


def test_a_first_page_table_captioned_below_keeps_its_rows():
    # Table 1 opens the right column of page 1, its caption under it. Growing up from the caption, its rows are in
    # the running text's size and lie above the graphics taken so far (the bottom rule), as the title block's
    # lines would; between the table's rules they are its cells, and the title block above its top rule is not.
    table = _floats(ARTICLE)[("table", 1)]
    assert table.page == 1 and table.caption_box[1] >= table.box[3]
    assert "Method Params Top-1 (%)" in table.text and "Staged (ours) 4.1M 78.4" in table.text
    assert "Noa Ben-Ari" not in table.text and table.box[1] > 140  # the top rule is at 153 pt, the authors at 116


def test_side_by_side_captions_on_one_line_are_two_captions():
    floats = _floats(ARTICLE)
    assert floats[("figure", 2)].caption == "Figure 2: Stage 1 loss."
    assert floats[("figure", 3)].caption == "Figure 3: Stage 5 loss."
    left, right = floats[("figure", 2)].box, floats[("figure", 3)].box
    assert left[2] <= right[0]  # split between the two captions


def test_a_raster_figure_across_both_columns():
    figure = _floats(ARTICLE)[("figure", 1)]
    assert figure.page == 2 and figure.box[2] - figure.box[0] > 400 and figure.caption_box[1] >= figure.box[3]


SUPPLEMENT = PDFS / "supplement_numbered.pdf"


def test_floats_numbered_apart_from_the_papers_are_found_and_unlisted(tmp_path):
    # "Extended Data Fig. 1" and "Supplementary Table 1" are numbered apart from the paper's Figure 1: found, so
    # that their contents leave the text, but not listed as the paper's figure 1 or table 1
    assert set(_floats(SUPPLEMENT)) == {("figure", 1)}
    assert _floats(SUPPLEMENT)[("figure", 1)].caption == "Figure 1: The five-stage pipeline."
    text = extract_pdf(SUPPLEMENT, Settings(output_dir=tmp_path))
    body = " ".join(p.text for s in text.sections for p in s.paragraphs)
    assert "Stage 1: 71.2 loss 0.93" not in body and "2 60 0.0005" not in body
    assert "Extended Data Fig. 1: Numbers behind every stage of the pipeline." in body  # captions stay
    assert "Methods text follows the extended data figure." in body


def test_an_appendix_before_the_references_is_found_by_its_letter(tmp_path):
    # the LNCS paper has no references; "A Hyper-parameters" (\appendix) follows "4 Conclusion"
    text = extract_pdf(LNCS, Settings(output_dir=tmp_path))
    kinds = {s.title: s.kind for s in text.sections}
    assert kinds["A Hyper-parameters"] is SectionKind.APPENDIX and kinds["4 Conclusion"] is SectionKind.CONCLUSION
    conclusion = next(s for s in text.sections if s.title == "4 Conclusion")
    assert "Table A1 lists" not in conclusion.text


def test_revtex_references_without_a_heading_leave_the_conclusion(tmp_path):
    text = extract_pdf(APS, Settings(output_dir=tmp_path))
    conclusion = next(s for s in text.sections if s.title == "IV. CONCLUSION")
    assert "Chernyshev" not in conclusion.text
    references = text.of_kind(SectionKind.REFERENCES)[0]
    assert references.paragraphs[0].text.startswith("[1] A. L. Chernyshev and M. E. Zhitomirsky")


def test_a_revtex_dated_line_is_the_printed_date(tmp_path):
    from datetime import date

    text = extract_pdf(APS, Settings(output_dir=tmp_path))
    assert text.printed_date == date(2026, 12, 3)  # "(Dated: December 3, 2026)" under the affiliation


def test_a_figure_label_without_a_full_stop_after_fig():
    # PLOS prints "Fig 1. Study pipeline. ..." (and running text "Fig 1 shows")
    floats = _floats(PDFS / "plos_fig_label.pdf")
    assert set(floats) == {("figure", 1), ("table", 1)}
    assert floats[("figure", 1)].caption.startswith("Fig 1. Study pipeline.")


def test_panels_with_their_own_captions_are_one_figure_and_a_loss_chart_is_no_overview(tmp_path):
    # subcaption's "(a) Stage 1 loss" / "(b) Stage 5 loss" are the figure's own text under one caption; the figure
    # is a chart of training losses, which the overview fallback never takes, whatever else the paper lacks
    floats = _floats(PDFS / "subfigures.pdf")
    assert set(floats) == {("figure", 1)}
    assert "(a) Stage 1 loss" in floats[("figure", 1)].text and "(b) Stage 5 loss" in floats[("figure", 1)].text
    text = extract_pdf(PDFS / "subfigures.pdf", Settings(output_dir=tmp_path))
    assert "Stage 1 loss" not in " ".join(p.text for s in text.sections for p in s.paragraphs)
    assert rule_picks(text.figures, 2, text.sections) == {}

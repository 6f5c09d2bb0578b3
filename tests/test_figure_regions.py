"""How figures and tables are found and cropped in real PDFs (issue 19), one typesetting rule per test: what bounds
the text block, what separates a float from body text and from another float, how a caption is printed. Each
test reads a real paper of ../shared/data, where the rule mattered, and checks against the hand-marked truth
(tests/support/figure_truth.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from paperflow.text.engine import read_document
from paperflow.text.figures import iou
from tests.support.figure_truth import FIGURES

WAV2VEC = "pdf/arxiv_1904.05862v4_wav2vec.pdf"
FLAN_MOE = "corpus/arxiv_2305.14705v2_moe_instruction_tuning.pdf"


@cache
def _read(path: Path):
    return read_document(path, 200)


@pytest.fixture
def floats_of(shared_data):
    def floats(name: str) -> dict[tuple[str, int], tuple]:
        return {(f.kind, f.number): f for f in _read(shared_data / name).floats}

    return floats


def _assert_on_marked_box(name: str, ref: tuple[str, int], found, least: float = 0.8) -> int:
    """Asserts `found` is on the page of the hand-marked box of `ref` and overlaps it (IoU >= `least`); its page."""
    page, *box = FIGURES[name].boxes[ref]
    assert found.page == page and iou(found.box, tuple(box)) >= least, (ref, found.box)
    return page


def _captions(floats: dict, name: str) -> set[tuple[str, int, int]]:
    return {(f.kind, f.number, f.page) for f in floats.values()} & set(FIGURES[name].captions)


def test_the_running_head_bounds_the_text_block_of_a_short_paper(floats_of):
    # wav2vec's pages mostly open with a float, so no first paragraph line recurs at one height; the running head
    # printed at the same height on every page still says where the text block starts: the figures at the top of
    # pages 2 and 5 are below it, and the side-by-side tables of page 7 too.
    floats = floats_of(WAV2VEC)
    assert {("figure", 1, 2), ("figure", 2, 5), ("table", 4, 7), ("table", 5, 7)} <= _captions(floats, WAV2VEC)
    for ref in (("table", 4), ("table", 5)):
        _assert_on_marked_box(WAV2VEC, ref, floats[ref])
    assert floats[("figure", 1)].box[1] > 40  # below the running head and its rule


def test_the_text_block_top_recurs_within_a_point_or_two(floats_of):
    # FLAN-MoE has no running head and floats open most pages; its pages' first lines vary by a point or two
    # (75, 77 pt), which is still one text block top: Figure 3 of page 6 and Table 2 of page 8, both at the top of
    # their pages, are found.
    floats = floats_of(FLAN_MOE)
    assert {("figure", 3, 6), ("table", 2, 8)} <= _captions(floats, FLAN_MOE)


def test_stacked_floats_part_at_the_float_separation(floats_of):
    # NEFTune's page 4: Table 1 hangs below its caption and Figure 2 stands above its own, right under the table.
    # Both grow into the space between the two captions; the widest empty band there (the float separation)
    # parts them, so neither crop holds the other float.
    name = "corpus/arxiv_2310.05914v2_neftune.pdf"
    floats = floats_of(name)
    table, figure = floats[("table", 1)], floats[("figure", 2)]
    for ref, found in ((("table", 1), table), (("figure", 2), figure)):
        _assert_on_marked_box(name, ref, found)
    assert table.box[3] < figure.box[1]
    assert "AlpacaEval Win Rate" not in table.text and "LLaMA-2 7B" in table.text


def test_two_columns_side_by_side_are_body_text_not_a_row_of_cells(floats_of, shared_data):
    # The IEEE paper's Table 1 (an image, full width) is followed by two-column text whose lines stand side by side
    # across a 12 pt gutter: two paragraph-wide lines at one height are the two columns, not a table row, so the
    # table ends above them instead of taking both columns' first lines.
    name = "pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf"
    table = floats_of(name)[("table", 1)]
    page = _assert_on_marked_box(name, ("table", 1), table)
    lines = _read(shared_data / name).pages[page - 1].lines
    first = [line for line in lines if line.text.startswith("languages for the cases of bigram")]
    assert first and not any(line.in_float for line in first)


def test_a_body_line_split_at_a_footnote_mark_is_still_body_text(floats_of, shared_data):
    # Chain-of-Table's page 6: the paragraph under Table 1 opens with "chat)³ as the backbone LLMs", which PDFium
    # gives as two pieces (the superscript jumps off the line). Two pieces a word space apart are one printed line,
    # not a row of cells: the line is body text and the table ends above it.
    name = "corpus/arxiv_2401.04398v2_chain_of_table.pdf"
    table = floats_of(name)[("table", 1)]
    page = _assert_on_marked_box(name, ("table", 1), table)
    lines = _read(shared_data / name).pages[page - 1].lines
    assert not any(line.in_float for line in lines if "as the backbone LLMs" in line.text)
    # the same rule on ICL-as-gradient-descent's page 7: "Figure 4. Experimental details can be found in
    # Appendix A.7." is a sentence of the running text (body text on both sides), not Figure 4's caption
    icl = "corpus/arxiv_2212.07677v2_icl_gradient_descent.pdf"
    assert floats_of(icl)[("figure", 4)].page == 9


def test_text_level_with_the_stopping_line_is_not_the_floats(floats_of):
    # RAFT's full-width Table 1 is followed by two-column text; the right column opens with the heading "4.3. Effect
    # of CoT", printed at the height of the left column's first body line. The heading is on that printed line,
    # not a row of the table.
    name = "corpus/arxiv_2403.10131v1_raft_rag.pdf"
    table = floats_of(name)[("table", 1)]
    _assert_on_marked_box(name, ("table", 1), table)
    assert "Effect of CoT" not in table.text


def test_a_caption_line_with_a_superscript_is_one_line_of_the_caption(floats_of):
    # Janus-Pro's Table 3 caption ends "... are marked with †.": PDFium gives that line as two pieces (the dagger
    # jumps off the line), which are still one printed line of the caption, not the table's first row; the table
    # below the caption is then found. The same holds for Janus-Pro's Table 4, Qwen3's Table 9 and the sparsely
    # gated MoE's Table 9.
    for name, refs in (("corpus/nonarxiv_janus_pro.pdf", (("table", 3, 6), ("table", 4, 7))),
                       ("corpus/nonarxiv_qwen3_tech_report.pdf", (("table", 9, 11),)),
                       ("corpus/arxiv_1701.06538v1_sparsely_gated_moe.pdf", (("table", 9, 18),))):
        assert set(refs) <= _captions(floats_of(name), name), name
    table = floats_of("corpus/nonarxiv_janus_pro.pdf")[("table", 3)]
    assert "marked with" in table.caption
    assert "Janus-Pro-7B" in table.text and "marked with" not in table.text


def test_a_label_after_a_full_stop_on_the_same_printed_line_is_running_text(floats_of):
    # "... are reported in Table 2. Figure 4" (Mistral 7B, page 3) opens no caption: the label follows the full
    # stop on the same printed line, which PDFium's tight glyph box of "." (no height above the baseline) once hid.
    # Lines are told apart by their baselines, so each of these is found only where it is printed.
    for name, ref in (("corpus/arxiv_2310.06825v1_mistral_7b.pdf", ("figure", 4, 4)),
                      ("pdf/arxiv_2010.11929v2_vit.pdf", ("figure", 7, 9)),
                      ("pdf/arxiv_2501.10120v1_pasa.pdf", ("table", 1, 4)),
                      ("corpus/arxiv_1701.06538v1_sparsely_gated_moe.pdf", ("table", 7, 15))):
        floats = floats_of(name)
        found = floats.get(ref[:2])
        assert found is not None and found.page == ref[2], (name, ref, found and found.page)


def test_a_long_caption_is_followed_to_its_last_line(floats_of):
    # Multi-token prediction's Tables S2, S8 and S13 have captions of eight lines and more: the caption's text is
    # cut at 600 characters, its block is not, so the table under the caption's last line is found.
    name = "corpus/arxiv_2404.19737v1_multi_token_prediction.pdf"
    floats = floats_of(name)
    assert {("table", 2, 13), ("table", 8, 18), ("table", 13, 28)} <= _captions(floats, name)
    table = floats[("table", 2)]
    assert table.caption_box[3] < table.box[1] and "Heads used" in table.text
    assert len(table.caption) <= 600


def test_a_paragraph_indented_under_a_float_label_is_running_text(floats_of):
    # ResNet's page 7: "Fig. 6 (middle) shows the behaviors of ResNets." opens an indented paragraph of the right
    # column. A caption's first line is not indented against its next lines: this one is no caption, and Figure 6
    # is found on page 8, where its caption is printed.
    name = "pdf/arxiv_1512.03385v1_resnet.pdf"
    floats = floats_of(name)
    assert floats[("figure", 6)].page == 8
    assert not any(f.caption.startswith("Fig. 6 (middle)") for f in floats.values())


def test_a_wrapped_floats_caption_ends_where_the_full_width_text_resumes(floats_of):
    # TIES-Merging's Table 6 stands at the right of a paragraph with its two-line caption under it; the paragraph
    # then resumes at the full width. Those lines reach far left of the caption and are not centred under it:
    # they are the text the float is wrapped in, not more caption, and the table above the caption is found.
    name = "corpus/arxiv_2306.01708v2_ties_merging.pdf"
    table = floats_of(name)[("table", 6)]
    assert table.page == 10 and table.caption_box[0] > 300 and table.box[0] > 300
    assert table.caption_box[3] - table.caption_box[1] < 25 and table.box[3] <= table.caption_box[1]


def test_a_background_behind_two_floats_belongs_to_neither(floats_of):
    # Primer's page 21 holds Figures 15 and 16 over one background rectangle that runs behind both figures and
    # Figure 15's caption. A graphic behind another float's caption is no one float's: Figure 16 stops at Figure
    # 15's caption, and both are found, each with its own drawing.
    name = "pdf-hard/arxiv_2109.08668v1_primer.pdf"
    floats = floats_of(name)
    assert {("figure", 15, 21), ("figure", 17, 22)} <= _captions(floats, name)
    upper, lower = floats[("figure", 15)], floats[("figure", 16)]
    assert upper.box[3] <= upper.caption_box[1] < lower.box[1]


def test_lines_of_a_code_listing_are_no_justified_running_text(floats_of, shared_data):
    # Primer's Figures 24 and 25 are program listings in a typewriter font at the running text's size and almost
    # its width; the running text is justified and its lines end at the column's right edge, the listing's lines
    # stop short of it. The listings are floats above their captions, not paragraphs. The same rule finds the
    # chess-prompt Figure 14 of weak-to-strong and Figure 4 of position interpolation.
    for name, ref in (("pdf-hard/arxiv_2109.08668v1_primer.pdf", ("figure", 24, 26)),
                      ("pdf-hard/arxiv_2109.08668v1_primer.pdf", ("figure", 25, 27)),
                      ("corpus/nonarxiv_weak_to_strong.pdf", ("figure", 14, 31)),
                      ("corpus/arxiv_2306.15595v2_position_interpolation.pdf", ("figure", 4, 10))):
        assert ref in _captions(floats_of(name), name), (name, ref)
    listing = floats_of("pdf-hard/arxiv_2109.08668v1_primer.pdf")[("figure", 24)]
    assert "REDUCE_MEAN" in listing.text
    lines = _read(shared_data / "pdf-hard/arxiv_2109.08668v1_primer.pdf").pages[25].lines
    assert all(line.in_float for line in lines if "REDUCE_MEAN" in line.text)


def test_a_label_printed_heavier_than_its_text_opens_a_caption_without_punctuation(floats_of):
    # DyT's template prints "Figure 3 tanh(αx) with three different α values." with the label in a heavier font
    # and no colon or full stop after it; the heavier label is what tells it from running text such as "Figure 3
    # shows", whose label has the running text's weight. The caption is found, with the plot above it.
    name = "corpus/arxiv_2503.10622v1_dyt_transformers_without_norm.pdf"
    floats = floats_of(name)
    assert ("figure", 3, 3) in _captions(floats, name)
    figure = floats[("figure", 3)]
    assert figure.caption.startswith("Figure 3 tanh") and figure.box[0] > 300 and figure.box[3] <= figure.caption_box[1]
    assert not any(f.caption.split()[2:3] == ["shows"] for f in floats.values())


def test_without_a_running_head_the_text_block_starts_where_first_lines_recur(floats_of):
    # DyT has no running head; its pages open at 67 pt with a line or a heading (whose first paragraph starts
    # lower). Where those first lines recur is the text block's top, so a float at the top of a page is whole: all
    # three rows of Figure 2's plots on page 3 (the ViT row, an image of its own, begins at 64 pt).
    name = "corpus/arxiv_2503.10622v1_dyt_transformers_without_norm.pdf"
    floats = floats_of(name)
    assert floats[("figure", 2)].box[1] < 80


def test_a_float_under_a_full_width_caption_may_reach_into_the_side_margins(floats_of):
    # Nothing is printed beside a one-column text block, so a float under a caption of its width may be wider:
    # GShard's Figure 6 legend runs into the right margin (to 521 pt, the text ends at 504), DALL-E 3's Figure 2
    # is a page of images from 17 to 595 pt. A clip box running off the paper's edge is still no float's
    # (Chain-of-Verification's Figure 3 stays within the text block).
    gshard = floats_of("corpus/arxiv_2006.16668v1_gshard.pdf")[("figure", 6)]
    assert gshard.page == 16 and gshard.box[2] > 515
    dalle = "corpus/nonarxiv_dalle3_better_captions.pdf"
    assert ("figure", 2, 4) in _captions(floats_of(dalle), dalle)
    assert floats_of(dalle)[("figure", 2)].box[0] < 30
    verification = floats_of("corpus/arxiv_2309.11495v2_chain_of_verification.pdf")[("figure", 3)]
    assert verification.box[2] < 520


def test_a_table_ends_at_its_closing_rule(floats_of, shared_data):
    # A table hanging below its caption ends at its last rule when the next line, of running-text size, is set off
    # from that rule by more than a row's spacing and no rule follows: Janus-Pro's Table 3 is followed by the end of
    # a paragraph ("[17], POPE [23], ..."), RoFormer's Table 5 by the heading "4.5.5 Limitations of the work",
    # Qwen3's Table 10 by "categorized into several dimensions:". Rows under a rule (Adafactor's Table 2 has no
    # closing rule) are still the table's.
    janus = _read(shared_data / "corpus/nonarxiv_janus_pro.pdf")
    table = floats_of("corpus/nonarxiv_janus_pro.pdf")[("table", 3)]
    assert "Janus-Pro-7B" in table.text and "POPE [23]" not in table.text
    assert not any(line.in_float for line in janus.pages[5].lines if line.text.startswith("[17], POPE"))
    roformer = floats_of("corpus/arxiv_2104.09864v5_roformer.pdf")[("table", 5)]
    assert "RoFormer-1024" in roformer.text and "Limitations" not in roformer.text
    qwen = floats_of("corpus/nonarxiv_qwen3_tech_report.pdf")[("table", 10)]
    assert "MLogiQA" in qwen.text and "categorized" not in qwen.text
    adafactor = floats_of("corpus/arxiv_1804.04235v1_adafactor.pdf")[("table", 2)]
    assert "SGD" in adafactor.text and adafactor.box[3] > 410  # its last SGD rows end at 415 pt


def test_a_table_ends_before_a_heading_set_two_lines_below_its_closing_rule(floats_of, shared_data):
    # GSM-Symbolic's Table 1 (page 18, caption above) closes with a rule; the heading "A.3 Additional Results on
    # GSM-Symbolic ..." follows 31 pt further down in 12 pt, neither the running text's 11 pt nor a heading's
    # larger size. A line in any size set off from the closing rule by two lines, with no rule further on, is the
    # text after the table.
    name = "corpus/arxiv_2410.05229v1_gsm_symbolic.pdf"
    table = floats_of(name)[("table", 1)]
    assert table.page == 18 and "o1-preview 94.9" in table.text and "Additional Results" not in table.text
    assert table.box[3] < 535  # the closing rule is at 528-529 pt
    heading = next(line for line in _read(shared_data / name).pages[17].lines if line.text.startswith("A.3 "))
    assert not heading.in_float


def test_a_large_label_inside_a_drawing_is_no_heading(floats_of):
    # Multi-token prediction's Figure S17 labels its paths "(a)", "(b)", "(c)" in a type larger than the running
    # text. A heading starts where headings start (a column's left edge, or centred); "(b)" in the middle of the
    # drawing does not end the figure.
    figure = floats_of("corpus/arxiv_2404.19737v1_multi_token_prediction.pdf")[("figure", 17)]
    assert figure.page == 26 and figure.box[1] < 210  # above the "(b)" label (211-226 pt)


def test_the_title_block_above_a_first_page_float_stays_out_of_it(floats_of, shared_data):
    # DeepSeek-V2's Figure 1 stands under the abstract on page 1; the abstract's last line (running-text size or
    # larger, wholly above the figure's graphics) is the title block's, not the figure's.
    name = "corpus/arxiv_2405.04434v5_deepseek_v2.pdf"
    figure = floats_of(name)[("figure", 1)]
    assert figure.page == 1 and "checkpoints are available" not in figure.text
    lines = _read(shared_data / name).pages[0].lines
    assert not any(line.in_float for line in lines if "checkpoints are available" in line.text)


def test_a_float_never_reaches_over_the_running_head_or_its_rule(floats_of):
    # ICML pages print the running head with a rule under it, a few points above the text block's first line: the
    # paragraph top that recurs there is the text block's top, not the head's bottom, so RAFT's Figure 3 stops at
    # its drawing instead of taking the head's rule. Adafactor's Figure 1 is an image whose bounds run up over the
    # running head: the float is the part in the text block.
    raft = "corpus/arxiv_2403.10131v1_raft_rag.pdf"
    figure = floats_of(raft)[("figure", 3)]
    _assert_on_marked_box(raft, ("figure", 3), figure, least=0.95)
    adafactor = "corpus/arxiv_1804.04235v1_adafactor.pdf"
    assert ("figure", 1, 5) in _captions(floats_of(adafactor), adafactor)
    assert floats_of(adafactor)[("figure", 1)].box[1] >= 60  # below the running head (48-56 pt) and its rule


def test_a_fraction_inside_a_caption_line_keeps_the_line_in_the_caption(floats_of):
    # Adafactor's Table 2 caption (above the table) goes on "and without a warmup period. For the tests with
    # warmup, s_t = min(10^-6 t, 1/sqrt(t)) ...": the fraction's parts are pieces over and under the line
    table = floats_of("corpus/arxiv_1804.04235v1_adafactor.pdf")[("table", 2)]
    assert "and without a warmup period" in table.caption and table.caption.endswith(").")
    assert table.box[1] > table.caption_box[3]  # the region starts under the caption's last line
    assert "warmup period" not in table.text


def test_a_crop_stops_short_of_its_caption(floats_of, shared_data, tmp_path):
    # wav2vec's Figure 1 image has a white margin reaching its caption's first line: the crop's padding would
    # show the tops of the caption's letters
    from PIL import Image

    from paperflow.text.engine import render_crops
    from paperflow.text.figures import CROP_PAD

    figure = floats_of(WAV2VEC)[("figure", 1)]
    assert figure.caption_box[1] - figure.box[3] > CROP_PAD
    target = tmp_path / "wav2vec_1.png"
    assert render_crops((shared_data / WAV2VEC).read_bytes(), [(figure.page, figure.box, str(target))]) == []
    image = Image.open(target).convert("L")
    bottom = [image.getpixel((x, y)) for y in range(image.height - 4, image.height) for x in range(image.width)]
    assert min(bottom) > 200, "caption ink in the crop's last rows"
    # and on every truth paper, no region comes within the padding of its own caption above or below it
    for name in FIGURES:
        for f in floats_of(name).values():
            cap = f.caption_box
            if min(f.box[2], cap[2]) > max(f.box[0], cap[0]):
                assert not -3 < cap[1] - f.box[3] <= CROP_PAD and not -3 < f.box[1] - cap[3] <= CROP_PAD, \
                    (name, f.kind, f.number)

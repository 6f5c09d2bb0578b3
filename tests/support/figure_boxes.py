"""Hand-marked crop boxes of figures and tables in the real papers of ../shared/data (issue 19).

Keys: the PDF as "pdf/NAME.pdf", "pdf-hard/NAME.pdf" or "corpus/NAME.pdf" under ../shared/data, then
(kind, number). A box is (page, left, top, right, bottom) in PDF points from the top-left corner of the page as
PDFium renders it (the convention of figure_truth.py): around the float's graphics and its own text (axis labels,
legends, sub-figure labels, table rules and cells), without the caption, body text, running head or page number.

How they were made: each page rendered with pypdfium2 at scale 2 (annotations not drawn), a rough region chosen by
eye, the edges snapped to the outermost non-white pixels of the float inside it (plus 1 pt), then drawn as a red
rectangle on the rendered page and checked by eye; where a caption's underline or a neighbouring line crept into that
region, the edges were taken from the table's own rules (PDFium path objects) instead. Reader annotations
(highlights, ink, margin notes) are never part of a box; ink that is page content (the image laid over every page of
the DiT copy) is kept out where it lies outside the figure.
"""

from __future__ import annotations

BOXES: dict[str, dict[tuple[str, int], tuple[int, float, float, float, float]]] = {
    "corpus/arxiv_2106.09685v2_lora.pdf": {
        # one-column paper, small wrapped figure at the right of body text, caption below; overview figure
        ("figure", 1): (1, 389.0, 526.5, 503.5, 627.5),
        # main results table, caption below, column-width; reader highlights elsewhere on the page
        ("table", 2): (6, 110.0, 80.5, 502.0, 274.0),
    },
    "corpus/arxiv_2212.10496v1_hyde_retrieval.pdf": {
        # two-column paper, full-width overview figure above the columns, caption below; highlights below it
        ("figure", 1): (2, 70.0, 70.0, 525.5, 190.5),
        # full-width table in a two-column paper, caption below; main results (web search)
        ("table", 1): (5, 144.5, 69.5, 451.0, 191.0),
        # full-width table with reader's margin comments (annotations) beside it, which stay outside
        ("table", 2): (5, 131.5, 246.0, 464.0, 469.0),
    },
    "corpus/arxiv_2309.11495v2_chain_of_verification.pdf": {
        # one-column paper, overview (method) figure of boxes and text, caption below; highlights lower on the page
        ("figure", 1): (2, 110.5, 89.5, 504.5, 367.0),
        # small centred table, caption below; reader highlights over table rows and margin notes beside it
        ("table", 2): (7, 175.0, 80.5, 434.5, 166.5),
        # main results table directly under another table's caption, caption below; highlighted cells inside
        ("table", 3): (7, 144.0, 196.5, 465.5, 336.0),
        # two bar-chart panels sharing one legend: one figure, one box; margin notes (annotations) at its right
        ("figure", 2): (7, 108.0, 403.0, 496.5, 517.0),
    },
    "corpus/arxiv_2405.04434v5_deepseek_v2.pdf": {
        # architecture figure (one-column report) with a reader's red ink stroke over its top-left corner (an
        # annotation,
        # not part of the crop); caption below
        ("figure", 2): (5, 72.0, 84.5, 523.0, 447.0),
        # main results table, caption below ("Table 2 |" style); reader's strike-through marks on rows
        ("table", 2): (15, 82.5, 84.0, 513.0, 482.0),
    },
    "pdf/arxiv_1706.03762v5_attention_is_all_you_need.pdf": {
        # one-column paper, centred architecture figure, caption below; a reader's red handwriting (ink annotations)
        # beside it ("encoder", "decoder") stays outside
        ("figure", 1): (3, 196.0, 72.0, 416.0, 395.0),
        # two sub-figures side by side under one caption (left/right): one box; ink arrows between them are
        # annotations
        ("figure", 2): (4, 147.0, 71.0, 467.5, 239.0),
        # main results table with the caption ABOVE it
        ("table", 2): (8, 129.5, 93.0, 482.5, 245.0),
        # wide table, caption above, at the top of the page
        ("table", 3): (9, 107.0, 128.5, 510.0, 385.5),
    },
    "pdf/arxiv_1810.04805v2_bert.pdf": {
        # two-column paper, full-width overview figure (pre-training / fine-tuning panels), caption below;
        # highlighted caption
        ("figure", 1): (3, 75.5, 62.5, 523.0, 242.5),
        # full-width main results table (GLUE) in a two-column paper, caption below
        ("table", 1): (6, 71.0, 61.5, 527.0, 155.0),
        # column-width table in the left column, caption below; side by side with Table 4 in the right column
        ("table", 2): (7, 81.5, 61.5, 280.5, 236.5),
        # column-width table in the right column, beside Table 2 (each float its own box)
        ("table", 4): (7, 345.5, 61.5, 485.5, 169.0),
        # second table stacked in the left column under Table 2's caption
        ("table", 3): (7, 80.0, 298.0, 282.0, 433.0),
    },
    "pdf/arxiv_1512.03385v1_resnet.pdf": {
        # two-column CVPR paper, first page: figure with two plots in the right column under the abstract's
        # neighbour,
        # arXiv stamp in the left margin (not part of it); caption below
        ("figure", 1): (1, 308.0, 224.0, 545.0, 303.0),
        # overview (building block) figure, column width, caption below
        ("figure", 2): (2, 97.0, 79.5, 232.5, 155.5),
        # column-width table, caption below; the right column holds Figure 5 at the same height
        ("table", 3): (6, 87.0, 70.5, 249.0, 210.5),
        # main results table stacked right under Table 3's caption in the same column
        ("table", 4): (6, 58.0, 253.5, 278.5, 390.5),
        # small figure in the right column, beside Table 3
        ("figure", 5): (6, 333.5, 71.5, 535.0, 143.0),
    },
    "pdf/arxiv_2010.11929v2_vit.pdf": {
        # one-column ICLR paper, overview figure under the running head, caption below; highlights on the caption
        ("figure", 1): (3, 146.0, 83.0, 469.0, 249.0),
        # two figures side by side, each with its own caption below: the left one
        ("figure", 3): (7, 110.0, 84.0, 291.5, 210.5),
        # ... and the right one
        ("figure", 4): (7, 310.0, 86.5, 491.0, 210.5),
        # two plot panels under one caption (one box), highlighted caption below
        ("figure", 5): (7, 125.0, 311.0, 484.5, 463.0),
    },
    "pdf/arxiv_1406.2661v1_gan.pdf": {
        # one-column NIPS paper, small centred results table, caption below
        ("table", 1): (6, 209.5, 80.5, 402.5, 138.5),
        # 2x2 grid of raster sample panels with sub-figure labels a)-d) under one caption: one box, labels included
        ("figure", 2): (6, 112.5, 356.0, 501.5, 638.0),
    },
    "pdf/arxiv_1904.05862v4_wav2vec.pdf": {
        # two small tables side by side, each with its own caption below, under the running head: the left one
        ("table", 4): (7, 150.0, 80.5, 284.0, 149.0),
        # ... and the right one
        ("table", 5): (7, 349.5, 80.5, 440.5, 149.0),
    },
    "pdf/arxiv_2203.00274v2_tableformer.pdf": {
        # two-column ACL paper, full-width overview figure with a text block of its own inside (kept), caption below
        ("figure", 2): (3, 82.0, 75.5, 520.5, 334.5),
        # main results table in the right column, caption below, body text in the left column beside it
        ("table", 1): (5, 313.0, 69.5, 517.5, 225.0),
    },
    "pdf/arxiv_2501.10120v1_pasa.pdf": {
        # two-column paper, full-width architecture figure at the top of page 2, caption below
        ("figure", 1): (2, 71.5, 71.5, 520.0, 198.5),
        # full-width main results table, caption below, with a second table stacked under its caption
        ("table", 5): (8, 83.0, 69.5, 512.5, 198.5),
        # the stacked second full-width table (between Table 5's caption and its own)
        ("table", 6): (8, 83.0, 224.0, 512.5, 353.0),
    },
    "pdf-hard/arxiv_2107.05407v1_pondernet.pdf": {
        # one-column paper with running head; three plot panels with sub-figure letters a/b/c under one caption (one
        # box);
        # reader highlights in the body text below
        ("figure", 1): (5, 92.5, 90.0, 520.0, 209.0),
        # main results table (small caps cells), caption below; highlighted paragraphs above it, margin note beside
        ("table", 1): (6, 90.5, 425.0, 517.5, 499.5),
    },
    "pdf-hard/arxiv_2109.08668v1_primer.pdf": {
        # method overview figure: two diagrams plus a code listing panel of its own (kept), caption below;
        # highlighted body text above and below
        ("figure", 4): (5, 112.0, 149.0, 504.5, 297.5),
        # wrapped table at the right of body text (text runs beside it to 317 pt), caption below
        ("table", 1): (9, 324.5, 174.5, 512.0, 275.0),
    },
    "pdf-hard/ieee_proc_2013_spoken_language_recognition.pdf": {
        # IEEE two-column journal page (576 pt wide), column-width figure, "Fig. 1." caption below, running head
        # above
        ("figure", 1): (3, 76.5, 75.5, 249.5, 226.0),
        # table with its caption ABOVE it (IEEE style "Table 1"), shaded cells, two stacked blocks in one table
        ("table", 1): (5, 159.5, 99.0, 410.0, 300.5),
    },
    "pdf-hard/neurips2020_wav2vec2_not_arxiv_copy.pdf": {
        # one-column NeurIPS paper (no arXiv stamp), overview figure, caption below
        ("figure", 1): (2, 183.0, 76.0, 425.0, 205.0),
        # tall main results table with a five-line caption ABOVE it
        ("table", 1): (6, 109.5, 133.0, 502.5, 551.0),
    },
    "corpus/arxiv_2205.10625v3_least_to_most.pdf": {
        # one-column ICLR paper, method overview figure with its own stage headings and coloured text highlights
        # that are
        # part of the figure, caption below; reader's margin notes (annotations) further down
        ("figure", 1): (2, 111.5, 183.0, 503.0, 451.0),
        # small centred results table whose cells carry a reader's yellow highlights (annotations), caption below
        ("table", 4): (4, 160.0, 497.5, 449.5, 546.0),
    },
    "corpus/arxiv_2305.02301v1_distilling_step_by_step.pdf": {
        # two-column ACL paper, full-width overview figure at the top, caption below; highlighted body text under it
        ("figure", 2): (3, 69.5, 69.5, 526.0, 242.5),
        # full-width row of four result plots with a shared legend (one figure), caption below, Figure 5 stacked
        # under it
        ("figure", 4): (5, 73.0, 72.0, 519.0, 198.0),
    },
    "corpus/arxiv_2306.01708v2_ties_merging.pdf": {
        # one-column paper, method overview figure at the top, caption below; reader's margin notes (annotations) at
        # left
        ("figure", 1): (2, 107.0, 74.5, 505.0, 215.0),
        # wrapped figure at the right of body text, its caption below it in the same narrow column; highlighted text
        # beside
        ("figure", 2): (2, 328.5, 426.5, 500.5, 528.5),
        # main results table with shaded rows, caption below
        ("table", 1): (6, 109.0, 71.0, 503.0, 201.0),
    },
    "corpus/arxiv_2309.04269v1_chain_of_density.pdf": {
        # two-column paper, full-width method figure (prompt and outputs) with reader's callout notes (annotations)
        # at its
        # right edge, caption below
        ("figure", 2): (2, 75.0, 76.0, 521.5, 319.5),
        # full-width results table at the top of the page with highlighted cells and a note above (annotations),
        # caption below
        ("table", 3): (4, 76.0, 69.5, 519.5, 132.5),
        # full-width figure stacked under Table 3's caption, caption below
        ("figure", 4): (4, 74.5, 169.5, 520.5, 264.5),
    },
    "corpus/arxiv_2310.05914v2_neftune.pdf": {
        # first page of a one-column paper: results bar chart under highlighted body text, caption below, arXiv
        # stamp in
        # the left margin (not part of it)
        ("figure", 1): (1, 141.5, 538.5, 468.0, 652.5),
        # small table with its caption ABOVE it; a figure follows right under it (edges from the table rules)
        ("table", 1): (4, 135.9, 111.8, 476.1, 157.6),
        # bar chart with title, axis label and an in-plot legend, caption below
        ("figure", 2): (4, 113.0, 170.0, 499.0, 358.0),
    },
    "corpus/arxiv_2401.04398v2_chain_of_table.pdf": {
        # one-column ICLR paper, method overview figure with panels (a)-(c) and their own headings, caption below
        ("figure", 1): (2, 125.5, 82.5, 478.0, 318.0),
        # main results table with a three-line caption ABOVE it (one caption line underlined), body text close below
        ("table", 1): (6, 110.8, 122.8, 503.2, 247.0),
    },
    "corpus/arxiv_2403.10131v1_raft_rag.pdf": {
        # two-column ICML-style paper, full-width raster overview figure right under the running head and its rule
        # (both
        # outside), caption below; box = the image object
        ("figure", 2): (3, 55.4, 67.1, 541.4, 245.5),
        # results table with its caption ABOVE it; reader highlights on rows and margin notes (annotations) at its
        # right
        ("table", 1): (5, 81.5, 437.0, 513.0, 545.5),
        # a framed prompt listing used as a figure (all text), caption below
        ("figure", 3): (5, 62.0, 74.5, 535.0, 303.5),
    },
    "corpus/arxiv_2404.19737v1_multi_token_prediction.pdf": {
        # first page, right column of a two-column paper: overview diagram and results bar chart stacked in one
        # framed
        # figure under one caption (one box); highlighted abstract and arXiv stamp on the left
        ("figure", 1): (1, 306.0, 289.5, 542.5, 585.0),
        # main results table with a long caption ABOVE it, highlighted rows and a reader's callout note at its left
        ("table", 1): (4, 82.0, 147.5, 515.0, 331.5),
    },
    "corpus/arxiv_2207.02696v1_yolov7.pdf": {
        # first page of a two-column CVPR-style paper: results plot in the right column, caption below; highlighted
        # abstract and the arXiv stamp on the left
        ("figure", 1): (1, 312.0, 225.5, 538.5, 393.0),
        # full-width main results table with its caption ABOVE it; its two footnote lines (1, 2) under the last rule
        # are
        # kept inside as part of the float, the section headings below are not
        ("table", 2): (7, 60.5, 83.5, 532.5, 458.5),
    },
    "corpus/arxiv_2310.06825v1_mistral_7b.pdf": {
        # one-column paper, architecture figure of three panels with their own labels under one caption; highlights
        # around
        ("figure", 1): (2, 108.5, 233.5, 501.0, 380.5),
        # narrow table wrapped at the right of body text, caption below it in the same narrow column
        ("table", 1): (2, 399.0, 465.0, 500.0, 579.0),
        # two bar-chart panels under one caption (one box), at the top of the page
        ("figure", 4): (4, 110.0, 78.0, 501.5, 199.5),
        # main results table, full text width, caption below, between Figure 4's caption and body text
        ("table", 2): (4, 107.0, 261.0, 501.0, 325.0),
        # second wrapped table at the right of body text, caption below
        ("table", 3): (4, 313.5, 531.5, 502.5, 635.0),
    },
    "corpus/arxiv_2212.09748v2_dit.pdf": {
        # two-column CVPR-style paper, full-width architecture figure (a form XObject with blank margins, bounds
        # 50-554 x 61-287, wider than the drawing); the reader's handwriting is a full-page image laid over the
        # page, not an
        # annotation: a scribble left of the figure stays outside, the ink written over the figure cannot be cut out
        ("figure", 3): (3, 51.0, 71.0, 545.0, 277.0),
    },
    "corpus/nonarxiv_deepseek_r1.pdf": {
        # report without arXiv stamp, main results table, "Table 2 |" caption below; highlighted cells (annotations)
        ("table", 2): (7, 72.5, 84.0, 523.0, 190.0),
        # results line plot with title, legend and axis labels, caption below (highlighted)
        ("figure", 2): (7, 130.5, 240.5, 465.5, 454.5),
    },
    "corpus/nonarxiv_qwen3_tech_report.pdf": {
        # report without arXiv stamp: two small tables stacked on one page, each with its caption ABOVE it
        ("table", 1): (3, 142.0, 465.5, 453.0, 548.5),
        ("table", 2): (3, 102.5, 584.0, 493.0, 627.5),
        # main results table, tall, caption ABOVE it whose last line has underlined words just above the top rule
        # (edges from the table's rules)
        ("table", 3): (6, 83.5, 114.0, 511.5, 405.5),
        # second tall table on the same page, caption above, reaching near the page bottom
        ("table", 4): (6, 92.0, 468.0, 503.5, 759.5),
    },
    "corpus/arxiv_2410.05258v1_differential_transformer.pdf": {
        # one-column paper, method overview: a diagram and a code listing side by side under ONE caption (one box);
        # highlighted caption below
        ("figure", 2): (3, 107.0, 81.0, 505.0, 263.5),
        # two heat-map sub-figures (a)/(b) with their own sub-captions under one caption: one box, sub-captions
        # inside
        ("figure", 5): (6, 107.5, 81.0, 503.0, 238.5),
        # small table wrapped at the right of body text, caption below it in the same narrow column; highlighted
        # cells
        ("table", 2): (6, 313.5, 426.5, 500.5, 490.5),
    },
}
# COMPLETE

"""Figures and tables of a PDF: every "Figure N" / "Fig. N" / "Table N" caption with the region it belongs to.

Runs in the extraction child (`engine._pdfium_pages` calls `find_floats` on the open PDFium document), so a
hostile file costs the same memory and time limits as its text, and the result is cached with the text.
Pure geometry over what PDFium gives, no model:

- **Captions.** A line (or the part of a line after a wide gap or a jump to another printed line, told by the
  characters' baselines: PDFium can join a caption to the line beside it) that opens with "Figure N", "Fig. N" or
  "Table N" followed by ":", ".", "|", a capital letter or nothing, or by a lower-case word when the label is
  printed heavier than that word. "Table 6 shows ...", "Fig. 2)." and "Figure 6, where" are running text, and so
  is a candidate whose first line is indented like a paragraph's. The caption's block is its lines below (a line
  split at a superscript is one line), never a line reaching far left of it (the text a float is wrapped in). A
  candidate is a caption only when the float it names is there: graphics or figure text next to it on its side
  (figures above, tables above or below); "Figure 1. For this ..." in a paragraph has body text on both sides.
- **Regions.** From the caption, towards its float, everything in the caption's span (its column, or the whole
  width when the caption crosses the gutter, then into the side margins too; split halfway between captions
  printed side by side) up to the nearest body text (running-text size, a paragraph's width reaching the column's
  right edge where the text is justified, or part of a paragraph; two such lines side by side are two columns),
  a heading (larger, where headings start), another caption, the text block's top (below the running head, or
  where pages' first lines recur) or a wide empty gap. Text covered by a graphic (boxed prompts, table frames) is
  never body text; a table below its caption ends at its closing rule when running text is set off under it;
  what was taken level with the stopping line is its printed line's. Two stacked floats growing into each other
  part at the widest empty band between their captions. The region is the union of the graphics (paths, images,
  shadings; the children of form XObjects transformed from the form's space to the page; not a background behind
  another caption too) and text boxes found there.

Boxes are in PDF points from the page's top-left corner: (left, top, right, bottom).
"""

from __future__ import annotations

import ctypes
import re
import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # left, top, right, bottom (pt, from the top-left corner)

# "Fig 1." with no full stop after the label is PLOS's style
_LABELS = r"Figure|FIGURE|Fig\.|FIG\.|Fig(?=\s\d)|Table|TABLE|Tab\."
_LABEL = rf"(?P<label>{_LABELS})"
# A float's number: arabic ("Figure 3", "Figure S3" in a supplement numbered on from the paper), or for a table
# roman in capitals after a space, as IEEE and APS (REVTeX) templates print them ("TABLE IV", "TABLE II.")
ROMAN = r"(?=[IVXL])(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?![A-Za-z])"
# An appendix's or a chapter's own numbering ("Table A1", "Figure B.2", "Figure 3.2", "Table 4-1") is found too, so
# that the float's contents stay out of the text and it bounds its neighbours, but it is not listed: a float is
# named by its kind and one number ("table 2") wherever paperflow names it.
_LETTERED_NUMBER = r"[A-RT-Z]\.?\d{1,2}"  # not S: "Figure S3" is numbered on from the paper
_UNLISTED = rf"{_LETTERED_NUMBER}|\d{{1,2}}[.\-–]\d{{1,2}}"
_NUMBER = (rf"(?:\s?(?P<unlisted>{_UNLISTED})(?![\d.]\d)|\s?S?(?P<number>\d{{1,3}})"
           rf"|(?<=Table|TABLE)\s(?P<roman>{ROMAN}))")
CAPTION = re.compile(_LABEL + _NUMBER + r"(?P<after>\s*[:.|–—]|\s*$|\s+[A-Z(\[]|\s+\d)")
# "Figure 3 tanh(αx) with ...": a label with no punctuation before a lower-case word is a caption only when the
# label is printed heavier than the word after it (the caption style of some templates); "Figure 3 shows" is not
CAPTION_PLAIN = re.compile(_LABEL + _NUMBER + r"\s+(?P<word>[a-z])")
CAPTION_START = re.compile(rf"(?:{_LABELS})\s?(?:S?\d|{_LETTERED_NUMBER})|(?:Table|TABLE)\s{ROMAN}")
# words before a label that number a float apart from the paper's own ("Extended Data Fig. 2", "Supplementary
# Table 1"): the float is found, unlisted (as "Table A1" is)
_SUPPLEMENT = re.compile(r"(?:Extended Data|Supplementary|Supplemental)\s+")
WIDE_GAP = 12.0  # pt between two pieces of one PDFium line: another column or another float's caption
CAPTION_TEXT_MAX = 600
FLOAT_TEXT_MAX = 4000
CROP_PAD = 2.0  # pt of white the crop adds around a region (engine.render_crops)
MAX_OBJECTS_PER_PAGE = 20_000
MAX_FORM_CHILDREN = 2000


@dataclass(slots=True)
class Float:
    """A figure or table found on a page: its caption (the first CAPTION_TEXT_MAX characters), the caption's box
    and the region of the float itself (graphics and their text, without the caption)."""

    kind: str  # "figure" | "table"
    number: int
    page: int  # 1-based
    caption: str
    caption_box: Box
    box: Box
    text: str = ""  # the text printed inside the region (table cells, labels), first FLOAT_TEXT_MAX characters

    def as_dict(self) -> dict:
        return {"kind": self.kind, "number": self.number, "page": self.page, "caption": self.caption,
                "caption_box": list(self.caption_box), "box": list(self.box)}


@dataclass(slots=True)
class TextBox:
    """One printed run of text (a PDFium line split at wide gaps and at jumps to another printed line)."""

    box: Box
    size: float
    line: int = -1  # index of the engine Line it belongs to
    caption: bool = False
    body: bool = False

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


@dataclass(slots=True)
class PageFloats:
    floats: list[Float] = field(default_factory=list)
    covered_lines: set[int] = field(default_factory=set)  # engine Line indices inside a region


def union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def overlap_x(a: Box, left: float, right: float) -> float:
    return max(0.0, min(a[2], right) - max(a[0], left))


def iou(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area > 0 else 0.0


# ------------------------------------------------------------------------------------------ PDFium reading


def line_rects(textpage, first_char: int, count: int, height: float) -> list[Box]:
    """The printed rectangles of `count` characters from `first_char`, merged per printed line and split at wide
    gaps (top-left frame)."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    n = raw.FPDFText_CountRects(handle, first_char, count)
    left, top, right, bottom = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    rects: list[Box] = []
    for i in range(min(n, 400)):
        if not raw.FPDFText_GetRect(handle, i, left, top, right, bottom):
            continue
        box = (left.value, height - top.value, right.value, height - bottom.value)
        if rects:
            last = rects[-1]
            same_line = min(last[3], box[3]) - max(last[1], box[1]) > 0.3 * min(last[3] - last[1], box[3] - box[1])
            if same_line and -2 <= box[0] - last[2] < WIDE_GAP:
                rects[-1] = union(last, box)
                continue
        rects.append(box)
    return rects


def graphics_boxes(page, width: float, height: float) -> list[Box]:
    """Bounds of the page's paths, images and shadings (top-left frame), those inside form XObjects transformed
    from the form's space to the page's; a page-sized background or a degenerate object is left out."""
    import pypdfium2.raw as raw

    boxes: list[Box] = []
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    budget = [MAX_OBJECTS_PER_PAGE]

    def add(x0: float, y0: float, x1: float, y1: float, clip: Box | None) -> None:
        box = (max(0.0, x0), max(0.0, height - y1), min(width, x1), min(height, height - y0))
        if clip is not None:
            box = (max(box[0], clip[0]), max(box[1], clip[1]), min(box[2], clip[2]), min(box[3], clip[3]))
        w, h = box[2] - box[0], box[3] - box[1]
        if w < 0.3 and h < 0.3 or w < 0 or h < 0:
            return
        if w * h > 0.7 * width * height:
            return  # a page background or a clip-everything rectangle
        boxes.append(box)

    def transform(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
        a, bb, c, d, e, f = m
        return a * x + c * y + e, bb * x + d * y + f

    def compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
        a1, b1, c1, d1, e1, f1 = inner
        a2, b2, c2, d2, e2, f2 = outer
        return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
                e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)

    def walk_form(form, to_page: tuple[float, ...], clip: Box, depth: int) -> None:
        count = raw.FPDFFormObj_CountObjects(form)
        if count > MAX_FORM_CHILDREN:  # a plot of thousands of marks: its clip box is its extent, read at once
            boxes.append(clip)
            return
        for i in range(count):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            child = raw.FPDFFormObj_GetObject(form, i)
            kind = raw.FPDFPageObj_GetType(child)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                continue
            if kind == raw.FPDF_PAGEOBJ_FORM and depth < 6:
                if raw.FPDFPageObj_GetMatrix(child, matrix):
                    own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                    walk_form(child, compose(own, to_page), clip, depth + 1)
                continue
            if not raw.FPDFPageObj_GetBounds(child, l, b, r, t):
                continue
            corners = [transform(to_page, x, y) for x in (l.value, r.value) for y in (b.value, t.value)]
            xs, ys = [p[0] for p in corners], [p[1] for p in corners]
            add(min(xs), min(ys), max(xs), max(ys), clip)

    count = raw.FPDFPage_CountObjects(page.raw)
    for i in range(count):
        if budget[0] <= 0:
            break
        budget[0] -= 1
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT or not raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
            continue
        if kind == raw.FPDF_PAGEOBJ_FORM:
            # the form's own bounds (page space) clip what its children draw; the children give the tight box
            clip = (l.value, height - t.value, r.value, height - b.value)
            if raw.FPDFPageObj_GetMatrix(obj, matrix):
                walk_form(obj, (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), clip, 1)
            continue
        add(l.value, b.value, r.value, t.value, None)
    # the marks of a plot repeat boxes to the point: once is enough
    return list(dict.fromkeys((round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1)) for b in boxes))


# ----------------------------------------------------------------------------------------------- layout


@dataclass(slots=True)
class DocumentLayout:
    """What the regions are measured against, from the whole document's running text."""

    body_size: float
    text_left: float
    text_right: float
    two_columns: bool
    top_margin: float  # running heads print above this
    bottom_margin: float  # page numbers and footers print below this
    # where justified running text ends: the left column's right edge (two columns), None when the running text is
    # set ragged
    left_column_right: float | None = None
    right_column_left: float | None = None
    justified: bool = False

    def starts_a_line(self, box: Box, size: float) -> bool:
        """Whether text at `box` is set as a heading is: flush with its column's left edge, or centred on the column
        or the page."""
        lefts = [self.text_left] + ([self.right_column_left] if self.two_columns and self.right_column_left else [])
        if any(abs(box[0] - left) <= 1.5 * size for left in lefts):
            return True
        middle = (box[0] + box[2]) / 2
        centres = [self.middle]
        if self.two_columns and self.left_column_right and self.right_column_left:
            centres += [(self.text_left + self.left_column_right) / 2, (self.right_column_left + self.text_right) / 2]
        return any(abs(middle - centre) <= size for centre in centres)

    def line_end(self, box: Box) -> float:
        """The right edge a justified line of running text printed at `box` reaches."""
        if self.two_columns and self.left_column_right is not None and box[2] <= self.middle + 20:
            return self.left_column_right
        return self.text_right

    @property
    def middle(self) -> float:
        return (self.text_left + self.text_right) / 2


def document_layout(pages: list[list[tuple[Box, float]]], height: float, width: float) -> DocumentLayout:
    """The body size (most characters' font size, weighted by width), the text block's edges and whether the
    running text is set in two columns, from every page's text boxes (box, size)."""
    weights: dict[float, float] = {}
    for page in pages:
        for box, size in page:
            if size > 0:
                key = round(size * 2) / 2
                weights[key] = weights.get(key, 0.0) + (box[2] - box[0])
    body = max(weights, key=weights.get) if weights else 10.0
    body_boxes = [box for page in pages for box, size in page
                  if abs(size - body) <= 0.6 and box[2] - box[0] > 0.25 * width]
    if not body_boxes:
        return DocumentLayout(body, 0.1 * width, 0.9 * width, False, 0.06 * height, 0.94 * height)
    lefts = sorted(b[0] for b in body_boxes)
    rights = sorted(b[2] for b in body_boxes)
    left = lefts[len(lefts) // 20]
    right = rights[-1 - len(rights) // 20]
    narrow = sum(1 for b in body_boxes if b[2] - b[0] < 0.6 * (right - left))
    two = narrow > 0.5 * len(body_boxes)
    # the text block's top and bottom: the most common first and last line of a paragraph (a running head or a
    # page number is a line alone, with no paragraph line next to it)
    firsts: dict[int, int] = {}
    lasts: dict[int, int] = {}
    later_firsts: set[int] = set()  # the first page's first paragraph opens under the title block
    for index, page in enumerate(pages):
        lines = sorted((box for box, size in page if abs(size - body) <= 0.6 and box[2] - box[0] > 0.25 * width),
                       key=lambda b: b[1])
        line_tops = [b[1] for b in lines]
        paragraph: list[Box] = []
        closing: list[Box] = []
        for a in lines:  # a line with the next line of its paragraph right below it
            for b in lines[bisect_left(line_tops, a[3]):bisect_right(line_tops, a[3] + body)]:
                if b is not a and abs(b[0] - a[0]) < 0.3 * width:
                    paragraph.append(a)
                    closing.append(b)
                    break
        if paragraph:
            key = int(min(b[1] for b in paragraph) // 2)
            firsts[key] = firsts.get(key, 0) + 1
            if index > 0:
                later_firsts.add(key)
        if closing:
            key = int(max(b[3] for b in closing) // 2)
            lasts[key] = lasts.get(key, 0) + 1
    # the highest (lowest) such line that recurs, give or take 2 pt: floats at the top of a page push a page's
    # first line down
    least = max(2, len(pages) // 10)

    def recurring(counts: dict[int, int]) -> list[int]:
        return [key for key in counts if counts[key] + counts.get(key - 1, 0) + counts.get(key + 1, 0) >= least]

    tops = recurring(firsts)
    bottoms = recurring(lasts) or list(lasts)
    if tops:
        top = 2 * min(tops) - 4
    else:
        # no top recurs (a paper of a few pages): the first page's first paragraph opens under the title block and
        # the others' may open under a float, so none says more than the usual top margin does
        top = min([0.06 * height] + [2 * key - 4 for key in later_firsts])
    bottom = 2 * max(bottoms) + 6 if bottoms else 0.94 * height
    head, first_line = page_tops(pages, body)
    if head is not None:
        # in a short paper whose pages mostly open with a float the recurring paragraph top is a float's height
        # down the page; the running head still bounds the text block from above. Close under the head, the
        # paragraph top is the text block's (the head's rule and skip lie between)
        if top - head > 3 * body:
            top = head + 1.5
    elif first_line is not None:
        # no running head: the text block starts where pages' first lines recur (a heading opening a page pushes
        # its first paragraph down)
        top = min(top, first_line - 4)
    layout = DocumentLayout(body, left, right, two, top, bottom)
    if two:
        lefts_rights = sorted(b[2] for b in body_boxes if b[2] <= layout.middle + 20)
        if lefts_rights:
            layout.left_column_right = lefts_rights[-1 - len(lefts_rights) // 20]
        right_lefts = sorted(b[0] for b in body_boxes if b[0] >= layout.middle - 20)
        if right_lefts:
            layout.right_column_left = right_lefts[len(right_lefts) // 20]
    # justified running text: most paragraph-wide lines end at their column's right edge (a paragraph's last line
    # and the lines of a code listing do not)
    ends = sum(1 for b in body_boxes if abs(b[2] - layout.line_end(b)) <= 0.3 * body)
    layout.justified = ends >= 0.5 * len(body_boxes)
    return layout


def page_tops(pages: list[list[tuple[Box, float]]], body: float) -> tuple[float | None, float | None]:
    """The bottom of the running head and the top of the text block's first line, from each page's topmost
    printed line: a running head stands alone with a gap of one and a half lines below it (more than a heading's
    space after it); either counts when it recurs at one height on a quarter of the pages (at least two). None
    where there is none."""
    heads: dict[int, list[float]] = {}
    firsts: dict[int, list[float]] = {}
    for page in pages:
        boxes = sorted((box for box, _size in page if box[3] - box[1] < 3 * body), key=lambda b: b[1])
        if len(boxes) < 2:
            continue
        first = boxes[0]
        line_bottom = max(b[3] for b in boxes if b[1] < first[1] + 2)
        below = next((b for b in boxes if b[1] >= line_bottom - 1), None)
        if below is None:
            continue
        if below[1] - line_bottom >= 1.5 * body:
            heads.setdefault(int(first[1] // 3), []).append(line_bottom)
        else:
            firsts.setdefault(int(first[1] // 3), []).append(first[1])
    least = max(2, len(pages) // 4)

    def recurring(found: dict[int, list[float]]) -> list[float]:
        return [value for key, values in found.items()
                if len(values) + len(found.get(key - 1, ())) + len(found.get(key + 1, ())) >= least
                for value in values]

    heads_found, firsts_found = recurring(heads), recurring(firsts)
    return (statistics.median(heads_found) if heads_found else None,
            min(firsts_found) if firsts_found else None)


# ------------------------------------------------------------------------------------------------ regions


@dataclass(slots=True)
class Candidate:
    kind: str
    number: int
    text: str
    box: Box  # first line of the caption
    block: Box = (0.0, 0.0, 0.0, 0.0)  # the caption's lines
    span: tuple[float, float] = (0.0, 0.0)
    region: Box | None = None


def _is_body(tb: TextBox, layout: DocumentLayout, column_width: float) -> bool:
    """Running-text size and a paragraph's width, and, where the running text is justified, reaching the column's
    right edge (within a word: a code listing's lines stop short of it, the lines of a paragraph do not)."""
    return abs(tb.size - layout.body_size) <= 0.6 and tb.width >= 0.7 * column_width and (
        not layout.justified or tb.box[2] >= layout.line_end(tb.box) - 2 * tb.size)


def mark_body(boxes: list[TextBox], graphics: list[Box], layout: DocumentLayout) -> None:
    """Body text: running-text size, a paragraph's width (or a line of a paragraph, such as its short last one,
    next to such a line), alone at its height in its column, and not covered by a graphic."""
    column = (layout.text_right - layout.text_left) / (2.05 if layout.two_columns else 1.0)
    for tb in boxes:
        # a heading (printed larger than the running text, where a heading starts, not inside a graphic) ends a
        # float as body text does; a large label in the middle of a drawing ("(b)") does not
        tb.body = _is_body(tb, layout, column) or (tb.size >= layout.body_size + 1.5
                                                   and layout.starts_a_line(tb.box, tb.size)
                                                   and not any(_inside(tb.box, g, 1.0) for g in graphics))
    by_top = sorted(boxes, key=lambda b: b.box[1])
    tops = [b.box[1] for b in by_top]

    def near(top: float, bottom: float) -> list[TextBox]:
        """Boxes whose top lies in [top, bottom] (text boxes are a line high: a window of tops finds them)."""
        return by_top[bisect_left(tops, top):bisect_right(tops, bottom)]

    for tb in boxes:
        if tb.body or abs(tb.size - layout.body_size) > 0.6:
            continue
        for other in near(tb.box[1] - 3 * tb.size, tb.box[1]):
            if other.body and abs(other.box[0] - tb.box[0]) < 3 and 0 <= tb.box[1] - other.box[3] < 0.8 * tb.size:
                tb.body = True  # the short last line of a paragraph
                break
    frames = [g for g in graphics if g[3] - g[1] > 2 * layout.body_size]
    for tb in boxes:
        if not tb.body:
            continue
        cy = (tb.box[1] + tb.box[3]) / 2
        for g in frames:
            if g[0] - 1 <= tb.box[0] and tb.box[2] <= g[2] + 1 and g[1] - 1 <= cy <= g[3] + 1 and g[3] - g[1] > 2 * tb.size:
                tb.body = False  # text in a frame: a boxed prompt, a table cell
                break
        if tb.body:
            for other in near(cy - 4 * tb.size, cy):
                if other is not tb and other.box[1] < cy < other.box[3] and \
                        overlap_x(other.box, tb.box[0] - 15, tb.box[2] + 15) > 0 and not _is_body(other, layout, column) \
                        and not _same_printed_line(tb, other):
                    tb.body = False  # a row of cells (a paragraph-wide line beside it is the other column's)
                    break
    for tb in boxes:
        if tb.body or abs(tb.size - layout.body_size) > 0.6:
            continue
        cy = (tb.box[1] + tb.box[3]) / 2
        if any(other.body and other.box[1] < cy < other.box[3] and _same_printed_line(tb, other)
               for other in near(cy - 4 * tb.size, cy)):
            tb.body = True  # a piece of a body line split off at a footnote mark ("chat)³ as the ...")


def _same_printed_line(a: TextBox, b: TextBox) -> bool:
    """Two pieces of text at one height a word space apart: one printed line that PDFium split where a superscript
    or a subscript jumps off it (a footnote mark, an index), not the wide gap between table cells."""
    gap = max(a.box[0], b.box[0]) - min(a.box[2], b.box[2])
    return -1 < gap < WIDE_GAP


def _stacked_in_line(a: TextBox, b: TextBox, line: TextBox) -> bool:
    """Two pieces one above the other within the height of `line` (the printed line's widest piece): parts of a
    fraction set inside the line ("s_t = min(10^-6 t, 1/sqrt(t))"), which PDFium gives as overlapping pieces."""
    half = 0.5 * line.size
    return min(a.box[2], b.box[2]) > max(a.box[0], b.box[0]) and all(
        p.box[1] >= line.box[1] - half and p.box[3] <= line.box[3] + half for p in (a, b))


def _span(candidate: Candidate, layout: DocumentLayout, width: float) -> tuple[float, float]:
    """The caption's column, or the whole width when it crosses the gutter; a narrow caption off the column's
    centre belongs to a float wrapped beside the text: its own width."""
    left, right = candidate.block[0], candidate.block[2]
    text_left, text_right = min(layout.text_left, left), max(layout.text_right, right)
    if layout.two_columns:
        middle = layout.middle
        if not (left < middle - 20 and right > middle + 20):
            text_left, text_right = (text_left, middle) if right <= middle + 20 else (middle, text_right)
    column = text_right - text_left
    centre = (text_left + text_right) / 2
    if right - left < 0.6 * column and abs((left + right) / 2 - centre) > 0.15 * column:
        return left - 5, right + 5
    return text_left, text_right


def _elements(candidate: Candidate, boxes: list[TextBox], graphics: list[Box], layout: DocumentLayout,
              other_captions: list[Candidate], width: float) -> list[tuple[Box, TextBox | None]]:
    """What may belong to the caption's float: graphics and text in its span, and the stops (other captions,
    text across the span's edge)."""
    left, right = candidate.span
    # a float under a caption of the text block's width may reach into the side margins (nothing is printed beside
    # the text block); what lies wholly in a margin (the arXiv stamp, a margin note) is not part of it
    full = right - left >= 0.9 * (layout.text_right - layout.text_left)
    outer_left, outer_right = (0.0, width) if full else (left, right)
    elements: list[tuple[Box, TextBox | None]] = []
    others = [other.box for other in other_captions if other is not candidate]
    top_limit, bottom_limit = layout.top_margin - 15, layout.bottom_margin + 15
    heads = [tb.box for tb in boxes if tb.box[3] < layout.top_margin]
    for g in graphics:
        if g[1] < top_limit and g[3] > layout.top_margin + 3 * layout.body_size and any(
                h[1] < g[3] and h[3] > g[1] and min(h[2], g[2]) > max(h[0], g[0]) for h in heads):
            # a float's form or image whose bounds run up over the running head: the float is what lies in the
            # text block
            g = (g[0], layout.top_margin, g[2], g[3])
        if g[1] < top_limit or g[3] > bottom_limit:
            continue  # graphics in the margins: a header rule, a background
        least = 0.7 * max(g[2] - g[0], 0.1)
        in_span = min(g[2], right) - max(g[0], left)
        # beyond the span only on the paper (a clip box or a bleed runs off its edge)
        if not (in_span >= least or in_span > 0 and g[0] >= 2 and g[2] <= width - 2
                and min(g[2], outer_right) - max(g[0], outer_left) >= least):
            continue
        if g[3] - g[1] > 2 * layout.body_size and any(_inside(box, g) for box in others):
            continue  # a background behind another float's caption too: no one float's graphic
        elements.append((g, None))
    for tb in boxes:
        box = tb.box
        if box[2] <= left or box[0] >= right:
            continue
        if tb.caption and tb.line >= 0 and _inside(box, candidate.block):
            continue
        share = (min(box[2], outer_right) - max(box[0], outer_left)) / max(box[2] - box[0], 0.1)
        if share >= 0.9:
            elements.append((tb.box, tb))
        elif share >= 0.3:  # text across the span's edge (a title block, the other column's line): not the float's
            elements.append((tb.box, TextBox(tb.box, tb.size, body=True)))
    for other in other_captions:
        if other is not candidate and overlap_x(other.block, left, right) > 0:
            elements.append((other.block, TextBox(other.block, 0.0, caption=True, body=True)))
    return elements


def _grow(candidate: Candidate, direction: int, elements: list[tuple[Box, TextBox | None]],
          layout: DocumentLayout, height: float, title_page: bool = False) -> Box | None:
    """The region next to the caption, upwards (direction -1) or downwards (+1), as the module docstring says."""
    edge = candidate.block[1] if direction < 0 else candidate.block[3]
    gap_limit = max(3.0 * layout.body_size, 0.04 * height)
    if direction < 0:
        elements = [e for e in elements if e[0][3] <= edge + 1.5 and e[0][1] < edge - 0.5]
        elements.sort(key=lambda e: -e[0][3])
    else:
        elements = [e for e in elements if e[0][1] >= edge - 1.5 and e[0][3] > edge + 0.5]
        elements.sort(key=lambda e: e[0][1])
    region: Box | None = None
    frontier = edge
    ruled = False  # the region has a table rule: rows at running-text size are cells until the next rule
    graphics_top: float | None = None  # the top of the graphics taken so far (growing upwards)
    taken: list[Box] = []
    last_rule: float | None = None  # the bottom of the lowest table rule taken (growing downwards)
    for index, (box, tb) in enumerate(elements):
        near = box[3] if direction < 0 else box[1]
        if direction < 0 and near < layout.top_margin or direction > 0 and near > layout.bottom_margin:
            break  # the running head's or the footer's margin
        gap = (frontier - near) * -direction
        if gap > gap_limit and (region is None or gap > gap_limit):
            break
        if title_page and direction < 0 and tb is not None and graphics_top is not None and not tb.caption \
                and tb.size >= layout.body_size - 0.6 and box[3] <= graphics_top + 0.5 \
                and box[2] - box[0] >= 2 * tb.size \
                and not (ruled and _rule_ahead(elements, index, direction, region, layout.body_size)):
            break  # on the first page, a line in the running text's size or larger wholly above the float's
                   # graphics is the title block's (the authors, an affiliation line under them), not figure text;
                   # a glyph alone (a line piece of LaTeX's picture mode, an arrow head) is the drawing's, and a row
                   # between a table's rules (its caption below it) is the table's
        if tb is None:
            graphics_top = box[1] if graphics_top is None else min(graphics_top, box[1])
        if tb is not None and (tb.body or tb.caption):
            inside = region is not None and _inside(box, region)
            if not inside and not (ruled and not tb.caption and _rule_ahead(elements, index, direction, region,
                                                                            layout.body_size)):
                # what was taken level with the stop is on its printed line (a heading in the other column beside
                # the first line of a paragraph), not the float's
                kept = [t for t in taken if not _level(t, box)]
                if len(kept) < len(taken):
                    region = _union_all(kept) if kept else None
                break
        if direction > 0 and last_rule is not None and frontier <= last_rule + 0.5 and tb is not None \
                and not tb.caption and (abs(tb.size - layout.body_size) <= 0.6 and box[1] - last_rule > layout.body_size
                                        or box[1] - last_rule > 2 * layout.body_size) \
                and not (region is not None and _inside(box, region)) \
                and not _rule_ahead(elements, index, direction, region, layout.body_size):
            break  # the first line under a rule, of running-text size, set off from it by more than a row's
                   # spacing (or in any size, by two lines: a heading in small capitals) and with no rule further
                   # on: the closing rule ended the table, this is the text after it
        if tb is None and _is_rule(box, region):
            ruled = True
            last_rule = box[3]
        taken.append(box)
        region = box if region is None else union(region, box)
        frontier = min(frontier, box[1]) if direction < 0 else max(frontier, box[3])
    return region


def _level(a: Box, b: Box) -> bool:
    """Whether box `a` is printed at the height of line `b`: its middle within b's height, itself no taller."""
    middle = (a[1] + a[3]) / 2
    return b[1] <= middle <= b[3] and a[3] - a[1] <= 1.5 * (b[3] - b[1])


def _is_rule(box: Box, region: Box | None) -> bool:
    """A table's horizontal rule: a thin line at least half as wide as what the region holds so far."""
    width = box[2] - box[0]
    return box[3] - box[1] <= 2.0 and width >= 40 and (region is None or width >= 0.5 * (region[2] - region[0]))


def _rule_ahead(elements: list[tuple[Box, TextBox | None]], index: int, direction: int, region: Box | None,
                body_size: float) -> bool:
    """Whether another rule follows the element at `index` before a wide gap or a caption: the line is a row of
    a ruled table (between its rules), not the paragraph after it."""
    frontier = elements[index][0][3] if direction > 0 else elements[index][0][1]
    for box, tb in elements[index + 1:index + 200]:
        near = box[1] if direction > 0 else box[3]
        if (near - frontier) * direction > 2.5 * body_size:
            return False
        if tb is not None and tb.caption:
            return False
        if tb is None and _is_rule(box, region):
            return True
        frontier = max(frontier, box[3]) if direction > 0 else min(frontier, box[1])
    return False


def _inside(inner: Box, outer: Box, slack: float = 1.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def _substance(region: Box | None, graphics: list[Box], boxes: list[TextBox]) -> float:
    """How much float there is in a region: its area when it holds a graphic or three text boxes, else 0."""
    if region is None:
        return 0.0
    area = (region[2] - region[0]) * (region[3] - region[1])
    if any(_inside(g, region) for g in graphics):
        return area
    inside_text = 0
    for tb in boxes:
        if not tb.body and _inside(tb.box, region):
            inside_text += 1
            if inside_text >= 3:
                return area
    return 0.0


def page_regions(candidates: list[Candidate], boxes: list[TextBox], graphics: list[Box],
                 layout: DocumentLayout, width: float, height: float,
                 title_page: bool = False) -> list[tuple[Candidate, Box | None, Box | None]]:
    """Each caption candidate of a page with the region above it and the one below it (None: no float there)."""
    for c in candidates:
        c.span = _span(c, layout, width)
    # side-by-side captions share a span: split it halfway between them
    for a in candidates:
        for b in candidates:
            if a is b or abs(a.box[1] - b.box[1]) > 3 * max(1.0, a.box[3] - a.box[1]):
                continue
            if a.box[2] <= b.box[0] + 2 and overlap_x(a.block, *b.span) > 0:
                cut = (a.block[2] + b.block[0]) / 2
                a.span = (a.span[0], min(a.span[1], cut))
                b.span = (max(b.span[0], cut), b.span[1])
    found = []
    for c in candidates:
        elements = _elements(c, boxes, graphics, layout, candidates, width)
        up = _grow(c, -1, elements, layout, height, title_page)
        down = _grow(c, +1, elements, layout, height, title_page)
        drawn = [box for box, tb in elements if tb is None]  # the graphics as the float may take them
        found.append((c, up if _substance(up, drawn, boxes) else None,
                      down if _substance(down, drawn, boxes) else None))
    return found


def choose_side(kind: str, up: Box | None, down: Box | None, tables_below: bool) -> Box | None:
    """Figures hang above their caption (below only when nothing is above); a table is on its one side, or,
    with floats on both, on the side the document's other tables use."""
    if kind == "figure":
        return up or down
    if up and down:
        return down if tables_below else up
    return up or down


def _yield_to_figures(found: list[Float]) -> None:
    """A table region grown over a figure of its page (the figure hangs above its own caption: the surer of the
    two) ends before that figure."""
    for table in (f for f in found if f.kind == "table"):
        for figure in (f for f in found if f.kind == "figure"):
            t, g = table.box, figure.box
            w, h = min(t[2], g[2]) - max(t[0], g[0]), min(t[3], g[3]) - max(t[1], g[1])
            if w <= 0 or h <= 0 or w * h < 0.5 * (g[2] - g[0]) * (g[3] - g[1]):
                continue
            if table.caption_box[3] <= g[1]:  # the table hangs below its caption, the figure further down
                table.box = (t[0], t[1], t[2], max(t[1] + 1, g[1] - 2))
            elif table.caption_box[1] >= g[3]:
                table.box = (t[0], min(t[3] - 1, g[3] + 2), t[2], t[3])


def _split_stacked(candidates: list[Candidate], boxes: list[TextBox], graphics: list[Box]) -> None:
    """Two floats stacked between their captions (a table hanging below its caption, then a figure above its
    own) grow into each other: the float separation, the widest empty band between the two captions, is where
    one ends and the other begins."""
    for a in candidates:
        if a.region is None or a.region[1] < a.block[3] - 1:
            continue  # `a` must hang below its caption
        for b in candidates:
            if b is a or b.region is None or b.region[3] > b.block[1] + 1 or b.block[1] <= a.block[3]:
                continue  # `b` must stand above its caption, lower on the page than a's
            if a.region[3] <= b.region[1] + 0.5 or min(a.region[2], b.region[2]) <= max(a.region[0], b.region[0]):
                continue
            low, high = a.block[3], b.block[1]
            left, right = min(a.region[0], b.region[0]), max(a.region[2], b.region[2])
            items = [g for g in graphics if g[1] >= low - 1 and g[3] <= high + 1 and overlap_x(g, left, right) > 0]
            items += [tb.box for tb in boxes if not tb.caption and tb.box[1] >= low - 1 and tb.box[3] <= high + 1
                      and overlap_x(tb.box, left, right) > 0]
            items = [i for i in items if i[3] - i[1] < 0.9 * (high - low)]  # not a clip box over both
            items.sort(key=lambda i: i[1])
            best, cut, reach = 1.0, None, None
            for item in items:
                if reach is not None and item[1] - reach > best:
                    best, cut = item[1] - reach, (reach + item[1]) / 2
                reach = item[3] if reach is None else max(reach, item[3])
            if cut is None:
                continue
            above = [i for i in items if i[3] <= cut and _inside(i, a.region)]
            below = [i for i in items if i[1] >= cut and _inside(i, b.region)]
            if not above or not below:
                continue
            a.region = _union_all(above)
            b.region = _union_all(below)


def _union_all(items: list[Box]) -> Box:
    region = items[0]
    for item in items[1:]:
        region = union(region, item)
    return region


def roman_value(numeral: str) -> int:
    """The value of a roman numeral in ROMAN's form (I-XLIX)."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""]):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total


def caption_number(parsed: re.Match) -> int:
    """The number of a CAPTION / CAPTION_PLAIN match, arabic or roman; 0 for an unlisted one ("Table A1")."""
    if parsed["unlisted"]:
        return 0
    return int(parsed["number"]) if parsed["number"] else roman_value(parsed["roman"])


def caption_kind(label: str) -> str:
    return "table" if label.lower().startswith("tab") else "figure"


def best_per_number(floats: list[Float]) -> list[Float]:
    """One float per (kind, number): the first printed (a repeat is a mention set like a caption, or an
    appendix copy)."""
    seen: set[tuple[str, int]] = set()
    kept: list[Float] = []
    for f in floats:
        key = (f.kind, f.number)
        if key in seen:
            continue
        seen.add(key)
        kept.append(f)
    return kept


# ------------------------------------------------------------------------------------------- the document


@dataclass(slots=True)
class PageElements:
    """What one page contributes: its text boxes, graphics (only read on pages with a caption candidate) and
    caption candidates."""

    width: float
    height: float
    boxes: list[TextBox] = field(default_factory=list)
    graphics: list[Box] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    line_texts: list[str] = field(default_factory=list)


def caption_candidates(text: str, line: int, rects: list[Box], char_box, weight_at=None) -> list[Candidate]:
    """Caption openings in one PDFium line: at its start, or after a wide gap or a jump to another printed line
    (PDFium joined the caption to the line beside it). `char_box(position)` gives a character's box or None,
    `weight_at(position)` its font weight (None: unknown)."""
    found: list[Candidate] = []
    for match in CAPTION_START.finditer(text):
        position = match.start()
        if position > 0 and not text[position - 1].isspace():
            continue
        supplement = position > 0 and _SUPPLEMENT.fullmatch(text[:position]) is not None
        if supplement:
            position = 0  # "Extended Data Fig. 1 |": the caption opens the line, numbered apart from the paper's
        elif position > 0:
            before = position - 1
            while before > 0 and text[before].isspace():
                before -= 1
            start_box, previous = char_box(position), char_box(before)
            if start_box is None or previous is None:
                continue
            # glyph boxes are tight: a "." has no height above the baseline, so lines are told apart by their bottoms
            same_line = abs(start_box[3] - previous[3]) < 0.5 * max(1.0, start_box[3] - start_box[1])
            if same_line and start_box[0] - previous[2] < WIDE_GAP:
                continue
        piece, labelled = text[position:], text[match.start():]  # the caption's text; from its label on
        parsed = CAPTION.match(labelled)
        if not parsed and weight_at is not None and (plain := CAPTION_PLAIN.match(labelled)):
            if weight_at(match.start()) > weight_at(match.start() + plain.start("word")) + 30:
                parsed = plain
        if not parsed:
            continue
        box = rects[0] if rects else None
        if position > 0 and rects:
            start_box = char_box(position)
            box = next((r for r in rects if _inside(start_box, r, 2.0)), None) if start_box else None
        if box is None:
            continue
        found.append(Candidate(kind=caption_kind(parsed["label"]), number=0 if supplement else caption_number(parsed),
                               text=piece, box=box, block=box))
    # side-by-side captions PDFium gave as one line: each caption's text ends where the next one's begins
    for this, after in zip(found, found[1:]):
        this.text = this.text[:len(this.text) - len(after.text)]
    for candidate in found:
        candidate.text = " ".join(candidate.text.split())
    return found


def _caption_block(candidate: Candidate, page: PageElements, size: float,
                   by_top: list[TextBox], tops: list[float], graphics_by_top: list[Box]) -> None:
    """The caption's further lines: directly below, alone at their height, not past a graphic. `by_top` holds the
    page's boxes by their tops (`tops`), `graphics_by_top` its graphics by theirs."""
    block = candidate.box
    first_line = next((tb.line for tb in page.boxes if tb.box == candidate.box), -1)
    texts = [candidate.text]
    printed = page.line_texts[first_line] if first_line >= 0 else ""
    if printed.endswith("-") and not candidate.text.endswith("-") and candidate.text \
            and printed[:-1].rstrip().endswith(candidate.text.split()[-1]):
        texts[0] += "-"  # the line ends in a broken word ("Interpola-"), as the caption's further lines keep it
    used_lines = {first_line}
    graphic_tops = [g[1] for g in graphics_by_top]
    for _ in range(15):
        window = by_top[bisect_left(tops, block[3] - 1):bisect_right(tops, block[3] + 0.9 * size)]
        below = [tb for tb in window
                 if overlap_x(tb.box, block[0] - 5, block[2] + 5) > 0 and tb.box != candidate.box]
        below.sort(key=lambda tb: tb.box[0])
        if not below:
            break
        nxt = max(below, key=lambda tb: tb.width)  # the line itself; the other pieces split off at a superscript
        if any(not (_same_printed_line(a, b) or _stacked_in_line(a, b, nxt)) for a, b in zip(below, below[1:])):
            break  # more than one printed line: the caption ends
        if nxt.size < size - 1.5 or nxt.size > size + 1.5:
            break
        line_box = _union_all([tb.box for tb in below])
        if line_box[0] < block[0] - size and abs((line_box[0] + line_box[2]) - (block[0] + block[2])) > 4 * size:
            break  # a line reaching far left of the caption, not centred under it: the text the float is wrapped in
        between = graphics_by_top[bisect_left(graphic_tops, block[3] - 0.5):bisect_right(graphic_tops, line_box[1] + 0.5)]
        if any(g[3] <= line_box[1] + 0.5 and overlap_x(g, line_box[0], line_box[2]) > 0 for g in between):
            break  # a table's rule between the caption and this line: the line is the table's
        if CAPTION_START.match(page.line_texts[nxt.line] if nxt.line >= 0 else ""):
            break
        block = union(block, line_box)
        long_enough = sum(len(t) for t in texts) > CAPTION_TEXT_MAX  # the text is cut, the block goes on
        for piece in below:
            piece.caption = True
            if piece.line not in used_lines and not long_enough:
                used_lines.add(piece.line)
                texts.append(page.line_texts[piece.line])
    candidate.block = block
    candidate.text = " ".join(" ".join(texts).split())[:CAPTION_TEXT_MAX]


def _indented_paragraph(candidate: Candidate, size: float) -> bool:
    """Whether the candidate's first line is indented like a paragraph's: it starts a word space or more right of
    the lines under it yet runs to their right edge (a centred caption line is short at both ends; a hanging one
    starts left of the others). "Fig. 6 (middle) shows ..." opening a paragraph is running text."""
    first, block = candidate.box, candidate.block
    if block[3] - first[3] < 0.5 * size:
        return False  # one line: nothing to be indented against
    return first[0] - block[0] > 0.5 * size and first[2] >= block[2] - 2


def _clear_of_caption(region: Box, caption: Box) -> Box:
    """The region ending a crop's padding short of its caption: a graphic's bounds (an image's white margin) may
    reach the caption's first line, and the crop would show the tops of its letters."""
    if overlap_x(region, caption[0], caption[2]) <= 0:
        return region
    left, top, right, bottom = region
    clear, touching = CROP_PAD + 0.5, 3.0  # a caption beside the region, or inside it, is left alone
    if -touching < caption[1] - bottom < clear:  # caption just below
        bottom = max(top + 1.0, caption[1] - clear)
    elif -touching < top - caption[3] < clear:  # caption just above
        top = min(bottom - 1.0, caption[3] + clear)
    return (left, top, right, bottom)


def find_floats(pages: list[PageElements]) -> tuple[list[Float], list[set[int]]]:
    """Every float of the document, and per page the indices of the lines inside a float's region."""
    reference = next((p for p in pages if p.width), None)
    if reference is None:
        return [], [set() for _ in pages]
    layout = document_layout([[(tb.box, tb.size) for tb in p.boxes] for p in pages], reference.height,
                             reference.width)
    floats: list[Float] = []
    covered: list[set[int]] = [set() for _ in pages]
    sided = []
    for number, page in enumerate(pages, start=1):
        if page.candidates:
            for tb in page.boxes:
                if any(tb.box == c.box for c in page.candidates):
                    tb.caption = True
            by_top = sorted(page.boxes, key=lambda tb: tb.box[1])
            tops = [tb.box[1] for tb in by_top]
            graphics_by_top = sorted(page.graphics, key=lambda g: g[1])
            for c in page.candidates:
                size = next((tb.size for tb in page.boxes if tb.box == c.box), layout.body_size)
                _caption_block(c, page, size, by_top, tops, graphics_by_top)
            # its lines stay stops for the other floats (marked caption), but a paragraph is no float's caption
            page.candidates = [c for c in page.candidates if not _indented_paragraph(c, layout.body_size)]
            mark_body(page.boxes, page.graphics, layout)
            for tb in page.boxes:
                if tb.caption:
                    tb.body = True
            page_found = page_regions(page.candidates, page.boxes, page.graphics, layout, page.width, page.height,
                                      title_page=number == 1)
            sided.append((number, page, page_found))
    below = sum(1 for _n, _p, found in sided for c, up, down in found if c.kind == "table" and down and not up)
    above = sum(1 for _n, _p, found in sided for c, up, down in found if c.kind == "table" and up and not down)
    for number, page, page_found in sided:
        for c, up, down in page_found:
            c.region = choose_side(c.kind, up, down, tables_below=below > above)
        _split_stacked(page.candidates, page.boxes, page.graphics)
        found = []
        for c, _up, _down in page_found:
            region = c.region
            if region is None:
                continue
            region = _clear_of_caption(region, c.block)
            found.append(Float(kind=c.kind, number=c.number, page=number, caption=c.text[:CAPTION_TEXT_MAX],
                               caption_box=tuple(round(v, 1) for v in c.block),
                               box=tuple(round(v, 1) for v in region)))
        _yield_to_figures(found)
        # a "caption" inside another float's region is a cell or a label ("Figure 6 (a)" in a table)
        regions = [f.box for f in found]
        found = [f for f in found if not any(r != f.box and _inside(f.caption_box, r, 0.5) for r in regions)]
        floats.extend(f for f in found if f.number)  # an unlisted one ("Table A1") only keeps its text its own
        # a line is the float's when all of its printed width lies in a region (PDFium may join a body line
        # and a label of the figure beside it: that line stays)
        widths: dict[int, list[float]] = {}
        for tb in page.boxes:
            if tb.line < 0 or tb.caption:
                continue
            share = widths.setdefault(tb.line, [0.0, 0.0])
            share[0] += tb.width
            if any(_inside(tb.box, f.box, 1.0) for f in found):
                share[1] += tb.width
        covered[number - 1] = {line for line, (total, inside) in widths.items() if total and inside >= 0.95 * total}
        for f in found:
            lines = covered[number - 1]
            inside = sorted({tb.line for tb in page.boxes if tb.line in lines and _inside(tb.box, f.box, 1.0)})
            f.text = "\n".join(page.line_texts[i] for i in inside)[:FLOAT_TEXT_MAX]
    margin = layout.text_right + 0.01 * reference.width
    regions_of = {number: [f.box for f in floats if f.page == number] for number in range(1, len(pages) + 1)}
    for number, page in enumerate(pages, start=1):
        # Small print right of the text block is no running text: the copy of a figure's labels a form XObject
        # leaves outside its clip, margin decorations (a reader's notes are annotations, not text). A line all of
        # whose printed width is such print or inside a float is the float's.
        regions = regions_of[number]
        widths: dict[int, list[float]] = {}
        for tb in page.boxes:
            if tb.line < 0 or tb.caption:
                continue
            share = widths.setdefault(tb.line, [0.0, 0.0, 0.0])
            share[0] += tb.width
            if tb.box[0] >= margin and tb.size < layout.body_size - 0.5:
                share[1] += tb.width
            elif any(_inside(tb.box, r, 1.0) for r in regions):
                share[2] += tb.width
        covered[number - 1] |= {line for line, (total, beyond, inside) in widths.items()
                                if total and beyond > 0 and beyond + inside >= 0.95 * total}
    return best_per_number(floats), covered

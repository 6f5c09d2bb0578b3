"""Figures and tables of the real papers in ../shared/data/pdf, pdf-hard and corpus, read by a person from the
PDFs (issue 19): every caption, the pick a reader would paste (the model/method overview, the main results), and
hand-marked boxes of crops. Used by the figure tests and benchmarks/figures.py.

Conventions:
- A caption is (kind, number, page): kind "figure" or "table", its printed number, the 1-based page it is printed
  on. Every "Figure N" / "Fig. N" / "Table N" caption of the PDF, appendix included; a mention in running text
  ("as Table 1 shows") is not a caption.
- A box is (page, left, top, right, bottom) in PDF points, measured from the page's top-left corner (the same
  frame as engine.Line.top / left), around the graphics and figure text of the float, *without* its caption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["figure", "table"]
Ref = tuple[Kind, int]  # ("figure", 1)
Box = tuple[int, float, float, float, float]  # (page, left, top, right, bottom)


@dataclass(frozen=True)
class FigureTruth:
    captions: tuple[tuple[Kind, int, int], ...]
    overview: Ref | None = None  # None: the paper has no model/method overview figure
    results: Ref | None = None  # None: no main results table or plot
    boxes: dict[Ref, Box] = field(default_factory=dict)
    note: str = ""  # what is special about this paper's floats (side-by-side, annotations, rotated...)


def _merged() -> dict[str, FigureTruth]:
    """The parts' FIGURES (each written by the person who read those papers), with the hand-marked BOXES
    attached."""
    from dataclasses import replace

    from tests.support import figure_boxes, truth_part1, truth_part2, truth_part3

    merged: dict[str, FigureTruth] = {}
    for part in (truth_part1, truth_part2, truth_part3):
        merged.update(part.FIGURES)
    for path, boxes in figure_boxes.BOXES.items():
        if path in merged:
            merged[path] = replace(merged[path], boxes={**merged[path].boxes, **boxes})
    return merged


def __getattr__(name: str):
    # merged on first use, not at import (see paper_truth.__getattr__: the parts import this module)
    if name == "FIGURES":
        globals()["FIGURES"] = figures = _merged()
        return figures
    raise AttributeError(name)

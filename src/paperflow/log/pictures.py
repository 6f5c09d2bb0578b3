"""The entry's pictures beside the log: named as the person names them, never overwriting a file.

The person's own names (the format document, "Pictures from the paper"): the paper's short name (the title's part
before its colon, as written: `BLIP2`, `qlora`), else its first words joined by `_`, then the picture's number
from 1, with `_` before the number when the name ends in a digit (`BLIP2_1`, but `unet1`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from paperflow.models import Picture, PictureKind
from paperflow.text.figures import Float

FIRST_WORDS = 3
_NOT_NAME = re.compile(r"[^\w]+")
DISPLAY_WIDTH = (400, 650)  # the person's widths: 400-700, most often 500-650
DISPLAY_MAX_HEIGHT = 800


def short_name(title: str) -> str:
    """`BLIP-2: Bootstrapping ...` -> `BLIP_2`; `Attention Is All You Need` -> `Attention_Is_All`."""
    head, colon, _rest = title.partition(":")
    if colon and head.strip() and len(head.split()) <= 4:
        words = [head]
    else:
        words = title.split()[:FIRST_WORDS]
    name = "_".join(part for word in words for part in _NOT_NAME.split(word) if part)
    return name[:60] or "paper"


def numbered(name: str, number: int) -> str:
    return f"{name}_{number}" if name[-1:].isdigit() else f"{name}{number}"


def display_size(box: Sequence[float]) -> tuple[int, int]:
    """The entry's width and height for a crop: its aspect ratio kept, within the person's widths."""
    width_pt, height_pt = max(1.0, box[2] - box[0]), max(1.0, box[3] - box[1])
    width = int(min(DISPLAY_WIDTH[1], max(DISPLAY_WIDTH[0], round(width_pt * 1.5))))
    height = round(width * height_pt / width_pt)
    if height > DISPLAY_MAX_HEIGHT:
        height, width = DISPLAY_MAX_HEIGHT, max(1, round(DISPLAY_MAX_HEIGHT * width_pt / height_pt))
    return width, max(1, height)


def place_pictures(title: str, chosen: Sequence[tuple[PictureKind, Float]], crops: dict[tuple[str, int], Path],
                   log_dir: Path, figures_dir: str, taken: set[str] | frozenset[str] = frozenset()
                   ) -> tuple[list[Picture], list[Path]]:
    """Copy each chosen crop into `log_dir/figures_dir` under the next free name (a file already there is never
    replaced: numbering goes on after it). Returns the pictures for the entry and the files written (to remove
    again if the log write fails). `taken`: names in use though not on disk (a review branch's files)."""
    folder = log_dir / figures_dir
    name = short_name(title)
    pictures: list[Picture] = []
    written: list[Path] = []
    number = 0
    try:
        for kind, found in chosen:
            crop = crops.get((found.kind, found.number))
            if crop is None:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            while True:
                number += 1
                target = folder / f"{numbered(name, number)}.png"
                if target.name in taken:
                    continue
                try:
                    with open(target, "xb") as out, open(crop, "rb") as source:  # "x": never overwrite
                        written.append(target)
                        shutil.copyfileobj(source, out)
                    break
                except FileExistsError:
                    continue
            width, height = display_size(found.box)
            pictures.append(Picture(kind=kind, source_kind=found.kind, number=found.number, page=found.page,
                                    caption=found.caption[:2000], src=f"{figures_dir}/{target.name}",
                                    width=width, height=height))
    except OSError:
        remove_pictures(written)
        raise
    return pictures, written


def remove_pictures(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)

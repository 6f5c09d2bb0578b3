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
from typing import Any

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


def _next_free(folder: Path | None, name: str, number: int, taken: set[str] | frozenset[str]) -> tuple[int, str]:
    """The next picture number after `number` whose file name is neither in `taken` nor (with a folder) on disk."""
    while True:
        number += 1
        file_name = f"{numbered(name, number)}.png"
        if file_name not in taken and (folder is None or not (folder / file_name).exists()):
            return number, file_name


def _picture(kind: PictureKind, found: Float, src: str) -> Picture:
    width, height = display_size(found.box)
    return Picture(kind=kind, source_kind=found.kind, number=found.number, page=found.page,
                   caption=found.caption[:2000], src=src, width=width, height=height)


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
                number, file_name = _next_free(None, name, number, taken)
                target = folder / file_name
                try:
                    with open(target, "xb") as out, open(crop, "rb") as source:  # "x": never overwrite
                        written.append(target)
                        shutil.copyfileobj(source, out)
                    break
                except FileExistsError:
                    continue
            pictures.append(_picture(kind, found, f"{figures_dir}/{target.name}"))
    except OSError:
        remove_pictures(written)
        raise
    return pictures, written


def plan_pictures(title: str, chosen: Sequence[tuple[PictureKind, Float]], log_dir: Path | None,
                  figures_dir: str) -> list[Picture]:
    """The pictures `place_pictures` would give the entry, named the same way, writing nothing (a dry run).
    Without a log folder the names start from 1."""
    folder = log_dir / figures_dir if log_dir is not None else None
    name, number, pictures = short_name(title), 0, []
    for kind, found in chosen:
        number, file_name = _next_free(folder, name, number, frozenset())
        pictures.append(_picture(kind, found, f"{figures_dir}/{file_name}"))
    return pictures


def picks_record(chosen: Sequence[tuple[PictureKind, Float]], pdf: Path | str, sha256: str) -> dict[str, Any]:
    """The chosen floats as the ledger keeps them (`figure_picks`), so a review branch made again from the ledger
    crops the same pictures (from the crop cache, else from the PDF)."""
    return {"pdf": str(pdf), "sha256": sha256,
            "chosen": [{"kind": kind.value, "float": found.as_dict()} for kind, found in chosen]}


def picks_from_record(record: dict[str, Any]) -> tuple[list[tuple[PictureKind, Float]], Path, str]:
    """(chosen floats, PDF, its sha256) from `picks_record`'s dict; ValueError (or KeyError, TypeError) when it
    is not one."""
    chosen = []
    for item in record["chosen"]:
        data = dict(item["float"])
        found = Float(kind=str(data["kind"]), number=int(data["number"]), page=int(data["page"]),
                      caption=str(data.get("caption", "")), caption_box=tuple(data["caption_box"]),
                      box=tuple(data["box"]))
        chosen.append((PictureKind(item["kind"]), found))
    return chosen, Path(record["pdf"]), str(record["sha256"])


def remove_pictures(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)

"""A local PDF given on the command line, as a Paper: its identity is its content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from paperflow.models import Paper, SourceKind


def is_local_pdf(arg: str) -> bool:
    return arg.lower().endswith(".pdf") or Path(arg).is_file()


def local_paper(path: Path) -> Paper:
    """A Paper for a local PDF; its title is the file name until extraction finds a better one."""
    return Paper(
        title=path.stem,
        local_pdf=path.resolve(),
        local_sha256=_file_sha256(path),
        source=SourceKind.LOCAL,
        source_detail=str(path),
    )


def _file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None  # unreadable: the download/extract stage reports it, naming the paper
    return digest.hexdigest()

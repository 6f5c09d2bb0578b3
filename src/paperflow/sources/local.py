"""A local PDF given on the command line, as a Paper.

A PDF that is an arXiv paper is that arXiv paper: its id and version come from the arXiv side stamp on its first
page ("arXiv:2112.04426v1 [cs.CL] 8 Dec 2021", read in the limited extraction process, whose result is cached
for the extract stage) or from its file name ("2112.04426v1.pdf", "arxiv_2112.04426v1_retro.pdf"). It then has
the arXiv id as its ledger key (so it is deduplicated with the same paper fetched from arXiv), the arXiv link,
and the paper's own date: the stamp's date for a version 1, the month of the id (YYMM) otherwise, never today.
`with_arxiv_metadata` adds the API's metadata when the API answers. A PDF without a stamp or an id in its name
(a lab's own copy of its report) is looked up on arXiv by its printed title (one quick try; the pending list's
title matching and `arxiv.title_match_threshold`) and becomes that arXiv paper when one matches. Any other PDF is
identified by its content hash ("local:<sha256>"), titled by its file name until extraction finds its printed
title, and dated by the date printed in it, else not at all (never today).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timezone
from pathlib import Path

from paperflow.models import Paper, SourceKind
from paperflow.settings import Settings
from paperflow.sources.ids import ArxivId, InvalidIdError, parse_arxiv_id

# An arXiv id inside a file name: "2112.04426v1.pdf", "arxiv_2112.04426v1_retro.pdf", "hep-th_9901001v2.pdf".
_NEW_ID_IN_NAME = re.compile(r"(?<![0-9.])([0-9]{4}\.[0-9]{4,5})(v[0-9]{1,3})?(?![0-9])")
_OLD_ID_IN_NAME = re.compile(r"(?<![a-z])([a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?)[_/]([0-9]{7})(v[0-9]{1,3})?(?![0-9])")


def is_local_pdf(arg: str) -> bool:
    return arg.lower().endswith(".pdf") or Path(arg).is_file()


def local_paper(path: Path, settings: Settings | None = None) -> Paper:
    """A Paper for a local PDF (see the module docstring). With `settings`, the first page is read (in the
    limited extraction process, cached) for the arXiv stamp; without, only the file name can tell the id.
    A PDF that cannot be read stays a local paper: the extract stage reports why, naming it."""
    sha256 = _file_sha256(path)
    paper = Paper(title=path.stem, local_pdf=path.resolve(), local_sha256=sha256, source=SourceKind.LOCAL,
                  source_detail=str(path))
    stamp_id, stamp_date = (_stamp(path, settings) if settings is not None and sha256 else (None, None))
    arxiv_id = stamp_id or arxiv_id_in_name(path.name)
    if arxiv_id is None:
        return paper
    return as_arxiv_paper(paper, arxiv_id, stamp_date)


def arxiv_id_in_name(name: str) -> ArxivId | None:
    """The arXiv id a file name carries, if any ("arxiv_2112.04426v1_retro.pdf" -> 2112.04426v1)."""
    for pattern, build in ((_NEW_ID_IN_NAME, lambda m: m.group(1) + (m.group(2) or "")),
                           (_OLD_ID_IN_NAME, lambda m: f"{m.group(1)}/{m.group(2)}{m.group(3) or ''}")):
        for match in pattern.finditer(name):
            try:
                return parse_arxiv_id(build(match))
            except InvalidIdError:
                continue
    return None


def as_arxiv_paper(paper: Paper, arxiv_id: ArxivId, stamp_date: date | None = None) -> Paper:
    """`paper` (a local PDF) as the arXiv paper `arxiv_id`: the arXiv id and link, and the paper's own date:
    the stamp's for version 1 (the first submission), else the month of the id; the stamp's date is when this
    version was submitted."""
    published = _midnight(stamp_date) if stamp_date and arxiv_id.version == 1 else _id_month(arxiv_id)
    return paper.model_copy(update={
        "arxiv_id": arxiv_id.base,
        "version": arxiv_id.version,
        "published": published or _midnight(stamp_date),
        "updated": _midnight(stamp_date) if stamp_date else None,
        "pdf_url": f"https://arxiv.org/pdf/{arxiv_id.versioned}",
    })


def with_arxiv_metadata(paper: Paper, settings: Settings, client=None) -> Paper:
    """A local arXiv paper with the API's metadata (title, authors, abstract, dates, categories, comment) when
    the API answers; unchanged (the stamp's data kept) when it is unreachable or does not know the id. One try
    with a short timeout: the paper is already on disk, so an offline machine should not wait for retries."""
    if not paper.arxiv_id:
        return paper
    from paperflow.sources.arxiv_api import ArxivApiError, fetch_papers

    wanted = ArxivId(paper.arxiv_id, paper.version)
    if client is None:
        client = _quick_client(settings)
    try:
        found, _missing = fetch_papers(client, [wanted], SourceKind.LOCAL,
                                       {wanted: paper.source_detail or str(wanted)})
    except ArxivApiError:
        return paper
    if not found:
        return paper
    return found[0].model_copy(update={
        "local_pdf": paper.local_pdf,
        "local_sha256": paper.local_sha256,
        "affiliations": found[0].affiliations or paper.affiliations,
    })


def resolve_local_pdf(path: Path, settings: Settings, client=None) -> Paper:
    """A local PDF as the CLI and the flows take it: recognised as an arXiv paper where it is one (by its stamp,
    its file name, or its printed title on arXiv), with the API's metadata when the API answers (see
    `local_paper`, `arxiv_id_by_title`, `with_arxiv_metadata`)."""
    paper = local_paper(path, settings)
    if paper.arxiv_id is None and paper.local_sha256:
        title = _printed_title(path, settings)
        found = arxiv_id_by_title(title, settings, client) if title else None
        if found is not None:
            paper = as_arxiv_paper(paper, found)
    return with_arxiv_metadata(paper, settings, client)


def _quick_client(settings: Settings):
    from paperflow.sources.arxiv_api import ArxivClient

    quick = settings.arxiv.model_copy(update={"retries": 0,
                                              "timeout_seconds": min(settings.arxiv.timeout_seconds, 10.0)})
    return ArxivClient(quick)


def arxiv_id_by_title(title: str, settings: Settings, client=None) -> ArxivId | None:
    """The arXiv paper whose title is `title`, by the pending list's title search and matching (its best
    candidate scoring at least `arxiv.title_match_threshold`); None when none does or the API does not answer
    (one try with a short timeout). The id has no version: the copy's version is unknown."""
    from paperflow.sources.arxiv_api import ArxivApiError
    from paperflow.sources.pending import search_title, title_query

    query = title_query(title)
    if query is None:
        return None
    try:
        match, _candidates = search_title(title, query, client or _quick_client(settings),
                                          settings.arxiv.title_match_threshold)
    except ArxivApiError:
        return None
    return parse_arxiv_id(match.arxiv_id) if match else None


def _printed_title(path: Path, settings: Settings) -> str | None:
    from paperflow.text.extract import ExtractError, extract_pdf

    try:
        return extract_pdf(path, settings, path.name).title  # cached: the extract stage reads it again for free
    except ExtractError:
        return None


def _stamp(path: Path, settings: Settings) -> tuple[ArxivId | None, date | None]:
    from paperflow.text.extract import ExtractError, extract_pdf

    try:
        text = extract_pdf(path, settings, path.name)
    except ExtractError:
        return None, None
    if not text.arxiv_id:
        return None, None
    try:
        arxiv_id = parse_arxiv_id(text.arxiv_id).with_version(text.arxiv_version)
    except InvalidIdError:
        return None, None
    return arxiv_id, text.arxiv_date


def _id_month(arxiv_id: ArxivId) -> datetime | None:
    """The first day of the month the id was issued in (its YYMM), which is when version 1 was submitted."""
    yymm = arxiv_id.base.split("/")[-1][:4]
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        return None
    return datetime(1900 + year if year >= 91 else 2000 + year, month, 1, tzinfo=timezone.utc)


def _midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) if day else None


def _file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None  # unreadable: the download/extract stage reports it, naming the paper
    return digest.hexdigest()

"""PDF -> clean, sectioned text with its front matter (`extract_pdf`).

Reading (`paperflow.text.engine`: pypdf opens the file, reads the metadata title and the outline; PDFium reads the
page lines with their font sizes, or pypdf when configured or when PDFium cannot open the file) runs in a child
process with a memory limit (RLIMIT_AS) and a time limit, so a decompression bomb, a huge object or a
pathological page costs one clear ExtractError, never the run. Clean-up (`layout`: ligatures, the arXiv side
stamp, running headers and footers, page numbers, contents pages, footnotes), the front matter (`frontmatter`:
title, authors, affiliations, email domains) and the sections (`structure` + `sections`: from the outline, else
from headings told by font size and weight) run in the calling process. Results are cached in
`<output_dir>/text/<sha256 of the PDF>.json`. What the LLM reads of it: `paperflow.text.budget.select_input`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from paperflow.errors import PaperflowError
from paperflow.layout import OutputLayout
from paperflow.settings import Settings
from paperflow.text.budget import EXCLUDED_KINDS, Coverage, SelectedInput, missing_core_kinds, select_input
from paperflow.text.engine import Engine, Line, RawDocument, RawPage, read_in_child, render_in_child
from paperflow.text.figures import Float
from paperflow.text.frontmatter import front_matter_of
from paperflow.text.layout import clean_layout
from paperflow.text.paper_text import PaperText
from paperflow.text.sections import Paragraph, Section, SectionKind, build_sections, join_caption_lines
from paperflow.text.structure import outline_headings
from paperflow.text.tokens import estimate_tokens

__all__ = [
    "Coverage",
    "EXCLUDED_KINDS",
    "ExtractError",
    "PaperText",
    "Paragraph",
    "Section",
    "SectionKind",
    "SelectedInput",
    "clean_pages",
    "estimate_tokens",
    "extract_pdf",
    "missing_core_kinds",
    "paper_text_from_document",
    "paper_text_from_pages",
    "select_input",
]

STAGE = "extract"
CACHE_FORMAT = 11  # bump when reading, clean-up or sectioning changes, so cached texts are rebuilt
MIN_CHARS_PER_PAGE = 100  # fewer than this on average: a scan without a text layer
MAX_GARBLED_RATIO = 0.15


class ExtractError(PaperflowError):
    """A PDF that cannot be turned into text. `cause` is one of the documented causes:
    "not a PDF", "truncated or corrupt", "encrypted with a password", "scanned, no text layer",
    "garbled text", "more than N pages", "decompression bomb or huge object", "took longer than N s",
    "needs more than N MB of memory", "cannot read the file"."""

    def __init__(self, cause: str, *, paper: str | None, detail: str | None = None):
        self.cause = cause
        self.detail = detail
        message = f"{cause} ({detail})" if detail else cause
        super().__init__(message, paper=paper, stage=STAGE)


# --------------------------------------------------------------------------------------------- clean-up


def clean_pages(raw_pages: list[str]) -> list[list[str]]:
    """Cleaned, non-empty lines of each page of plain text (see paperflow.text.layout.clean_layout)."""
    layout = clean_layout([RawPage(lines=[Line(line) for line in raw.splitlines()]) for raw in raw_pages])
    return [[line.text for line in page] for page in layout.pages]


def garbled_ratio(text: str) -> float:
    """Share of the non-space characters that are signs of a broken text layer: replacement and
    private-use characters, control characters, UTF-8-read-as-Latin-1 pairs ("Ã©"), and symbols where
    letters should be (a font without a usable ToUnicode map decodes to runs of punctuation)."""
    visible = len(text) - len(_SPACE.findall(text))
    if not visible:
        return 0.0
    letters = len(_LETTER_OR_DIGIT.findall(text))
    bad = len(_BROKEN.findall(text)) + 2 * len(_MOJIBAKE.findall(text))
    symbol_excess = max(0.0, 0.5 - letters / visible)  # normal prose is >75% letters and digits
    return min(1.0, bad / visible + symbol_excess)


_SPACE = re.compile(r"\s")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_BROKEN = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MOJIBAKE = re.compile(r"[ÃÂÅ][\u0080-\u00ff]")


def paper_text_from_pages(raw_pages: list[str], *, label: str, source: str, sha256: str,
                          warnings: list[str] | None = None) -> PaperText:
    """Clean and section already-extracted page texts (plain text, no font sizes)."""
    document = RawDocument(pages=[RawPage(lines=[Line(line) for line in raw.splitlines()]) for raw in raw_pages],
                           engine="pypdf", warnings=list(warnings or []))
    return paper_text_from_document(document, label=label, source=source, sha256=sha256)


def paper_text_from_document(document: RawDocument, *, label: str, source: str, sha256: str) -> PaperText:
    """Clean, read the front matter of and section a document read by `engine.read_document` (pure).

    Raises ExtractError "scanned, no text layer" or "garbled text" when the text is not usable."""
    # the text inside figure and table regions (axis ticks, legends, cells) is not running text: it never
    # reaches the paragraphs (the captions stay)
    running = [RawPage(lines=[line for line in page.lines if not line.in_float], height=page.height,
                       width=page.width) for page in document.pages]
    layout = clean_layout(running)
    pages = layout.pages
    chars = sum(len(line.text) for page in pages for line in page)
    count = len(document.pages)
    if chars < MIN_CHARS_PER_PAGE * max(1, count) and chars < 2000:
        raise ExtractError("scanned, no text layer", paper=label,
                           detail=f"{chars} characters of text on {count} pages")
    ratio = garbled_ratio("\n".join(line.text for page in pages for line in page))
    if ratio > MAX_GARBLED_RATIO:
        raise ExtractError("garbled text", paper=label, detail=f"{ratio:.0%} of the characters are not text")
    front = front_matter_of(layout, document.metadata_title)
    marks = outline_headings(document.outline, pages, layout.body_size) if document.outline else None
    sections, hyphenation = build_sections(pages, marks=marks, body_size=layout.body_size)
    if marks is not None:
        structure = "outline"
    elif all(s.inferred for s in sections):
        structure = "position"
    else:
        structure = "fonts" if layout.body_size else "text"
    stats = {**layout.stats, **hyphenation.decisions, "characters": chars}
    stamp = layout.stamp
    return PaperText(
        label=label, source=source, sha256=sha256, pages=count, title=front.title, authors=front.authors,
        affiliations=front.affiliations, email_domains=front.email_domains, organisations=front.organisations,
        printed_date=front.printed_date,
        arxiv_id=stamp.arxiv_id if stamp else None, arxiv_version=stamp.version if stamp else None,
        arxiv_category=stamp.category if stamp else None, arxiv_date=stamp.date if stamp else None,
        engine=document.engine, structure=structure, contents_pages=layout.contents_pages, sections=sections,
        warnings=document.warnings, stats=stats,
        figures=[replace(f, caption=join_caption_lines(f.caption, hyphenation)) for f in document.floats],
    )


# ---------------------------------------------------------------------------------- reading (child side)


_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: children fork from a small single-threaded server (with pypdf preloaded), not from the
    # caller, which may run threads (Prefect task runners) that plain fork would copy mid-lock.
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pypdf", "pypdfium2", "paperflow.text.engine", "paperflow.text.figures"])
        _CONTEXT = context
    return _CONTEXT


class _ChildTimedOut(Exception):
    pass


class _ChildEnded(Exception):
    """The child process ended without an answer (its exit code in args[0]): killed for its memory, mostly."""


def _run_isolated(target: Callable[..., None], args: tuple, timeout: float) -> tuple:
    """The message `target(*args, conn)` sends back from a child process of the fork server; _ChildTimedOut
    after `timeout` seconds without one, _ChildEnded when the child ended without sending it. The child is
    never left running."""
    receive, send = _context().Pipe(duplex=False)
    child = _context().Process(target=target, args=(*args, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise _ChildTimedOut
        try:
            return receive.recv()
        except (EOFError, OSError):
            child.join(5)
            raise _ChildEnded(child.exitcode) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()


def _read_isolated(path: Path, label: str, max_pages: int, engine: Engine, timeout: float,
                   memory_mb: int) -> tuple[RawDocument, int]:
    try:
        message = _run_isolated(read_in_child, (str(path), max_pages, engine, memory_mb * 1024 * 1024), timeout)
    except _ChildTimedOut:
        raise ExtractError(f"took longer than {timeout:g} s", paper=label,
                           detail="raise extract.timeout_seconds for very large papers") from None
    except _ChildEnded as ended:
        raise ExtractError(f"needs more than {memory_mb} MB of memory", paper=label,
                           detail=f"extraction process ended with exit code {ended.args[0]}") from None
    status = message[0]
    if status == "ok":
        return message[1], message[2]
    if status == "memory":
        raise ExtractError(f"needs more than {memory_mb} MB of memory", paper=label,
                           detail="a decompression bomb or a huge object")
    raise ExtractError(message[1], paper=label, detail=message[2])


# ----------------------------------------------------------------------------------------------- public


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_pdf(path: Path | str, settings: Settings, paper_label: str | None = None, *,
                use_cache: bool = True) -> PaperText:
    """The paper's text, cleaned and sectioned, from the cache `<output_dir>/text/<sha256>.json` or by
    extracting it (in a child process limited to settings.extract.timeout_seconds and max_memory_mb).

    Raises ExtractError (stage "extract", paper = `paper_label` or the file name) naming the cause: not a
    PDF, truncated or corrupt, encrypted with a password (the empty password is tried first), scanned, no
    text layer, garbled text, more than N pages, decompression bomb or huge object, took longer than N s,
    needs more than N MB of memory, or the file cannot be read."""
    path = Path(path)
    label = paper_label or path.name
    try:
        sha256 = file_sha256(path)
    except OSError as exc:
        raise ExtractError("cannot read the file", paper=label, detail=exc.strerror or str(exc)) from None
    cache_file = OutputLayout.of(settings).text / f"{sha256}.json"
    limits = settings.extract
    if use_cache and (cached := _load_cached(cache_file, limits.engine)) is not None:
        if cached.pages > limits.max_pages:
            raise ExtractError(f"more than {limits.max_pages} pages", paper=label,
                               detail=f"{cached.pages} pages; raise extract.max_pages to read it")
        return cached.model_copy(update={"label": label, "source": path.name})
    document, peak_kb = _read_isolated(path, label, limits.max_pages, limits.engine, limits.timeout_seconds,
                                       limits.max_memory_mb)
    text = paper_text_from_document(document, label=label, source=path.name, sha256=sha256)
    text.stats["extract_peak_rss_kb"] = peak_kb
    if use_cache:
        _store_cached(cache_file, text, limits.engine)
    return text


def _load_cached(cache_file: Path, engine: Engine) -> PaperText | None:
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("engine") != engine:
            return None
        return PaperText.model_validate(data["paper_text"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, partial or from another version: extract again


def _store_cached(cache_file: Path, text: PaperText, engine: Engine) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"format": CACHE_FORMAT, "engine": engine, "paper_text": text.model_dump(mode="json")},
                         ensure_ascii=False)
    handle, temporary = tempfile.mkstemp(dir=cache_file.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, cache_file)  # atomic: concurrent runs never read half a file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------------------ crops


def crops_folder(settings: Settings, sha256: str) -> Path:
    """Where a PDF's cropped figures and tables are cached: `<output_dir>/figures/<sha256>/`."""
    return OutputLayout.of(settings).root / "figures" / sha256


def crop_floats(path: Path | str, floats: list[Float], settings: Settings, sha256: str,
                folder: Path | None = None) -> tuple[dict[tuple[str, int], Path], list[str]]:
    """A PNG of each float (`figure-3.png`, `table-2.png`), rendered at 2x without annotations in a child
    process limited like the text's, into `folder` (default the crop cache, where a crop already made of the same
    region is reused; its names carry the region's digest, `figure-3-<digest>.png`). Returns the PNGs by (kind,
    number) and one line per crop that could not be made; never raises."""
    cached = folder is None
    folder = Path(folder) if folder is not None else crops_folder(settings, sha256)
    crops: dict[tuple[str, int], Path] = {}
    jobs: list[tuple[int, tuple[float, float, float, float], str]] = []
    for f in floats:
        # a cached crop is named by its region too: when a newer paperflow finds the float's region elsewhere,
        # the crop is made again instead of the old one being reused
        name = f"{f.kind}-{f.number}"
        if cached:
            name += "-" + hashlib.sha256(repr((f.page, tuple(f.box))).encode()).hexdigest()[:10]
        target = folder / f"{name}.png"
        crops[(f.kind, f.number)] = target
        if not target.exists():
            jobs.append((f.page, tuple(f.box), str(target)))
    problems: list[str] = []
    if jobs:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return {}, [f"crops not written ({exc.strerror or exc})"]
        limits = settings.extract
        try:
            message = _run_isolated(render_in_child, (str(path), jobs, limits.max_memory_mb * 1024 * 1024),
                                    limits.timeout_seconds)
        except _ChildTimedOut:
            problems.append(f"rendering took longer than {limits.timeout_seconds:g} s")
        except _ChildEnded:
            problems.append("rendering failed (the rendering process ended)")
        else:
            if message[0] == "ok":
                problems.extend(message[1])
            else:
                problems.append(f"rendering failed ({message[1]})")
    return {key: png for key, png in crops.items() if png.exists()}, problems


def crop_chosen(chosen: Sequence[tuple[Any, Float]], pdf: Path, sha256: str, settings: Settings
                ) -> tuple[dict[tuple[str, int], Path], list[str]]:
    """The crops of the chosen (picture kind, float) pairs by (kind, number), from the crop cache (made from the
    PDF when not there), and one report line per float left without one ("table 2 not cropped (why)"). The one
    crop step of a draft, a re-draft and a review branch made again from the ledger; never raises."""
    if not chosen:
        return {}, []
    crops, problems = crop_floats(pdf, [f for _kind, f in chosen], settings, sha256)
    why = f" ({problems[0]})" if problems else ""
    return crops, [f"{f.kind} {f.number} not cropped{why}" for _kind, f in chosen if (f.kind, f.number) not in crops]

"""PDF -> clean, sectioned text (`extract_pdf`) and the part of it the LLM reads (`select_input`).

Extraction runs pypdf page by page in a child process with a memory limit (RLIMIT_AS) and a time limit,
so a decompression bomb, a huge object or a pathological page costs one clear ExtractError, never the run
(pypdf's own per-stream limits of 75 MB still apply inside the child; the child's limit bounds the sum).
Clean-up (ligatures, hyphenation, running headers and footers, page numbers, the arXiv side stamp) and
sectioning run in the calling process. Results are cached in `<output_dir>/text/<sha256 of the PDF>.json`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from paperflow.errors import PaperflowError
from paperflow.text.sections import (
    CORE_KINDS,
    Paragraph,
    Section,
    SectionKind,
    build_sections,
)
from paperflow.settings import Settings
from paperflow.text.tokens import estimate_tokens, trim_to_tokens

__all__ = [
    "Coverage",
    "ExtractError",
    "PaperText",
    "Paragraph",
    "Section",
    "SectionKind",
    "SelectedInput",
    "clean_pages",
    "estimate_tokens",
    "extract_pdf",
    "paper_text_from_pages",
    "read_pdf_pages",
    "select_input",
]

STAGE = "extract"
CACHE_FORMAT = 1  # bump when clean-up or sectioning changes, so cached texts are rebuilt
MIN_CHARS_PER_PAGE = 100  # fewer than this on average: a scan without a text layer
MAX_GARBLED_RATIO = 0.15
MAX_TEXT_CHARS_PER_PAGE = 200_000  # a page "with" more text than this is a crafted or broken file


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


class PaperText(BaseModel):
    """A paper's text, cleaned and split into typed sections in reading order."""

    label: str = Field(description="how a person recognises the paper: arXiv id, title or file name")
    source: str = Field(description="file name of the PDF")
    sha256: str
    pages: int
    title: str | None = Field(None, description="best guess from the first page; prefer the paper's metadata")
    sections: list[Section]
    warnings: list[str] = Field(default_factory=list, description="pypdf repairs, pages that failed, ...")
    stats: dict[str, int] = Field(default_factory=dict, description="clean-up counts (hyphenation decisions, ...)")

    def kinds(self) -> list[SectionKind]:
        """Kinds of the sections in reading order, without repeats."""
        return list(dict.fromkeys(s.kind for s in self.sections))

    def of_kind(self, kind: SectionKind) -> list[Section]:
        return [s for s in self.sections if s.kind is kind]

    def total_tokens(self) -> int:
        return sum(s.tokens() for s in self.sections)

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s.title}\n\n{s.text}" if s.text else s.title for s in self.sections)


# --------------------------------------------------------------------------------------------- clean-up

# Compatibility characters worth normalising (ligatures, math letters, odd spaces and hyphens). Applied
# per character rather than NFKC on everything, which would also turn CJK full-width punctuation into ASCII.
_NORMALISE: dict[int, str] = {}
for _code in [*range(0xFB00, 0xFB50), *range(0x1D400, 0x1D800), *range(0x2000, 0x200B), 0x00A0, 0x202F,
              0x2024, 0x2025, 0x2026, 0x2044, *range(0x2070, 0x209D), 0x00B5, 0x017F, 0x2122]:
    _normal = unicodedata.normalize("NFKC", chr(_code))
    if _normal != chr(_code):
        _NORMALISE[_code] = _normal
_NORMALISE.update({0x00AD: "", 0xFEFF: "", 0x200B: "", 0x2010: "-", 0x2011: "-"})

_ARXIV_STAMP = re.compile(
    r"arXiv:\s?(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\s*"
    r"(?:\[[^\]\n]{1,30}\])?\s*(?:\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4})?"
)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def clean_pages(raw_pages: list[str]) -> list[list[str]]:
    """Cleaned, non-empty lines of each page: compatibility characters normalised (ligatures to letters),
    the arXiv side stamp removed, page numbers and running headers/footers dropped, spaces collapsed."""
    pages: list[list[str]] = []
    for raw in raw_pages:
        text = _ARXIV_STAMP.sub(" ", raw.translate(_NORMALISE))
        lines = [" ".join(line.split()) for line in text.splitlines()]
        pages.append([line for line in lines if line])
    for page in pages:
        _drop_page_numbers(page)
    edge_counts: Counter[str] = Counter()
    for page in pages:
        edge_counts.update({_edge_key(line) for line in (page[:1] + page[-1:])})
    repeated = {key for key, count in edge_counts.items() if count >= 3 and len(key) > 1}
    for page in pages:
        if page and _edge_key(page[0]) in repeated:
            page.pop(0)
        if page and _edge_key(page[-1]) in repeated:
            page.pop()
        _drop_page_numbers(page)
    return pages


def _edge_key(line: str) -> str:
    return _DIGITS.sub("#", line.lower())


def _drop_page_numbers(page: list[str]) -> None:
    if page and _PAGE_NUMBER.match(page[-1]):
        page.pop()
    if page and _PAGE_NUMBER.match(page[0]):
        page.pop(0)


def garbled_ratio(text: str) -> float:
    """Share of the non-space characters that are signs of a broken text layer: replacement and
    private-use characters, control characters, UTF-8-read-as-Latin-1 pairs ("Ã©"), and symbols where
    letters should be (a font without a usable ToUnicode map decodes to runs of punctuation)."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    bad = 0
    letters = 0
    for c in visible:
        code = ord(c)
        if c.isalpha() or c.isdigit():
            letters += 1
        if code == 0xFFFD or 0xE000 <= code <= 0xF8FF or code < 0x20 or 0x7F <= code <= 0x9F:
            bad += 1
    bad += 2 * len(re.findall(r"[ÃÂÅ][\u0080-\u00ff]", text))
    symbol_excess = max(0.0, 0.5 - letters / len(visible))  # normal prose is >75% letters and digits
    return min(1.0, bad / len(visible) + symbol_excess)


def _guess_title(pages: list[list[str]]) -> str | None:
    if not pages or not pages[0]:
        return None
    lines = pages[0]
    title = lines[0]
    if len(lines) > 1:
        wrapped = title.endswith((":", "-")) or title.split()[-1].lower() in {"for", "of", "and", "in", "with", "the", "on", "to", "a"}
        if wrapped or (title.isupper() and lines[1].isupper()):
            title = f"{title} {lines[1]}"
    return title[:300]


def paper_text_from_pages(raw_pages: list[str], *, label: str, source: str, sha256: str,
                          warnings: list[str] | None = None) -> PaperText:
    """Clean and section already-extracted page texts (pure; `extract_pdf` calls it after reading).

    Raises ExtractError "scanned, no text layer" or "garbled text" when the text is not usable."""
    cleaned = clean_pages(raw_pages)
    chars = sum(len(line) for page in cleaned for line in page)
    if chars < MIN_CHARS_PER_PAGE * max(1, len(raw_pages)) and chars < 2000:
        raise ExtractError("scanned, no text layer", paper=label,
                           detail=f"{chars} characters of text on {len(raw_pages)} pages")
    sample = "\n".join(line for page in cleaned for line in page)
    ratio = garbled_ratio(sample)
    if ratio > MAX_GARBLED_RATIO:
        raise ExtractError("garbled text", paper=label, detail=f"{ratio:.0%} of the characters are not text")
    sections, hyphenation = build_sections(cleaned)
    stats = dict(hyphenation.decisions)
    stats["characters"] = chars
    return PaperText(label=label, source=source, sha256=sha256, pages=len(raw_pages),
                     title=_guess_title(cleaned), sections=sections, warnings=warnings or [], stats=stats)


# ---------------------------------------------------------------------------------- reading (child side)


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "fontTools" in message:  # harmless: pypdf falls back to the font's standard encoding
            return
        if len(self.messages) < 20:
            self.messages.append(" ".join(message.split())[:200])


def read_pdf_pages(path: Path, max_pages: int) -> tuple[list[str], list[str]]:
    """Raw text of each page (pypdf, default reading-order mode) and pypdf's warnings, in this process.

    Raises _ReadFailure(cause, detail). Used inside the child process by `extract_pdf`; call it directly
    only for trusted files (benchmarks)."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    with open(path, "rb") as handle:
        head = handle.read(1024)
        if b"%PDF-" not in head:
            raise _ReadFailure("not a PDF", f"starts with {head[:16]!r}")
        data = head + handle.read()
    captured = _Captured()
    logger = logging.getLogger("pypdf")
    logger.addHandler(captured)
    previous_propagate = logger.propagate
    logger.propagate = False
    try:
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise _ReadFailure("encrypted with a password", "the empty password does not open it")
                except DependencyError as exc:
                    raise _ReadFailure("encrypted with a password", f"cannot decrypt: {exc}") from None
            count = len(reader.pages)
        except _ReadFailure:
            raise
        except FileNotDecryptedError:
            raise _ReadFailure("encrypted with a password", None) from None
        except LimitReachedError as exc:
            raise _ReadFailure("decompression bomb or huge object", f"pypdf limit: {exc}"[:200]) from None
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
            raise _ReadFailure("truncated or corrupt", f"{type(exc).__name__}: {exc}"[:200]) from None
        if count == 0:
            raise _ReadFailure("truncated or corrupt", "no pages")
        if count > max_pages:
            raise _ReadFailure(f"more than {max_pages} pages", f"{count} pages; raise extract.max_pages to read it")
        pages: list[str] = []
        warnings: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except MemoryError:
                raise
            except LimitReachedError as exc:
                raise _ReadFailure("decompression bomb or huge object", f"page {number}: {exc}"[:200]) from None
            except Exception as exc:  # one broken page must not lose the paper: note it and go on
                warnings.append(f"page {number}: text not extracted ({type(exc).__name__}: {exc})"[:200])
                text = ""
            if len(text) > MAX_TEXT_CHARS_PER_PAGE:
                raise _ReadFailure("truncated or corrupt", f"page {number} yields {len(text):,} characters")
            pages.append(text)
        if captured.messages:
            warnings.append("pypdf repaired or skipped damaged parts: " + "; ".join(dict.fromkeys(captured.messages)))
        return pages, warnings
    finally:
        logger.removeHandler(captured)
        logger.propagate = previous_propagate


class _ReadFailure(Exception):
    def __init__(self, cause: str, detail: str | None):
        super().__init__(cause)
        self.cause = cause
        self.detail = detail


def _child_main(path: str, max_pages: int, memory_bytes: int, conn: multiprocessing.connection.Connection) -> None:
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            pages, warnings = read_pdf_pages(Path(path), max_pages)
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            message: tuple = ("ok", pages, warnings, peak_kb)
        except _ReadFailure as failure:
            message = ("error", failure.cause, failure.detail)
        except MemoryError:
            message = ("memory", None, None)
        except Exception as exc:  # pypdf bugs on hostile input: still one clear error
            message = ("error", "truncated or corrupt", f"{type(exc).__name__}: {exc}"[:200])
        conn.send(message)
    finally:
        conn.close()


_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: children fork from a small single-threaded server (with pypdf preloaded), not from the
    # caller, which may run threads (Prefect task runners) that plain fork would copy mid-lock.
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pypdf", "paperflow.text.extract"])
        _CONTEXT = context
    return _CONTEXT


def _read_isolated(path: Path, label: str, max_pages: int, timeout: float,
                   memory_mb: int) -> tuple[list[str], list[str], int]:
    receive, send = _context().Pipe(duplex=False)
    child = _context().Process(target=_child_main, args=(str(path), max_pages, memory_mb * 1024 * 1024, send),
                               daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise ExtractError(f"took longer than {timeout:g} s", paper=label,
                               detail="raise extract.timeout_seconds for very large papers")
        try:
            message = receive.recv()
        except (EOFError, OSError):
            child.join(5)
            raise ExtractError(f"needs more than {memory_mb} MB of memory", paper=label,
                               detail=f"extraction process ended with exit code {child.exitcode}") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    status = message[0]
    if status == "ok":
        return message[1], message[2], message[3]
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
    cache_file = settings.output_dir / "text" / f"{sha256}.json"
    limits = settings.extract
    if use_cache and (cached := _load_cached(cache_file)) is not None:
        if cached.pages > limits.max_pages:
            raise ExtractError(f"more than {limits.max_pages} pages", paper=label,
                               detail=f"{cached.pages} pages; raise extract.max_pages to read it")
        return cached.model_copy(update={"label": label, "source": path.name})
    raw_pages, warnings, peak_kb = _read_isolated(path, label, limits.max_pages, limits.timeout_seconds,
                                                  limits.max_memory_mb)
    text = paper_text_from_pages(raw_pages, label=label, source=path.name, sha256=sha256, warnings=warnings)
    text.stats["extract_peak_rss_kb"] = peak_kb
    if use_cache:
        _store_cached(cache_file, text)
    return text


def _load_cached(cache_file: Path) -> PaperText | None:
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT:
            return None
        return PaperText.model_validate(data["paper_text"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, partial or from another version: extract again


def _store_cached(cache_file: Path, text: PaperText) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"format": CACHE_FORMAT, "paper_text": text.model_dump(mode="json")}, ensure_ascii=False)
    handle, temporary = tempfile.mkstemp(dir=cache_file.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, cache_file)  # atomic: concurrent runs never read half a file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------------- selection

EXCLUDED_KINDS = frozenset({SectionKind.FRONT, SectionKind.REFERENCES, SectionKind.APPENDIX,
                            SectionKind.ACKNOWLEDGEMENTS})
_WHOLE_KINDS = (SectionKind.ABSTRACT, SectionKind.CONCLUSION)
_PROPORTIONAL_KINDS = (SectionKind.INTRODUCTION, SectionKind.METHOD, SectionKind.RESULTS)
_LATER_KINDS = (SectionKind.DISCUSSION, SectionKind.RELATED_WORK, SectionKind.OTHER)
_WHOLE_SHARE = 0.4  # abstract + conclusion whole, as long as they take at most this share of the budget
_MIN_SECTION_TOKENS = 40  # a trimmed section shorter than this says nothing: give its share to the others
_CUT_MARK = " […]"


class Coverage(BaseModel):
    """What the LLM read of the paper."""

    included: list[str] = Field(description="titles of the sections read, whole or trimmed")
    kinds: list[SectionKind] = Field(description="kinds of the sections read")
    trimmed: list[str] = Field(default_factory=list, description="titles of the sections read only in part")
    left_out: list[str] = Field(default_factory=list, description="titles of the sections not read")
    tokens_read: int
    tokens_total: int
    max_input_tokens: int
    inferred: list[str] = Field(default_factory=list, description="sections found by position, not heading")

    @property
    def cut(self) -> bool:
        return bool(self.trimmed) or any(k for k in self.left_out)

    def describe(self) -> str:
        """One line for reports and PR bodies."""
        share = self.tokens_read / self.tokens_total if self.tokens_total else 1.0
        kinds = ", ".join(k.value.replace("_", " ") for k in self.kinds)
        cut = f"; trimmed {len(self.trimmed)}, left out {len(self.left_out)} sections" if self.cut else "; nothing cut"
        return f"read {self.tokens_read:,} of {self.tokens_total:,} tokens ({share:.0%}): {kinds}{cut}"


class SelectedInput(BaseModel):
    """The text the LLM reads (section titles kept) and what it covers."""

    text: str
    coverage: Coverage

    @property
    def tokens(self) -> int:
        return self.coverage.tokens_read


def select_input(text: PaperText, max_input_tokens: int) -> SelectedInput:
    """The paper's text to summarise within `max_input_tokens` (estimated, see paperflow.text.tokens).

    Abstract and conclusion come whole where they fit (together at most 40% of the budget, trimmed in
    proportion beyond that); introduction, method and results share the rest in proportion to their
    length; discussion, related work and other sections get what is left; front matter, references,
    appendices and acknowledgements are left out. Sections stay in reading order with their titles; a
    trimmed section keeps its beginning and ends with "[…]"."""
    if max_input_tokens < 100:
        raise ValueError("max_input_tokens must be at least 100")
    budget = max_input_tokens
    for _ in range(8):
        chosen = _allocate(text, budget)
        rendered = _render(text, chosen)
        used = estimate_tokens(rendered)
        if used <= max_input_tokens:
            return SelectedInput(text=rendered, coverage=_coverage(text, chosen, used, max_input_tokens))
        budget -= used - max_input_tokens + max(10, max_input_tokens // 100)
    raise AssertionError("selection did not converge within the budget")  # pragma: no cover


def _allocate(text: PaperText, budget: int) -> dict[int, int]:
    """Token allowance per section index (sections absent from the result are not read)."""
    sizes = {i: s.tokens() for i, s in enumerate(text.sections) if s.kind not in EXCLUDED_KINDS}
    headers = {i: estimate_tokens(f"## {text.sections[i].title}\n") + 2 for i in sizes}
    remaining = budget - (estimate_tokens(f"# {text.title}\n") if text.title else 0)
    allowance: dict[int, int] = {}
    for group, cap in ((_WHOLE_KINDS, _WHOLE_SHARE), (_PROPORTIONAL_KINDS, 1.0), (_LATER_KINDS, 1.0)):
        members = [i for i in sizes if text.sections[i].kind in group]
        if not members or remaining <= 0:
            continue
        available = int(remaining * cap) if cap < 1 else remaining
        granted = _share(members, sizes, headers, available)
        allowance.update(granted)
        remaining -= sum(granted[i] + headers[i] for i in granted)
    return allowance


def _share(members: list[int], sizes: dict[int, int], headers: dict[int, int], available: int) -> dict[int, int]:
    """Split `available` tokens over sections in proportion to their size; drop those whose share would be
    too small to say anything, giving it to the others; a section gets at most its size."""
    members = list(members)
    while members:
        need = sum(sizes[i] + headers[i] for i in members)
        if need <= available:
            return {i: sizes[i] for i in members}
        body = available - sum(headers[i] for i in members)
        total = sum(sizes[i] for i in members) or 1
        shares = {i: min(sizes[i], int(body * sizes[i] / total)) for i in members}
        too_small = [i for i in members if shares[i] < min(_MIN_SECTION_TOKENS, sizes[i]) and sizes[i] > 0]
        if not too_small and body > 0:
            return shares
        if body <= 0 or not too_small:
            too_small = [min(members, key=lambda i: sizes[i])]
        # Keep the first section of each kind (its opening says most); drop the smallest others.
        droppable = [i for i in too_small if i != members[0]] or too_small
        members.remove(min(droppable, key=lambda i: sizes[i]))
    return {}


def _render(text: PaperText, allowance: dict[int, int]) -> str:
    parts = [f"# {text.title}"] if text.title else []
    for index, section in enumerate(text.sections):
        if index not in allowance:
            continue
        body = _trimmed_body(section, allowance[index])
        if body or section.paragraphs == []:
            parts.append(f"## {section.title}\n{body}".rstrip())
    return "\n\n".join(parts)


def _trimmed_body(section: Section, limit: int) -> str:
    if limit >= section.tokens():
        return section.text
    kept: list[str] = []
    used = 0
    for paragraph in section.paragraphs:
        cost = estimate_tokens(paragraph.text) + 1
        if used + cost <= limit:
            kept.append(paragraph.text)
            used += cost
            continue
        room = limit - used - estimate_tokens(_CUT_MARK) - 1
        piece = trim_to_tokens(paragraph.text, room) if room > 5 else ""
        if piece:
            kept.append(piece + _CUT_MARK)
        elif kept:
            kept[-1] += _CUT_MARK
        break
    return "\n\n".join(kept)


def _coverage(text: PaperText, allowance: dict[int, int], used: int, max_input_tokens: int) -> Coverage:
    included, trimmed, left_out, kinds = [], [], [], []
    for index, section in enumerate(text.sections):
        if index in allowance:
            included.append(section.title)
            kinds.append(section.kind)
            if allowance[index] < section.tokens():
                trimmed.append(section.title)
        elif section.paragraphs:
            left_out.append(section.title)
    return Coverage(
        included=included,
        kinds=list(dict.fromkeys(kinds)),
        trimmed=trimmed,
        left_out=left_out,
        tokens_read=used,
        tokens_total=text.total_tokens(),
        max_input_tokens=max_input_tokens,
        inferred=[s.title for s in text.sections if s.inferred and s.kind is not SectionKind.FRONT],
    )


def missing_core_kinds(selected: SelectedInput) -> list[SectionKind]:
    """Core kinds (abstract, introduction, method, results, conclusion) the selected input lacks."""
    return [k for k in CORE_KINDS if k not in selected.coverage.kinds]


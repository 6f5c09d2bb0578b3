"""Reading a PDF: page lines with their font size, weight and position, plus the outline and metadata title.

Runs inside the memory- and time-limited child process of `paperflow.text.extract` (call it directly only for
trusted files, as the benchmark does). pypdf opens the file (not a PDF, truncated, encrypted with a password,
too many pages are told apart here), decrypts it with the empty password, and reads the metadata title and the
outline (bookmarks, with their pages). The page text comes from an engine:

- "pdfium" (default): pypdfium2. Measured on 18 real arXiv papers (`/work/shared/notes/stack-facts.md`): no glued
  words and no glyph names where pypdf has both, and about 13x faster. It also gives each line's font size and
  weight, which the structure (title, headings, footnotes) is read from. When PDFium cannot open a file that pypdf
  could, pypdf reads it instead (with a warning).
- "pypdf": pypdf's `extract_text()`, for people who must stay on it; lines carry no font information then.

Raises ReadFailure(cause, detail) with one of the documented causes (see extract.ExtractError).
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import multiprocessing.connection
import re
import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from paperflow.text import figures
from paperflow.text.figures import Float

Engine = Literal["pdfium", "pypdf"]
ENGINES: tuple[Engine, ...] = ("pdfium", "pypdf")
MAX_TEXT_CHARS_PER_PAGE = 200_000  # a page "with" more text than this is a crafted or broken file
PDFIUM_HYPHEN = "\ufffe"  # PDFium marks the hyphens it found at line ends with this (and joins the lines)
_BOLD_NAMES = re.compile(r"bold|black|heavy|semibold|demi|medi|[-+]b$|bx\d|cmb\d", re.IGNORECASE)
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")


@dataclass(slots=True)
class Line:
    """One printed line: its text and, where the engine knows them, its style and position."""

    text: str
    size: float = 0.0  # font size in pt as printed (matrix applied); 0 when unknown (pypdf engine)
    bold: bool = False
    top: float = 0.0  # distance of the line's first character from the top of the page, in pt
    left: float = 0.0
    in_float: bool = False  # inside a figure's or table's region (axis ticks, legends, cells): not running text


@dataclass(slots=True)
class RawPage:
    lines: list[Line]
    height: float = 0.0
    width: float = 0.0


@dataclass(slots=True)
class OutlineEntry:
    """A bookmark of the PDF outline: title as written, 1-based page (None when it points nowhere), depth."""

    title: str
    page: int | None
    depth: int


@dataclass(slots=True)
class RawDocument:
    pages: list[RawPage]
    engine: Engine
    outline: list[OutlineEntry] = field(default_factory=list)
    metadata_title: str | None = None
    warnings: list[str] = field(default_factory=list)
    floats: list[Float] = field(default_factory=list)  # figures and tables with their regions (PDFium only)

    def page_texts(self) -> list[str]:
        return ["\n".join(line.text for line in page.lines) for page in self.pages]


class ReadFailure(Exception):
    def __init__(self, cause: str, detail: str | None):
        super().__init__(cause)
        self.cause = cause
        self.detail = detail


class _Captured(logging.Handler):
    """pypdf's warnings about repaired or skipped parts, kept for the paper's warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "fontTools" in message:  # harmless: pypdf falls back to the font's standard encoding
            return
        if len(self.messages) < 20:
            self.messages.append(" ".join(message.split())[:200])


def read_document(path: Path, max_pages: int, engine: Engine = "pdfium", *, find_figures: bool = True) -> RawDocument:
    """The document's lines, outline and metadata title, and (PDFium, `find_figures`) its figures and tables (see
    the module docstring). Raises ReadFailure."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    with open(path, "rb") as handle:
        head = handle.read(1024)
        if b"%PDF-" not in head:
            raise ReadFailure("not a PDF", f"starts with {head[:16]!r}")
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
                        raise ReadFailure("encrypted with a password", "the empty password does not open it")
                except DependencyError as exc:
                    raise ReadFailure("encrypted with a password", f"cannot decrypt: {exc}") from None
            count = len(reader.pages)
        except ReadFailure:
            raise
        except FileNotDecryptedError:
            raise ReadFailure("encrypted with a password", None) from None
        except LimitReachedError as exc:
            raise ReadFailure("decompression bomb or huge object", f"pypdf limit: {exc}"[:200]) from None
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
            raise ReadFailure("truncated or corrupt", f"{type(exc).__name__}: {exc}"[:200]) from None
        if count == 0:
            raise ReadFailure("truncated or corrupt", "no pages")
        if count > max_pages:
            raise ReadFailure(f"more than {max_pages} pages", f"{count} pages; raise extract.max_pages to read it")
        warnings: list[str] = []
        outline = _outline(reader, warnings)
        metadata_title = _metadata_title(reader)
        pages: list[RawPage] | None = None
        floats: list[Float] = []
        used: Engine = engine
        if engine == "pdfium":
            try:
                pages, floats = _pdfium_pages(data, warnings, find_figures)
            except _PdfiumUnreadable as exc:
                warnings.append(f"PDFium cannot read the file ({exc}); pypdf read it instead")
                used = "pypdf"
        if pages is None:
            pages = _pypdf_pages(reader, warnings)
        if captured.messages:
            warnings.append("pypdf repaired or skipped damaged parts: " + "; ".join(dict.fromkeys(captured.messages)))
        return RawDocument(pages=pages, engine=used, outline=outline, metadata_title=metadata_title, warnings=warnings,
                           floats=floats)
    finally:
        logger.removeHandler(captured)
        logger.propagate = previous_propagate


def _limit_memory(memory_bytes: int) -> None:
    """Cap this (child) process's address space at `memory_bytes`, within any hard limit it already has."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def read_in_child(path: str, max_pages: int, engine: Engine, memory_bytes: int,
                  conn: multiprocessing.connection.Connection) -> None:
    """The child process's work: limit its own memory, read the document, send the outcome back through `conn`
    ("ok", document, peak RSS in kB) | ("error", cause, detail) | ("memory", None, None). This module is all it
    imports (the fork server preloads it), so starting a child costs milliseconds."""
    try:
        _limit_memory(memory_bytes)
        try:
            document = read_document(Path(path), max_pages, engine)
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            message: tuple = ("ok", document, peak_kb)
        except ReadFailure as failure:
            message = ("error", failure.cause, failure.detail)
        except MemoryError:
            message = ("memory", None, None)
        except Exception as exc:  # pypdf or PDFium bugs on hostile input: still one clear error
            message = ("error", "truncated or corrupt", f"{type(exc).__name__}: {exc}"[:200])
        conn.send(message)
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------------ pypdf


def _outline(reader, warnings: list[str]) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if len(entries) >= 2000:
                return
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            try:
                page = reader.get_destination_page_number(item) + 1
            except Exception:  # a bookmark pointing nowhere still names a section
                page = None
            title = " ".join(str(getattr(item, "title", "") or "").split())
            if title:
                entries.append(OutlineEntry(title=title, page=page if page and page > 0 else None, depth=depth))

    try:
        walk(reader.outline, 0)
    except Exception as exc:  # a broken outline costs the outline, not the paper
        warnings.append(f"outline not read ({type(exc).__name__}: {exc})"[:200])
        return []
    return entries


def _metadata_title(reader) -> str | None:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata else None
    except Exception:
        return None
    if not isinstance(title, str):
        return None
    title = " ".join(title.replace("\x00", "").split())
    return title or None


def _pypdf_pages(reader, warnings: list[str]) -> list[RawPage]:
    from pypdf.errors import LimitReachedError

    pages: list[RawPage] = []
    limited: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except MemoryError:
            raise
        except LimitReachedError as exc:
            # pypdf refuses one stream (a wrong declared length does it too): the page is lost, not the paper.
            # The child's memory limit is what stops real bombs.
            limited.append(f"page {number}: {exc}"[:200])
            text = ""
        except Exception as exc:  # one broken page must not lose the paper: note it and go on
            warnings.append(f"page {number}: text not extracted ({type(exc).__name__}: {exc})"[:200])
            text = ""
        if len(text) > MAX_TEXT_CHARS_PER_PAGE:
            raise ReadFailure("truncated or corrupt", f"page {number} yields {len(text):,} characters")
        pages.append(RawPage(lines=[Line(line) for line in text.splitlines()]))
    if limited and len(limited) == len(pages):
        raise ReadFailure("decompression bomb or huge object", f"pypdf limit: {limited[0]}")
    warnings.extend(f"text not extracted, pypdf limit: {message}" for message in limited)
    return pages


# ----------------------------------------------------------------------------------------------- pdfium


class _PdfiumUnreadable(Exception):
    pass


def _pdfium_pages(data: bytes, warnings: list[str], find_figures: bool = True) -> tuple[list[RawPage], list[Float]]:
    """The pages' lines, and the figures and tables found on them (`paperflow.text.figures`): their regions' lines
    are marked `in_float`. A failure finding figures costs the figures, never the text."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)  # the empty password is tried by PDFium itself
    except pdfium.PdfiumError as exc:
        raise _PdfiumUnreadable(str(exc)) from None
    try:
        pages: list[RawPage] = []
        elements: list[figures.PageElements] = []
        for index in range(len(document)):
            try:
                page = document[index]
            except pdfium.PdfiumError as exc:
                warnings.append(f"page {index + 1}: text not extracted ({exc})"[:200])
                pages.append(RawPage(lines=[]))
                elements.append(figures.PageElements(0.0, 0.0))
                continue
            try:
                raw_page, page_elements = _pdfium_page(page, index + 1, find_figures)
                pages.append(raw_page)
                elements.append(page_elements)
            finally:
                page.close()
        if not find_figures:
            return pages, []
        try:
            floats, covered = figures.find_floats(elements)
        except Exception as exc:  # figures are never a reason to lose the text
            warnings.append(f"figures not found ({type(exc).__name__}: {exc})"[:200])
            return pages, []
        for raw_page, lines in zip(pages, covered):
            for index in lines:
                raw_page.lines[index].in_float = True
        return pages, floats
    finally:
        document.close()


_FONT_NAME = ctypes.create_string_buffer(256)


def _pdfium_page(page, number: int, find_figures: bool = True) -> tuple[RawPage, figures.PageElements]:
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if len(text) > MAX_TEXT_CHARS_PER_PAGE:
            raise ReadFailure("truncated or corrupt", f"page {number} yields {len(text):,} characters")
        # Text indices count UTF-16 units; Python strings count code points (they differ after a non-BMP char).
        utf16 = None
        if _NON_BMP.search(text):
            utf16, total = [], 0
            for char in text:
                utf16.append(total)
                total += 2 if ord(char) > 0xFFFF else 1
        handle = textpage.raw
        matrix = raw.FS_MATRIX()
        left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        flags = ctypes.c_int()

        def char_index(position: int) -> int:
            return raw.FPDFText_GetCharIndexFromTextIndex(handle, utf16[position] if utf16 else position)

        def size_at(index: int) -> float:
            size = raw.FPDFText_GetFontSize(handle, index)
            if raw.FPDFText_GetMatrix(handle, index, matrix):
                size *= math.hypot(matrix.c, matrix.d) or 1.0
            return size

        def line_at(start: int, end: int) -> Line:
            """The line text[start:end + 1] (stripped) with the style of its characters."""
            first = char_index(start)
            piece = text[start:end + 1]
            if first < 0:
                return Line(piece)
            # The largest of a few samples: small capitals and superscripts print smaller than the line's size.
            size = size_at(first)
            for position in {(start + end) // 2, end} - {start}:
                if (index := char_index(position)) >= 0:
                    size = max(size, size_at(index))
            weight = raw.FPDFText_GetFontWeight(handle, first)
            bold = weight >= 500  # bold fonts measure 545-700 here, regular ones 345-425
            if weight <= 0 and raw.FPDFText_GetFontInfo(handle, first, _FONT_NAME, 256, ctypes.byref(flags)):
                # weight unknown: the font's name may say ("NimbusRomNo9L-Medi", "CMBX10", "Arial-BoldMT")
                bold = bool(_BOLD_NAMES.search(_FONT_NAME.value.decode("latin-1", "replace")))
            position_top = left_edge = 0.0
            if raw.FPDFText_GetCharBox(handle, first, left, right, bottom, top):
                position_top, left_edge = height - top.value, left.value
            return Line(piece, size=round(size, 1), bold=bold, top=round(position_top, 1), left=round(left_edge, 1))

        lines: list[Line] = []
        elements = figures.PageElements(width, height)
        char_left, char_right, char_bottom, char_top = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double(),
                                                        ctypes.c_double())

        def char_box(position: int) -> tuple[float, float, float, float] | None:
            index = char_index(position)
            if index < 0 or not raw.FPDFText_GetCharBox(handle, index, char_left, char_right, char_bottom, char_top):
                return None
            return (char_left.value, height - char_top.value, char_right.value, height - char_bottom.value)

        def char_weight(position: int) -> float:
            """The font weight of the character (400 regular, 700 bold; from the font's name when not given)."""
            index = char_index(position)
            if index < 0:
                return 0.0
            weight = raw.FPDFText_GetFontWeight(handle, index)
            if weight <= 0 and raw.FPDFText_GetFontInfo(handle, index, _FONT_NAME, 256, ctypes.byref(flags)):
                weight = 700 if _BOLD_NAMES.search(_FONT_NAME.value.decode("latin-1", "replace")) else 400
            return float(weight)

        # Line boxes are read only where a caption may be: the figures' regions are measured there
        on_caption_page = find_figures and figures.CAPTION_START.search(text) is not None
        # PDFium joins a word it found hyphenated at a line end into one line, marking the hyphen with U+FFFE:
        # split there again ("repre-" / "sentation ..."), so that clean-up decides join or compound, and so that
        # each printed line gets its own style (PDFium sometimes joins a line to the rotated arXiv stamp).
        for match in re.finditer(r"[^\r\n\ufffe]+\ufffe?", text):
            content = match.group()
            hyphen = content.endswith(PDFIUM_HYPHEN)
            body = content[:-1] if hyphen else content
            if not body.strip():
                continue
            start = match.start() + (len(body) - len(body.lstrip()))
            end = match.start() + len(body.rstrip()) - 1
            line = line_at(start, end)
            if hyphen:
                line.text += "-"
            first, last = char_index(start), char_index(end)
            if on_caption_page and first >= 0 and last >= first:
                rects = figures.line_rects(textpage, first, last - first + 1, height)
                elements.boxes.extend(figures.TextBox(rect, line.size, len(lines)) for rect in rects)
                if figures.CAPTION_START.search(body):
                    elements.candidates.extend(figures.caption_candidates(
                        text[start:end + 1], len(lines), rects, lambda p, s=start: char_box(s + p),
                        lambda p, s=start: char_weight(s + p)))
            elif find_figures and (first_box := char_box(start)) and (last_box := char_box(end)):
                # elsewhere the line's first and last characters are enough for the document's layout
                elements.boxes.append(figures.TextBox(figures.union(first_box, last_box), line.size))
            elements.line_texts.append(line.text)
            lines.append(line)
        if elements.candidates:
            elements.graphics = figures.graphics_boxes(page, width, height)
        return RawPage(lines=lines, height=height, width=width), elements
    finally:
        textpage.close()



# ------------------------------------------------------------------------------------------------ crops

MAX_CROP_PIXELS = 2400  # the longer side of a crop's PNG: sharp (2x) for a float, bounded for a full page


def render_crops(data: bytes, jobs: list[tuple[int, tuple[float, float, float, float], str]],
                 scale: float = 2.0) -> list[str]:
    """Render each (1-based page, box in points from the top-left, PNG path) at `scale` (less for a huge
    box, so the longer side stays within MAX_CROP_PIXELS), without annotations (a reader's highlights and ink
    are not the paper's), and write the PNGs. Returns the messages of the crops that failed."""
    import pypdfium2 as pdfium

    failed: list[str] = []
    document = pdfium.PdfDocument(data)
    try:
        for number, (left, top, right, bottom), target in jobs:
            try:
                page = document[number - 1]
                try:
                    width, height = page.get_size()
                    pad = figures.CROP_PAD
                    left, top = max(0.0, left - pad), max(0.0, top - pad)
                    right, bottom = min(width, right + pad), min(height, bottom + pad)
                    if right - left < 2 or bottom - top < 2:
                        raise ValueError("empty region")
                    own_scale = min(scale, MAX_CROP_PIXELS / max(right - left, bottom - top))
                    bitmap = page.render(scale=own_scale, crop=(left, height - bottom, width - right, top),
                                         draw_annots=False)
                    image = bitmap.to_pil()
                    temporary = f"{target}.tmp"
                    image.save(temporary, format="PNG", optimize=True)
                    Path(temporary).replace(target)
                finally:
                    page.close()
            except Exception as exc:  # one crop's failure costs that picture only
                failed.append(f"page {number}: {type(exc).__name__}: {exc}"[:200])
    finally:
        document.close()
    return failed


def render_in_child(path: str, jobs: list, memory_bytes: int, conn: multiprocessing.connection.Connection) -> None:
    """The crops' child process (limits as read_in_child): ("ok", failures) | ("error", cause, detail)."""
    try:
        _limit_memory(memory_bytes)
        try:
            message: tuple = ("ok", render_crops(Path(path).read_bytes(), jobs))
        except MemoryError:
            message = ("error", "memory", None)
        except Exception as exc:
            message = ("error", type(exc).__name__, str(exc)[:200])
        conn.send(message)
    finally:
        conn.close()

"""arXiv identifiers: parse what people write (ids, `arXiv:` prefixes, arxiv.org URLs), refuse the rest.

An id is validated against the two arXiv schemes before it is used anywhere, so a file name built from
it can never contain a path separator or `..`:

- new style: `YYMM.NNNN` (2007-2014) or `YYMM.NNNNN` (2015 on), optional `vN`: `2312.13286v2`
- old style: `archive[.SC]/YYMMNNN`, optional `vN`: `hep-th/9901001`, `math.GT/0309136v1`
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from paperflow.errors import PaperflowError

# [0-9], not \d: \d also matches other scripts' digits, which arXiv never uses.
_NEW = r"(?P<new>[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5})"
_OLD = r"(?P<old>(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subject>[A-Za-z]{2}))?/[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3})"
_VERSION = r"(?:v(?P<version>[1-9][0-9]{0,2}))?"
_ID = rf"(?:{_NEW}|{_OLD}){_VERSION}"
_ID_EXACT = re.compile(rf"^{_ID}$", re.IGNORECASE)
_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)
ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
_URL_PATH = re.compile(r"^/(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?/?$", re.IGNORECASE)

# For ids inside free text (pending-list items): a URL, an `arXiv:` id, or a bare id between word breaks.
_URL_IN_TEXT = re.compile(r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/[^\s)\]>》\"'，。]+", re.IGNORECASE)
_ID_IN_TEXT = re.compile(rf"(?<![\w./-])(?:arxiv\s*:\s*)?{_ID}(?![\w/]|\.\d)", re.IGNORECASE)


class InvalidIdError(PaperflowError):
    """Text that is not an arXiv id or arxiv.org URL."""


@dataclass(frozen=True, order=True)
class ArxivId:
    """A validated arXiv id: `base` without version (`2312.13286`, `hep-th/9901001`), `version` or None."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        return self.versioned

    @property
    def versioned(self) -> str:
        return f"{self.base}v{self.version}" if self.version else self.base

    @property
    def old_style(self) -> bool:
        return "/" in self.base

    def with_version(self, version: int | None) -> ArxivId:
        return ArxivId(self.base, version)

    def file_stem(self) -> str:
        """A safe file name stem: `2312.13286v2`, `hep-th_9901001v1` (the `/` of old ids becomes `_`)."""
        stem = self.versioned.replace("/", "_")
        # The regexes already guarantee this; checked again because file names must never escape a folder.
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", stem) or ".." in stem:
            raise InvalidIdError(f"unsafe id {self.versioned!r}", stage="id")
        return stem


def _new_style_length_ok(base: str) -> bool:
    # Four-digit numbers until 1412, five digits from 1501 on.
    prefix, number = base.split(".")
    return len(number) == (5 if int(prefix) >= 1501 else 4)


def _from_match(match: re.Match[str]) -> ArxivId | None:
    version = int(match.group("version")) if match.group("version") else None
    if match.group("new"):
        if not _new_style_length_ok(match.group("new")):
            return None
        return ArxivId(match.group("new"), version)
    archive = match.group("archive").lower()
    subject = match.group("subject")
    number = match.group("old").rsplit("/", 1)[1]
    base = f"{archive}.{subject.upper()}/{number}" if subject else f"{archive}/{number}"
    return ArxivId(base, version)


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse one id or arxiv.org abs/pdf/html URL, with or without `arXiv:` prefix and version.

    Raises InvalidIdError (one line, naming the input) for anything else, including URLs of other hosts.
    """
    raw = text
    text = text.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        if parts.scheme.lower() not in ("http", "https") or host not in ARXIV_HOSTS:
            raise InvalidIdError("not an arxiv.org URL", paper=_shown(raw), stage="id")
        path_match = _URL_PATH.match(parts.path)
        if not path_match:
            raise InvalidIdError("not an arXiv abs/pdf/html URL", paper=_shown(raw), stage="id")
        text = path_match.group("id")
    else:
        text = _PREFIX.sub("", text)
    match = _ID_EXACT.match(text)
    parsed = _from_match(match) if match else None
    if parsed is None:
        raise InvalidIdError(
            "not an arXiv id (expected e.g. 2312.13286, 2312.13286v2, hep-th/9901001 or an arxiv.org URL)",
            paper=_shown(raw),
            stage="id",
        )
    return parsed


def find_arxiv_id(text: str) -> ArxivId | None:
    """The first arXiv id or arxiv.org URL inside free text, or None when there is none."""
    for url in _URL_IN_TEXT.findall(text):
        try:
            return parse_arxiv_id(url.rstrip(".,;:"))
        except InvalidIdError:
            continue
    for match in _ID_IN_TEXT.finditer(text):
        parsed = _from_match(match)
        if parsed is not None:
            return parsed
    return None


def _shown(text: str) -> str:
    # The refused input is echoed, but bounded and on one line.
    flat = " ".join(str(text).split())
    return repr(flat if len(flat) <= 80 else flat[:77] + "...")

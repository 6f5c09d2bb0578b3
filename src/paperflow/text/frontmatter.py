"""The front matter of a paper: title (over several lines), authors, affiliations and email domains.

Pure functions, no I/O. Read from the first page's lines as printed (font sizes from the PDFium engine), the
first page's footnotes (ICML-style affiliations and "Correspondence to" lines sit there) and the PDF's metadata
title, which confirms the printed title (and gives its casing when the title is printed in capitals).

- The title is the largest text in the upper half of the first page, above the authors' emails and the
  abstract, with the lines that follow it in the same size; banners ("INVITED PAPER", a venue line, "硕士学位论文")
  are smaller or are no title.
- Affiliations are the parts of the author block naming an organisation (a university, institute, laboratory,
  company...), short names kept as written ("DeepMind", "Google Research", "清华大学"), deduplicated in order;
  a department is dropped when its university is named beside it.
- Email domains ("deepmind.com") are a hint to the organisations for the LLM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from paperflow.text.engine import Line

if TYPE_CHECKING:
    from paperflow.models import Paper
    from paperflow.text.paper_text import PaperText

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_EMAIL = re.compile(r"(?:\{[^}]{1,300}\}|[\w.+-]+)\s?@\s?((?:[\w-]+\.)+[A-Za-z]{2,})")
_SPACING_ACCENTS = re.compile(r"\s?[\u00b4\u02c7\u00a8\u02dc\u02c6\u02d8\u02d9\u00b8\u02da\u0060]\s?")
_MARKERS = "∗*†‡§¶⋆★♠♣♦♥?"
_LEADING_MARKERS = re.compile(rf"^[\s{re.escape(_MARKERS)}\d,.]+")
_TRAILING_MARKERS = re.compile(rf"[\s{re.escape(_MARKERS)}\d,;.]+$")
# Words that make a phrase an organisation. Companies are named (they carry no generic word); the list is the
# organisations papers come from, extend it when one is missing.
_ORGANISATION = re.compile(
    r"\b(?:universit\w*|univ\.|institut\w*|college|academy|laborator\w*|labs?|research|centre|center|"
    r"foundation|hospital|inc\.?|ltd\.?|llc|corp\.?|corporation|company|gmbh|polytechnique|"
    r"google|deepmind|facebook|meta|microsoft|openai|anthropic|amazon|apple|ibm|nvidia|intel|baidu|alibaba|"
    r"tencent|bytedance|huawei|samsung|salesforce|adobe|uber|twitter|allen institute|hugging ?face|mistral|"
    r"cohere|naver|kakao|sony|netflix|yandex|sensetime|megvii|zhipu|deepseek|moonshot|xiaomi|jd\.com|"
    r"inria|cnrs|max planck|mila|vector institute|eth zurich|epfl|kaist|riken|a\*star|csiro|nasa|cern)\b"
    r"|大学|学院|研究院|研究所|实验室|公司|中心|研究生院",
    re.IGNORECASE,
)
_DEPARTMENT = re.compile(r"^(?:the\s+)?(?:department|d[ée]partement|dept\.?|school of|faculty|division|graduate school|"
                         r"college of|chair|group)\b", re.IGNORECASE)
_IS_WITH = re.compile(r"\b(?:is|are)\s+(?:also\s+)?with\s+(?:the\s+)?([A-Z][^,;()]{2,100}?)(?=,|;|\(|\.\s|$)"
                      r"|\band\s+also\s+with\s+(?:the\s+)?([A-Z][^,;()]{2,100}?)(?=,|;|\()")
_ABSTRACT_HEADING = re.compile(r"^(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|摘\s*要)\b", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^(?:1\.?|I\.)\s+[A-Z]|^keywords?\b|^index terms\b", re.IGNORECASE)
_NOT_A_TITLE = re.compile(
    r"conference|proceedings|workshop|symposium|journal|published as|preprint|under review|invited paper|"
    r"arxiv|technical report$|中图分类号|学校代码|^(?:硕士|博士|学士)?学位论文$|^(?:毕业)?论文$",
    re.IGNORECASE,
)
_WEBMAIL = {"gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "yahoo.com", "qq.com", "163.com",
            "126.com", "icloud.com", "protonmail.com", "foxmail.com", "live.com", "mail.com"}
_NAME_NOISE = re.compile(r"\b(?:senior |student )?(?:member|fellow|life fellow)(?: ieee)?\b|\bieee\b|^by\s+",
                         re.IGNORECASE)
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÞŁ][\w'’\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)?|(?:van|von|de|der|da|di|del|la|le)|"
                         r"[\u3400-\u9fff]{2,4})$")


@dataclass
class FrontMatter:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    email_domains: list[str] = field(default_factory=list)


def read_front_matter(first_page: list[Line], height: float, footnotes: list[Line], body_size: float,
                      metadata_title: str | None = None) -> FrontMatter:
    """Title, authors, affiliations and email domains from the first page (see the module docstring)."""
    region_end = _front_end(first_page, body_size)
    title, title_lines = _printed_title(first_page[:region_end], height)
    title = _confirmed_title(title, metadata_title)
    title_size = max((first_page[i].size for i in title_lines), default=0.0)
    # The author block: below the title, printed smaller than it (a second title in another language, or a
    # large figure label above the abstract, is not part of it).
    block = [line.text for index, line in enumerate(first_page[:region_end])
             if index not in title_lines and (not title_lines or index > min(title_lines))
             and not (title_size and line.size >= title_size - 0.6)]
    affiliations: list[str] = []
    authors: list[str] = []
    for text in block:
        if _ORGANISATION.search(text) and not _sentence(text):
            affiliations.extend(affiliations_in(text))
        elif "@" not in text and not _EMAIL.search(text) and not _sentence(text):
            authors.extend(_names_in(text))
    for line in footnotes:  # "1DeepMind, London, UK. Correspondence to: ..."
        first_part = _LEADING_MARKERS.sub("", line.text).split(",")[0]
        if first_part[:1].islower():
            continue  # the rest of a sentence begun on the line above ("and Research (A*STAR), Singapore")
        if _ORGANISATION.search(first_part) and not _sentence(first_part) and not _DEPARTMENT.match(first_part):
            affiliations.extend(affiliations_in(line.text.split(". ")[0]))
    # IEEE and ACM journals: "H. Li is with the Institute for Infocomm Research, … and also with the University of
    # New South Wales, …" in the first page's footnote, across lines.
    for match in _IS_WITH.finditer(" ".join(line.text for line in footnotes)):
        organisation = (match.group(1) or match.group(2)).strip()
        if _ORGANISATION.search(organisation) and len(organisation.split()) <= 10:
            affiliations.append(organisation)
    domains = [d for text in block + [line.text for line in footnotes] for d in email_domains(text)]
    return FrontMatter(title=title, authors=_unique(authors)[:30], affiliations=_unique(affiliations)[:10],
                       email_domains=_unique(domains)[:10])


_CONNECTIVE_WORDS = {"of", "and", "for", "the", "in", "at", "de", "des", "du", "la", "le", "di", "del", "der", "und",
                     "für", "y", "e", "et", "on", "to"}


def _sentence(text: str) -> bool:
    """Running prose rather than a name or an organisation: many lower-case words besides connectives."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if w.lower() not in _CONNECTIVE_WORDS]
    if len(words) > 20:
        return True
    lower = sum(1 for w in words if w[0].islower())
    return lower >= 2 and lower > 0.3 * len(words)


def _front_end(page: list[Line], body_size: float) -> int:
    """Index of the first line after the front matter: the abstract or first section heading, or the first
    line of running text (a long line at body size)."""
    for index, line in enumerate(page[:60]):
        text = line.text
        if _ABSTRACT_HEADING.match(text) or (index > 0 and _SECTION_HEADING.match(text) and len(text) < 60):
            return index
        long_line = len(text.split()) >= 12 and "@" not in text and _sentence(text)
        if long_line and (not body_size or line.size <= body_size + 0.6) and index > 1:
            return index
    return min(len(page), 60)


def _title_like(text: str) -> bool:
    compact = text.replace(" ", "")
    if _NOT_A_TITLE.search(compact if _CJK.search(text) else text) or "@" in text:
        return False
    if _CJK.search(text):
        return len(_CJK.findall(text)) >= 4
    letters = sum(c.isalpha() for c in text)
    return letters >= 4 and letters >= 0.5 * len(compact) and len(text.split()) >= 1


def _printed_title(region: list[Line], height: float) -> tuple[str | None, set[int]]:
    """The largest title-like text above the authors' emails in the upper half of the page, with the lines
    that continue it (same size, close below, same script); without font sizes the first title-like line,
    continued when it visibly wraps."""
    if not region:
        return None, set()
    first_email = next((i for i, line in enumerate(region) if "@" in line.text), len(region))
    sized = any(line.size > 0 for line in region)
    candidates = [i for i, line in enumerate(region[:first_email])
                  if _title_like(line.text) and (not sized or not height or line.top <= 0.5 * height)]
    if not candidates:
        return None, set()
    if not sized:
        start = candidates[0]
        chosen = [start]
        text = region[start].text
        wrapped = text.endswith((":", "-")) or text.split()[-1].lower() in {"for", "of", "and", "in", "with", "the",
                                                                              "on", "to", "a", "via", "from"}
        if start + 1 < len(region) and (wrapped or (text.isupper() and region[start + 1].text.isupper())):
            chosen.append(start + 1)
        return _join_title([region[i].text for i in chosen]), set(chosen)
    largest = max(region[i].size for i in candidates)
    start = next(i for i in candidates if region[i].size >= largest - 0.3)
    chosen = [start]
    cjk = bool(_CJK.search(region[start].text))
    # A line just above in three quarters of the size: a title in small capitals, whose capitals are larger.
    while chosen[0] - 1 in candidates:
        above, line = region[chosen[0] - 1], region[chosen[0]]
        if above.size < 0.75 * largest or not 0 < line.top - above.top <= 2.2 * largest or \
                bool(_CJK.search(above.text)) != cjk:
            break
        chosen.insert(0, chosen[0] - 1)
    for index in range(start + 1, min(len(region), start + 4)):
        line, previous = region[index], region[chosen[-1]]
        close = 0 < line.top - previous.top <= 2.2 * max(line.size, 1) or line.top == previous.top
        if abs(line.size - largest) > 0.6 or not close or bool(_CJK.search(line.text)) != cjk:
            break
        chosen.append(index)
    return _join_title([region[i].text for i in chosen]), set(chosen)


def _join_title(lines: list[str]) -> str:
    title = lines[0]
    for line in lines[1:]:
        if title.endswith("-") and line[:1].islower():
            title = title[:-1] + line
        elif _CJK.search(title[-1:]) and _CJK.search(line[:1]):
            title += line
        else:
            title = f"{title} {line}"
    title = _TRAILING_MARKERS.sub("", title) if title[-1:] in _MARKERS or title[-1:].isdigit() and \
        not title[-2:-1].isdigit() else title
    return " ".join(title.split())[:300]


def _confirmed_title(printed: str | None, metadata_title: str | None) -> str | None:
    """The printed title, in the metadata's casing when the metadata names the same title; the metadata title
    when nothing usable is printed."""
    meta = metadata_title if metadata_title and _plausible_metadata_title(metadata_title) else None
    if printed is None:
        return meta
    if meta and fuzz.ratio(_loose(printed), _loose(meta)) >= 90:
        return meta if printed.isupper() or sum(c.isupper() for c in printed) > 0.6 * sum(c.isalpha() for c in printed) \
            else printed
    return printed


def _plausible_metadata_title(title: str) -> bool:
    lowered = title.lower()
    if lowered.endswith((".pdf", ".dvi", ".doc", ".docx", ".tex")) or lowered.startswith(("microsoft word", "untitled")):
        return False
    return len(title.split()) >= 2 or len(_CJK.findall(title)) >= 4


def _loose(text: str) -> str:
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", " ", text.lower()).strip()


def titles_match(one: str, other: str, threshold: float = 90) -> bool:
    """Do two titles name the same paper (case, punctuation and spacing aside)?"""
    return fuzz.ratio(_loose(one), _loose(other)) >= threshold


def affiliations_in(text: str) -> list[str]:
    """The organisations a line of an author block names, as written ("1ByteDance Research 2Peking University"
    gives "ByteDance Research" and "Peking University"; "Department of Physics, University of Vermont,
    Burlington" gives "University of Vermont")."""
    text = _SPACING_ACCENTS.sub("", _EMAIL.sub(" ", text))
    found: list[str] = []
    for piece in re.split(rf";|(?<=[\w)])\s+(?=[{re.escape(_MARKERS)}]|\d{{1,2}}\s?[A-Z])", text):
        parts = [p.strip() for p in _LEADING_MARKERS.sub("", piece).split(",")]
        named: list[str] = []
        for part in parts:
            for sub in re.split(r"\s+and\s+", part) if part.count(" and ") == 1 else [part]:
                sub = _TRAILING_MARKERS.sub("", _LEADING_MARKERS.sub("", sub)).strip(" .:()")
                if _CJK.search(sub):
                    named.extend(token for token in sub.split() if _ORGANISATION.search(token))
                elif 2 <= len(sub) <= 80 and _ORGANISATION.search(sub) and len(sub.split()) <= 10:
                    named.append(sub)
        named = [p for p in named if "/" not in p and "www." not in p.lower()]
        institutions = [p for p in named if not _DEPARTMENT.match(p)]
        # "University of Maryland, College Park": after the organisation come its city and country
        found.extend(institutions[:1] if institutions else named[:1])
    return found


def email_domains(text: str) -> list[str]:
    domains = [m.group(1).lower() for m in _EMAIL.finditer(text)]
    return [d for d in domains if d not in _WEBMAIL]


def _names_in(text: str) -> list[str]:
    """Author names in one line of the author block (markers, "By" and IEEE grades left out)."""
    text = _SPACING_ACCENTS.sub("", text)
    text = re.sub(rf"[{re.escape(_MARKERS)}]|\d+", " ", text)
    names: list[str] = []
    for part in re.split(r",|\band\b|&|;|，|、", _NAME_NOISE.sub(" ", text)):
        tokens = part.split()
        if not tokens or not all(_NAME_TOKEN.match(t) for t in tokens):
            continue
        if any(len(t) == 1 for t in tokens):
            continue  # "QC H C J": a postcode, not a name
        plain = not any(t.endswith(".") or t[0].islower() for t in tokens)
        if len(tokens) in (2, 3) or (len(tokens) == 4 and not plain) or (len(tokens) == 1 and _CJK.search(tokens[0])):
            names.append(" ".join(tokens))
        elif len(tokens) >= 4 and len(tokens) % 2 == 0 and plain:
            # "Kaiming He Xiangyu Zhang Shaoqing Ren Jian Sun": names printed side by side, two words each
            names.extend(" ".join(tokens[i:i + 2]) for i in range(0, len(tokens), 2))
    return names


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        key = _loose(item)
        if key and key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def apply_front_matter(paper: Paper, text: PaperText) -> Paper:
    """`paper` with what its PDF's front matter adds: affiliations (the arXiv API almost never has them) and
    email domains; for a local PDF without arXiv metadata also the printed title and the authors."""
    update: dict[str, object] = {}
    if not paper.affiliations and text.affiliations:
        update["affiliations"] = list(text.affiliations)
    if not paper.email_domains and text.email_domains:
        update["email_domains"] = list(text.email_domains)
    untitled = paper.local_pdf is not None and paper.title == Path(paper.local_pdf).stem  # titled by file name
    if untitled and text.title:
        update["title"] = text.title
    if untitled and not paper.authors and text.authors:
        update["authors"] = list(text.authors)
    return paper.model_copy(update=update) if update else paper

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
from datetime import date, datetime, timezone

from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from paperflow.text.engine import Line
from paperflow.text.layout import Layout

if TYPE_CHECKING:
    from paperflow.models import Paper
    from paperflow.text.paper_text import PaperText

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_EMAIL = re.compile(r"(?:\{[^}]{1,300}\}|[\w.+-]+)\s?@\s?((?:[\w-]+\.)+[A-Za-z]{2,})")
_SPACING_ACCENTS = re.compile(r"\s?[\u00b4\u02c7\u00a8\u02dc\u02c6\u02d8\u02d9\u00b8\u02da\u0060]\s?")
_MARKERS = "∗*†‡§¶⋆★♠♣♦♥♢♡♮♯◇◆○●•⋄△▽▲#‖?"
_ANY_MARKER = re.compile(r"(?:(?<=\s)|^)[^\w\s.,;:()'’&\-\[\]{}<>/\\\"@](?=[A-Z])")
_LEADING_MARKERS = re.compile(rf"^[\s{re.escape(_MARKERS)}\d,.]+")
_TRAILING_MARKERS = re.compile(rf"[\s{re.escape(_MARKERS)}\d,;.]+$")
# Words that make a phrase an organisation. Companies are named (they carry no generic word); the list is the
# organisations papers come from, extend it when one is missing.
_ORGANISATION = re.compile(
    r"\b(?:universit\w*|univ\.|institut\w*|college|academy|academia|laborator\w*|labs?|research|centre|center|"
    r"foundation|hospital|inc\.?|ltd\.?|llc|corp\.?|corporation|company|gmbh|polytechnique|"
    r"google|deepmind|facebook|meta|microsoft|openai|anthropic|amazon|apple|ibm|nvidia|intel|baidu|alibaba|"
    r"tencent|bytedance|huawei|samsung|salesforce|adobe|uber|twitter|allen institute|hugging ?face|mistral|"
    r"cohere|naver|kakao|sony|netflix|yandex|sensetime|megvii|zhipu|deepseek|moonshot|xiaomi|jd\.com|"
    r"inria|cnrs|max planck|mila|vector institute|eth zurich|epfl|kaist|riken|a\*star|csiro|nasa|cern|"
    r"(?-i:MIT|CMU|UCLA|NYU|UIUC|UC\s[A-Z]\w+)|[ée]cole)\b"
    r"|大学|学院|研究院|研究所|实验室|公司|中心|研究生院",
    re.IGNORECASE,
)
_DEPARTMENT = re.compile(r"^(?:the\s+)?(?:department|d[ée]partement|dept\.?|school of|faculty|division|graduate school|"
                         r"college of|chair|group)\b", re.IGNORECASE)
_UNIT = re.compile(r"^(?:the\s+)?(?:[\w-]+\s+){0,4}(?:institute|laboratory|lab|center|centre|school)\b|"
                   r"^(?:institute|laboratory|center|centre|school)\s+(?:of|for)\b", re.IGNORECASE)
_INSTITUTION = re.compile(r"\buniversit|\bacademia\b|\bacademy\b|大学", re.IGNORECASE)
_IS_WITH = re.compile(r"\b(?:is|are)\s+(?:also\s+)?with\s+(?:the\s+)?([A-Z][^,;()]{2,100}?)(?=,|;|\(|\.\s|$)"
                      r"|\band\s+also\s+with\s+(?:the\s+)?([A-Z][^,;()]{2,100}?)(?=,|;|\()")
_ABSTRACT_HEADING = re.compile(r"^(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|摘\s*要)\b", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^(?:1\.?|I\.)\s+[A-Z]|^keywords?\b|^index terms\b", re.IGNORECASE)
_NOT_A_TITLE = re.compile(
    r"conference|proceedings|workshop|symposium|journal|published as|preprint|under review|invited paper|"
    r"arxiv|^technical report$|中图分类号|学校代码|^(?:硕士|博士|学士)?学位论文$|^(?:毕业)?论文$",
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
    organisations: list[str] = field(default_factory=list)  # what a reader names, lead first (see organisations_of)
    printed_date: date | None = None  # a date printed in the front matter ("August 22, 2023", "2025-05-14")


def front_matter_of(layout: Layout, metadata_title: str | None) -> FrontMatter:
    """The front matter of a cleaned document: `read_front_matter` on its first page with text, its organisations
    from every signal (`organisations_of`) and the date printed on that page."""
    pages = layout.pages
    first = next((i for i, page in enumerate(pages) if page), 0)
    page = pages[first] if pages else []
    front = read_front_matter(page, layout.heights[first] if layout.heights else 0.0, layout.first_page_footnotes,
                              layout.body_size, metadata_title)
    page_text = [line.text for line in page] + [line.text for line in layout.first_page_footnotes]
    front.organisations = organisations_of(front, page_text, layout.running_lines)
    if front.title and "- " in front.title:
        front.title = _dehyphenated(front.title, layout.pages)
    if front.title and _in_capitals(front.title):
        front.title = _recased(front.title, layout.pages)
    front.printed_date = printed_date(page[:_front_end(page, layout.body_size) + 1] if page else []) or \
        _issue_date(layout.running_lines)
    return front


def _dehyphenated(title: str, pages: list[list[Line]]) -> str:
    """A title wrapped inside a word ("LARGE LAN- GUAGE MODELS") joined as the paper's own text writes the word
    ("language" more often than "lan-guage"); a compound ("CHAIN-OF- THOUGHT") keeps its hyphen."""
    body = " ".join(line.text for page in pages[:6] for line in page).lower()

    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        whole = (head + tail).lower()
        if body.count(whole) > body.count(f"{head}-{tail}".lower()):
            return head + tail
        return f"{head}-{tail}"

    return re.sub(r"(\w+)- (\w+)", join, title)


_SMALL_WORDS = frozenset("a an and as at by for from in into of on or over the to via vs with without".split())
_WORD = re.compile(r"[^\W\d_][\w'’]*")


def _in_capitals(title: str) -> bool:
    """A title set in capitals or small capitals: its text layer has no lower-case letter ("LORA: LOW-RANK …")."""
    letters = [c for c in title if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters)


def _recased(title: str, pages: list[list[Line]]) -> str:
    """A title printed in capitals, cased as the paper's own text writes each word ("LoRA", "Transformers"), else
    in title case (small words lower-case inside the title): how a reader writes it down."""
    counts: dict[str, dict[str, int]] = {}
    for page in pages[:8]:
        for line in page:
            if _in_capitals(line.text):
                continue  # headings in capitals tell no casing
            for word in _WORD.findall(line.text):
                forms = counts.setdefault(word.lower(), {})
                forms[word] = forms.get(word, 0) + 1
    words = list(_WORD.finditer(title))

    def cased(index: int, match: re.Match[str]) -> str:
        word = match.group()
        forms = counts.get(word.lower(), {})
        # the paper's own form where it mostly writes the word other than as a plain word: a name or an acronym
        # ("LoRA", "LLM", "MoE")
        special = {form: n for form, n in forms.items() if form != form.lower() and form != form.capitalize()}
        if special and sum(special.values()) >= sum(forms.values()) - sum(special.values()):
            return max(special, key=special.get)
        if not forms and len(word) <= 4 and word.lower() not in _SMALL_WORDS:
            return word  # a short word the text never writes otherwise: an acronym kept as printed
        after_colon = index > 0 and title[:match.start()].rstrip().endswith(":")
        if 0 < index and not after_colon and word.lower() in _SMALL_WORDS:
            return word.lower()
        return word[:1].upper() + word[1:].lower()

    out, last = [], 0
    for index, match in enumerate(words):
        out.append(title[last:match.start()])
        out.append(cased(index, match))
        last = match.end()
    out.append(title[last:])
    return "".join(out)


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
        probe = _LEADING_MARKERS.sub("", _EMAIL.sub(" ", text))  # "1OpenAI", "1Google Brain, {noam,…}@google.com"
        if _TEAM.match(text.strip()) and not affiliations:
            affiliations.append(text.strip())  # "Qwen Team", "Stability AI": the author is the organisation
        elif not _ORGANISATION.search(probe) and _numbered_beside_affiliations(text, block):
            affiliations.append(probe.strip())
        elif _ORGANISATION.search(probe) and not _sentence(probe):
            affiliations.extend(affiliations_in(text))
        elif "@" not in text and not _EMAIL.search(text) and not _sentence(text):
            authors.extend(_names_in(text))
    for text in _joined_notes(footnotes):  # "1DeepMind, London, UK. Correspondence to: ..."
        if _WORK_AT.search(text):
            continue  # "Work done at Google": where an author was, read by organisations_of
        first_part = _LEADING_MARKERS.sub("", text).split(",")[0]
        if first_part[:1].islower():
            continue  # the rest of a sentence begun on the line above ("and Research (A*STAR), Singapore")
        if _ORGANISATION.search(first_part) and not _sentence(first_part) and not _DEPARTMENT.match(first_part) \
                or _DEPARTMENT.match(first_part) and _ORGANISATION.search(text.split(". ")[0].split(",", 1)[-1]):
            # "1Department of Computer Science, ETH Zurich, …": the department's institution
            affiliations.extend(affiliations_in(text.split(". ")[0]))
    # IEEE and ACM journals: "H. Li is with the Institute for Infocomm Research, … and also with the University of
    # New South Wales, …" in the first page's footnote, across lines.
    for match in _IS_WITH.finditer(" ".join(line.text for line in footnotes)):
        organisation = (match.group(1) or match.group(2)).strip()
        if _ORGANISATION.search(organisation) and len(organisation.split()) <= 10:
            affiliations.append(organisation)
    domains = [d for text in block + [line.text for line in footnotes] for d in email_domains(text)]
    return FrontMatter(title=title, authors=_unique(authors)[:30], affiliations=_unique(affiliations)[:10],
                       email_domains=_unique(domains)[:10])


_NUMBERED_NAME = re.compile(r"^\d{1,2}\s?[A-Z][\w&.'’\- ]{1,50}$")


def _numbered_beside_affiliations(text: str, block: list[str]) -> bool:
    """"2OpenResearch" between "1OpenAI" and "3University of Pennsylvania": a numbered line among the author
    block's numbered affiliations is one too, though no word says it is an organisation."""
    if not _NUMBERED_NAME.match(text) or len(text.split()) > 6:
        return False
    index = block.index(text)
    neighbours = block[max(0, index - 1):index] + block[index + 1:index + 2]
    return any(_NUMBERED_NAME.match(n) and _ORGANISATION.search(_LEADING_MARKERS.sub("", n)) for n in neighbours)


def _joined_notes(footnotes: list[Line]) -> list[str]:
    """The footnotes' lines, a line cut after "of", "and", "for", ... or a hyphen joined with the next
    ("2University of" + "California, Berkeley")."""
    joined: list[str] = []
    for line in footnotes:
        if joined and (joined[-1].endswith("-") or joined[-1].rsplit(" ", 1)[-1].lower() in
                       {"of", "and", "for", "the", "de", "at", "in"}):
            joined[-1] = joined[-1][:-1] + line.text if joined[-1].endswith("-") else f"{joined[-1]} {line.text}"
        else:
            joined.append(line.text)
    return joined


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
        heading_print = not line.size or not body_size or line.bold or line.size > body_size + 0.5
        if _ABSTRACT_HEADING.match(text) or (index > 0 and _SECTION_HEADING.match(text) and len(text) < 60
                                             and heading_print):
            return index  # "1 Introduction" in bold; "1 University of North Carolina" is an affiliation line
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
    if _author_line(text) or _TEAM_NAME.match(text.strip()):
        return False
    return letters >= 4 and letters >= 0.5 * len(compact) and len(text.split()) >= 1


def _author_line(text: str) -> bool:
    """Names with their affiliation markers ("Jiawei Zhao 1 Zhenyu Zhang 3 Beidi Chen 2 4", "Edward Hu∗ Yelong
    Shen∗"): two names or more, marked by digits or symbols, and nothing else."""
    if ":" in text or not re.search(rf"[\d{re.escape(_MARKERS)}]", text):
        return False
    names = _names_in(text)
    words = re.sub(rf"[\d{re.escape(_MARKERS)},]|\band\b", " ", _SPACING_ACCENTS.sub("", text)).split()
    return len(names) >= 2 and sum(len(n.split()) for n in names) >= 0.8 * len(words)


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
        # A title in small capitals wraps onto a line without large initials, printed smaller ("LAN-" /
        # "GUAGE MODELS"): a hyphenated or capitals-only line continues it in three quarters of the size.
        small_caps = (previous.text.endswith("-") or (previous.text.isupper() and line.text.isupper())) and \
            line.size >= 0.75 * largest and index in candidates
        if (abs(line.size - largest) > 0.6 and not small_caps) or not close or bool(_CJK.search(line.text)) != cjk:
            break
        chosen.append(index)
    return _join_title([region[i].text for i in chosen]), set(chosen)


# Small capitals read as separate letters: "NEFTU N E" is "NEFTUNE" ("A" and "I" are words, never joined).
_SMALL_CAPS_SPLIT = re.compile(r"\b[A-Z]{2,}(?: [B-HJ-Z]\b){2,}")


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
    title = _SMALL_CAPS_SPLIT.sub(lambda m: m.group(0).replace(" ", ""), title)
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
    text = _ANY_MARKER.sub("†", text)  # "⊤Massachusetts Institute…": any symbol before a name marks it
    found: list[str] = []
    for piece in re.split(rf";|(?<=[\w),])\s*(?<!\d)(?=[{re.escape(_MARKERS)}]|\b\d{{1,2}}\s?[A-Z])|(?<=\w[{re.escape(_MARKERS)}])\s+"
                          rf"|:\s+(?=[A-Z]{{2,}}\b)", text):
        parts: list[str] = []
        for part in (p.strip() for p in _LEADING_MARKERS.sub("", piece).split(",")):
            if parts and _LEGAL_FORM.fullmatch(" " + part):
                parts[-1] = f"{parts[-1]}, {part}"  # "Zhuiyi Technology Co., Ltd.": one name
            else:
                parts.append(part)
        named: list[str] = []
        pairs: list[int] = []
        for part in parts:
            halves = re.split(r"\s+(?:and|&)\s+", part) if part.count(" and ") + part.count(" & ") == 1 else [part]
            if not all(_ORGANISATION.search(h) for h in halves):
                halves = [part]  # "Department of Physics and Astronomy": one name
            elif len(halves) == 2 and not any(_DEPARTMENT.match(h) for h in halves):
                pairs.append(len(named))  # "Meta AI & ETH Zurich": two organisations, both kept
            for sub in halves:
                sub = _TRAILING_MARKERS.sub("", _LEADING_MARKERS.sub("", sub)).strip(" .:()")
                if re.search(r"\b(?:inc|ltd|co|corp)$", sub, re.IGNORECASE):
                    sub += "."  # "Co., Ltd." and "Inc." keep their full stop
                sub = re.sub(r"^[A-Z]{2,6}\s+(?=Univ)", "", sub)  # "LISN Université Paris-Saclay": a lab's acronym
                if _CJK.search(sub):
                    named.extend(token for token in sub.split() if _ORGANISATION.search(token))
                elif 2 <= len(sub) <= 80 and _ORGANISATION.search(sub) and len(sub.split()) <= 10:
                    named.append(sub)
        named = [p for p in named if "/" not in p and "www." not in p.lower()]
        named = [_with_campus(p, parts) for p in named]
        institutions = [p for p in named if not _DEPARTMENT.match(p)]
        # "Language Technologies Institute, Carnegie Mellon University": the university, not its unit
        if len(institutions) > 1 and _UNIT.match(institutions[0]) and _INSTITUTION.search(institutions[1]):
            institutions = institutions[1:]
        # "University of Maryland, College Park": after the organisation come its city and country
        if pairs and pairs[0] == 0 and len(named) >= 2:
            found.extend(named[:2])
            continue
        found.extend(institutions[:1] if institutions else named[:1])
    return found


# A university of several campuses is named with its campus: "University of California, Berkeley".
_CAMPUS_SYSTEM = re.compile(r"^(?:the\s+)?university of (?:california|illinois|wisconsin|colorado|michigan)$", re.I)


def _with_campus(organisation: str, parts: list[str]) -> str:
    if not _CAMPUS_SYSTEM.match(organisation) or organisation not in parts:
        return organisation
    index = parts.index(organisation)
    campus = parts[index + 1].strip(" .") if index + 1 < len(parts) else ""
    campus = _TRAILING_MARKERS.sub("", campus).strip()
    if campus and campus[0].isupper() and len(campus.split()) <= 3 and not _ORGANISATION.search(campus):
        return f"{organisation}, {campus}"
    return organisation


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
    """`paper` with what its PDF's front matter adds: its organisations (the arXiv API almost never has them) and
    email domains; for a local PDF without arXiv metadata also the printed title, the authors and the date
    printed in it."""
    update: dict[str, object] = {}
    # What the summary names the organisations by (the prompt's "Affiliations", the extractive draft's opening
    # line): the organisations a reader names, lead first, else the affiliations as printed.
    if not paper.affiliations and (text.organisations or text.affiliations):
        update["affiliations"] = list(text.organisations or text.affiliations)
    if paper.local_pdf is not None and paper.published is None and text.printed_date is not None:
        # a lab's own copy without an arXiv stamp: the date printed in it (never today's)
        update["published"] = datetime(text.printed_date.year, text.printed_date.month, text.printed_date.day,
                                       tzinfo=timezone.utc)
    if not paper.email_domains and text.email_domains:
        update["email_domains"] = list(text.email_domains)
    untitled = paper.local_pdf is not None and paper.title == Path(paper.local_pdf).stem  # titled by file name
    if untitled and text.title:
        update["title"] = text.title
    if untitled and not paper.authors and text.authors:
        update["authors"] = list(text.authors)
    return paper.model_copy(update=update) if update else paper


# ----------------------------------------------------------------------------------------------- organisations

# The labs and universities that write most of the papers read here, by the domain of their emails and links
# (a domain's subdomains included: "cs.cmu.edu" is cmu.edu). An email domain not in the table names its
# organisation by the domain itself ("wezhuiyi.com"), and only when nothing else on the page names one; a link
# counts only when its domain is in the table (a link to a dataset or a code host names no author's lab).
DOMAIN_ORGANISATIONS: dict[str, str] = {
    "google.com": "Google", "research.google": "Google Research", "deepmind.com": "DeepMind",
    "deepmind.google": "Google DeepMind", "meta.com": "Meta", "fb.com": "Facebook", "facebook.com": "Facebook",
    "microsoft.com": "Microsoft", "openai.com": "OpenAI", "anthropic.com": "Anthropic", "apple.com": "Apple",
    "amazon.com": "Amazon", "nvidia.com": "NVIDIA", "ibm.com": "IBM", "intel.com": "Intel",
    "salesforce.com": "Salesforce", "adobe.com": "Adobe", "stability.ai": "Stability AI", "mistral.ai": "Mistral AI",
    "cohere.com": "Cohere", "huggingface.co": "Hugging Face", "allenai.org": "Allen Institute for AI",
    "deepseek.com": "DeepSeek-AI", "moonshot.cn": "Moonshot AI", "alibaba-inc.com": "Alibaba",
    "bytedance.com": "ByteDance", "tencent.com": "Tencent", "baidu.com": "Baidu", "huawei.com": "Huawei",
    "sensetime.com": "SenseTime", "zhipuai.cn": "Zhipu AI", "01.ai": "01.AI", "x.ai": "xAI",
    "stanford.edu": "Stanford University", "berkeley.edu": "UC Berkeley", "mit.edu": "MIT",
    "cmu.edu": "Carnegie Mellon University", "princeton.edu": "Princeton University", "harvard.edu": "Harvard University",
    "nyu.edu": "New York University", "columbia.edu": "Columbia University", "cornell.edu": "Cornell University",
    "washington.edu": "University of Washington", "umd.edu": "University of Maryland", "ucla.edu": "UCLA",
    "ucsd.edu": "UC San Diego", "illinois.edu": "UIUC", "utexas.edu": "UT Austin", "umass.edu": "UMass Amherst",
    "gatech.edu": "Georgia Institute of Technology", "upenn.edu": "University of Pennsylvania", "unc.edu": "UNC Chapel Hill",
    "jhu.edu": "Johns Hopkins University", "uw.edu": "University of Washington", "wisc.edu": "University of Wisconsin",
    "uwaterloo.ca": "University of Waterloo", "utoronto.ca": "University of Toronto", "mila.quebec": "Mila",
    "umontreal.ca": "Université de Montréal", "ox.ac.uk": "University of Oxford", "cam.ac.uk": "University of Cambridge",
    "ucl.ac.uk": "University College London", "ethz.ch": "ETH Zurich", "epfl.ch": "EPFL",
    "tsinghua.edu.cn": "Tsinghua University", "pku.edu.cn": "Peking University", "sjtu.edu.cn": "Shanghai Jiao Tong University",
    "zju.edu.cn": "Zhejiang University", "fudan.edu.cn": "Fudan University", "ustc.edu.cn": "USTC",
    "ruc.edu.cn": "Renmin University of China", "hku.hk": "University of Hong Kong", "cuhk.edu.hk": "CUHK",
    "kaist.ac.kr": "KAIST", "snu.ac.kr": "Seoul National University", "u-tokyo.ac.jp": "University of Tokyo",
    "sinica.edu.tw": "Academia Sinica", "uj.edu.pl": "Jagiellonian University", "uvm.edu": "University of Vermont",
}
_LINK = re.compile(r"(?:https?://|www\.)((?:[\w-]+\.)+[a-z]{2,})", re.IGNORECASE)
# Who the authors were with: "All authors from DeepMind", "Work done at Google", "Work done during an internship
# at Meta AI, FAIR Team", "Work performed while at Google Brain"; up to the sentence's or clause's end.
_WORK_AT = re.compile(r"\b(?:all authors (?:are )?(?:from|at|with)|work (?:was )?(?:done|performed)[^.;]{0,60}?\bat|"
                      r"internship at)\s+(?:the\s+)?([A-Z][\w&.\- ]{1,60}?)(?=[,;.)\n]|\s+and\s|$)", re.IGNORECASE | re.MULTILINE)
# An author that is a team: "DeepSeek-AI", "Kimi Team", "Qwen Team", "Gemini Team, Google".
_TEAM = re.compile(r"^(?:the\s+)?(?:[A-Z][\w.]*(?:[- ][A-Z0-9][\w.]*){0,3}[- ](?:AI|Team|Lab|Labs)|[A-Z][\w.]* Team)$")
# A team as the author, never a title ("DeepSeek-AI", "Kimi Team"); "Generative AI" may well be a title.
_TEAM_NAME = re.compile(r"^[A-Z][\w.]*(?:[- ][A-Z][\w.]*){0,2}(?:-AI| Team)$")
# A lab's name in a running head: a few capitalised words with "AI" among them ("RUC AI Box").
_LAB_HEAD = re.compile(r"^(?=.*\bAI\b)[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){1,3}$")
_GENERIC_ONLY = re.compile(r"^(?:the\s+)?(?:research|university|institute|laboratory|lab|labs|inc\.?|ltd\.?|"
                           r"company|corporation|center|centre|college|team|group|ai)$", re.IGNORECASE)
_LEGAL_FORM = re.compile(r",?\s+(?:co\.,?\s*)?(?:inc|ltd|llc|gmbh|corp|co|corporation|limited|s\.a|plc)\.?$",
                         re.IGNORECASE)


def organisations_of(front: FrontMatter, page_text: list[str], running_lines: list[str]) -> list[str]:
    """The organisations of a paper as a reader names them, lead first, from every signal: a team written as
    the author, "All authors from X" footnotes (the lead: everyone's), the affiliations as printed (the first
    author's first), "Work done at X" notes, running heads naming an organisation, and the email domains and
    links of the first page through `DOMAIN_ORGANISATIONS` (the domain's own name only when nothing else names
    one). Short forms as written ("Zhuiyi Technology" for "Zhuiyi Technology Co., Ltd."), deduplicated: an
    organisation already named in a longer form ("Google" beside "Google Research") is not repeated."""
    joined = "\n".join(page_text)
    everyone = [m.group(1) for m in _WORK_AT.finditer(joined) if m.group(0).lower().startswith("all authors")]
    visited = [m.group(1) for m in _WORK_AT.finditer(joined) if not m.group(0).lower().startswith("all authors")]
    title = _loose(front.title or "")
    teams = [line.strip() for line in page_text[:40] if _TEAM.match(line.strip()) and not _sentence(line)
             and _loose(line) not in title]  # "Constitutional AI" printed as the title is no team
    heads = [line for line in running_lines if len(line.split()) <= 5 and _loose(line) not in title and (
        _TEAM.match(line) or _LAB_HEAD.match(line) or (
            _ORGANISATION.search(line) and not _NOT_A_TITLE.search(line) and not any(c.isdigit() for c in line)))]
    found: list[str] = []
    for organisation in [*teams, *everyone, *front.affiliations, *visited, *heads]:
        short = _short_form(organisation)
        if _GENERIC_ONLY.match(short):
            continue  # "Research", "University": a name cut to its last word names no one
        if _ORGANISATION.search(organisation) or _TEAM.match(organisation) or _LAB_HEAD.match(organisation):
            _add_organisation(found, short)
    domains = [*front.email_domains, *(d for text in page_text for d in _link_domains(text))]
    from_domains = [o for o in (_domain_organisation(d) for d in domains) if o]
    for organisation in from_domains:
        _add_organisation(found, organisation, from_domain=True)
    if not found and front.email_domains:
        found.append(_registrable(front.email_domains[0]))
    return found[:8]


def _short_form(organisation: str) -> str:
    organisation = _LEGAL_FORM.sub("", organisation.strip(" .,;:"))
    return _LEGAL_FORM.sub("", organisation).strip(" .,;:")


def _add_organisation(found: list[str], organisation: str, *, from_domain: bool = False) -> None:
    """Append unless already named: the same name, or a longer one that contains it as whole words."""
    key = f" {_loose(organisation)} "
    for index, present in enumerate(found):
        other = f" {_loose(present)} "
        if key in other or (from_domain and _same_organisation(organisation, present)):
            return
        if other in key and _domain_like(present):
            found[index] = organisation  # "Google" from an email, then "Google Research" as printed
            return
    found.append(organisation)


def _same_organisation(short: str, long: str) -> bool:
    """"UNC Chapel Hill" and "University of North Carolina at Chapel Hill": each word of the one is a word of
    the other or the other's initials."""
    words = [w for w in _loose(long).split() if w not in _CONNECTIVE_WORDS]
    initials = "".join(w[0] for w in words)
    return all(w in words or initials.startswith(w) for w in _loose(short).split() if w not in _CONNECTIVE_WORDS)


def _domain_like(organisation: str) -> bool:
    return organisation in DOMAIN_ORGANISATIONS.values()


_HOSTS = {"huggingface.co", "github.com", "github.io", "modelscope.cn", "arxiv.org", "doi.org", "openreview.net",
          "gitlab.com", "colab.research.google.com", "drive.google.com", "sites.google.com", "youtube.com"}


def _link_domains(text: str) -> list[str]:
    """Domains of the links in a line, code and model hosts left out (a lab's page on them is not the lab)."""
    domains = [m.group(1).lower() for m in _LINK.finditer(text)]
    return [d for d in domains if not any(d == h or d.endswith("." + h) for h in _HOSTS)]


def _domain_organisation(domain: str) -> str | None:
    labels = domain.lower().split(".")
    for start in range(len(labels) - 1):
        if (organisation := DOMAIN_ORGANISATIONS.get(".".join(labels[start:]))) is not None:
            return organisation
    return None


def _registrable(domain: str) -> str:
    """The organisation's own part of a domain: "student.uj.edu.pl" -> "uj.edu.pl", "mail.wezhuiyi.com" ->
    "wezhuiyi.com"."""
    labels = domain.lower().split(".")
    second_level = {"edu", "ac", "co", "com", "org", "gov", "net"}
    keep = 3 if len(labels) >= 3 and labels[-2] in second_level and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_PRINTED_DATE = re.compile(  # REVTeX prints "(Dated: December 3, 2026)"
    rf"^(?:\(?Dated:\s*)?(?:(?P<month>{_MONTHS})\s+(?:(?P<day>\d{{1,2}}),?\s+)?(?P<year>(?:19|20)\d\d)"
    rf"|(?P<iyear>(?:19|20)\d\d)-(?P<imonth>0[1-9]|1[0-2])-(?P<iday>[0-3]\d))\)?$",
    re.IGNORECASE,
)


_ISSUE_DATE = re.compile(rf"\b(?P<month>{_MONTHS})\.?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)


def _issue_date(running_lines: list[str]) -> date | None:
    """The issue a journal's running head names ("Vol. 101, No. 5, May 2013 | Proceedings of the IEEE")."""
    for line in running_lines:
        if (match := _ISSUE_DATE.search(line)) and re.search(r"\b(?:vol|no|issue|proceedings|journal)\b", line, re.I):
            return date(int(match["year"]), _MONTHS.split("|").index(match["month"].lower()) + 1, 1)
    return None


def printed_date(lines: list[Line]) -> date | None:
    """A date printed on a line of its own in the front matter ("August 22, 2023", "2025-05-14", "June 2024"):
    when a copy without an arXiv stamp was issued."""
    for line in lines:
        match = _PRINTED_DATE.match(line.text.strip())
        if not match:
            continue
        try:
            if match["iyear"]:
                return date(int(match["iyear"]), int(match["imonth"]), int(match["iday"]))
            month = [m for m in _MONTHS.split("|")].index(match["month"].lower()) + 1
            return date(int(match["year"]), month, int(match["day"] or 1))
        except ValueError:
            continue
    return None

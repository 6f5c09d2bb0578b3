"""A draft without an LLM: the paper's own sentences in the Summary shape.

Used when no LLM is configured (the default, so `paperflow summarize` works on a fresh machine) or
when asked for with `--llm none`. Every point is a whole sentence copied from the paper (abstract,
introduction, results, conclusion; never a footnote, a caption or a table row), so every number in it is the
paper's own; the topic is the abstract's first sentence (its main clause, when long), the keywords come from YAKE (a keyword extractor that
needs no model) over the abstract and introduction, the organisations from the paper's front matter, the date
is the paper's own. The summary is marked `drafted_by=EXTRACTIVE` and the entry template says so in the log.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from paperflow.text.extract import PaperText
from paperflow.models import DraftedBy, Paper, Point, Summary, SummaryContent
from paperflow.text.sections import SectionKind
from paperflow.summary.evidence import EvidenceIndex
from paperflow.summary.summarize import build_summary

HOW_TO_CONFIGURE = (
    "no LLM configured: these are extractive drafts (the papers' own sentences); for real summaries set "
    "[llm] base_url and model in paperflow.toml (any OpenAI-compatible endpoint, e.g. a local llama.cpp server)"
)
MAX_SENTENCE_CHARS = 400  # longer sentences are skipped (a point is a whole sentence, never cut)
MAX_TOPIC_CHARS = 300
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[“\"])|(?<=[。！？])")
_CONTRIBUTION = re.compile(
    r"\b(we|this paper|this work|our (?:approach|method|model))\b[^.]*?\b(propose|present|introduce|develop|design)",
    re.I,
)
_RESULT = re.compile(r"\b(achiev|outperform|improv|state[- ]of[- ]the[- ]art|surpass|reach|result|accura|gain)", re.I)
# What the paper concludes, in its own voice: "we showed", "our results demonstrate", "X outperforms".
_FINDING = re.compile(
    r"\b(?:we|our|this (?:paper|work|study))\b[^.]{0,120}?\b(?:show|find|found|demonstrat|present|introduc|propos|"
    r"achiev|outperform|improv|enabl|establish|contribut|generaliz|recommend)|\bresults? (?:show|suggest|indicate|demonstrate)|"
    r"\boutperform|state[- ]of[- ]the[- ]art",
    re.I,
)
# A heading glued to the first sentence of its section ("ABSTRACT | Spoken...", "Limitations: There are...").
_LEADING_HEADING = re.compile(r"^(?:abstract|summary|conclusions?|limitations|discussion)\s*[|:.\u2014-]\s*", re.I)
_DATA = re.compile(r"\b(dataset|data set|benchmark|corpus|corpora|collected|annotat)", re.I)
_STOPWORDS = frozenset(
    """about above after again against also among an and any are based been before being between both but
    can could does doing during each from further have having here into its itself more most much must
    only other our ours over paper same should show shows shown some such than that their them then there
    these they this those through under until using very well were what when where which while will with
    within without would your approach method methods model models results work propose proposed novel new
    use used task tasks performance existing however first second number large small high different""".split()
)


# Author notes a PDF may glue into the text ("All authors from DeepMind, †Equal contributions, ‡Equal senior
# authorship"): never part of a sentence.
_AUTHOR_NOTE = re.compile(
    r"[∗*†‡§¶⋆]?\s?(?:all authors (?:are )?(?:from|at) _ORG|equal (?:senior )?(?:contributions?|authorship|"
    r"advising)|corresponding authors?|work (?:was )?(?:done|performed)(?: while)? (?:at|during an internship at) _ORG)"
    r"(?:[.,;]\s*|\s+(?=(?-i:[∗*†‡§¶⋆A-Z]))|$)".replace("_ORG", r"(?-i:[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,4})"),
    re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace folded, without fragments shorter than four words, without a
    section heading glued to the front and without author notes glued in."""
    folded = " ".join(_AUTHOR_NOTE.sub(" ", text).split())
    found = (_LEADING_HEADING.sub("", s.strip()) for s in _SENTENCE_SPLIT.split(folded))
    return [s for s in found if len(s.split()) >= 4 or re.search(r"[。！？]$", s)]


# A caption's label ends in a colon ("Figure 1: Our reparametrization."), also where a figure's label is glued in
# front of it; running text that names a float ("Table 2 shows") has none.
_NOT_PROSE = re.compile(r"https?://|www\.|@|\bcorrespond|equal contribution|^(?:fig(?:ure)?|table|algorithm)\s*\d|"
                        r"\b(?:fig(?:ure)?\.?|table)\s*\d+[a-z]?\s*:|"
                        r"\[\s*…\s*\]|…|[.:]\s*\(?\d+\)?\.$", re.IGNORECASE)  # the last: "…G and D. 2." (a list's next item)


def _readable(sentence: str) -> bool:
    """A sentence worth quoting: prose of a readable length, not a URL, caption, footnote or table row."""
    if not 30 <= len(sentence) <= MAX_SENTENCE_CHARS or _NOT_PROSE.search(sentence):
        return False
    visible = sentence.replace(" ", "")
    letters = sum(c.isalpha() for c in visible)
    return letters >= 0.7 * len(visible) and sentence.rstrip()[-1:] in ".!?。！？"


def _kind_sentences(text: PaperText, kind: SectionKind) -> list[str]:
    return [s for section in text.of_kind(kind) for s in sentences(section.text)]


def _first(candidates: Iterable[str], used: set[str], pattern: re.Pattern[str] | None = None) -> str | None:
    for sentence in candidates:
        if sentence in used or not _readable(sentence):
            continue
        if pattern is None or pattern.search(sentence):
            used.add(sentence)
            return sentence
    return None


# Paragraphs of a conclusion that are not its conclusion ("Limitations: There are limitations to this study.").
_ASIDE_PARAGRAPH = re.compile(r"^(?:(?:limitations?|broader impacts?|ethic\w*|practical discussion|societal impacts?)\s*[:.]"
                              r"|[•▪◦*–-])", re.I)  # and bulleted lists (questions and answers, future items)
_RUN_IN_HEADING = re.compile(r"^[A-Z][\w ,&-]{2,50}:\s+(?=[A-Z])")  # "Recommendations and Future Directions: We…"
_WEAK = re.compile(r"^there (?:are|is)\b|\blimitation|\bfuture (?:work|research)|\bnot\b|\bnever\b|\bunlike\b|"
                   r"\balthough\b", re.I)


TOPIC_CHARS = 160  # a topic reads as a phrase ("研究 …，要点："); a longer first sentence is cut at a clause
_CLAUSE_END = re.compile(r",\s+(?:in which|which|where|while|whereby|thus|so that)\b|[:;]\s|\.\s|\s[—–]\s|\s\(")
_WE_PROPOSE = re.compile(r"^(?:in this (?:paper|work),?\s+)?(?:we|this (?:paper|work))\s+"
                         r"(?:propose|present|introduce|describe|study|explore|investigate)s?\s+(?=\S)", re.I)


def _topic(abstract: list[str]) -> tuple[str | None, str | None]:
    """What the paper is about and the sentence it comes from: the abstract's first sentence, its main clause
    when the sentence is long, without "We propose" ("a new framework for estimating generative models via an
    adversarial process")."""
    if not abstract:
        return None, None
    sentence = abstract[0]
    topic = sentence
    if len(topic) > TOPIC_CHARS and (cut := _CLAUSE_END.search(topic, 40)) and cut.start() <= MAX_TOPIC_CHARS:
        topic = topic[: cut.start()]
    if len(topic) > MAX_TOPIC_CHARS:
        sentence = next((s for s in abstract[1:] if len(s) <= MAX_TOPIC_CHARS), None)
        return sentence, sentence
    return _WE_PROPOSE.sub("", topic), sentence


def _concluding(text: PaperText, used: set[str]) -> str | None:
    """The sentence the verdict quotes: the conclusion's first claim in the paper's own voice ("This paper has
    demonstrated…", "We presented…"), outside its limitations paragraphs, never a hedge or a list item."""
    pool = [s for section in text.of_kind(SectionKind.CONCLUSION)
            for paragraph in re.split(r"\n\s*\n", section.text) if not _ASIDE_PARAGRAPH.match(paragraph.strip())
            for s in sentences(_RUN_IN_HEADING.sub("", paragraph.strip())) if not _WEAK.search(s)]
    return _first(pool, used, _FINDING) or _first(pool, used)


def keywords(body: str, limit: int = 5) -> list[str]:
    """3 to `limit` key phrases of `body` (the abstract and introduction) by YAKE, the most specific first;
    phrases inside a chosen one are left out. Frequent content words fill up when YAKE finds too few (a very
    short text, or one in a language YAKE does not split into words)."""
    import yake

    chosen: list[str] = []
    extractor = yake.KeywordExtractor(lan="en", n=2, top=4 * limit, dedupLim=0.7)
    for phrase, _score in extractor.extract_keywords(" ".join(body.split())[:20000]):
        phrase = " ".join(phrase.split())
        lowered = phrase.lower()
        if len(phrase) < 3 or lowered in _STOPWORDS or not re.search(r"[A-Za-z]{3}", phrase):
            continue
        if any(lowered in c.lower() or c.lower() in lowered for c in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    for word in _frequent_words(body, limit):
        if len(chosen) >= 3:
            break
        if all(word.lower() not in c.lower() for c in chosen):
            chosen.append(word)
    return chosen[: max(3, limit)]


def _frequent_words(body: str, limit: int) -> list[str]:
    """Acronyms and frequent content words, and generic words when even those are missing."""
    counts: Counter[str] = Counter()
    for word in re.findall(r"[A-Za-z][A-Za-z0-9-]{3,}", body):
        counts[word.lower()] += 1
    chosen: list[str] = []

    def add(word: str) -> None:
        if word.lower() not in _STOPWORDS and word.lower() not in (c.lower() for c in chosen) and len(chosen) < limit:
            chosen.append(word)

    for acronym in re.findall(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b", body):
        if 2 <= len(acronym) <= 12 and counts[acronym.lower()] >= 2:
            add(acronym)
    for word, _ in counts.most_common(50):
        add(word)
    for filler in ("paper", "research", "method"):
        if len(chosen) >= 3:
            break
        chosen.append(filler)
    return chosen[: max(3, limit)]


def extractive_content(paper: Paper, text: PaperText, language: str, published: str) -> SummaryContent:
    """SummaryContent made of the paper's own sentences (see the module docstring)."""
    abstract = sentences(paper.abstract) or _kind_sentences(text, SectionKind.ABSTRACT)
    intro = _kind_sentences(text, SectionKind.INTRODUCTION)
    method = _kind_sentences(text, SectionKind.METHOD)
    results = _kind_sentences(text, SectionKind.RESULTS)
    conclusion = _kind_sentences(text, SectionKind.CONCLUSION)
    everything = [s for section in text.sections if section.kind not in (
        SectionKind.FRONT, SectionKind.REFERENCES, SectionKind.ACKNOWLEDGEMENTS) for s in sentences(section.text)]
    used: set[str] = set()
    points: list[Point] = []

    def point(label: str, sentence: str | None) -> None:
        if sentence and len(points) < 5:
            points.append(Point(label=label, text=sentence, quote=sentence))  # its own evidence

    topic, topic_sentence = _topic(abstract)
    if topic_sentence is not None:
        used.add(topic_sentence)  # not quoted again as a point
    point("背景", _first(intro[:3] + abstract[:1], used))
    point("模型", _first(abstract + intro + method, used, _CONTRIBUTION) or _first(abstract + method, used))
    point("数据", _first(results + method, used, _DATA))
    with_number = re.compile(r"\d")
    result = _first(abstract + results + conclusion, used, _RESULT)
    if result is None or not with_number.search(result):
        result = _first([s for s in abstract + results if with_number.search(s)], used, _RESULT) or result
    point("实验结果", result)
    for sentence in abstract + intro + everything:  # short papers: fill up to three points
        if len(points) >= 3:
            break
        point("其他", _first([sentence], used))
    while len(points) < 3:
        points.append(Point(label="其他", text=paper.title, quote=paper.title))
    closing = (_concluding(text, used) or _first(conclusion, used)
               or _first(list(reversed(abstract)), used) or paper.title)
    if language == "zh":
        verdict = f"总体上，（摘录草稿，评价待写）论文的结论是：{closing}"
    else:
        verdict = f"Overall (extractive draft, judgement still to write), the paper concludes: {closing}"
    # Keywords from the prose only: whole readable sentences, so never a footnote, a caption or a figure's
    # labels ("tennis balls" of a worked example, "Equal senior" of an author note).
    body = " ".join(s for s in sentences(" ".join([
        paper.abstract or "\n".join(s.text for s in text.of_kind(SectionKind.ABSTRACT)),
        *(s.text for s in text.of_kind(SectionKind.INTRODUCTION))])) if _readable(s))
    organisations = [a for a in (paper.affiliations or text.organisations or text.affiliations)[:4] if a.strip()]
    return SummaryContent(
        published=published,
        organisations=organisations,
        topic=(topic or paper.title).rstrip(".。")[:MAX_TOPIC_CHARS],
        keywords=keywords(body),
        points=points,
        verdict=verdict,
        verdict_quote=closing,
    )


def extractive_summary(paper: Paper, text: PaperText, language: str) -> Summary:
    """A Summary with drafted_by=EXTRACTIVE. Its date is the paper's own (arXiv metadata, else the arXiv stamp
    on the PDF, else the date printed in it), empty when the paper has none: never the day it was drafted."""
    when = paper.published or paper.updated or text.arxiv_date or text.printed_date
    published = f"{when.year}.{when.month}" if when else ""
    content = extractive_content(paper, text, language, published)
    return build_summary(
        content, paper, drafted_by=DraftedBy.EXTRACTIVE, model=None,
        local_source=text.sha256, checked_text="\n".join([paper.title, paper.abstract, text.text]),
        evidence=EvidenceIndex.from_paper_text(text),
    )

"""How close tonight's query results are to what the person already reads: BM25 against their own log.

The person's log says what they read and how they judged it, years of it. Each entry (its text: title,
topic line, keywords, points, verdict) and each open pending item is a BM25 document (`bm25s`); each paper
(title and abstract) is a query against them. Term rarity (IDF) is measured over the log *and* tonight's
papers together: a log alone is too small to know that "bug" is common and "metamorphic" is not.

Raw BM25 grows with the length of the query, so a paper's score against an entry is divided by the most
that paper could score (each of its terms at most adds its IDF): a share between 0 and 1 that compares
across papers. Recent entries weigh more (half weight `HALF_LIFE_DAYS` before the newest entry, never
below `MIN_WEIGHT`); open pending items weigh as the newest entry. A paper's score is the mean weighted
share of its `NEAREST` closest entries, which are shown with it ("close to 《RETRO》, 2023.12.4"): a paper
near several things the person read ranks above one sharing a phrase with a single entry.

Entries are Chinese sentences around English technical terms. English words are case-folded, stop words
dropped and Snowball-stemmed (`tests` and `testing` meet). Runs of CJK characters become overlapping
character pairs (the usual dictionary-free CJK indexing), cut at function characters, with the log's own
boilerplate (要点, 背景, 实验结果, 总体上, ...) left out: Chinese counts where both sides have it (a pending
item's note, a Chinese title) and the template every entry repeats counts for nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_CHINESE, STOPWORDS_EN_PLUS
from pydantic import BaseModel

from paperflow.log.weekly_log import ParsedLog
from paperflow.models import Paper

HALF_LIFE_DAYS = 730  # an entry two years older than the newest one counts half
MIN_WEIGHT = 0.25  # what the oldest entries still count: an old interest is still an interest
NEAREST = 3  # the entries a paper's score is the mean of, shown as its nearest
MIN_NEAR_SHARE = 0.01  # below this an entry shares a stray word, not a subject: not shown as near
_K1, _B = 1.5, 0.75  # BM25's usual parameters (the bm25s defaults)

_URL = re.compile(r"https?://\S+|\barxiv:\s*\d{4}\.\d{4,5}(?:v\d+)?", re.IGNORECASE)
_TERM = re.compile(r"[a-z][a-z0-9]*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_EN_STOP = frozenset(STOPWORDS_EN_PLUS)
# Function characters that end a Chinese word (pairs across them, 型的 or 的一, mean nothing). A short
# list on purpose: 多 (多模态) and 自 (自动驾驶) start real terms.
_ZH_SPLIT = re.compile("[的了和与及或在是也都就很把被对从而但这那其之于为以个些]")
# Two-character words of the log's own template: every entry has them, they say nothing about a paper.
_ZH_BOILERPLATE = frozenset("一篇 篇文 文章 研究 要点 背景 数据 模型 实验 验结 结果 总体 体上 其他 合作 值得 跟进".split())
_ZH_STOP_PAIRS = frozenset(w for w in STOPWORDS_CHINESE if len(w) == 2) | _ZH_BOILERPLATE
_STEMMER = Stemmer.Stemmer("english")


# ------------------------------------------------------------------------------------------- tokens


@lru_cache(maxsize=65536)
def _english_term(word: str) -> str:
    """The stem of a case-folded English word, or "" for a stop word or a single letter."""
    return "" if len(word) < 2 or word in _EN_STOP else _STEMMER.stemWord(word)


def tokenize(text: str) -> list[str]:
    """The terms BM25 counts in `text`: stemmed English words (stop words, one-letter words and numbers
    left out) and CJK character pairs. Links and arXiv ids are left out: they name, they do not describe."""
    text = _URL.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    tokens: list[str] = []
    for word in _TERM.findall(text):
        if word[0].isascii():
            term = _english_term(word)
            if term:
                tokens.append(term)
            continue
        for piece in _ZH_SPLIT.split(word):
            tokens.extend(p for p in (piece[i : i + 2] for i in range(len(piece) - 1)) if p not in _ZH_STOP_PAIRS)
    return tokens


# -------------------------------------------------------------------------------------------- model


class NearEntry(BaseModel):
    """An earlier entry (or an open pending item) close to a paper."""

    title: str
    day: date | None = None  # None for a pending item
    pending: bool = False
    share: float  # the paper's weighted share of what it could score against this entry, 0..1

    def describe(self) -> str:
        if self.pending:
            return f"pending item {self.title!r}"
        when = f", {self.day.year}.{self.day.month}.{self.day.day}" if self.day else ""
        return f"《{self.title}》{when}"


class Relevance(BaseModel):
    """How close one paper is to the person's log: `score` 0..1 and the entries that made it."""

    key: str
    score: float
    nearest: list[NearEntry] = []

    def describe(self) -> str:
        """"0.031, close to 《RETRO》, 2023.12.4; 《Mixtral of Experts》, 2024.1.3" (or "no close entry")."""
        return f"{self.score:.3f}, {self.closeness()}"

    def closeness(self) -> str:
        """"close to 《RETRO》, 2023.12.4; 《Mixtral of Experts》, 2024.1.3", or "no close entry"."""
        if not self.nearest:
            return "no close entry"
        return "close to " + "; ".join(n.describe() for n in self.nearest)


@dataclass(frozen=True)
class _Document:
    title: str
    day: date | None
    pending: bool
    weight: float
    terms: list[str]


# ---------------------------------------------------------------------------------------- the index


class LogIndex:
    """The person's log (entries and open pending items), tokenized once, to score batches of papers."""

    def __init__(self, documents: Sequence[_Document]):
        self.documents = [d for d in documents if d.terms]
        self._weights = np.array([d.weight for d in self.documents], dtype=np.float32)

    @classmethod
    def from_log(
        cls, parsed: ParsedLog, *, half_life_days: float = HALF_LIFE_DAYS, min_weight: float = MIN_WEIGHT
    ) -> LogIndex:
        """The log's entries (weighted by age against the newest dated entry) and open pending items
        (weighted as the newest entry)."""
        days = [e.day for e in parsed.entries if e.day is not None]
        newest = max(days) if days else None
        documents: list[_Document] = []
        for entry in parsed.entries:
            weight = min_weight
            if entry.day is not None and newest is not None:
                weight = max(min_weight, 0.5 ** ((newest - entry.day).days / half_life_days))
            documents.append(_Document(entry.title, entry.day, False, weight, tokenize(parsed.entry_text(entry))))
        for item in parsed.pending_open:
            title = " ".join(re.sub(r"[*_`]+", "", item.text).split())[:120]
            documents.append(_Document(title, None, True, 1.0, tokenize(item.text)))
        return cls(documents)

    def __len__(self) -> int:
        return len(self.documents)

    def score(self, papers: Sequence[Paper], nearest: int = NEAREST) -> dict[str, Relevance]:
        """Each paper's relevance (by key): the mean weighted share of its `nearest` closest entries."""
        queries = [tokenize(f"{p.title}\n{p.abstract}") for p in papers]
        if not self.documents:
            return {p.key: Relevance(key=p.key, score=0.0) for p in papers}
        corpus = [d.terms for d in self.documents] + [q for q in queries if q]
        retriever = bm25s.BM25(k1=_K1, b=_B, method="lucene")
        retriever.index(corpus, show_progress=False)
        idf = _lucene_idf(corpus)
        n_docs = len(self.documents)
        out: dict[str, Relevance] = {}
        for paper, terms in zip(papers, queries, strict=True):
            possible = sum(idf[t] for t in terms)
            if possible <= 0:
                out[paper.key] = Relevance(key=paper.key, score=0.0)
                continue
            # Only the log's documents are read; the papers are in the index for their term counts only.
            shares = bm25_scores(retriever, terms)[:n_docs] / possible * self._weights
            best = np.argsort(-shares, kind="stable")[:nearest]
            near = [
                NearEntry(title=self.documents[i].title, day=self.documents[i].day,
                          pending=self.documents[i].pending, share=round(float(shares[i]), 4))
                for i in best
                if shares[i] >= MIN_NEAR_SHARE
            ]
            out[paper.key] = Relevance(key=paper.key, score=round(float(shares[best].mean()), 4), nearest=near)
        return out


def bm25_scores(retriever: bm25s.BM25, terms: Sequence[str]) -> np.ndarray:
    """What `retriever.get_scores(terms)` returns (a query term counted as often as it occurs), in one
    vectorized pass over the index's term-by-document scores instead of bm25s's one numpy call per term
    (500 abstracts against a 200-entry log: 0.6 s that way, 0.25 s this way; benchmarks/relevance.py)."""
    ids = np.fromiter((retriever.vocab_dict[t] for t in terms if t in retriever.vocab_dict), dtype=np.int64)
    unique, counts = np.unique(ids, return_counts=True)
    data, indices, indptr = retriever.scores["data"], retriever.scores["indices"], retriever.scores["indptr"]
    starts, lengths = indptr[unique], indptr[unique + 1] - indptr[unique]
    # Every stored (term, document) score of the query's terms: each term's run start..start+length.
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
    weights = data[offsets].astype(np.float64) * np.repeat(counts, lengths)
    return np.bincount(indices[offsets], weights=weights, minlength=retriever.scores["num_docs"])


def _lucene_idf(corpus: Sequence[list[str]]) -> dict[str, float]:
    """Lucene's IDF per term, the one bm25s scores with (method="lucene"): the most one occurrence of the
    term in a query can add to a document's score."""
    n = len(corpus)
    df = Counter(term for doc in corpus for term in set(doc))
    return {term: math.log(1 + (n - f + 0.5) / (f + 0.5)) for term, f in df.items()}


def score_papers(papers: Sequence[Paper], parsed: ParsedLog | None) -> dict[str, Relevance]:
    """Relevance of each paper (by key) to the log; every score is 0 when there is no log."""
    if parsed is None:
        return {p.key: Relevance(key=p.key, score=0.0) for p in papers}
    return LogIndex.from_log(parsed).score(papers)


def rank(papers: Sequence[Paper], relevance: dict[str, Relevance]) -> list[Paper]:
    """`papers` by score, best first; equal scores keep their order (newest first from the query)."""
    return sorted(papers, key=lambda p: -(relevance[p.key].score if p.key in relevance else 0.0))

"""Token counting without any download: a calibrated estimate, plus trimming text to a token budget.

Why an estimate: tiktoken fetches its vocabulary at first use (no internet here) and the LLM behind the
OpenAI-compatible endpoint may use any tokenizer. The estimate counts word pieces, digits, punctuation and CJK
characters with weights fitted against a real tokenizer (benchmarks/extract.py measures the error on the real
papers). It errs on the high side, so a text that fits by the estimate fits the model.
"""

from __future__ import annotations

import re
from functools import lru_cache

# One match per piece that a BPE/SentencePiece tokenizer treats separately.
_PIECES = re.compile(
    r"[A-Za-z]+"  # ASCII words: most are one token, long or rare ones more
    r"|\d"  # digits: many tokenizers (gemma, llama) split numbers into single digits
    r"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"  # CJK: about one token a char
    r"|[^\W\d_]+"  # other letters (accented, Greek, Cyrillic): counted by length below
    r"|\n+"  # line breaks
    r"|[^\s\w]"  # punctuation and symbols: one each
)

# Fitted on the real papers against gemma-3's SentencePiece vocabulary (see benchmarks/extract.py).
_CHARS_PER_WORD_TOKEN = 6.5
_CHARS_PER_OTHER_TOKEN = 2.5
_SAFETY = 1.05


@lru_cache(maxsize=65536)
def _word_tokens(length: int) -> float:
    # A word of up to ~6 letters is one token; longer words split into pieces of about that size.
    return 1.0 if length <= 7 else length / _CHARS_PER_WORD_TOKEN


def estimate_tokens(text: str) -> int:
    """Estimated number of LLM tokens in `text` (no download, no model). Never negative; 0 for ""."""
    if not text:
        return 0
    total = 0.0
    for piece in _PIECES.findall(text):
        first = piece[0]
        if first.isascii() and first.isalpha():
            total += _word_tokens(len(piece))
        elif len(piece) > 1 and first != "\n":
            total += max(1.0, len(piece) / _CHARS_PER_OTHER_TOKEN)
        else:
            total += 1.0
    return int(total * _SAFETY + 0.999)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def trim_to_tokens(text: str, max_tokens: int) -> str:
    """The longest prefix of `text` that ends at a sentence boundary (or, failing that, a word boundary)
    and whose estimate is at most `max_tokens`. Returns `text` unchanged when it already fits, "" when
    not even one word fits."""
    if max_tokens <= 0:
        return ""
    if estimate_tokens(text) <= max_tokens:
        return text
    sentences = _SENTENCE_END.split(text)
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        cost = estimate_tokens(sentence) + 1
        if used + cost > max_tokens:
            if not kept:  # a single sentence longer than the budget: cut it at a word boundary
                return _trim_words(sentence, max_tokens)
            break
        kept.append(sentence)
        used += cost
    return " ".join(kept)


def _trim_words(text: str, max_tokens: int) -> str:
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:  # binary search on the number of words kept
        middle = (low + high + 1) // 2
        if estimate_tokens(" ".join(words[:middle])) <= max_tokens:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low])

"""Token estimate and trimming (no download, no model)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paperflow.text.tokens import estimate_tokens, trim_to_tokens


def test_estimate_grows_with_text_and_counts_cjk_and_digits():
    assert estimate_tokens("") == 0
    assert 8 <= estimate_tokens("The Transformer uses attention only, without recurrence.") <= 14
    assert estimate_tokens("注意力就是一切") >= 7  # about one token per CJK character
    assert estimate_tokens("28.4 BLEU") >= 5  # digits are single tokens in gemma/llama vocabularies
    long_word = estimate_tokens("internationalization")
    assert long_word >= 3


def test_trim_keeps_whole_sentences_within_the_limit():
    text = "First sentence here. Second sentence is a bit longer than the first. Third one."
    trimmed = trim_to_tokens(text, 12)
    assert trimmed == "First sentence here."
    assert trim_to_tokens(text, 1000) == text
    assert trim_to_tokens(text, 0) == ""


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=400), st.integers(min_value=1, max_value=120))
def test_trim_never_exceeds_the_limit_and_is_a_prefix(text, limit):
    trimmed = trim_to_tokens(text, limit)
    assert estimate_tokens(trimmed) <= limit
    assert trimmed.split() == text.split()[: len(trimmed.split())]  # the same words, from the start

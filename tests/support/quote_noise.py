"""Quotes as an LLM writes them, for the evidence tests and benchmarks/evidence.py.

Real quotes: sentences copied from a paper's extracted text with the noise an LLM adds when it
"quotes verbatim": case changed, spacing changed, hyphenation undone or redone, a citation or a few
words left out, a cut marked with "...", curly quotes, the sentence start or end dropped.
Invented quotes: plausible sentences the paper never wrote: claims written by hand in the style of
each paper, two real half-sentences of the paper joined into one (the classic LLM conflation), and
sentences from other papers. `with_changed_number` makes a real sentence claim another number.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from paperflow.summary.evidence import fold
from paperflow.summary.extractive import sentences
from paperflow.text.extract import PaperText
from paperflow.text.sections import SectionKind

QUOTED_KINDS = (SectionKind.ABSTRACT, SectionKind.INTRODUCTION, SectionKind.METHOD, SectionKind.RESULTS,
                SectionKind.DISCUSSION, SectionKind.CONCLUSION)

# Plausible claims each paper does NOT make (checked by reading the papers), in their own style.
INVENTED: dict[str, list[str]] = {
    "arxiv_1406.2661v1_gan.pdf": [
        "We train the generator and the discriminator with a Wasserstein loss to avoid mode collapse.",
        "The discriminator is implemented as a recurrent network that reads the generated image row by row.",
        "Adversarial nets outperform variational autoencoders on every dataset we consider.",
        "Generative adversarial networks require labeled data to train the discriminative model effectively.",
        "We find that updating the generator several times per discriminator step stabilizes the training procedure.",
    ],
    "arxiv_1706.03762v5_attention_is_all_you_need.pdf": [
        "The Transformer uses a convolutional encoder to capture local context before the attention layers.",
        "We found that removing the positional encodings entirely did not hurt translation quality.",
        "Multi-head attention reduces the memory cost of the model to linear in the sequence length.",
        "Recurrent layers remain necessary in the decoder to generate the output sequence one token at a time.",
        "Our results suggest that attention alone is insufficient for long documents without recurrence.",
    ],
    "arxiv_1512.03385v1_resnet.pdf": [
        "Residual networks converge more slowly than plain networks but reach a higher final accuracy.",
        "We replace batch normalization with layer normalization in every residual block.",
        "The identity shortcuts are only used in the first stage of the network to save computation.",
        "Deeper residual networks suffer from the degradation problem just like plain networks of the same depth.",
        "Our residual learning framework requires careful initialization with unsupervised pre-training of each layer.",
    ],
    "arxiv_1810.04805v2_bert.pdf": [
        "BERT is pre-trained with a left-to-right language modeling objective on news articles only.",
        "We show that the next sentence prediction task hurts performance on question answering.",
        "Fine-tuning BERT requires a task-specific recurrent architecture on top of the encoder.",
        "The feature-based approach with BERT performs substantially worse than ELMo on named entity recognition.",
        "Our masked language model replaces every masked token with a random word during pre-training.",
    ],
    "arxiv_1904.05862v4_wav2vec.pdf": [
        "wav2vec is trained on transcribed speech with a connectionist temporal classification loss.",
        "We use a bidirectional transformer to encode the raw audio before the context network.",
        "Pre-training on more unlabeled data does not improve performance when all WSJ training data is used.",
        "Our model operates on log-mel filterbank features rather than on the raw waveform.",
        "The contrastive task distinguishes true future samples from distractors drawn from other speakers only.",
    ],
    "arxiv_2010.11929v2_vit.pdf": [
        "Vision Transformer outperforms convolutional networks even when trained only on ImageNet from scratch.",
        "We add convolutional layers between the transformer blocks to introduce a locality bias.",
        "Self-supervised pre-training closes the gap to supervised pre-training completely.",
        "The position embeddings are learned separately for each image resolution during fine-tuning.",
        "Hybrid models with a ResNet backbone are consistently worse than pure transformers at every compute budget.",
    ],
    "arxiv_2203.00274v2_tableformer.pdf": [
        "TableFormer linearizes the table row by row and encodes the row order with absolute position embeddings.",
        "Our model is sensitive to column order perturbations but robust to row order perturbations.",
        "We pre-train TableFormer from scratch on a large corpus of web tables before fine-tuning.",
        "The structural attention biases are fixed by hand rather than learned during training.",
        "TableFormer underperforms the baselines on WTQ but achieves state-of-the-art performance on TabFact.",
    ],
    "arxiv_2501.10120v1_pasa.pdf": [
        "PaSa is trained with supervised fine-tuning only, without any reinforcement learning.",
        "The Crawler reads full papers and writes a summary of each one for the Selector.",
        "We evaluate PaSa on queries collected from biomedical researchers at several hospitals.",
        "PaSa performs worse than Google Scholar on precision but better on recall.",
        "Our agent relies on a proprietary search engine that is not available to other researchers.",
    ],
    "arxiv_1111.2011v2_quantum_criticality_bethe.pdf": [
        "We solve the model numerically with quantum Monte Carlo simulations on finite Bethe lattices.",
        "The internode hopping raises the upper critical dimension of the theory by one.",
        "The susceptibility diverges at the critical point because of the uniform zero mode.",
        "Our results show that the Bethe lattice behaves like a one-dimensional chain of nodes.",
        "The self-energy is strongly modified by the internode hopping near the transition.",
    ],
}


def paper_sentences(text: PaperText, min_words: int = 10, max_words: int = 45) -> list[str]:
    """Prose sentences of the paper's main sections (not tables or formulas), as extracted."""
    found: list[str] = []
    for section in text.sections:
        if section.kind not in QUOTED_KINDS:
            continue
        for paragraph in section.paragraphs:
            for sentence in sentences(paragraph.text):
                words = sentence.split()
                letters = sum(c.isalpha() for c in sentence)
                if min_words <= len(words) <= max_words and letters >= 0.75 * len(sentence.replace(" ", "")):
                    found.append(sentence)
    return list(dict.fromkeys(found))


# ------------------------------------------------------------------------------------- noise


def _words(sentence: str) -> list[str]:
    return sentence.split(" ")


def lower_case(s: str, rng: random.Random) -> str:
    return s.lower()


def sentence_case(s: str, rng: random.Random) -> str:
    return s[:1].upper() + s[1:]


def title_case(s: str, rng: random.Random) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in _words(s))


def spacing(s: str, rng: random.Random) -> str:
    # Between words only: a model keeps "5,000" and "[23, 9]" as they are.
    s = re.sub(r"(?<=[^\W\d])\s*([,;:])\s*(?=[^\W\d])",
               lambda m: rng.choice([f"{m.group(1)} ", f" {m.group(1)} ", m.group(1)]), s)
    return re.sub(" ", lambda m: rng.choice([" ", " ", "  ", "\n"]), s)


def hyphenation(s: str, rng: random.Random) -> str:
    words = _words(s)
    hyphenated = [i for i, w in enumerate(words) if re.search(r"[^\W\d]-[^\W\d]", w)]  # not "0.1-0.4"
    long_words = [i for i, w in enumerate(words) if len(w) >= 9 and w.isalpha()]
    if hyphenated and rng.random() < 0.5:
        i = rng.choice(hyphenated)
        words[i] = re.sub(r"(?<=[^\W\d])-(?=[^\W\d])", rng.choice(["", " ", "- "]), words[i])
    elif long_words:
        i = rng.choice(long_words)
        cut = rng.randint(3, len(words[i]) - 3)
        words[i] = words[i][:cut] + rng.choice(["-", "- "]) + words[i][cut:]
    return " ".join(words)


def drop_citation(s: str, rng: random.Random) -> str:
    return re.sub(r"\s*[\[(][^\])]{1,60}[\])]", "", s, count=1)


def drop_words(s: str, rng: random.Random) -> str:
    words = _words(s)
    for _ in range(1 if len(words) < 20 else 2):  # small omissions: a word in ten at most
        candidates = [i for i, w in enumerate(words) if not re.search(r"\d", w)]
        if len(candidates) > 6:
            del words[rng.choice(candidates[1:-1])]
    return " ".join(words)


def ellipsis_cut(s: str, rng: random.Random) -> str:
    words = _words(s)
    if len(words) < 16:
        return s
    start = rng.randint(4, len(words) - 10)
    length = rng.randint(3, min(6, len(words) - start - 5))
    return " ".join(words[:start]) + rng.choice([" ... ", "…", " [...] ", " … "]) + " ".join(words[start + length:])


def curly_quotes(s: str, rng: random.Random) -> str:
    return s.replace("'", "’").replace('"', "“").replace("-", rng.choice(["-", "‐"]))


def truncate(s: str, rng: random.Random) -> str:
    words = _words(s)
    if len(words) < 15:
        return s
    if rng.random() < 0.5:
        return " ".join(words[rng.randint(1, 2):])
    return " ".join(words[: len(words) - rng.randint(1, 2)]).rstrip(",;:") + "."


def no_final_period(s: str, rng: random.Random) -> str:
    return s.rstrip(". ")


NOISES: list[Callable[[str, random.Random], str]] = [
    lower_case, sentence_case, title_case, spacing, hyphenation, drop_citation, drop_words, ellipsis_cut,
    curly_quotes, truncate, no_final_period,
]


def noisy(sentence: str, rng: random.Random, count: int = 2) -> str:
    """`sentence` with `count` kinds of LLM noise applied (at least one changes it)."""
    quote = sentence
    for noise in rng.sample(NOISES, count):
        quote = noise(quote, rng)
    return quote


def chimera(first: str, second: str) -> str | None:
    """The first half of one real sentence joined to the second half of another, or None when one of them
    is much shorter (the result would be mostly one real sentence, not an invention)."""
    a, b = _words(first), _words(second)
    head, tail = " ".join(a[: len(a) // 2]), " ".join(b[len(b) // 2:])
    sizes = len(fold(head)), len(fold(tail))
    if min(len(a), len(b)) < 12 or max(sizes) > 1.5 * min(sizes):
        return None
    return f"{head} {tail}"


def with_changed_number(sentence: str, rng: random.Random) -> str | None:
    """`sentence` with one of its numbers changed, or None when it has none worth changing."""
    numbers = list(re.finditer(r"(?<![A-Za-z\-])\d+(?:\.\d+)?", sentence))
    if not numbers:
        return None
    match = rng.choice(numbers)
    digits = match.group(0)
    position = rng.choice([i for i, c in enumerate(digits) if c.isdigit()])
    new_digit = rng.choice([d for d in "0123456789" if d != digits[position]])
    changed = digits[:position] + new_digit + digits[position + 1:]
    return sentence[: match.start()] + changed + sentence[match.end():]

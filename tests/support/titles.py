"""Title variants people write, and how well title_similarity separates true from false matches
(tests/test_pending_match.py asserts on it, benchmarks/arxiv_requests.py prints it)."""

from __future__ import annotations

import random
import re

from paperflow.sources.pending import MIN_MAIN_TITLE_CHARS, _loose, title_similarity


def variants(title: str, rnd: random.Random) -> dict[str, str]:
    out = {
        "lower": title.lower(),
        "upper": title.upper(),
        "no punctuation": re.sub(r"[^\w\s]", "", title),
        "hyphen as space": title.replace("-", " "),
        "extra spaces": "  ".join(title.split()),
    }
    main = re.split(r"\s*:\s+", title, maxsplit=1)[0]
    if main != title and len(_loose(main)) >= MIN_MAIN_TITLE_CHARS:
        out["missing subtitle"] = main
    i = rnd.randrange(1, len(title) - 1)
    out["one letter dropped"] = title[:i] + title[i + 1 :]
    out["two letters swapped"] = title[:i] + title[i + 1 : i + 2] + title[i : i + 1] + title[i + 2 :]
    return out


def measure(titles: list[str]) -> tuple[dict[str, float], float, tuple[str, str]]:
    """(lowest score of a true match per kind, highest score of a false match, that false pair)."""
    rnd = random.Random(3)
    lowest: dict[str, float] = {}
    worst_false, worst_pair = 0.0, ("", "")
    for i, title in enumerate(titles):
        for kind, wanted in variants(title, rnd).items():
            lowest[kind] = min(lowest.get(kind, 1.0), title_similarity(wanted, title))
            for j, other in enumerate(titles):
                if j != i:
                    score = title_similarity(wanted, other)
                    if score > worst_false:
                        worst_false, worst_pair = score, (wanted, other)
    return lowest, worst_false, worst_pair

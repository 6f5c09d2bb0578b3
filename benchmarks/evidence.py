"""Evidence verification on the real papers in ../shared/data/pdf (or --data DIR/pdf).

1. Threshold: the match score (0-100) of real quotes (every prose sentence of every paper, with the
   noise an LLM adds: case, spacing, hyphenation, a citation or a few words left out, "..." cuts)
   against invented ones (hand-written plausible claims, two real half-sentences joined, sentences of
   the other papers), and a real sentence with one number changed. Prints each group's scores, the
   gap, and how many of each the verifier keeps at MATCH_THRESHOLD (with the number rule).
2. Scripted answer: per paper, five points whose quotes are three real (noisy) and two invented, and a
   verdict quoting the conclusion: the share of points with verified evidence, real kept, invented flagged.

    .venv/bin/python benchmarks/evidence.py [--data DIR] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.quote_noise


def _load(data: Path):
    from paperflow.settings import Settings
    from paperflow.text.extract import extract_pdf

    pdfs = sorted((data / "pdf").glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs in {data / 'pdf'}")
    settings = Settings(output_dir=Path(tempfile.mkdtemp(prefix="paperflow-evidence-")))
    return {pdf.name: extract_pdf(pdf, settings, pdf.name) for pdf in pdfs}


def _row(name: str, scores: list[float]) -> str:
    ordered = sorted(scores)
    p5 = ordered[len(ordered) // 20]
    p95 = ordered[min(len(ordered) - 1, (len(ordered) * 19) // 20)]
    return (f"{name:<34} {len(ordered):>6} {ordered[0]:>6.1f} {p5:>6.1f} {statistics.median(ordered):>7.1f} "
            f"{p95:>6.1f} {ordered[-1]:>6.1f}")


SWEEP = (80.0, 85.0, 87.0, 90.0, 93.0, 95.0)


def threshold(texts, rng: random.Random) -> None:
    from paperflow.summary import evidence
    from tests.quote_noise import INVENTED, chimera, noisy, paper_sentences, with_changed_number

    # Scores and the number rule's verdict, whatever the threshold: look up with the threshold at 0.
    chosen, evidence.MATCH_THRESHOLD = evidence.MATCH_THRESHOLD, 0.0
    groups: dict[str, list[tuple[float, bool, str]]] = {
        "real, noisy": [], "invented: hand-written": [], "invented: two half-sentences": [],
        "invented: other papers' sentences": [], "real with a number changed": [],
    }
    started, count = time.perf_counter(), 0
    all_sentences = {label: paper_sentences(text) for label, text in texts.items()}
    try:
        for label, text in texts.items():
            index = evidence.EvidenceIndex.from_paper_text(text)
            own = all_sentences[label]

            def look(group: str, quote: str) -> None:
                nonlocal count
                check = index.check(quote)
                groups[group].append((check.best_score, check.verified, quote))
                count += 1

            for sentence in own:
                look("real, noisy", noisy(sentence, rng, rng.randint(1, 3)))
                if (changed := with_changed_number(sentence, rng)) is not None:
                    look("real with a number changed", changed)
            for quote in INVENTED[label]:
                look("invented: hand-written", quote)
            made = 0
            for _ in range(2000):
                if made == len(own) // 4:
                    break
                if (joined := chimera(*rng.sample(own, 2))) is not None:
                    look("invented: two half-sentences", joined)
                    made += 1
            others = [s for other, sentences in all_sentences.items() if other != label for s in sentences]
            for sentence in rng.sample(others, min(len(others), len(own) // 4)):
                look("invented: other papers' sentences", sentence)
    finally:
        evidence.MATCH_THRESHOLD = chosen
    seconds = time.perf_counter() - started

    print(f"1. Match scores (0-100) of quotes looked up in their paper, {len(texts)} papers")
    print(f"{'quotes':<34} {'n':>6} {'min':>6} {'p5':>6} {'median':>7} {'p95':>6} {'max':>6}")
    for name, results in groups.items():
        print(_row(name, [s for s, _, _ in results]))
    print("\nkept at each threshold (score >= threshold; 'numbers' = also the number rule)")
    print(f"{'threshold':>9} " + " ".join(f"{name[:26]:>28}" for name in groups))
    for value in sorted({*SWEEP, chosen}):
        cells = []
        for name, results in groups.items():
            by_score = sum(s >= value for s, _, _ in results)
            with_rule = sum(s >= value and ok for s, ok, _ in results)
            cells.append(f"{by_score / len(results):>8.1%} numbers {with_rule / len(results):>6.1%}")
        marker = "  <- MATCH_THRESHOLD" if value == chosen else ""
        print(f"{value:>9g} " + " ".join(f"{c:>28}" for c in cells) + marker)
    real = sorted(groups["real, noisy"])
    invented = sorted(r for name, results in groups.items() if name.startswith("invented") for r in results)
    print(f"\nlowest real quotes (score, quote):")
    for score, _, quote in real[:3]:
        print(f"  {score:5.1f}  {quote[:140]!r}")
    print("highest invented quotes:")
    for score, ok, quote in invented[-3:][::-1]:
        print(f"  {score:5.1f}  {quote[:140]!r}{'' if ok else '  (numbers differ: flagged)'}")
    print(f"{count} look-ups in {seconds:.2f} s ({1000 * seconds / count:.2f} ms per quote)\n")


def scripted(texts, rng: random.Random) -> None:
    from paperflow.summary.evidence import VERDICT_KINDS, EvidenceIndex
    from tests.quote_noise import INVENTED, noisy, paper_sentences

    print("2. Scripted answer per paper: 3 points quoting real sentences (with noise), 2 quoting invented ones,")
    print("   the verdict quoting the conclusion")
    print(f"{'paper':<50} {'points verified':>15} {'real kept':>9} {'invented flagged':>16}  verdict evidence")
    totals = [0, 0, 0, 0, 0]
    for label, text in texts.items():
        index = EvidenceIndex.from_paper_text(text)
        real = [noisy(s, rng, 2) for s in rng.sample(paper_sentences(text), 3)]
        invented = rng.sample(INVENTED[label], 2)
        checks = [index.check(q) for q in real + invented]
        closing = [s for section in text.sections if section.kind in VERDICT_KINDS
                   for s in paper_sentences(text) if s in section.text] or paper_sentences(text)[-1:]
        verdict = index.check(noisy(closing[0], rng, 1), VERDICT_KINDS)
        kept = sum(c.verified for c in checks[:3])
        flagged = sum(not c.verified for c in checks[3:])
        verified = sum(c.verified for c in checks)
        page = f"p. {verdict.evidence.page}, {verdict.evidence.section or ''}"[:30] if verdict.evidence else "not found"
        print(f"{label:<50} {verified:>13}/5 {kept:>7}/3 {flagged:>14}/2  {page}")
        for i, value in enumerate((verified, kept, flagged, 1 if verdict.verified else 0, 1)):
            totals[i] += value
    papers = totals[4]
    print(f"{'total':<50} {totals[0]:>11}/{5 * papers} {totals[1]:>5}/{3 * papers} {totals[2]:>12}/{2 * papers}"
          f" verdicts {totals[3]}/{papers}")
    print(f"share of points with verified evidence: {totals[0] / (5 * papers):.0%} (expected 60%: 3 of 5 are real)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    texts = _load(args.data)
    threshold(texts, random.Random(args.seed))
    scripted(texts, random.Random(args.seed))


if __name__ == "__main__":
    main()

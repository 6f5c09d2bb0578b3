"""Per paper: input and output tokens, wall time of the LLM call and of everything else, against a
local llama.cpp server (started here unless --base-url is given). Goal: everything else <= 5% of LLM time.

    .venv/bin/python -m benchmarks.summarize [--papers N] [--max-output-tokens 400] [--max-input-tokens 1500]

"Everything else" is what paperflow itself does around the call: extraction (cached PDF text after the
first read is NOT used: each paper is extracted fresh), input selection, prompt rendering, answer
parsing and validation, the number check, the cache write, the entry rendering.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path

from paperflow.log.entry import render_entry, template_path
from paperflow.models import Paper
from paperflow.settings import Settings
from paperflow.sources.local import local_paper
from paperflow.summary.summarize import summarize_paper
from paperflow.text.budget import select_input
from paperflow.text.extract import extract_pdf

REPO = Path(__file__).resolve().parents[1]

PDFS = [
    "arxiv_1406.2661v1_gan.pdf",
    "arxiv_1706.03762v5_attention_is_all_you_need.pdf",
    "arxiv_1512.03385v1_resnet.pdf",
    "arxiv_1810.04805v2_bert.pdf",
    "arxiv_1904.05862v4_wav2vec.pdf",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--papers", type=int, default=3)
    parser.add_argument("--base-url")
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--max-output-tokens", type=int, default=400)
    parser.add_argument("--max-input-tokens", type=int, default=1500)
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        base_url = args.base_url
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        if not base_url:
            from tests.support.llm_server import running_llama

            base_url = stack.enter_context(running_llama(Path(tmp) / "llama.log")).base_url
        settings = Settings(
            output_dir=Path(tmp),
            llm={"base_url": base_url, "model": args.model, "max_output_tokens": args.max_output_tokens,
                 "timeout_seconds": 900, "retries": 1},
            extract={"max_input_tokens": args.max_input_tokens},
        )
        template = template_path(settings.prompts_path(), None)
        print(f"{'paper':<48} {'in tok':>7} {'out tok':>7} {'calls':>5} {'LLM s':>7} {'other s':>8} {'other/LLM':>9}")
        totals = [0.0, 0.0]
        for name in PDFS[: args.papers]:
            path = args.data / "pdf" / name
            started = time.perf_counter()
            paper: Paper = local_paper(path)
            text = extract_pdf(path, settings, name, use_cache=False)
            selected = select_input(text, settings.extract.max_input_tokens)
            result = summarize_paper(paper, selected, settings, [])
            render_entry(result.summary, template, settings.log.language)
            total = time.perf_counter() - started
            other = total - result.llm_seconds
            totals[0] += result.llm_seconds
            totals[1] += other
            print(f"{name:<48} {result.input_tokens:>7} {result.output_tokens:>7} {result.attempts:>5} "
                  f"{result.llm_seconds:>7.2f} {other:>8.3f} {other / result.llm_seconds:>9.2%}")
        print(f"{'total':<48} {'':>7} {'':>7} {'':>5} {totals[0]:>7.2f} {totals[1]:>8.3f} "
              f"{totals[1] / totals[0]:>9.2%}  (goal <= 5%)")


if __name__ == "__main__":
    main()

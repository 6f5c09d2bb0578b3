"""Helpers shared by the tests and the benchmarks (`python -m benchmarks.NAME` imports them as
`tests.support.*`): local HTTP servers on 127.0.0.1 for arXiv, PDFs, LLMs and GitHub, and ledger set-up."""

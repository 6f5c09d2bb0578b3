"""Prefect flows: `nightly` and `summarize` over paperflow.pipeline (thin glue; Prefect stays here)."""

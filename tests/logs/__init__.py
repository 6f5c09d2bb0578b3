"""Test logs for the weekly-log engine: hand-written fixture files and a builder that knows its own counts."""

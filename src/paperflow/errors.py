"""Errors a person reads: one line naming the paper (when there is one), the stage and the cause."""

from __future__ import annotations


class PaperflowError(Exception):
    """Base of every error paperflow raises on purpose. `str()` is the one-line message."""

    def __init__(self, message: str, *, paper: str | None = None, stage: str | None = None):
        self.message = message
        self.paper = paper
        self.stage = stage
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [p for p in (self.paper, self.stage) if p]
        text = " ".join(self.message.split())  # never more than one line
        return ": ".join([*parts, text])


class LogFormatError(PaperflowError):
    """The log file cannot be read (not UTF-8, not a file)."""


class LogChangedError(PaperflowError):
    """The log changed on disk between reading it and writing it: nothing was written."""

"""Log layouts as data: where a log's entries are, how a title is read, where new entries go, which template.

The weekly log (`# YYYY.M` / `## YYYY.M.D` / `《title》`) is one layout; notes kept as one heading per paper
are the others (`# Title` with `**keywords:**` lines, `## NLP` topics holding `#### (2019 Google AI) BERT - …`
entries, `## Title` notes). `[log] layout` is "auto" (recognised from the file, `paperflow.log.headings`),
"weekly", "headings" (heading entries, the details recognised from the file), or a `Layout` set by hand.

This module holds only the model: it imports nothing of paperflow, so the settings can use it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TITLE_LINE = "title-line"
WEEKLY_TEMPLATE = "entry.md.j2"
HEADINGS_TEMPLATE = "entry.headings.md.j2"  # `## Title`, an opening line, numbered points, the verdict
KEYWORDS_TEMPLATE = "entry.keywords.md.j2"  # `# Title`, `**keywords:**`, `**summary:**`
YEAR_ORG_TEMPLATE = "entry.year-org.md.j2"  # `#### (YEAR ORG) Title` with `#####` parts


class Layout(BaseModel):
    """One layout of a paper log (see README, "The log format")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field("custom", max_length=40, description="what `paperflow log check` calls it")
    entries: Literal["title-line"] | Annotated[int, Field(ge=1, le=6)] = Field(
        description='"title-line": an entry opens with a 《title》 line under day headers; 1-6: an entry is a '
                    "heading of that level (deeper headings are its parts, shallower ones its topic section)")
    title: Literal["plain", "year-org"] = Field(
        "plain", description='"year-org": the heading reads "(2019 Google AI) BERT - ..." (year, organisation, title)')
    insert: Literal["day", "end", "top", "topic"] = Field(
        "end", description='"day": under today\'s day header (weekly only); "end" / "top": after the last / before '
                           'the first entry; "topic": at the end of a topic section, `topic` or that of the nearest '
                           "entries")
    topic: str | None = Field(None, max_length=200, description="the topic section new entries go to")
    template: str | None = Field(None, max_length=200, description="entry template file in prompts_dir")

    @model_validator(mode="after")
    def _consistent(self) -> Layout:
        if (self.entries == TITLE_LINE) != (self.insert == "day"):
            raise ValueError('insert = "day" goes with entries = "title-line" (the weekly layout), and only with it')
        if self.entries == TITLE_LINE and self.title != "plain":
            raise ValueError('title = "year-org" needs heading entries (entries = 1..6)')
        if self.topic is not None and self.insert != "topic":
            raise ValueError('topic is only read with insert = "topic"')
        return self

    @property
    def weekly(self) -> bool:
        return self.entries == TITLE_LINE

    @property
    def heading(self) -> str:
        """The entry heading's marker ("####"), "" for the weekly layout."""
        return "" if self.entries == TITLE_LINE else "#" * int(self.entries)

    @property
    def template_name(self) -> str:
        if self.template:
            return self.template
        if self.weekly:
            return WEEKLY_TEMPLATE
        return YEAR_ORG_TEMPLATE if self.title == "year-org" else HEADINGS_TEMPLATE

    def describe(self) -> str:
        """One line for `paperflow log check`."""
        if self.weekly:
            return (f"{self.name}: entries are 《title》 lines under # YYYY.M / ## YYYY.M.D, new entries under "
                    f"today's day; template {self.template_name}")
        title = ", titles read as (YEAR ORG) Title" if self.title == "year-org" else ""
        where = {"end": "after the last entry", "top": "before the first entry",
                 "topic": f"at the end of topic {self.topic!r}" if self.topic else
                          "at the end of the topic section of their nearest entries"}[self.insert]
        return (f"{self.name}: entries are {self.heading} headings{title}, new entries go {where}; "
                f"template {self.template_name}")


LayoutSetting = Literal["auto", "weekly", "headings"] | Layout

WEEKLY = Layout(name="weekly", entries=TITLE_LINE, insert="day", template=WEEKLY_TEMPLATE)

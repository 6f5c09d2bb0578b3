"""Build weekly logs in the documented format (and its irregular older styles) from a structure.

The builder knows, from the structure alone, what a correct parser must find: how many months, days
and entries, which lines are pending items (open or ticked, at which nesting level), which titles
are in the file and which lines nobody can classify. Tests compare `parse_log` and `paperflow log
check` against these counts, never against the parser's own output.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

Line = str | bytes

# Entry styles found in real logs. "no_brackets" is an old entry whose title has no 《》: nobody can
# tell it is an entry, so it does not count as one.
STYLES = ("modern", "drafted", "bold_inside", "bold_outside", "italic", "indented", "numbered_comma", "no_brackets")


@dataclass
class Item:
    text: str
    done: bool = False
    level: int = 0
    marker: str = "-"
    tick: str = "x"  # how a ticked box is written: x or X
    indent_unit: str = "  "


@dataclass
class Entry:
    title: str
    style: str = "modern"
    body: list[Line] = field(default_factory=list)  # extra body lines, after the standard ones

    def lines(self) -> list[Line]:
        t = self.title
        if self.style == "modern":
            head = [f"《{t}》", "", "2023.12 Google 的一篇文章，研究 sparse MoE 语言模型，要点：", "", "1. 背景：……", "2. 模型，……", "", "总体上，……"]
        elif self.style == "drafted":
            head = [f"《{t}》", "", "**keywords:** moe, routing, scaling · [arXiv:2401.04088](https://arxiv.org/abs/2401.04088)", "", "2024.1 Mistral AI 的一篇文章，研究 MoE，要点：", "", "1. 背景：x", "", "总体上，y"]
        elif self.style == "bold_inside":
            head = [f"《**{t}**》", "", "2022.3 一篇文章，要点：", "1. 数据，……"]
        elif self.style == "bold_outside":
            head = [f"**《{t}》**", "", "总体上，值得跟进。"]
        elif self.style == "italic":
            head = [f"《*{t}*》", "", "总体上，一般。"]
        elif self.style == "indented":
            head = [f"  《{t}》", "", "    2019.5 微软的一篇文章，要点：", "    1，背景", "    2，模型"]
        elif self.style == "numbered_comma":
            head = [f"《{t}》", "1，背景：……", "2，实验结果，……", "总体上，……"]
        elif self.style == "no_brackets":
            head = [t, "", "1，旧格式的要点"]
        else:
            raise ValueError(self.style)
        return [*head, *self.body]

    @property
    def counted(self) -> bool:
        return self.style != "no_brackets"


@dataclass
class Day:
    date: date
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Month:
    year: int
    month: int
    days: list[Day] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)  # lines before the month's first day


@dataclass
class Built:
    data: bytes
    lines: list[bytes]  # without endings
    counts: dict[str, int]
    pending_lines: dict[int, Item]  # 0-based line -> item
    month_lines: dict[tuple[int, int], int]
    day_lines: dict[date, int]
    entries: list[tuple[int, str, date]]  # (title line, title, day) of every counted entry, file order
    titles: set[str]  # titles in 《》 outside the pending list (as written, markup aside)
    unclassified: list[int]  # 0-based lines no parser can classify


@dataclass
class Log:
    preamble: list[Line] = field(default_factory=lambda: ["# papers-weekly", "", "我读过的论文，每周更新。"])
    pending: list[Item] | None = None
    pending_notes: list[Line] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    newlines: tuple[str, ...] = ("\n",)  # cycled over the lines: ("\r\n",) is CRLF, ("\n", "\r\n") is mixed
    bom: bool = False
    trailing_newline: bool = True
    blank: int = 1  # blank lines between blocks

    def build(self) -> Built:
        out: list[bytes] = []
        pending_lines: dict[int, Item] = {}
        month_lines: dict[tuple[int, int], int] = {}
        day_lines: dict[date, int] = {}
        entries: list[tuple[int, str, date]] = []
        titles: set[str] = set()
        unclassified: list[int] = []

        def add(line: Line) -> int:
            out.append(line.encode("utf-8") if isinstance(line, str) else line)
            return len(out) - 1

        def blanks() -> None:
            for _ in range(self.blank):
                add("")

        for line in self.preamble:
            add(line)
        if self.pending is not None:
            if out:
                blanks()
            add("# pending list")
            blanks()
            for line in self.pending_notes:
                add(line)
            if self.pending_notes:
                blanks()
            for item in self.pending:
                box = f"[{item.tick}]" if item.done else "[ ]"
                pending_lines[add(f"{item.indent_unit * item.level}{item.marker} {box} {item.text}")] = item
        for month in self.months:
            if out:
                blanks()
            month_lines[(month.year, month.month)] = add(f"# {month.year}.{month.month}")
            if month.loose:
                blanks()
            for line in month.loose:
                index = add(line)
                if line.strip():
                    unclassified.append(index)
            for day in month.days:
                blanks()
                day_lines[day.date] = add(f"## {day.date.year}.{day.date.month}.{day.date.day}")
                in_entry = False
                for entry in day.entries:
                    blanks()
                    for n, line in enumerate(entry.lines()):
                        index = add(line)
                        if n == 0 and entry.counted:
                            in_entry = True
                            entries.append((index, entry.title, day.date))
                            titles.add(entry.title)
                        elif not in_entry and (line.strip() if isinstance(line, str) else line.strip()):
                            unclassified.append(index)

        data = bytearray(b"\xef\xbb\xbf" if self.bom else b"")
        for index, line in enumerate(out):
            last = index == len(out) - 1
            if last and not self.trailing_newline:
                data += line
            else:
                data += line + self.newlines[index % len(self.newlines)].encode()
        counted = [e for m in self.months for d in m.days for e in d.entries if e.counted]
        counts = {
            "months": len(self.months),
            "days": sum(len(m.days) for m in self.months),
            "entries": len(counted),
            "pending_open": sum(1 for i in (self.pending or []) if not i.done),
            "pending_done": sum(1 for i in (self.pending or []) if i.done),
        }
        return Built(bytes(data), out, counts, pending_lines, month_lines, day_lines, entries, titles, unclassified)


def loose_key(title: str) -> str:
    """Independent loose form of a title for the tests: letters and digits only, case folded."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def sample_log(**overrides: object) -> Log:
    """A small log with every part of the format: pending list (nested, a to-do, a link), two months, several days."""
    log = Log(
        pending=[
            Item("Deeper insights into graph convolutional networks for semi-supervised learning"),
            Item("写综述：GNN 论文总结"),
            Item("https://arxiv.org/abs/2106.09685"),
            Item("Tokens-to-Token ViT: Training Vision Transformers from Scratch on ImageNet", done=True),
            Item("通用内容"),
            Item("Grad-cam: Visual explanations from deep networks via gradient-based localization  视觉DNN的可解释性", level=1),
            Item("Big Transfer (BiT): General Visual Representation Learning （CNN中做的比较大的)", level=1, done=True, tick="X"),
        ],
        pending_notes=["> free text, quotes, notes"],
        months=[
            Month(2024, 1, days=[
                Day(date(2024, 1, 3), [Entry("Mixtral of Experts"), Entry("A second paper read the same day", "drafted")]),
                Day(date(2024, 1, 1), [Entry("Emu2: Generative Multimodal Models are In-Context Learners", "bold_inside")]),
            ]),
            Month(2023, 12, loose=["Attention sinks (to read later)"], days=[
                Day(date(2023, 12, 29), [Entry("Gemini: A Family of Highly Capable Multimodal Models", "bold_outside")]),
                Day(date(2023, 12, 7), [Entry("Old Style Paper", "numbered_comma"), Entry("Indented Paper", "indented")]),
            ]),
        ],
    )
    for key, value in overrides.items():
        setattr(log, key, value)
    return log

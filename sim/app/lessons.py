"""The lessons of docs/lessons, read from their Markdown files for the app's lesson mode.

The page shows a lesson's question, its "In the app" steps and its questions beside the run,
and the whole lesson on demand, as the files say them today: nothing is copied here, so a
lesson whose numbers change (the model's rules moved) shows its new numbers at once. A lesson
file is a sequence of parts, each a paragraph opening with its bold name (`**Question.**`,
`**Try it.**`, `**In the app**`, `**The figure.**`, `**What to notice.**`, `**Questions.**`,
`**Theory.**`); the steps are the numbered list of "In the app", the questions the numbered
"(1) ... (2) ..." of "Questions". Sections of docs/model.md that a lesson cites ("`docs/model.md`
§3.10") are read from that file, so the page can show them too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
LESSONS = DOCS / "lessons"
MODEL = DOCS / "model.md"

PART_NAMES = ("Question", "Try it", "In the app", "The figure", "What to notice", "Questions",
              "Theory")  # fmt: skip
_PART = re.compile(r"(?m)^\*\*(" + "|".join(PART_NAMES) + r")\b\.?\*?\*?")
_STEP = re.compile(r"(?m)^\d+\.\s+")
_QUESTION = re.compile(r"\((\d+)\)\s+")
_FIGURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_CITED = re.compile(r"model\.md`?\s*§\s*(\d+(?:\.\d+)*)")
_HEADING = re.compile(r"(?m)^(#{2,4}) (\d+(?:\.\d+)*) (.+)$")


@dataclass(frozen=True)
class Lesson:
    """One lesson as its file says it: the parts the page shows beside the run, and all of it."""

    number: str
    title: str
    question: str  # Markdown, without its bold name
    app_note: str  # what "In the app" says before its steps (may be empty)
    steps: tuple[str, ...]  # Markdown, one a step
    questions: tuple[str, ...]  # Markdown, one a question
    text: str  # the whole file
    figures: tuple[tuple[str, Path], ...]  # (caption, file) of each figure it shows
    cited: tuple[str, ...]  # sections of docs/model.md it cites, e.g. "3.10"


def _parts(text: str) -> dict[str, str]:
    """The lesson's parts by name, each without its bold name and squeezed of its edges."""
    found = list(_PART.finditer(text))
    parts = {}
    for match, after in zip(found, [*found[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        body = text[match.end() : end].strip()
        parts[match.group(1)] = body.lstrip(".*").strip()
    return parts


def _squeeze(text: str) -> str:
    """Markdown lines of one paragraph or list item joined into one line."""
    return " ".join(text.split())


def _steps(part: str) -> tuple[str, tuple[str, ...]]:
    """(what comes before the numbered steps, the steps) of an "In the app" part."""
    pieces = _STEP.split(part)
    return _squeeze(pieces[0]), tuple(_squeeze(p) for p in pieces[1:] if p.strip())


def _questions(part: str) -> tuple[str, ...]:
    """The numbered questions "(1) ... (2) ..." of a "Questions" part."""
    pieces = _QUESTION.split(part)
    return tuple(_squeeze(pieces[k + 1]) for k in range(1, len(pieces) - 1, 2))


def read_lesson(path: Path) -> Lesson:
    """A lesson from its file (docs/lessons/N-name.md)."""
    text = path.read_text(encoding="utf-8")
    heading = re.search(r"(?m)^# Lesson (\d+): (.+)$", text)
    if heading is None:
        raise ValueError(f"{path.name}: no '# Lesson N: title' heading")
    parts = _parts(text)
    missing = [name for name in ("Question", "In the app", "Questions") if name not in parts]
    if missing:
        raise ValueError(f"{path.name}: no part named {', '.join(missing)}")
    note, steps = _steps(parts["In the app"])
    figures = tuple((alt, path.parent / src) for alt, src in _FIGURE.findall(text))
    return Lesson(
        number=heading.group(1),
        title=heading.group(2).strip(),
        question=_squeeze(parts["Question"]),
        app_note=note,
        steps=steps,
        questions=_questions(parts["Questions"]),
        text=text,
        figures=figures,
        cited=tuple(dict.fromkeys(_CITED.findall(text))),
    )


@functools.cache  # read once per server
def lessons() -> tuple[Lesson, ...]:
    """Every lesson of docs/lessons, by number (none if the docs are not installed)."""
    if not LESSONS.is_dir():
        return ()
    found = [read_lesson(path) for path in LESSONS.glob("[0-9]*-*.md")]
    return tuple(sorted(found, key=lambda lesson: int(lesson.number)))


def lesson(number: str) -> Lesson | None:
    """The lesson of that number, or None."""
    return next((item for item in lessons() if item.number == number), None)


@functools.cache
def model_sections() -> dict[str, tuple[str, str]]:
    """Each numbered section of docs/model.md: number -> (title, Markdown up to the next
    heading of the same or a higher level)."""
    if not MODEL.is_file():
        return {}
    text = MODEL.read_text(encoding="utf-8")
    headings = list(_HEADING.finditer(text))
    sections = {}
    for k, match in enumerate(headings):
        level = len(match.group(1))
        end = next((h.start() for h in headings[k + 1 :] if len(h.group(1)) <= level), len(text))
        sections[match.group(2)] = (match.group(3).strip(), text[match.end() : end].strip())
    return sections


def without_figures(text: str) -> list[str | tuple[str, str]]:
    """The lesson's Markdown cut at its figures: Markdown pieces, and (caption, file name) where
    a figure stands (a page shows the image itself; its relative link would not resolve)."""
    pieces: list[str | tuple[str, str]] = []
    start = 0
    for match in _FIGURE.finditer(text):
        pieces.append(text[start : match.start()])
        pieces.append((match.group(1), match.group(2)))
        start = match.end()
    pieces.append(text[start:])
    return pieces

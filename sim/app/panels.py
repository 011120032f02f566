"""The page's panels (Solara components): the run as it unfolds, the lesson beside it, many
runs, and the comparison of A and B. Each takes the page's state (`sim.app.state`) and reads
from it what it shows."""

from __future__ import annotations

import base64
import functools
import html
import re

import markdown
import solara

from sim.analysis.timeline import NOT_A_FORECAST
from sim.app.charts import compare_html, many_html, runs_html
from sim.app.figures import outcome_figure, png, table_csv
from sim.app.lessons import lesson as lesson_of
from sim.app.lessons import lessons, model_sections, without_figures
from sim.app.many import MANY_RUNS, RUN_COUNTS, TABLE_ROWS, queued
from sim.app.settings import PRESETS, caption
from sim.app.state import PageState
from sim.app.widgets import Downloads, Help, Live, details, heading, line, markdown_html


@solara.component
def RunView(state: PageState):
    """The run: its chart, each dyad's state, the network, the cards, the day's decisions,
    the whole timeline, the outcome and its record (written by the session's view each frame,
    `Live`), the downloads and the twins."""
    Live(state.attach, "run")
    with solara.Div(classes=["esc-row"]):
        Downloads(state.run_png, state.run_csv, "run")
        with Help(
            "Plays this run to its end once more for each road to war, that road "
            "suppressed and the same random numbers, and tells what changed."
        ):
            solara.Button(
                "Show this run's twins",
                on_click=state.twins,
                outlined=True,
                style={"text-transform": "none"},
            )
    line(NOT_A_FORECAST, "hint")


@functools.cache
def lesson_html(number: str) -> str:
    """A lesson beside the run, as its file says it (made once per server): its question,
    its steps in the app and its questions, then on demand the whole lesson (its figures
    inline) and the sections of docs/model.md it cites."""
    shown = lesson_of(number)
    steps = "".join(f"<li>{_inline(s)}</li>" for s in shown.steps)
    questions = "".join(f"<li>{_inline(q)}</li>" for q in shown.questions)
    whole = []
    text = re.sub(r"\A# .*\n", "", shown.text)  # its title is said above
    for piece in without_figures(text):
        if isinstance(piece, str):
            whole.append(markdown_html(piece))
            continue
        path = next((p for _, p in shown.figures if p.name == piece[1].split("/")[-1]), None)
        if path is not None and path.is_file():
            data = base64.b64encode(path.read_bytes()).decode()
            whole.append(
                f"<figure><img src='data:image/png;base64,{data}' alt='{html.escape(piece[0])}'>"
                f"<figcaption>{html.escape(piece[0])}</figcaption></figure>"
            )
    cited = "".join(
        details(
            f"docs/model.md §{n}: {model_sections()[n][0]}", markdown_html(model_sections()[n][1])
        )
        for n in shown.cited
        if n in model_sections()
    )
    return (
        f"<h4>Lesson {shown.number}: {html.escape(shown.title)}</h4>"
        f"<p><b>Question.</b> {_inline(shown.question)}</p>"
        f"<p><b>In the app</b> {_inline(shown.app_note)}</p><ol class='lesson-steps'>{steps}</ol>"
        "<p><b>Questions.</b> Each can be answered from this page: the timeline, the tables of "
        "many runs, and the parameters under <i>About</i>.</p>"
        f"<ol class='lesson-questions'>{questions}</ol>"
        + details(
            f"The whole lesson {shown.number} (commands, figure, what to notice, theory)",
            "".join(whole),
            "whole-lesson",
        )
        + cited
    )


def _inline(text: str) -> str:
    """A line of lesson Markdown as inline HTML (bold, italics and code: what steps use)."""
    return markdown.markdown(text).removeprefix("<p>").removesuffix("</p>")


@solara.component
def LessonPanel(state: PageState):
    """The lessons: a button per lesson (it sets every control), and the lesson chosen, read
    from its file: its question, its steps in the app, its questions, and the whole text."""
    heading("Lessons")
    if not lessons():
        line("The lessons' files (docs/lessons/) are not part of this installation.")
    for preset in PRESETS:
        with Help(
            f"Sets every control to the start of lesson {preset.lesson} and shows its steps here."
        ):
            solara.Button(
                f"Lesson {preset.lesson}: {preset.title}",
                on_click=lambda n=preset.lesson: state.open_lesson(n),
                outlined=state.lesson.value != preset.lesson,
                color="primary",
                style={"text-transform": "none", "justify-content": "start"},
            )
    number = state.lesson.value
    shown = lesson_html(number) if number and lesson_of(number) else ""
    solara.HTML(tag="div", unsafe_innerHTML=shown, classes=["lesson"])
    solara.Button(
        "Close the lesson",
        on_click=state.close_lesson,
        text=True,
        disabled=not shown,
        style={"text-transform": "none"},
    )


@solara.component
def ManyRuns(state: PageState):
    """Many runs of the settings shown: war risks, outcome bars, roads, which roads each war
    needed, when wars start, and the per-run table (one piece of HTML), with downloads."""
    heading("Many runs")
    line(
        "Many runs of the settings shown (runs 0 to n − 1 of the seed), each with its twins, "
        "one for each road to war: the same random numbers with that road suppressed."
    )
    pending = state.many_pending.value
    with solara.Div(classes=["esc-row"]):
        for n in RUN_COUNTS:
            with Help(f"Runs 0 to {n - 1:,} of the seed shown, with the settings shown."):
                solara.Button(
                    f"Run {n:,} runs",
                    on_click=lambda n=n: state.request_many(n),
                    disabled=pending,
                    color="primary",
                    style={"text-transform": "none"},
                )
    many = state.many_shown()
    if pending:
        ahead = max(0, queued() - 1)
        status = "Running…" + (
            f" ({ahead} other request{'s' * (ahead != 1)} in the server's queue)" if ahead else ""
        )
    else:
        status = "" if many else "No many-run results for the settings shown yet."
    line(status, "many-status")
    solara.HTML(tag="div", unsafe_innerHTML=many_html(many) if many else "", classes=["many"])
    # The per-run table only when asked for: 300 rows are a page of their own to send.
    shown = many is not None and state.runs_table.value
    solara.HTML(tag="div", unsafe_innerHTML=runs_html(many) if shown else "")
    if many is not None:  # last, so that nothing after it shifts
        with solara.Div(classes=["esc-row"]):
            label = "Hide the per-run table" if shown else "Show the per-run table"
            with Help(
                f"One row a run (the first {min(TABLE_ROWS, many.n):,} of {many.n:,}; the "
                "download has every run): outcome, war days, battle deaths, deaths, events "
                "and the roads its war needed."
            ):
                solara.Button(
                    label,
                    on_click=lambda: state.runs_table.set(not state.runs_table.value),
                    outlined=True,
                    style={"text-transform": "none"},
                )
            Downloads(
                lambda: png(outcome_figure(many.outcomes, many.title)),
                lambda: table_csv(many.outcomes),
                "outcomes",
            )
            with Help("Every run's row, every column (runs.parquet's), for a spreadsheet."):
                solara.FileDownload(
                    lambda: table_csv(many.table),
                    filename=f"runs-{many.n}.csv",
                    label="Download the per-run table (CSV)",
                    mime_type="text/csv",
                )


@solara.component
def Compare(state: PageState):
    """Keep two settings as A and B; show their many-run outcomes side by side."""
    heading("Compare A and B")
    line(
        "Keep the settings shown as A, change them, keep them as B, then compare: both run "
        "from the same seed (A's) and the same run numbers."
    )
    kept = state.kept.value
    with solara.Div(classes=["esc-row"]):
        for slot in ("A", "B"):
            with Help(f"Remembers the settings shown as {slot} (changing settings keeps it)."):
                solara.Button(
                    f"Keep these settings as {slot}",
                    on_click=lambda slot=slot: state.keep(slot),
                    outlined=True,
                    style={"text-transform": "none"},
                )
        with Help("Runs A and B from A's seed and the same run numbers, side by side."):
            solara.Button(
                f"Compare A and B ({MANY_RUNS} runs each)",
                on_click=state.compare,
                disabled=kept["A"] is None or kept["B"] is None or state.compare_pending.value,
                color="primary",
                style={"text-transform": "none"},
            )
    for slot in ("A", "B"):
        text = caption(kept[slot]) if kept[slot] else "not kept yet"
        line(f"{slot}: {text}", f"kept-{slot.lower()}")
    result = state.compared.value
    shown = result is not None and not isinstance(result, str)
    shown = shown and (result[0], result[1]) == (kept["A"], kept["B"])
    if state.compare_pending.value:
        status = "Comparing…"
    else:
        status = result if isinstance(result, str) else ""
    line(status, "esc-error" if isinstance(result, str) else "compare-status")
    solara.HTML(tag="div", unsafe_innerHTML=compare_html(*result[2:]) if shown else "")
    if shown:  # last, so that nothing after it shifts
        table, title = result[2:]
        Downloads(lambda: png(outcome_figure(table, title)), lambda: table_csv(table), "compare")

"""The page's panels (Solara components): the run as it unfolds, the lesson beside it, many
runs, and the comparison of A and B. Each takes the page's state (`sim.app.state`) and reads
from it what it shows."""

from __future__ import annotations

import html

import markdown
import solara

from sim.analysis.timeline import NOT_A_FORECAST
from sim.app.charts import outcome_bars, run_panel
from sim.app.figures import outcome_figure, png, table_csv
from sim.app.lessons import lesson as lesson_of
from sim.app.lessons import lessons, model_sections, without_figures
from sim.app.many import (
    MANY_RUNS,
    ROAD_COLUMNS,
    RUN_COUNTS,
    TABLE_ROWS,
    queued,
    shown_columns,
    war_lines,
    war_risk,
)
from sim.app.settings import PRESETS, caption
from sim.app.state import PageState
from sim.app.widgets import Downloads, Help, html_table, items


@solara.component
def RunLive(state: PageState):
    """The run as it is now (drawn each frame of Play): one piece of HTML."""
    solara.HTML(tag="div", unsafe_innerHTML=run_panel(state.view.value), classes=["run-live"])


@solara.component
def RunView(state: PageState):
    """The run: its chart, each dyad's state, the network, the cards, the day's decisions,
    the whole timeline, the outcome and its record (`RunLive`), the downloads and the twins."""
    RunLive(state)
    Downloads(state.run_png, state.run_csv, "run")
    with Help(
        "Plays this run to its end four more times, each with one road to war "
        "suppressed and the same random numbers, and tells what changed."
    ):
        solara.Button(
            "Show this run's twins",
            on_click=state.twins,
            outlined=True,
            style={"text-transform": "none"},
        )
    solara.Text(NOT_A_FORECAST, style={"font-style": "italic"})


@solara.component
def LessonPanel(state: PageState):
    """The lessons: a button per lesson (it sets every control), and the lesson chosen, read
    from its file: its question, its steps in the app, its questions, and the whole text."""
    solara.Markdown("### Lessons")
    if not lessons():
        solara.Text("The lessons' files (docs/lessons/) are not part of this installation.")
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
    shown = lesson_of(state.lesson.value) if state.lesson.value else None
    if shown is None:
        return
    with solara.Div(classes=["lesson"], attributes={"aria-label": f"Lesson {shown.number}"}):
        solara.Markdown(f"#### Lesson {shown.number}: {shown.title}")
        solara.Markdown(f"**Question.** {shown.question}")
        solara.Markdown(f"**In the app** {shown.app_note}".rstrip())
        solara.HTML(
            tag="ol",
            unsafe_innerHTML="".join(f"<li>{_md(s)}</li>" for s in shown.steps),
            classes=["lesson-steps"],
        )
        solara.Markdown(
            "**Questions.** Each can be answered from this page: the timeline, "
            "the tables of many runs, and the parameters under *About*."
        )
        solara.HTML(
            tag="ol",
            unsafe_innerHTML="".join(f"<li>{_md(q)}</li>" for q in shown.questions),
            classes=["lesson-questions"],
        )
        with solara.Details(
            f"The whole lesson {shown.number} (commands, figure, what to notice, theory)"
        ):
            for piece in without_figures(shown.text):
                if isinstance(piece, str):
                    solara.Markdown(piece)
                else:
                    path = next(p for alt, p in shown.figures if p.name == piece[1].split("/")[-1])
                    if path.is_file():
                        solara.Image(path.read_bytes(), width="100%")
                        solara.Text(piece[0], style={"font-style": "italic"})
        for number in shown.cited:
            if number in model_sections():
                title, text = model_sections()[number]
                with solara.Details(f"docs/model.md §{number}: {title}"):
                    solara.Markdown(text)
        solara.Button(
            "Close the lesson",
            on_click=state.close_lesson,
            text=True,
            style={"text-transform": "none"},
        )


def _md(text: str) -> str:
    """A line of lesson Markdown as HTML (bold, italics and code: what the steps use)."""
    return markdown.markdown(text).removeprefix("<p>").removesuffix("</p>")


@solara.component
def ManyRuns(state: PageState):
    """Many runs of the settings shown: war risks, outcome bars, roads, which roads each war
    needed, when wars start, and the per-run table."""
    solara.Markdown("### Many runs")
    solara.Text(
        "Many runs of the settings shown (runs 0 to n − 1 of the seed), each with its four "
        "twins: the same random numbers with one road to war suppressed."
    )
    pending = state.many_pending.value
    with solara.Row(style={"flex-wrap": "wrap"}):
        for n in RUN_COUNTS:
            with Help(f"Runs 0 to {n - 1:,} of the seed shown, with the settings shown."):
                solara.Button(
                    f"Run {n:,} runs",
                    on_click=lambda n=n: state.request_many(n),
                    disabled=pending,
                    color="primary",
                    style={"text-transform": "none"},
                )
    if pending:
        ahead = max(0, queued() - 1)
        wait = (
            f" ({ahead} other request{'s' * (ahead != 1)} in the server's queue)" if ahead else ""
        )
        solara.Text(f"Running…{wait}", classes=["many-pending"])
    many = state.many_shown()
    if many is None:
        solara.Text("No many-run results for the settings shown yet.", classes=["many-none"])
        return
    solara.Markdown(
        f"**{html.escape(many.title)}** (each run counted once, at its highest outcome)"
    )
    items([war_risk(many.tally), *war_lines(many.tally)], "war-risks big-risks")
    solara.HTML(
        tag="div",
        unsafe_innerHTML=outcome_bars(many.outcomes, many.title),
        classes=["outcome-chart"],
    )
    Downloads(
        lambda: png(outcome_figure(many.outcomes, many.title)),
        lambda: table_csv(many.outcomes),
        "outcomes",
    )
    solara.Markdown("**Roads to war**: each run against its twin without that road.")
    solara.HTML(tag="div", unsafe_innerHTML=html_table(ROAD_COLUMNS, many.roads, "roads"))
    solara.Markdown(
        "**Which roads each war needed** (the road's twin did not reach war); "
        "one war can need several."
    )
    rows = many.needed or [("no war in these runs", "0")]
    solara.HTML(tag="div", unsafe_innerHTML=html_table(("roads", "wars"), rows, "needed"))
    solara.Markdown("**When wars start** (the day a dyad first reached open war).")
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html_table(
            ("days", "runs whose war began then"), many.war_days, "war-days"
        ),
    )
    columns = shown_columns(many.table)
    with solara.Details(
        f"The per-run table: one row a run (the first {TABLE_ROWS} of "
        f"{many.n:,} on the page, every run in the download)"
    ):
        rows = many.table[columns].head(TABLE_ROWS).itertuples(index=False)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=html_table(tuple(columns), list(rows), "per-run"),
            classes=["per-run"],
        )
    with Help("Every run's row with every column (runs.parquet's columns), for a spreadsheet."):
        solara.FileDownload(
            lambda: table_csv(many.table),
            filename=f"runs-{many.n}.csv",
            label="Download the per-run table (CSV)",
            mime_type="text/csv",
        )


@solara.component
def Compare(state: PageState):
    """Keep two settings as A and B; show their many-run outcomes side by side."""
    solara.Markdown("### Compare A and B")
    solara.Text(
        "Keep the settings shown as A, change them, keep them as B, then compare: both run "
        "from the same seed (A's) and the same run numbers."
    )
    kept = state.kept.value
    with solara.Row(style={"flex-wrap": "wrap"}):
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
        solara.Text(f"{slot}: {text}", classes=[f"kept-{slot.lower()}"])
    if state.compare_pending.value:
        solara.Text("Comparing…")
    result = state.compared.value
    if isinstance(result, str):
        solara.Text(result, classes=["esc-error"])
        return
    if result is None or (result[0], result[1]) != (kept["A"], kept["B"]):
        return
    _, _, table, title = result
    solara.Markdown(f"**{html.escape(title)}**")
    rows = [
        (r.settings, r.outcome, f"{r.share:.1%}", f"{r.low:.1%} to {r.high:.1%}")
        for r in table.itertuples()
    ]
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html_table(
            ("settings", "outcome", "share", "95% interval"), rows, "compare"
        ),
    )
    solara.HTML(tag="div", unsafe_innerHTML=outcome_bars(table, title), classes=["compare-chart"])
    Downloads(lambda: png(outcome_figure(table, title)), lambda: table_csv(table), "compare")

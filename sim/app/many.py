"""Many runs in the teaching app: the runs of the current settings (on threads, one chunk per
core), their outcome table, chart and roads, and the comparison of two kept settings."""

from __future__ import annotations

import html
import math
import os
import threading
import time

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure

from sim.analysis.plots.style import NOT_A_FORECAST as PLOT_NOTE
from sim.analysis.plots.style import OUTCOME_COLOURS
from sim.analysis.summaries import Tally
from sim.app.session import (
    FIGURE_DPI,
    FIGURE_WIDTH,
    Session,
    png,
    readable,
)
from sim.app.settings import (
    caption,
    defaults,
    scenario_of,
)
from sim.app.widgets import Downloads, Help
from sim.experiments.runs import chunks, simulate_chunk
from sim.model.outcomes import OUTCOME_LABELS, WAR_OUTCOMES, Road
from sim.model.scenario import Scenario

RUN_COUNTS = (300, 3000)


MANY_RUNS = RUN_COUNTS[0]


# Chunks of many runs run side by side, one per core this process may use (at most two).
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


MANY_THREADS = max(1, min(2, CORES or 1))


CHART_DELAY = 0.15  # seconds the outcome chart waits, so the numbers reach the page first


# What each road's twin suppresses, for the roads table.
ROAD_TWINS = {
    Road.MISSTEPS: "no incidents",
    Road.MISREADING: "incidents read correctly",
    Road.ATTACKS: "attack decisions become holding",
    Road.WARNINGS: "backing down from a warning costs nothing",
    Road.FACE: "holding back after harm costs no face",
    Road.SLIPS: "nothing escalates out of control",
}


ROAD_COLUMNS = (
    "road (its twin)",
    "P(war)",
    "P(war in the twin)",
    "risk difference (95% interval)",
    "share of wars it caused (95% interval)",
)


def many_runs(spec: Scenario, seed: int, runs: int = MANY_RUNS) -> Tally:
    """Runs 0..runs-1 of `spec` under `seed` with the ensemble engine, each with its twins,
    cut into one chunk per core and run on threads (the engine releases the GIL; a run's
    numbers do not depend on its chunk, `sim.experiments.runs`)."""
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    parts = chunks(spec, runs, seed, chunk_size=max(1, -(-runs // MANY_THREADS)))
    tables: list = [None] * len(parts)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            tables[k] = simulate_chunk(parts[k])
        except BaseException as error:  # told to the caller below, not lost in the thread
            errors.append(error)

    # Daemon threads, so that stopping the server never waits for a class's 3,000 runs.
    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(len(parts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    for table in tables:
        tally.add(table)
    return tally


def percent(share: float, digits: int = 1) -> str:
    return "–" if math.isnan(share) else f"{share:.{digits}%}"


def war_lines(tally: Tally) -> list[str]:
    """P(limited war), P(wider war) and P(nuclear use) with their 95% intervals."""
    shares = tally.outcome_shares().set_index("quantity")
    return [
        f"P({label}) = {percent(row.share)} "
        f"(95% interval {percent(row.low)} to {percent(row.high)})"
        for label in WAR_OUTCOMES
        for row in [shares.loc[label]]
    ]


def road_rows(tally: Tally, spec: Scenario) -> list[tuple[str, ...]]:
    """The roads table: per road P(war), P(war) in its twin, the risk difference with its
    interval, and the share of wars the road caused (or why its twin cannot reach war)."""
    rows = []
    for row in tally.roads(spec).itertuples():
        road = Road[row.road.upper()]
        if row.by_construction:
            caused = row.by_construction
        elif math.isnan(row.caused_share):
            caused = "no war in these runs"
        else:
            caused = (
                f"{percent(row.caused_share, 0)} "
                f"({percent(row.caused_low, 0)} to {percent(row.caused_high, 0)})"
            )
        rows.append(
            (
                f"{row.road} ({ROAD_TWINS[road]})",
                percent(row.p_escalation),
                percent(row.p_twin),
                f"{row.risk_difference * 100:+.1f} points "
                f"({row.rd_low * 100:+.1f} to {row.rd_high * 100:+.1f})",
                caused,
            )
        )
    return rows


def outcome_table(results: list[tuple[str, Tally]]) -> pd.DataFrame:
    """Each outcome's share with its 95% Wilson interval, one row per (settings, outcome)."""
    frames = []
    for name, tally in results:
        frame = tally.outcome_shares().rename(columns={"quantity": "outcome"})
        frame.insert(0, "settings", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def outcome_figure(table: pd.DataFrame, title: str) -> Figure:
    """The outcome distributions, side by side per settings, as bars with 95% intervals; each
    share written beside its bar, clear of the interval."""
    names = list(dict.fromkeys(table["settings"]))
    width = FIGURE_WIDTH / FIGURE_DPI
    figure = Figure(figsize=(width, 1.6 + 0.55 * len(OUTCOME_LABELS) * len(names)))
    figure.set_layout_engine("constrained")
    ax = figure.subplots()
    bar = 0.8 / len(names)
    hatches = ("", "//", "..")
    for k, name in enumerate(names):
        rows = table[table["settings"] == name].reset_index(drop=True)
        y = np.arange(len(rows)) + k * bar
        errors = np.clip([rows["share"] - rows["low"], rows["high"] - rows["share"]], 0, None)
        ax.barh(
            y,
            rows["share"],
            height=bar * 0.9,
            xerr=errors,
            capsize=4,
            color=[OUTCOME_COLOURS[o] for o in rows["outcome"]],
            hatch=hatches[k % len(hatches)],
            edgecolor="black",
            linewidth=0.6,
            label=name,
        )
        for yy, row in zip(y, rows.itertuples(), strict=True):
            ax.text(
                row.high + 0.01,
                yy,
                (f"{name}: " if len(names) > 1 else "")
                + f"{percent(row.share)} ({percent(row.low)} to {percent(row.high)})",
                va="center",
            )
    ax.set_yticks(np.arange(len(OUTCOME_LABELS)) + bar * (len(names) - 1) / 2, OUTCOME_LABELS)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"share of runs (bars: 95% Wilson interval)\n{PLOT_NOTE}")
    ax.set_title(title, wrap=True)
    return readable(figure)


def html_table(header: tuple[str, ...], rows: list[tuple[str, ...]], name: str) -> str:
    cells = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<div class='esc-scroll'><table class='{name}'><thead><tr>{cells}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


_warmed = threading.Event()


_warming = threading.Lock()


def warm_up() -> None:
    """Load (or compile) the compiled day and the ensemble engine once per server, so the
    first Step and the first many runs of a class do not wait for numba."""
    with _warming:
        if _warmed.is_set():
            return
        session = Session(defaults())
        session.step()
        table = outcome_table([("warm-up", many_runs(scenario_of(defaults()), 1, runs=2))])
        png(outcome_figure(table, "warm-up"))  # matplotlib's fonts and caches, once
        _warmed.set()


@solara.component
def ManyRuns(settings: dict, many: tuple | None, request_many, pending: bool):
    """Many runs of the settings shown, with the war risks, the chart and the roads table."""
    solara.Markdown("### Many runs")
    solara.Text(
        "Many runs of the settings shown (runs 0 to n − 1 of the seed), each with its four "
        "twins: the same random numbers with one road to war suppressed."
    )
    with solara.Row(style={"flex-wrap": "wrap"}):
        for n in RUN_COUNTS:
            with Help(f"Runs 0 to {n - 1:,} of the seed shown, with the settings shown."):
                solara.Button(
                    f"Run {n:,} runs",
                    on_click=lambda n=n: request_many(n),
                    disabled=pending,
                    color="primary",
                    style={"text-transform": "none"},
                )
    if pending:
        solara.Text("Running…", classes=["many-pending"])
    if many is None:
        solara.Text("No many-run results for the settings shown yet.", classes=["many-none"])
        return
    _, n, tally, title, table, roads = many
    solara.Markdown(f"**{html.escape(title)}** (each run counted once, at its highest outcome)")
    solara.HTML(
        tag="ul",
        unsafe_innerHTML="".join(f"<li>{html.escape(line)}</li>" for line in war_lines(tally)),
        classes=["war-risks"],
    )
    OutcomeChart(table, title)
    solara.Markdown("**Roads to war**: each run against its twin without that road.")
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html_table(ROAD_COLUMNS, roads, "roads"),
    )


@solara.component
def OutcomeChart(table: pd.DataFrame, title: str):
    """The outcome chart of many runs, with its downloads: drawn in its own thread, so the
    numbers above it show at once and the chart follows."""

    def draw() -> tuple:
        time.sleep(CHART_DELAY)  # the page sends the numbers before drawing holds the GIL
        return table, png(outcome_figure(table, title))

    chart = solara.use_thread(draw, dependencies=[table], intrusive_cancel=False)
    if chart.error is not None:  # the numbers above stand; the chart says why it is missing
        solara.Text(f"The chart could not be drawn: {chart.error}", classes=["esc-error"])
        return
    if chart.value is None or chart.value[0] is not table:
        solara.Text("Drawing the chart…", classes=["outcome-pending"])
        return
    figure = chart.value[1]
    solara.Image(figure, width=f"{FIGURE_WIDTH}px", classes=["outcome-chart"])
    Downloads(figure, lambda: table.to_csv(index=False, float_format="%.6g"), "outcomes")


def many_result_of(settings: dict, n: int) -> tuple:
    """Runs 0..n-1 of the settings, and what the page shows of them (made once, off the page's
    drawing): (settings, n, tally, title, table, roads table rows)."""
    spec = scenario_of(settings)
    tally = many_runs(spec, settings["seed"], n)
    title = f"Outcomes of {n:,} runs: {caption(settings)}"
    table = outcome_table([("these settings", tally)])
    return settings, n, tally, title, table, road_rows(tally, spec)


def compare(a: dict, b: dict, runs: int) -> tuple[pd.DataFrame, str]:
    """The outcome distributions of settings A and B from the same seed (A's) and the same
    run numbers, so each run of A meets the same random numbers as its partner in B."""
    seed = a["seed"]
    tallies = [(name, many_runs(scenario_of(s), seed, runs)) for name, s in (("A", a), ("B", b))]
    title = (
        f"A: {caption(a)}. B: {caption({**b, 'seed': seed})}. Both {runs:,} runs "
        f"(runs 0 to {runs - 1} of seed {seed}: the same random numbers)."
    )
    return outcome_table(tallies), title


@solara.component
def Compare(settings: dict):
    """Keep two settings as A and B; show their many-run outcomes side by side."""
    kept, set_kept = solara.use_state({"A": None, "B": None})
    request, set_request = solara.use_state(None)

    def work():
        if request is None:
            return None
        a, b, runs = request
        table, title = compare(a, b, runs)
        return a, b, table, title, png(outcome_figure(table, title))

    result = solara.use_thread(work, dependencies=[request], intrusive_cancel=False)
    solara.Markdown("### Compare A and B")
    solara.Text(
        "Keep the settings shown as A, change them, keep them as B, then compare: both run "
        "from the same seed (A's) and the same run numbers."
    )
    with solara.Row(style={"flex-wrap": "wrap"}):
        for slot in ("A", "B"):
            with Help(f"Remembers the settings shown as {slot}."):
                solara.Button(
                    f"Keep these settings as {slot}",
                    on_click=lambda slot=slot: set_kept({**kept, slot: dict(settings)}),
                    outlined=True,
                    style={"text-transform": "none"},
                )
        with Help("Runs A and B from A's seed and the same run numbers, side by side."):
            solara.Button(
                f"Compare A and B ({MANY_RUNS} runs each)",
                on_click=lambda: set_request((kept["A"], kept["B"], MANY_RUNS)),
                disabled=kept["A"] is None or kept["B"] is None,
                color="primary",
                style={"text-transform": "none"},
            )
    for slot in ("A", "B"):
        text = caption(kept[slot]) if kept[slot] else "not kept yet"
        solara.Text(f"{slot}: {text}", classes=[f"kept-{slot.lower()}"])
    if result.state == solara.ResultState.RUNNING:
        solara.Text("Comparing…")
    if result.error is not None:
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(f"Could not compare: {result.error}"),
                    classes=["esc-error"])  # fmt: skip
    if result.value is None or request is None or result.value[:2] != request[:2]:
        return
    _, _, table, title, figure = result.value
    solara.Markdown(f"**{html.escape(title)}**")
    rows = [
        (r.settings, r.outcome, percent(r.share), f"{percent(r.low)} to {percent(r.high)}")
        for r in table.itertuples()
    ]
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html_table(
            ("settings", "outcome", "share", "95% interval"), rows, "compare"
        ),
    )
    solara.Image(figure, width=f"{FIGURE_WIDTH}px", classes=["compare-chart"])
    Downloads(figure, lambda: table.to_csv(index=False, float_format="%.6g"), "compare")

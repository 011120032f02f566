"""The teaching app (`escalation app`): one run as it unfolds, many runs, and A/B comparison.

Built with Solara components directly, not Mesa's SolaraViz page. SolaraViz stood in the way
of a classroom: its Play loop read the Mesa DataCollector while the model stepped (a
traceback within seconds at its fastest interval), its model inputs applied only after
Reset, silently, its sliders hid their values, and it brought developer controls ("Render
Interval", "Use Threads"), a "PAGE 0" tab and a drawer that covered a phone's screen. Here
every change goes through a `Session` (`sim.app_session`) whose lock lets one action at a
time touch the model, and the page draws immutable views. The model is still the Mesa model
(`sim.model.EscalationModel`), and many runs use the ensemble engine.

The app is never imported by the model. Start it with `escalation app` (or
`solara run sim/app.py`).
"""

from __future__ import annotations

import html
import logging
import math
import os
import threading
import time

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure

from sim.app_session import (
    FIGURE_DPI,
    FIGURE_WIDTH,
    RUNG_COLOURS,
    SPEEDS,
    Session,
    View,
    chart_png,
    png,
    readable,
    run_csv,
)
from sim.app_settings import (
    PRESETS,
    SLIDERS,
    SWITCHES,
    TOOLTIPS,
    caption,
    defaults,
    from_query,
    is_whole,
    parse_seed,
    scenario_names,
    scenario_of,
    slider_bounds,
    to_query,
    value_words,
)
from sim.outcomes import OUTCOME_LABELS, WAR_OUTCOMES, Road
from sim.plots import NOT_A_FORECAST as PLOT_NOTE
from sim.plots import OUTCOME_COLOURS
from sim.runs import chunks, simulate_chunk
from sim.scenario import Mechanisms, Scenario
from sim.summaries import Tally
from sim.timeline import NOT_A_FORECAST

logger = logging.getLogger(__name__)
TITLE = "Escalation under a tripwire: a teaching model, not a forecast"
RUN_COUNTS = (300, 3000)
MANY_RUNS = RUN_COUNTS[0]
# Chunks of many runs run side by side, one per core this process may use (at most two).
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
MANY_THREADS = max(1, min(2, CORES or 1))
CHART_DELAY = 0.15  # seconds the outcome chart waits, so the numbers reach the page first
DARK_RUNGS = (2, 6)  # white text on these colours of RUNG_COLOURS (Okabe-Ito); black on the rest

# What each road's twin suppresses, for the roads table.
ROAD_TWINS = {
    Road.MISSTEPS: "no incidents",
    Road.MISREADING: "incidents read correctly",
    Road.ATTACKS: "attack decisions become holding",
    Road.COMMITMENTS: "backing down costs nothing",
}
ROAD_COLUMNS = (
    "road (its twin)",
    "P(war)",
    "P(war in the twin)",
    "risk difference (95% interval)",
    "share of wars it caused (95% interval)",
)

INFO = """
**What this is.** An agent-based model of escalation between a *challenger* (Russia in the
reassurance scenario), a *protégé* (Ukraine) and *guarantors* (France, the United Kingdom)
that keep "reassurance troops" on the protégé's soil after a ceasefire, while the challenger
has warned that such troops are "legitimate targets". One step is one day; a run is one
simulated year. Each pair of opposing actors (a *dyad*) climbs and descends a ladder of rungs:
0 ceasefire holds, 1 warnings, 2 shows of force, 3 incidents and harassment, 4 strikes and
combat, 5 open war (1,000 battle deaths of reciprocal combat), 6 nuclear use.

**What each actor does.** Every day each actor chooses to hold, warn, mobilise, harass,
strike, attack, offer de-escalation or withdraw its troops, by weighing the stakes, its chance
to win, the cost of war, deterrence by the guarantors' troops, the price of backing down
after a public warning, and its anger. Its hostility follows Richardson's reaction to what it
*perceives*; its belief that the other side is aggressive learns from what it sees.

**The mechanisms (the switches).** Reaction to hostility (Richardson); troops read as
provocation; missteps, random incidents where forces meet; misreading an incident as an
attack (a hotline makes it rarer); the tripwire, troops that deter and stand in harm's way;
public warnings that cost face to take back, and lock in over time; casualties that can bring
troops home; retaliation, harm answered by strikes; deliberate attacks chosen by expected
utility; beliefs that learn from costly signals. Switch one off to see what it does.

**Three roads to war, and the twins.** A war can be *deliberate* (chosen), come from a
*commitment* (a warning no one can take back) or be *inadvertent* (an incident, misread,
then retaliation). Every run has four twins with the same random numbers and one road
suppressed; a road *caused* a war when the run reached war and that twin did not.

**What it is not.** Not a forecast. The parameters are illustrative, chosen so the mechanisms
can be seen at work, not estimated from data; every number on this page is what these
parameters imply. The rules are the same for every actor: only parameters differ. The full
description of every rule is docs/model.md.
"""

CSS = """
.esc-grid { display: grid; grid-template-columns: 370px minmax(0, 1fr); gap: 20px;
  align-items: start; max-width: 1500px; }
.esc-grid > * { min-width: 0; }
.esc-two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.esc-two > * { min-width: 0; }
@media (max-width: 1100px) {  /* tablet and phone: the run first, the settings below it */
  .esc-grid { grid-template-columns: minmax(0, 1fr); }
  .esc-grid > .controls { order: 2; }
}
@media (max-width: 700px) {
  .esc-two { grid-template-columns: minmax(0, 1fr); }
}
.esc-page { font-size: 16px; padding: 8px; }
.esc-page img { max-width: 100%; height: auto; display: block; }
.esc-page table { border-collapse: collapse; font-size: 15px; }
.esc-page td, .esc-page th { padding: 3px 12px 3px 0; vertical-align: top; text-align: left; }
.esc-scroll { overflow-x: auto; max-width: 100%; }
.esc-monitor { font-size: 18px; font-weight: 600; }
.esc-error { color: #b00020; font-weight: 600; }
.esc-notice { background: #fff3cd; padding: 6px 10px; border-left: 4px solid #E69F00; }
/* a slider's label names it for screen readers; its value in words is shown above it */
.controls .v-input__slot > label.v-label:first-child { position: absolute !important;
  width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.esc-page button:focus-visible, .esc-page input:focus-visible { outline: 3px solid #0072B2; }
/* a control's tooltip, shown below it while it has the keyboard's focus */
.esc-help { position: relative; }
.focus-hint { display: none; }
.esc-help:has(:focus-visible) > .focus-hint { display: block; position: absolute; top: 100%;
  left: 0; z-index: 20; max-width: 340px; padding: 5px 10px; border-radius: 4px;
  background: rgba(33, 33, 33, 0.95); color: white; font-size: 14px; pointer-events: none; }
"""


# -- many runs of the current settings


def many_runs(spec: Scenario, seed: int, runs: int = MANY_RUNS) -> Tally:
    """Runs 0..runs-1 of `spec` under `seed` with the ensemble engine, each with its twins,
    cut into one chunk per core and run on threads (the engine releases the GIL; a run's
    numbers do not depend on its chunk, `sim.runs`)."""
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


def _percent(share: float, digits: int = 1) -> str:
    return "–" if math.isnan(share) else f"{share:.{digits}%}"


def war_lines(tally: Tally) -> list[str]:
    """P(limited war), P(wider war) and P(nuclear use) with their 95% intervals."""
    shares = tally.outcome_shares().set_index("quantity")
    return [
        f"P({label}) = {_percent(row.share)} "
        f"(95% interval {_percent(row.low)} to {_percent(row.high)})"
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
                f"{_percent(row.caused_share, 0)} "
                f"({_percent(row.caused_low, 0)} to {_percent(row.caused_high, 0)})"
            )
        rows.append(
            (
                f"{row.road} ({ROAD_TWINS[road]})",
                _percent(row.p_escalation),
                _percent(row.p_twin),
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
                + f"{_percent(row.share)} ({_percent(row.low)} to {_percent(row.high)})",
                va="center",
            )
    ax.set_yticks(np.arange(len(OUTCOME_LABELS)) + bar * (len(names) - 1) / 2, OUTCOME_LABELS)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"share of runs (bars: 95% Wilson interval)\n{PLOT_NOTE}")
    ax.set_title(title, wrap=True)
    return readable(figure)


def _html_table(header: tuple[str, ...], rows: list[tuple[str, ...]], name: str) -> str:
    cells = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<div class='esc-scroll'><table class='{name}'><thead><tr>{cells}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


# -- the warm-up of the compiled engines

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


# -- components


@solara.component
def Help(text: str, children: list = []):  # noqa: B006 (Solara's children convention)
    """A control with its tooltip: shown on hover, and on keyboard focus (by CSS: Vuetify's
    tooltip opens only when its own element, here a wrapper, takes the focus)."""
    with solara.Div(classes=["esc-help"]):
        with solara.Tooltip(text):
            solara.Column(children=children, gap="0px")
        solara.Div(children=[text], classes=["focus-hint"], attributes={"aria-hidden": "true"})


@solara.component
def Downloads(image: bytes, csv, stem: str):
    """The chart shown above as a PNG file, and its data as a CSV file."""
    with solara.Row(style={"flex-wrap": "wrap"}):
        with Help("The chart above as an image file (PNG), with its caption."):
            solara.FileDownload(image, filename=f"{stem}.png", label="Download chart (PNG)",
                                mime_type="image/png")  # fmt: skip
        with Help("The numbers the chart above draws, as a table (CSV) for a spreadsheet."):
            solara.FileDownload(csv, filename=f"{stem}.csv", label="Download chart data (CSV)",
                                mime_type="text/csv")  # fmt: skip


@solara.component
def Controls(settings: dict, change, seed_text: str, set_seed_text, seed_error: str):
    """The inputs: scenario, seed, a slider per parameter (its value in words beside it),
    a switch per mechanism, the lesson presets and "Restore defaults"."""
    with solara.Column(gap="6px"):
        solara.Markdown("### Settings")
        solara.Text(
            "A change restarts the run at day 0 with the new settings.",
            style={"font-style": "italic"},
        )
        with Help(TOOLTIPS["scenario"]):
            solara.Select(
                label="Scenario",
                values=list(scenario_names()),
                value=settings["scenario"],
                on_value=lambda name: (
                    name in scenario_names()
                    and change({**defaults(name), "seed": settings["seed"]})
                ),
            )

        def commit_seed(text: str) -> None:
            set_seed_text(text)
            try:
                seed = parse_seed(text)
            except ValueError as error:
                change(None, seed_error=str(error))
                return
            change({**settings, "seed": seed})

        with Help(TOOLTIPS["seed"]):
            solara.InputText(
                "Seed (a whole number; press Enter)",
                value=seed_text,
                on_value=commit_seed,
                continuous_update=False,
            )
        if seed_error:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=html.escape(seed_error) + " The run keeps its previous seed.",
                classes=["esc-error", "seed-error"],
                attributes={"role": "alert"},
            )
        for name in SLIDERS:
            low, high = slider_bounds(name)
            whole = is_whole(name)

            def moved(value, name=name, whole=whole) -> None:
                value = round(value) if whole else round(float(value), 6)
                if value != settings[name]:
                    change({**settings, name: value})

            with Help(TOOLTIPS[name]):
                solara.Text(value_words(name, settings[name]), classes=["slider-value"])
                slider = solara.SliderInt if whole else solara.SliderFloat
                slider(
                    label=SLIDERS[name].label,  # its accessible name; shown in words above
                    value=settings[name],
                    min=low,
                    max=high,
                    step=SLIDERS[name].step,
                    on_value=moved,
                    tick_labels=False,
                )
        solara.Markdown("#### Mechanisms")
        for name, info in Mechanisms.model_fields.items():
            with Help(info.description):
                solara.Checkbox(
                    label=SWITCHES[name],
                    value=settings[name],
                    on_value=lambda on, name=name: change({**settings, name: bool(on)}),
                )
        solara.Markdown("#### Lessons")
        for preset in PRESETS:
            with Help(f"Sets every control to the start of lesson {preset.lesson}."):
                solara.Button(
                    f"Lesson {preset.lesson}: {preset.title}",
                    on_click=lambda preset=preset: change(preset.settings()),
                    outlined=True,
                    style={"text-transform": "none", "justify-content": "start"},
                )
        with Help("Every control back to the reassurance scenario's values, seed 1."):
            solara.Button(
                "Restore defaults",
                on_click=lambda: change(defaults()),
                outlined=True,
                style={"text-transform": "none"},
            )


@solara.component
def Monitors(view: View, many: tuple | None):
    """The numbers: day, the crisis's rung, deaths, each dyad's rung, and the war risks."""
    with solara.Column(gap="2px", classes=["monitors"]):
        solara.Text(
            f"Day {view.day} of {view.horizon} · crisis rung {view.rung} · deaths {view.deaths:,}",
            classes=["esc-monitor", "day-monitor"],
        )
        for line in view.dyads:
            solara.Text(line, classes=["dyad-monitor"])
        if many is not None:
            _, n, tally, *_ = many
            for line in war_lines(tally):
                solara.Text(f"{line} in {n:,} runs", classes=["risk-monitor"])


def _card(lines: list[str], rung: int) -> None:
    colour = "white" if rung in DARK_RUNGS else "black"
    shown = [html.escape(line) for line in lines]
    shown[0] = f"<b>{shown[0]}</b>"
    solara.HTML(
        tag="div",
        unsafe_innerHTML="<br>".join(shown) + f"<br>rung {rung}",
        classes=["actor-card"],
        style={
            "background": RUNG_COLOURS[rung],
            "color": colour,
            "padding": "6px 10px",
            "border-radius": "4px",
            "margin": "4px",
            "min-width": "150px",
        },
    )


@solara.component
def RunView(view: View, session: Session, refresh):
    """The run: its chart (with downloads), the network, today's decisions, the cards, the
    log, the outcome and, on demand, the twins."""
    busy, set_busy = solara.use_state(False)

    def twins() -> None:
        set_busy(True)
        try:
            session.show_twins()
        except Exception as error:
            logger.warning("twins failed: %r", error)
        finally:
            set_busy(False)
            refresh()

    # The chart is drawn off the lock, in its own thread: the numbers of a Step show at once,
    # and the chart (its own day in its caption) follows.
    chart = solara.use_thread(
        lambda: (view.chart, chart_png(view.chart)),
        dependencies=[view.chart],
        intrusive_cancel=False,
    )
    if chart.value is None:
        solara.Text("Drawing the chart…")
    else:
        data, image = chart.value
        solara.Markdown(f"**Chart of this run:** {html.escape(data.title)}, day {data.day}.")
        solara.Image(image, width=f"{FIGURE_WIDTH}px", classes=["run-chart"])
        Downloads(image, lambda: run_csv(data), f"run-day-{data.day}")
    solara.Markdown("### The actors and each dyad's rung")
    solara.HTML(tag="div", unsafe_innerHTML=view.network, classes=["network"])
    with solara.Div(classes=["esc-two"]):
        with solara.Column():
            solara.Markdown(f"### The actors on day {view.day}")
            with solara.Row(style={"flex-wrap": "wrap"}, gap="0px"):
                for lines, rung in view.cards:
                    _card(lines, rung)
        with solara.Column():
            solara.Markdown(f"### Decisions of day {view.day}")
            solara.HTML(
                tag="ul",
                unsafe_innerHTML="".join(f"<li>{html.escape(t)}</li>" for t in view.decisions),
                classes=["decisions"],
            )
            solara.Markdown("### Event log")
            lines = view.log or ["Nothing has happened yet: press Step or Play."]
            solara.HTML(
                tag="ul",
                unsafe_innerHTML="".join(f"<li>{html.escape(t)}</li>" for t in lines),
                classes=["event-log"],
            )
    if view.outcome:
        solara.HTML(tag="p", unsafe_innerHTML=f"<b>{html.escape(view.outcome)}</b>",
                    classes=["outcome"])  # fmt: skip
    with Help("Plays this run to its end four more times, each with one road to war "
              "suppressed and the same random numbers, and tells what changed."):  # fmt: skip
        solara.Button(
            "Show this run's twins",
            on_click=twins,
            disabled=busy,
            outlined=True,
            style={"text-transform": "none"},
        )
    if view.twins:
        with solara.Div(classes=["esc-two", "twins"]):
            with solara.Column():
                solara.Markdown("**This run, to its end**")
                solara.Text(view.twins[0])
            with solara.Column():
                solara.Markdown(f"**{view.twins[1]}**")
                solara.HTML(
                    tag="ul",
                    unsafe_innerHTML="".join(f"<li>{html.escape(t)}</li>" for t in view.twins[2:]),
                )
    solara.Text(NOT_A_FORECAST, style={"font-style": "italic"})


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
        unsafe_innerHTML=_html_table(ROAD_COLUMNS, roads, "roads"),
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
        (r.settings, r.outcome, _percent(r.share), f"{_percent(r.low)} to {_percent(r.high)}")
        for r in table.itertuples()
    ]
    solara.HTML(
        tag="div",
        unsafe_innerHTML=_html_table(
            ("settings", "outcome", "share", "95% interval"), rows, "compare"
        ),
    )
    solara.Image(figure, width=f"{FIGURE_WIDTH}px", classes=["compare-chart"])
    Downloads(figure, lambda: table.to_csv(index=False, float_format="%.6g"), "compare")


@solara.component
def Page():
    """The app; each browser session gets its own run (a class shares none)."""
    router = solara.use_router()
    start, problems = solara.use_memo(lambda: from_query(router.search), [])
    session = solara.use_memo(lambda: Session(start), [])
    _, set_tick = solara.use_state(0)
    ticks = solara.use_ref(0)
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state(20)
    seed_text, set_seed_text = solara.use_state(str(start["seed"]))
    seed_error, set_seed_error = solara.use_state("")
    problem, set_problem = solara.use_state("")
    many_request, set_many_request = solara.use_state(None)
    solara.use_effect(
        lambda: threading.Thread(target=warm_up, name="warm-up", daemon=True).start(), []
    )

    def refresh() -> None:
        ticks.current += 1
        set_tick(ticks.current)

    def guarded(action):
        """The action, with any error told in one line on the page instead of a traceback."""

        def run(*args, **kwargs):
            set_problem("")
            try:
                return action(*args, **kwargs)
            except Exception as error:
                logger.warning("app action failed: %r", error)
                set_problem(f"That did not work: {error}")

        return run

    @guarded
    def change(settings: dict | None, seed_error: str = "", notice: str = "") -> None:
        """Apply new settings at once: the run restarts, says so, and the address follows."""
        set_seed_error(seed_error)
        if settings is None:
            return
        set_playing(False)
        set_seed_text(str(settings["seed"]))
        said = notice or "Settings changed: the run restarted at day 0"
        try:
            session.restart(settings, notice=f"{said} ({caption(settings)}).")
        except ValueError as error:  # out of the scenario's range: say so, keep the run
            set_seed_error(f"These settings make no valid scenario: {error}")
            return
        query = to_query(settings)
        router.push(router.path + (f"?{query}" if query else ""))
        refresh()

    def play(cancel: threading.Event) -> None:
        if not playing:
            return
        session.play(speed, cancel, refresh)
        if not cancel.is_set():
            set_playing(False)

    play_result = solara.use_thread(play, dependencies=[playing, speed], intrusive_cancel=False)

    def many_work():
        if many_request is None:
            return None
        settings, n = many_request
        return many_result_of(settings, n)

    many_result = solara.use_thread(many_work, dependencies=[many_request], intrusive_cancel=False)
    view = session.view
    many = None
    if many_result.value is not None and many_result.value[0] == view.settings:
        many = many_result.value
    pending = many_result.state in (solara.ResultState.STARTING, solara.ResultState.RUNNING)

    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.Column(classes=["esc-page"], gap="8px"):
        solara.HTML(tag="h1", unsafe_innerHTML=html.escape(TITLE), style={"font-size": "26px"})
        with solara.Details("About this model (what it is, what each mechanism does, what it "
                            "is not)"):  # fmt: skip
            solara.Markdown(INFO)
        for problem in problems:
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(problem),
                        classes=["esc-error", "address-problem"])  # fmt: skip
        with solara.Div(classes=["esc-grid"]):
            with solara.Column(classes=["controls"]):
                Controls(view.settings, change, seed_text, set_seed_text, seed_error)
            with solara.Column(classes=["main"]):
                with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                    with Help("Plays the run day by day at the speed chosen, to its end."):
                        solara.Button(
                            "Pause" if playing else "Play",
                            on_click=lambda: set_playing(not playing),
                            disabled=not view.running and not playing,
                            color="primary",
                        )

                    @guarded
                    def step() -> None:
                        set_playing(False)
                        session.step()
                        refresh()

                    with Help("One day of the run."):
                        solara.Button("Step", on_click=step, disabled=not view.running)
                    with Help("The run again from day 0, with the settings shown."):
                        solara.Button(
                            "Reset",
                            on_click=lambda: change(
                                dict(view.settings), notice="Reset: the run restarted at day 0"
                            ),
                            outlined=True,
                        )
                    solara.Text("Play speed, days per second:")
                    for days in SPEEDS:
                        solara.Button(
                            str(days),
                            on_click=lambda days=days: set_speed(days),
                            outlined=days != speed,
                            color="primary" if days == speed else None,
                            style={"min-width": "44px", "padding": "0 8px"},
                            attributes={
                                "aria-label": f"{days} days per second",
                                "aria-pressed": "true" if days == speed else "false",
                                "title": f"Play {days} days per second",
                            },
                        )
                solara.Text(
                    f"Speed: {speed} days per second (a year in about {365 / speed:.0f} s)",
                    classes=["speed-words"],
                )
                if problem:
                    solara.Text(problem, classes=["esc-error", "action-problem"])
                if session.notice and view.day == 0:  # until the new run moves on
                    solara.Text(session.notice, classes=["esc-notice", "restart-notice"])
                if play_result.error is not None:  # never a traceback: the reason, in words
                    solara.Text(f"Play stopped: {play_result.error}", classes=["esc-error"])
                Monitors(view, many)
                RunView(view, session, refresh)
                ManyRuns(view.settings, many,
                         lambda n: set_many_request((dict(view.settings), n)), pending)  # fmt: skip
                if many_result.error is not None:
                    solara.Text(f"The many runs failed: {many_result.error}", classes=["esc-error"])
                Compare(view.settings)

"""The teaching app: Mesa's SolaraViz over the escalation model (`escalation app`).

Sliders start at the base scenario's values and span the ranges the defaults object
(`sim.scenario`) allows; the switches are its mechanisms. The page shows one run as it
unfolds (each dyad's rung, hostility, the actors, the event log) and, on demand, many runs of
the same settings with the ensemble engine: the war outcomes and each road to war with its
twin. The app is never imported by the model. Start it with `escalation app` (or
`solara run sim/app.py`).
"""

from __future__ import annotations

import html
import io
import math
import threading

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.experiment import apply_path, read_path
from sim.ladder import LADDER
from sim.model import EscalationModel
from sim.outcomes import WAR_OUTCOMES, Road
from sim.plots import (
    dyad_data,
    outcome_data,
    plot_dyads,
    plot_outcomes,
    plot_trajectory,
    trajectory_data,
)
from sim.runs import Chunk, simulate_chunk
from sim.scenario import Mechanisms, Scenario, field_bounds, load_scenario
from sim.summaries import Tally
from sim.timeline import NOT_A_FORECAST, outcome_line, timeline_lines

BASE = "reassurance"
MANY_RUNS = 300
LOG_LINES = 14  # the event log shows the newest lines only
FIGURE_DPI = 72  # a small image: each step draws and sends it again

# Slider name -> parameter path (the paths of experiment files: sim.experiment).
SLIDERS: dict[str, str] = {
    "troops": "guarantor.troops",
    "challenger_resolve": "challenger.resolve",
    "challenger_threat_perception": "challenger.threat_perception",
    "guarantor_resolve": "guarantor.resolve",
    "guarantor_threat_perception": "guarantor.threat_perception",
    "hotline_quality": "world.hotline_quality",
    "misstep_rate": "world.misstep_rate",
    "audience_cost": "actors.audience_cost",
    "precision": "world.precision",
}
LABELS = {
    "troops": "troops per guarantor",
    "audience_cost": "audience cost (all actors)",
    "precision": "decision precision",
}
STEPS = {"troops": 500, "misstep_rate": 0.0001, "precision": 0.5}
# A useful span of the allowed range (the schema allows far more than a class needs).
SLIDER_MAX = {"troops": 20_000, "misstep_rate": 0.003, "precision": 40.0}

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


def scenario_for(base: Scenario, **values: float | bool) -> Scenario:
    """The base scenario with slider values and switches applied (validated).

    Every name must be a slider (SLIDERS) or a mechanism: a misspelt one is an error, not a
    silently ignored setting.
    """
    data = base.model_dump(mode="json")
    for name, value in values.items():
        if name in SLIDERS:
            apply_path(data, SLIDERS[name], value)
        elif name in Mechanisms.model_fields:
            data["mechanisms"][name] = bool(value)
        else:
            raise ValueError(f"not a slider or a mechanism: {name!r}")
    return Scenario.model_validate(data, strict=False)


def model_params(base: Scenario) -> dict:
    """SolaraViz inputs: a slider per SLIDERS entry and a checkbox per mechanism."""
    params: dict = {"seed": {"type": "InputText", "value": 1, "label": "Seed"}}
    data = base.model_dump(mode="json")
    for name, path in SLIDERS.items():
        value, info = read_path(data, path)
        low, high = field_bounds(info)
        is_int = info.annotation is int
        label = LABELS.get(name, name.replace("_", " "))
        params[name] = {
            "type": "SliderInt" if is_int else "SliderFloat",
            "value": value,
            "label": f"{label} ({info.json_schema_extra['symbol']})",
            "min": low,
            "max": min(high, SLIDER_MAX.get(name, high)),
            "step": STEPS.get(name, 1 if is_int else 0.05),
        }
    for name, info in Mechanisms.model_fields.items():
        params[name] = {
            "type": "Checkbox",
            "value": getattr(base.mechanisms, name),
            "label": info.description,
        }
    return params


class TeachingModel(EscalationModel):
    """The escalation model built from the app's sliders on top of the base scenario."""

    def __init__(
        self, seed: int | str = 1, scenario: object = None, **values: float | bool
    ) -> None:
        # On Reset SolaraViz also passes Mesa's own `scenario` (a mesa Scenario holding the
        # rng); the crisis comes from the sliders, so it is not used.
        try:
            seed = int(str(seed).strip())  # the seed box gives text
        except ValueError:
            raise ValueError(f"the seed must be a whole number, got {seed!r}") from None
        super().__init__(scenario_for(load_scenario(BASE), **values), seed=seed)

    def step(self) -> None:
        """One day, unless the run has ended: Play steps the model Render Interval times
        between two drawings without asking whether it is still running."""
        if self.running:
            super().step()


# -- one run as it unfolds


def dyad_lines(model: EscalationModel) -> list[str]:
    """Each dyad's rung today, e.g. 'Russia–France: rung 3, incidents and harassment'."""
    lines = []
    for challenger, other in model.dyads:
        rung = model.rung_of(other)
        lines.append(f"{challenger.name}–{other.name}: rung {rung}, {LADDER[rung].name}")
    return lines


def actor_rung(model: EscalationModel, actor) -> int:
    """The highest rung of the dyads the actor is in (the card's colour)."""
    if actor.index == 0:
        return model.rung
    return model.rung_of(actor)


def actor_lines(actor) -> list[str]:
    """A card's lines: name and role, troops, losses, today's action and its target."""
    today = actor.action + (f" → {actor.target}" if actor.target else "")
    return [
        f"{actor.name} ({actor.role.value})",
        f"troops {actor.troops:,}",
        f"losses {int(actor.casualties):,}",
        f"today: {today}",
    ]


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return buffer.getvalue()


def run_figure(model: EscalationModel) -> Figure:
    """Each dyad's rung, a row per dyad (left), and each actor's hostility (right), so far."""
    # Figure, not pyplot: the server draws for many sessions, and pyplot's state is global.
    n = len(model.dyads)
    figure = Figure(figsize=(13, 1.0 + 1.5 * n), layout="constrained")
    left, right = figure.subfigures(1, 2, width_ratios=[1.1, 1])
    plot_dyads(
        dyad_data(model.dyad_trajectory()),
        title=f"Day {model.day}",
        ax=list(np.atleast_1d(left.subplots(n, 1, sharex=True))),
    )
    plot_trajectory(
        trajectory_data(model.trajectory(), model.events),
        title=f"Day {model.day}: hostility",
        ax=right.subplots(),
    )
    return figure


@solara.component
def RunFigures(model: TeachingModel):
    """The dyads' rungs and the actors' hostility over the run so far."""
    update_counter.get()  # Mesa bumps it after each step
    # drawn again only when the day (or the model) changes, not on every render
    image = solara.use_memo(lambda: _png(run_figure(model)), [model, model.day])
    solara.Image(image, width="100%")


RUNG_COLOURS = ("#2e7d32", "#7cb342", "#fdd835", "#fb8c00", "#e53935", "#8e24aa", "#212121")
DARK_RUNGS = (0, 4, 5, 6)  # white text on these colours


def _chip(lines: list[str], rung: int, bold_first: bool = False) -> None:
    colour = "white" if rung in DARK_RUNGS else "black"
    shown = [html.escape(line) for line in lines]
    if bold_first:
        shown[0] = f"<b>{shown[0]}</b>"
    with solara.Card(style={"background": RUNG_COLOURS[rung], "color": colour, "margin": "4px"}):
        solara.HTML(tag="div", unsafe_innerHTML="<br>".join(shown), style={"color": colour})


@solara.component
def ActorsPicture(model: TeachingModel):
    """The actors as cards coloured by their highest rung, and each dyad's rung."""
    update_counter.get()
    solara.Markdown(f"### Crisis rung {model.rung}: {LADDER[model.rung].name} (day {model.day})")
    with solara.Row(style={"flex-wrap": "wrap"}):
        for actor in model.actors:
            _chip(actor_lines(actor), actor_rung(model, actor), bold_first=True)
    with solara.Column(gap="0px"):
        for (_, other), line in zip(model.dyads, dyad_lines(model), strict=True):
            _chip([line], model.rung_of(other))


@solara.component
def EventLog(model: TeachingModel):
    """The plain-language timeline, newest last; the outcome once the run has ended."""
    update_counter.get()
    lines = timeline_lines(model) or ["Nothing has happened yet: press Step or Play."]
    text = "### Event log\n\n" + "\n".join(f"- {line}" for line in lines[-LOG_LINES:])
    if not model.running:
        text += f"\n\n**{outcome_line(model)}**"
    solara.Markdown(text)
    solara.Markdown(f"*{NOT_A_FORECAST}*")


# -- many runs of the current settings


def many_runs(spec: Scenario, seed: int, runs: int = MANY_RUNS) -> Tally:
    """Runs 0..runs-1 of `spec` under `seed` with the ensemble engine, each with its twins."""
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    tally.add(simulate_chunk(Chunk(spec, seed, 0, runs)))
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


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    cell = "padding: 3px 16px 3px 0; vertical-align: top; text-align: left"
    cells = "".join(f"<th style='{cell}'>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='{cell}'>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table class='roads'><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


@solara.component
def ManyRuns(model: TeachingModel):
    """Run a few hundred runs of the current settings with the ensemble engine."""
    # (model, tally): results belong to the model they were run for, so a new model (Reset
    # with new settings) shows none, from its very first render.
    result, set_result = solara.use_state((None, None))

    def run() -> None:
        set_result((model, many_runs(model.spec, model.seed)))

    solara.Markdown(
        f"### Many runs\n\n{MANY_RUNS} runs of the current run's settings (press Reset to "
        "apply moved sliders), each with four twins: the same random numbers with one road "
        "to war suppressed."
    )
    solara.Button(f"Run {MANY_RUNS} runs", on_click=run, color="primary")
    owner, tally = result
    if owner is model and tally is not None:
        solara.Markdown(
            "**Outcomes** (each run counted once, at its highest outcome):\n\n"
            + "\n".join(f"- {line}" for line in war_lines(tally))
        )
        figure = Figure(figsize=(7, 3.5), layout="constrained")
        plot_outcomes(outcome_data(tally), title="Outcome distribution", ax=figure.subplots())
        solara.Image(_png(figure), width="min(100%, 700px)")
        solara.Markdown("**Roads to war**: each run against its twin without that road.")
        solara.HTML(tag="div", unsafe_innerHTML=_table(ROAD_COLUMNS, road_rows(tally, model.spec)))
    solara.Markdown(f"*{NOT_A_FORECAST}*")


_warmed = threading.Event()
_warming = threading.Lock()


def warm_up() -> None:
    """Load (or compile) the compiled day and the ensemble engine once per server, so the
    first Step and the first "Run 300 runs" of a class do not wait for numba."""
    with _warming:
        if _warmed.is_set():
            return
        model = TeachingModel()
        model.step()
        many_runs(model.spec, model.seed, runs=2)
        _warmed.set()


@solara.component
def Page():
    """The app; each browser session gets its own model (a class shares none).

    SolaraViz gives the controls and the inputs (its sidebar) and replaces the model on
    Reset; the views are laid out here, one below the other, rather than in its grid of
    fixed-size cells, which would clip the cards, the log and the tables.
    """
    model = solara.use_reactive(solara.use_memo(TeachingModel, []))
    solara.use_effect(
        lambda: threading.Thread(target=warm_up, name="warm-up", daemon=True).start(), []
    )
    SolaraViz(
        model,
        components=[],
        model_params=model_params(load_scenario(BASE)),
        name="Escalation under a tripwire: a teaching model, not a forecast",
        play_interval=150,
    )
    with solara.Column(style={"max-width": "1500px"}):
        RunFigures(model.value)
        with solara.Columns([1, 1]):
            ActorsPicture(model.value)
            EventLog(model.value)
        ManyRuns(model.value)

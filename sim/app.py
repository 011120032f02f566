"""The teaching app: Mesa's SolaraViz over the escalation model (`escalation app`).

Sliders start at the base scenario's values and span the ranges the defaults object
(`sim.scenario`) allows; the switches are its mechanisms. The app is never imported by the
model. Start it with `escalation app` (or `solara run sim/app.py`).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.experiment import apply_path, read_path
from sim.ladder import LADDER
from sim.model import EscalationModel
from sim.plots import outcome_data, plot_outcomes, plot_trajectory, trajectory_data
from sim.runs import Chunk, simulate_chunk
from sim.scenario import Mechanisms, Scenario, field_bounds, load_scenario
from sim.summaries import Tally
from sim.timeline import NOT_A_FORECAST, timeline_lines

BASE = "reassurance"
MANY_RUNS = 300

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
}
STEPS = {"troops": 500, "misstep_rate": 0.0001}
SLIDER_MAX = {"troops": 20_000, "misstep_rate": 0.003}  # a useful span of the allowed range


def scenario_for(base: Scenario, **values: float | bool) -> Scenario:
    """The base scenario with slider values and switches applied (validated)."""
    data = base.model_dump(mode="json")
    for name, value in values.items():
        if name in SLIDERS:
            apply_path(data, SLIDERS[name], value)
        elif name in Mechanisms.model_fields:
            data["mechanisms"][name] = bool(value)
    return Scenario.model_validate(data, strict=False)


def model_params(base: Scenario) -> dict:
    """SolaraViz inputs: a slider per SLIDERS entry and a checkbox per mechanism."""
    params: dict = {"seed": {"type": "InputText", "value": 1, "label": "Seed"}}
    data = base.model_dump(mode="json")
    for name, path in SLIDERS.items():
        value, info = read_path(data, path)
        low, high = field_bounds(info)
        is_int = info.annotation is int
        params[name] = {
            "type": "SliderInt" if is_int else "SliderFloat",
            "value": value,
            "label": f"{name.replace('_', ' ')} ({info.json_schema_extra['symbol']})",
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

    def __init__(self, seed: int | str = 1, **values: float | bool) -> None:
        super().__init__(scenario_for(load_scenario(BASE), **values), seed=int(seed))


def HostilityPlot(model: TeachingModel):
    """Each actor's hostility so far, the rung thresholds, and the missteps marked."""
    update_counter.get()
    data = trajectory_data(model.trajectory(), model.events)
    figure = plot_trajectory(
        data,
        model.world.thresholds,
        title=f"Day {model.day}: rung {model.rung}, {LADDER[model.rung].name}",
    )
    solara.FigureMatplotlib(figure, format="png")
    plt.close(figure)


RUNG_COLOURS = ("#2e7d32", "#7cb342", "#fdd835", "#fb8c00", "#e53935", "#8e24aa", "#212121")


def ActorsPicture(model: TeachingModel):
    """The actors as cards coloured by their rung, with their troops and losses."""
    update_counter.get()
    with solara.Row(style={"flex-wrap": "wrap"}):
        for actor in model.actors:
            colour = RUNG_COLOURS[actor.rung]
            text = "white" if actor.rung in (0, 4, 5, 6) else "black"
            with solara.Card(style={"background": colour, "color": text, "min-width": "9em"}):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        f"<b>{actor.name}</b> ({actor.role.value})<br>rung {actor.rung}: "
                        f"{LADDER[actor.rung].name}<br>troops {actor.troops:,}<br>"
                        f"deaths {int(actor.casualties)}"
                    ),
                    style={"color": text},
                )
    solara.Markdown(f"**Crisis rung {model.rung}: {LADDER[model.rung].name}** (day {model.day})")


def EventLog(model: TeachingModel):
    """The plain-language timeline, newest last."""
    update_counter.get()
    lines = timeline_lines(model) or ["Nothing has happened yet: press Step or Play."]
    solara.Markdown("### Event log\n\n" + "\n".join(f"- {line}" for line in lines[-14:]))


@solara.component
def ManyRuns(model: TeachingModel):
    """Run a few hundred runs of the current settings with the ensemble engine."""
    result, set_result = solara.use_state(None)
    solara.use_effect(lambda: set_result(None), [model])  # new settings: old results go

    def run() -> None:
        tally = Tally(model.world.days, model.world.escalation_rung)
        tally.add(simulate_chunk(Chunk(model.spec, model.seed, 0, MANY_RUNS)))
        set_result(tally)

    solara.Markdown(
        f"### Many runs\n\n{MANY_RUNS} runs of the current settings, each with "
        "its twin (the same random numbers, no missteps)."
    )
    solara.Button(f"Run {MANY_RUNS} runs", on_click=run, color="primary")
    if result is not None:
        rows = result.attribution().set_index("quantity")
        caused = rows.loc["escalations caused by missteps"]
        share = (
            "no escalation"
            if caused["of"] == 0
            else (
                f"{caused['share']:.0%} (95% interval {caused['low']:.0%} to {caused['high']:.0%})"
            )
        )
        solara.Markdown(
            f"P(escalation) = {rows.loc['P(escalation)', 'share']:.1%}. "
            f"Share of escalations caused by missteps: {share}."
        )
        figure = plot_outcomes(outcome_data(result), title="Outcome distribution")
        solara.FigureMatplotlib(figure, format="png")
        plt.close(figure)
    solara.Markdown(f"*{NOT_A_FORECAST}*")


@solara.component
def Page():
    """The app; each browser session gets its own model (a class shares none)."""
    model = solara.use_memo(TeachingModel, [])
    SolaraViz(
        model,
        # ManyRuns is a component already, so Mesa keeps its state between renders
        components=[HostilityPlot, ActorsPicture, EventLog, ManyRuns],
        model_params=model_params(load_scenario(BASE)),
        name="Escalation under a tripwire: a teaching model, not a forecast",
        play_interval=150,
    )

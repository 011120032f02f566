"""The teaching app's settings, without Solara: controls, their words, presets and the address.

A page's settings are one flat dict: the scenario's name, the seed, a value per slider and a
switch per mechanism. Every slider starts at the chosen scenario's value and spans the range
the defaults object (`sim.model.scenario`) allows; its label is a plain name, and `value_words`
says its value in words and units ("troops per guarantor: 2,000"). The settings travel in
the page's address (`to_query`, `from_query`) so a teacher can share a link, and each lesson
of docs/lessons has a preset that sets every control to the lesson's start.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import ValidationError

from sim.experiments.experiment import apply_path, read_path
from sim.model.chance import MAX_SEED
from sim.model.scenario import (
    Mechanisms,
    Scenario,
    field_bounds,
    list_scenario_files,
    load_scenario,
)

DEFAULT_SCENARIO = "reassurance"
DEFAULT_SEED = 1


@dataclass(frozen=True)
class Slider:
    """A slider: the parameter path it sets, its plain name, step, span and how its value reads."""

    path: str
    label: str
    step: float
    unit: str  # said after the value, e.g. "× the stakes"
    scale: tuple[str, str, str] | None = None  # words for low, middle and high values
    top: float | None = None  # a useful top of the allowed range (the schema allows more)
    digits: int = 2


SLIDERS: dict[str, Slider] = {
    "troops": Slider("guarantor.troops", "troops per guarantor", 500, "", top=30_000, digits=0),
    "challenger_resolve": Slider(
        "challenger.resolve", "challenger's resolve", 0.05, "of 1", ("low", "medium", "high")
    ),
    "challenger_threat_perception": Slider(
        "challenger.threat_perception",
        "challenger's threat perception",
        0.05,
        "of 1",
        ("calm", "wary", "fearful"),
    ),
    "protege_threat_perception": Slider(
        "protege.threat_perception",
        "protégé's threat perception",
        0.05,
        "of 1",
        ("calm", "wary", "fearful"),
    ),
    "guarantor_resolve": Slider(
        "guarantor.resolve", "guarantors' resolve", 0.05, "of 1", ("low", "medium", "high")
    ),
    "guarantor_threat_perception": Slider(
        "guarantor.threat_perception",
        "guarantors' threat perception",
        0.05,
        "of 1",
        ("calm", "wary", "fearful"),
    ),
    "hotline_quality": Slider(
        "world.hotline_quality", "hotline quality", 0.05, "of 1", ("poor", "fair", "good")
    ),
    "misstep_rate": Slider(
        "world.misstep_rate",
        "misstep rate",
        0.0001,
        "incidents a day per unit of exposure",
        top=0.003,
        digits=4,
    ),
    "audience_cost": Slider(
        "actors.audience_cost", "price of backing down (every actor)", 0.05, "× the stakes", top=5
    ),
    # After "every actor", so that they override it (scenario_for applies sliders in order).
    "challenger_audience_cost": Slider(
        "challenger.audience_cost",
        "challenger's price of backing down",
        0.05,
        "× the stakes",
        top=5,
    ),
    "guarantor_audience_cost": Slider(
        "guarantor.audience_cost",
        "guarantors' price of backing down",
        0.05,
        "× the stakes",
        top=5,
    ),
    "precision": Slider(
        "world.precision",
        "decision precision",
        0.5,
        "(0: choices at random; higher: closer to the best choice)",
        top=40,
        digits=1,
    ),
}

# Plain names for the switches; the schema's description (with its M number) is the tooltip.
SWITCHES: dict[str, str] = {
    "reaction": "Reaction to the other side's hostility",
    "framing": "Troops read as provocation",
    "missteps": "Missteps (random incidents)",
    "misreading": "Misreading incidents as attacks",
    "tripwire": "Tripwire (troops deter and stand in harm's way)",
    "warning": "Public warnings cost face to take back",
    "lock_in": "Warnings lock in over time",
    "withdrawal": "Casualties can bring troops home",
    "retaliation": "Harm is answered by strikes",
    "deliberate": "Deliberate attacks",
    "beliefs": "Beliefs learn from what the other side does",
    "misperception": "Biased perception",
    "noise": "Noisy perception",
    "decisions": "Actors decide (off: everyone holds)",
    "types": "Private resolve (each side unsure how resolved the other is)",
    "lookahead": "Actors weigh the replies they expect",
    "slips": "Force can slip out of control",
    "termination": "Wars can end in a ceasefire",
}

# Moving "every actor" sets these too (each can then be moved on its own).
FOLLOWERS: dict[str, tuple[str, ...]] = {
    "audience_cost": ("challenger_audience_cost", "guarantor_audience_cost"),
}

SCALE_EDGES = (1 / 3, 2 / 3)


@functools.cache  # read once per server: the page asks on every drawing
def scenario_names() -> tuple[str, ...]:
    """The scenario files shipped in experiments/, by name."""
    return tuple(path.stem for path in list_scenario_files())


@functools.cache
def base_scenario(name: str) -> Scenario:
    """The shipped scenario of that name (validated and frozen, so it can be shared)."""
    if name not in scenario_names():
        raise ValueError(f"no such scenario: {name!r} (known: {', '.join(scenario_names())})")
    return load_scenario(name)


@functools.cache
def slider_bounds(name: str) -> tuple[float, float]:
    """The slider's span: the schema's range, its top cut to a useful value."""
    info = read_path(base_scenario(DEFAULT_SCENARIO).model_dump(mode="json"), SLIDERS[name].path)
    low, high = field_bounds(info[1])
    top = SLIDERS[name].top
    return float(low), float(high if top is None else min(high, top))


@functools.cache
def is_whole(name: str) -> bool:
    """Whether the slider's parameter is a whole number (troops)."""
    _, info = read_path(base_scenario(DEFAULT_SCENARIO).model_dump(mode="json"), SLIDERS[name].path)
    return info.annotation is int


def defaults(scenario: str = DEFAULT_SCENARIO) -> dict[str, Any]:
    """The settings a page starts with: the scenario's own values and switches, seed 1."""
    spec = base_scenario(scenario)
    data = spec.model_dump(mode="json")
    settings: dict[str, Any] = {"scenario": scenario, "seed": DEFAULT_SEED}
    for name, slider in SLIDERS.items():
        settings[name] = read_path(data, slider.path)[0]
    for name in Mechanisms.model_fields:
        settings[name] = bool(getattr(spec.mechanisms, name))
    return settings


def scenario_for(base: Scenario, **values: float | bool) -> Scenario:
    """The base scenario with slider values and switches applied (validated).

    Every name must be a slider or a mechanism: a misspelt one is an error, not a silently
    ignored setting.
    """
    data = base.model_dump(mode="json")
    for name in values:
        if name not in SLIDERS and name not in Mechanisms.model_fields:
            raise ValueError(f"not a slider or a mechanism: {name!r}")
    for name in SLIDERS:  # in order: a role's own slider overrides "every actor"
        if name in values:
            apply_path(data, SLIDERS[name].path, values[name])
    for name in Mechanisms.model_fields:
        if name in values:
            data["mechanisms"][name] = bool(values[name])
    return Scenario.model_validate(data, strict=False)


def scenario_of(settings: dict[str, Any]) -> Scenario:
    """The validated scenario the settings describe."""
    values = {k: v for k, v in settings.items() if k not in ("scenario", "seed")}
    return scenario_for(base_scenario(settings["scenario"]), **values)


def with_value(settings: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """The settings with one control moved (and the controls that follow it, FOLLOWERS)."""
    moved = {**settings, name: value}
    for follower in FOLLOWERS.get(name, ()):
        moved[follower] = value
    return moved


def _scaled(value: float, words: tuple[str, str, str]) -> str:
    return words[0] if value < SCALE_EDGES[0] else words[1] if value < SCALE_EDGES[1] else words[2]


def number(name: str, value: float) -> str:
    """The slider's value as printed: thousands separated, its own number of digits."""
    digits = SLIDERS[name].digits
    return f"{value:,.0f}" if digits == 0 else f"{value:.{digits}f}"


def value_words(name: str, value: float, scale: bool = True) -> str:
    """The slider's name and value in words and units, e.g. 'troops per guarantor: 2,000'."""
    slider = SLIDERS[name]
    text = f"{slider.label}: {number(name, value)}"
    if slider.unit and (scale or slider.scale is not None):
        text += f" {slider.unit}"
    if scale and slider.scale is not None:
        text += f" ({_scaled(value, slider.scale)})"
    return text


def parse_seed(text: str) -> int:
    """The seed typed in the seed field, or ValueError with one line saying what is wrong."""
    cleaned = str(text).strip().replace(",", "").replace("_", "")
    if not cleaned.isdigit():
        raise ValueError(
            f"The seed must be a whole number from 0 to {MAX_SEED:,}: {text!r} is not."
        )
    seed = int(cleaned)
    if seed > MAX_SEED:
        raise ValueError(
            f"The seed must be a whole number from 0 to {MAX_SEED:,}: {text!r} is too big."
        )
    return seed


def changes(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that differ from their scenario's own values (the seed included)."""
    start = defaults(settings["scenario"])
    return {k: v for k, v in settings.items() if k == "scenario" or start.get(k) != v}


def caption(settings: dict[str, Any]) -> str:
    """The settings in one line, for a chart's caption: scenario, seed and what was changed."""
    start = defaults(settings["scenario"])
    parts = [f"scenario {settings['scenario']}", f"seed {settings['seed']}"]
    for name in SLIDERS:
        if settings[name] != start[name]:
            parts.append(value_words(name, settings[name], scale=False))
    off = [SWITCHES[n] for n in Mechanisms.model_fields if not settings[n] and start[n]]
    on = [SWITCHES[n] for n in Mechanisms.model_fields if settings[n] and not start[n]]
    if off:
        parts.append("switched off: " + "; ".join(off))
    if on:
        parts.append("switched on: " + "; ".join(on))
    if len(parts) == 2:
        parts.append("every other setting as in the scenario")
    else:
        parts.append("the rest as in the scenario")
    return ", ".join(parts)


def to_query(settings: dict[str, Any]) -> str:
    """The settings for the page's address: only what differs from the defaults."""
    shown = {}
    for key, value in changes(settings).items():
        if key == "scenario" and value == DEFAULT_SCENARIO:
            continue
        shown[key] = int(value) if isinstance(value, bool) else value
    return urlencode(shown)


def _value(name: str, text: str) -> Any:
    if name == "seed":
        return parse_seed(text)
    if name in Mechanisms.model_fields:
        if text not in ("0", "1", "true", "false"):
            raise ValueError(f"{name} must be 0 or 1, not {text!r}")
        return text in ("1", "true")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{SLIDERS[name].label} must be a number, not {text!r}") from None
    low, high = slider_bounds(name)
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{SLIDERS[name].label} must be from {low:g} to {high:g}, not {text!r}")
    return round(value) if is_whole(name) else value


def from_query(query: str | None) -> tuple[dict[str, Any], list[str]]:
    """Settings from the page's address, and a line for each part of it that was not used."""
    pairs = parse_qsl(query or "", keep_blank_values=True)
    problems: list[str] = []
    scenario = dict(pairs).get("scenario", DEFAULT_SCENARIO)
    if scenario not in scenario_names():
        problems.append(f"the address names no shipped scenario {scenario!r}: reassurance used")
        scenario = DEFAULT_SCENARIO
    settings = defaults(scenario)
    for key, text in pairs:
        if key == "scenario":
            continue
        if key not in settings:
            problems.append(f"the address has an unknown setting {key!r}: ignored")
            continue
        try:
            settings = with_value(settings, key, _value(key, text))
        except ValueError as error:
            problems.append(f"{str(error).rstrip('.')}: ignored")
    try:
        scenario_of(settings)
    except (ValueError, ValidationError):
        problems.append("the address's settings do not make a valid scenario: defaults used")
        settings = defaults(scenario)
    return settings, problems


LESSON_KEY = "lesson"  # the address's name for the lesson shown beside the run
KEPT_KEYS = ("A", "B")  # the settings kept for comparison, each an address of its own


@dataclass(frozen=True)
class Address:
    """What the page's address holds: the settings shown, the lesson beside the run, the
    settings kept as A and B, and a line for each part of the address that was not used."""

    settings: dict[str, Any]
    lesson: str | None = None
    kept: tuple[tuple[str, dict[str, Any] | None], ...] = (("A", None), ("B", None))
    problems: tuple[str, ...] = ()


def to_address(settings: dict[str, Any], lesson: str | None, kept: dict[str, Any]) -> str:
    """The page's address query: the settings (`to_query`), the lesson shown, and A and B
    (each as its own query: `A=troops%3D0`; present but empty for the defaults)."""
    parts = [to_query(settings)]
    extra = [(LESSON_KEY, lesson)] if lesson is not None else []
    extra += [(slot, to_query(kept[slot])) for slot in KEPT_KEYS if kept.get(slot) is not None]
    parts.append(urlencode(extra))
    return "&".join(part for part in parts if part)


def from_address(query: str | None) -> Address:
    """The page's state from its address; what cannot be used is named, never an error."""
    pairs = parse_qsl(query or "", keep_blank_values=True)
    own = {LESSON_KEY, *KEPT_KEYS}
    settings, problems = from_query(urlencode([p for p in pairs if p[0] not in own]))
    found = dict(p for p in pairs if p[0] in own)
    lesson = found.get(LESSON_KEY)
    if lesson is not None and lesson not in {p.lesson for p in PRESETS}:
        problems.append(f"the address names no lesson {lesson!r}: ignored")
        lesson = None
    kept: list[tuple[str, dict[str, Any] | None]] = []
    for slot in KEPT_KEYS:
        if slot not in found:
            kept.append((slot, None))
            continue
        value, wrong = from_query(found[slot])
        problems += [f"in the settings kept as {slot}: {line}" for line in wrong]
        kept.append((slot, value))
    return Address(settings, lesson, tuple(kept), tuple(problems))


@dataclass(frozen=True)
class Preset:
    """A lesson's starting settings: its scenario and what it changes, seed included."""

    lesson: str
    title: str
    scenario: str
    values: tuple[tuple[str, Any], ...] = ()

    def settings(self) -> dict[str, Any]:
        settings = defaults(self.scenario)
        for name, value in self.values:
            settings = with_value(settings, name, value)
        return settings


# One preset per lesson of docs/lessons, each the lesson's first step.
PRESETS: tuple[Preset, ...] = (
    Preset("1", "The tripwire", "reassurance", (("troops", 0),)),
    Preset(
        "2",
        "Protection or provocation",
        "reassurance",
        (
            ("troops", 1000),
            ("challenger_threat_perception", 0.9),
            ("protege_threat_perception", 0.9),
            ("guarantor_threat_perception", 0.9),
        ),
    ),
    Preset("3", "The misstep", "reassurance", (("seed", 89),)),
    Preset("4", "The commitment trap", "reassurance", (("audience_cost", 0.0),)),
    Preset("5", "Three roads to war", "baseline"),
)

"""Scenarios: the validated parameters of one crisis, and the one defaults object.

Every parameter's default, range, symbol and source lives here, in a pydantic field. The model,
the command line, the app and the docs all read these fields; nothing else states a default.
A scenario file (TOML) names its actors by display name; the code speaks in roles.
"""

import difflib
import itertools
import math
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.safe_io import MAX_DEPTH, nesting, read_text_file, shown

EXPERIMENTS_DIR = Path(__file__).resolve().parent.parent / "experiments"


class Role(StrEnum):
    """Roles of extended-deterrence research (Huth & Russett 1984)."""

    CHALLENGER = "challenger"
    PROTEGE = "protege"
    GUARANTOR = "guarantor"


def param(default: Any, symbol: str, meaning: str, source: str, **limits: Any) -> Any:
    """A parameter field carrying the symbol, meaning and source the docs print."""
    return Field(
        default,
        description=meaning,
        json_schema_extra={"symbol": symbol, "source": source},
        allow_inf_nan=False,
        **limits,
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ActorParams(_Strict):
    """One actor. The same rules apply to every actor; only these numbers differ."""

    name: str = Field(min_length=1, max_length=100, description="Display name, e.g. 'Russia'.")
    role: Role = Field(strict=False, description="challenger, protege or guarantor.")
    initial_hostility: float = param(
        0.0, "x₀", "Hostility toward the other side on day 0.",
        "brief §3", ge=0, le=100)  # fmt: skip
    resolve: float = param(
        0.5, "r", "Willingness to bear cost; scales reactions and casualty tolerance.",
        "brief §2", ge=0, le=1)  # fmt: skip
    threat_perception: float = param(
        0.5, "τ", "Tendency to read the other side's moves as hostile.",
        "Jervis (1976)", ge=0, le=1)  # fmt: skip
    reactivity: float = param(
        0.02, "κ", "Richardson reaction per unit of perceived hostility (a = κ·(½+r)).",
        "Richardson (1960)", ge=0, le=1)  # fmt: skip
    restraint: float = param(
        0.06, "m", "Share of hostility that decays each day (war aversion).",
        "Richardson (1960)", ge=0, le=1)  # fmt: skip
    grievance: float = param(
        0.0, "g", "Constant daily grievance added to hostility.",
        "Richardson (1960)", ge=0, le=1)  # fmt: skip
    audience_cost: float = param(
        0.3, "c", "Price of backing down after a public commitment; weakens restraint.",
        "Fearon (1994)", ge=0, le=1)  # fmt: skip
    troops: int = param(
        0, "T", "Troops stationed on the protégé's soil.",
        "brief §1", ge=0, le=1_000_000)  # fmt: skip
    exposure: float = param(
        0.0, "e", "Baseline exposure to incidents without troops (air space, borders).",
        "Posen (1991)", ge=0, le=100)  # fmt: skip
    casualty_tolerance: float = param(
        100.0, "L", "Deaths tolerated (at r = ½) before withdrawing troops.",
        "Beirut 1983, Somalia 1993", ge=0, le=1e9)  # fmt: skip
    framing: float = param(
        0.0, "φ", "Daily grievance per 1,000 of the other side's troops in theatre.",
        "Jervis (1976); Glaser (1997)", ge=0, le=10)  # fmt: skip
    hardening: float = param(
        0.0, "η", "Daily grievance while the other side has issued a public warning.",
        "Fearon (1994)", ge=0, le=10)  # fmt: skip
    solidarity: float = param(
        0.5, "σ", "Share of a shock to an ally that this actor feels as its own.",
        "brief §1", ge=0, le=1)  # fmt: skip
    offensive_hazard: float = param(
        0.0, "ω", "Daily hazard of resuming the offensive, undeterred, at zero hostility.",
        "Powell (2004)", ge=0, le=1)  # fmt: skip
    strike_probability: float = param(
        0.3, "s", "Daily chance of a deliberate strike while at the strike rung.",
        "Axelrod (1984)", ge=0, le=1)  # fmt: skip
    nuclear_armed: bool = Field(False, description="Only a nuclear-armed actor reaches rung 6.")
    warned: bool = Field(False, description="Has issued its public warning before day 1.")


class World(_Strict):
    """Parameters of the theatre and of the ladder, shared by every actor."""

    days: int = param(365, "H", "Horizon: days simulated (one step a day).", "brief §3",
                      ge=1, le=36_500)  # fmt: skip
    hotline_quality: float = param(
        0.3, "q", "Quality of the deconfliction line: cuts the chance of misreading.",
        "Pauly & McDermott", ge=0, le=1)  # fmt: skip
    misstep_rate: float = param(
        0.0003, "λ", "Daily incidents per unit of exposure at front intensity 1.",
        "Schelling (1966); Posen (1991)", ge=0, le=1)  # fmt: skip
    front_intensity: float = param(
        1.0, "I₀", "Background intensity of fighting on the protégé's front.",
        "brief §1", ge=0, le=100)  # fmt: skip
    offensive_intensity: float = param(
        3.0, "Iₒ", "Factor on front intensity once an offensive resumes.",
        "brief M5", ge=1, le=100)  # fmt: skip
    harm_multiplier: float = param(
        3.0, "k", "Factor on troops' exposure once an offensive resumes (troops in harm's way).",
        "Schelling (1966)", ge=1, le=100)  # fmt: skip
    deterrence: float = param(
        2.0, "δ", "Cut in the offensive hazard per 1,000 troops × guarantor resolve.",
        "Huth (1988); Schelling (1966)", ge=0, le=100)  # fmt: skip
    misperception_bias: float = param(
        0.5, "β", "Over-reading of hostility at τ = 1 (ŷ = y·(1+βτ)).",
        "Jervis (1976)", ge=0, le=10)  # fmt: skip
    perception_noise: float = param(
        0.3, "ν", "Half-width of perception noise at τ = 1.",
        "Jervis (1976)", ge=0, le=10)  # fmt: skip
    misread_shock: float = param(
        3.0, "Sₘ", "Hostility shock of an incident read as a deliberate attack.",
        "Jervis (1976)", ge=0, le=100)  # fmt: skip
    accident_shock: float = param(
        0.2, "Sₐ", "Hostility shock of an incident read correctly as an accident.",
        "Jervis (1976)", ge=0, le=100)  # fmt: skip
    strike_shock: float = param(
        1.0, "Sₛ", "Hostility shock of a deliberate strike on the target.",
        "Axelrod (1984)", ge=0, le=100)  # fmt: skip
    offensive_shock: float = param(
        1.0, "Sₒ", "Hostility shock of a resumed offensive on the actor attacked.",
        "Powell (2004)", ge=0, le=100)  # fmt: skip
    misstep_casualties: float = param(
        4.0, "Cₘ", "Mean deaths in one incident (uniform on 0..2Cₘ).",
        "brief M3", ge=0, le=1e6)  # fmt: skip
    strike_casualties: float = param(
        15.0, "Cₛ", "Mean deaths in one deliberate strike (uniform on 0..2Cₛ).",
        "brief M9", ge=0, le=1e6)  # fmt: skip
    lock_in_days: float = param(
        60.0, "D", "Days after a commitment at which restraint has lost half of c.",
        "Fearon (1994)", gt=0, le=1e6)  # fmt: skip
    thresholds: list[float] = Field(
        [1.0, 2.0, 3.0, 4.0, 5.0, 7.0],
        min_length=6,
        max_length=6,
        description="Hostility at which rungs 1..6 begin (strictly increasing).",
        json_schema_extra={"symbol": "θ₁..θ₆", "source": "Kahn (1965); MID levels"},
    )
    escalation_rung: int = param(
        5, "R*", "A run escalated if it reached this rung (5 = open war).",
        "brief §5", ge=1, le=6)  # fmt: skip

    @model_validator(mode="after")
    def _thresholds_increase(self) -> Self:
        t = self.thresholds
        if any(not math.isfinite(x) for x in t):
            raise ValueError("thresholds must be finite numbers")
        if t[0] <= 0 or any(b <= a for a, b in itertools.pairwise(t)):
            raise ValueError("thresholds must be positive and strictly increasing")
        return self


class Mechanisms(_Strict):
    """One off switch per mechanism of the model brief (section 4), for ablation."""

    reaction: bool = Field(True, description="M1 Richardson reaction to perceived hostility.")
    framing: bool = Field(True, description="M2 the other side's troops read as provocation.")
    missteps: bool = Field(True, description="M3 random incidents on exposed actors.")
    misreading: bool = Field(True, description="M4 incidents misread as deliberate attacks.")
    tripwire: bool = Field(True, description="M5 troops deter offensives and stand in harm's way.")
    warning: bool = Field(True, description="M6 public warnings: backdown cost and hardening.")
    lock_in: bool = Field(True, description="M7 restraint weakens after a commitment.")
    withdrawal: bool = Field(True, description="M8 troops withdraw past casualty tolerance.")
    retaliation: bool = Field(True, description="M9 deliberate strikes at the strike rung.")
    misperception: bool = Field(True, description="Threat perception biases perceived hostility.")
    noise: bool = Field(True, description="Threat perception adds noise to perceived hostility.")


class Scenario(_Strict):
    """A crisis: its actors, its theatre and which mechanisms are on."""

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    world: World = World()
    mechanisms: Mechanisms = Mechanisms()
    actors: list[ActorParams]

    @model_validator(mode="after")
    def _roles(self) -> Self:
        dupes = repeated([a.name for a in self.actors])
        if dupes:
            raise ValueError(f"duplicate actor names: {', '.join(dupes)}")
        roles = [a.role for a in self.actors]
        if roles.count(Role.CHALLENGER) != 1:
            raise ValueError("exactly one actor must have role 'challenger'")
        if roles.count(Role.PROTEGE) > 1:
            raise ValueError("at most one actor may have role 'protege'")
        if len(self.actors) < 2:
            raise ValueError("a scenario needs the challenger and at least one other actor")
        if self.actors[0].role != Role.CHALLENGER:
            raise ValueError("list the challenger first, then the protege, then guarantors")
        return self

    def with_changes(self, **changes: Any) -> "Scenario":
        """A validated copy with top-level changes; `world`/`mechanisms` take dicts of fields."""
        data = self.model_dump()
        for key, value in changes.items():
            if key in ("world", "mechanisms") and isinstance(value, dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return Scenario.model_validate(data, strict=False)

    def with_actor_changes(self, role: Role | str, **changes: Any) -> "Scenario":
        """A validated copy in which every actor with `role` takes the given values."""
        data = self.model_dump()
        data["actors"] = [
            {**a, **changes} if a["role"] == Role(role) else a for a in data["actors"]
        ]
        return Scenario.model_validate(data, strict=False)


def field_bounds(field: Any) -> tuple[float | None, float | None]:
    """The (low, high) a parameter field allows, None where it sets no bound."""
    low = high = None
    for m in field.metadata:
        low = getattr(m, "ge", getattr(m, "gt", low))
        high = getattr(m, "le", getattr(m, "lt", high))
    return low, high


class ScenarioError(ValueError):
    """A scenario that cannot be used; its message is one line naming the problem."""


def _location(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list | tuple) and item < len(node):
            node = node[item]
            label = node.get("name") if isinstance(node, dict) else None
            parts.append(f"[{label!r}]" if label else f"[{item}]")
        else:
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts)


def did_you_mean(word: str, choices: list[str]) -> str:
    """A " (did you mean 'x'?)" hint naming the closest choice, or "" when none is close."""
    hint = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def repeated(items: list[str]) -> list[str]:
    """The items that appear more than once, sorted."""
    return sorted({item for item in items if items.count(item) > 1})


def _model_for(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    head = [p for p in loc if isinstance(p, str)]
    if not head[:-1]:
        return Scenario
    return {"world": World, "mechanisms": Mechanisms, "actors": ActorParams}.get(head[0])


def explain(error: ValidationError, where: str, known: list[str]) -> str:
    """The first validation error as one line: `where: problem`; `known` feeds the hint."""
    first = error.errors()[0]
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown key" + did_you_mean(str(first["loc"][-1]), known)
    if first["type"] == "missing":
        return f"{where}: required field is missing"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    got = f" (got {shown(value)})" if not isinstance(value, dict | list) else ""
    return f"{where}: {message}{got}"


def _explain(error: ValidationError, data: dict[str, Any]) -> str:
    loc = tuple(p for p in error.errors()[0]["loc"] if p not in ("function-after",))
    model = _model_for(loc)
    known = list(model.model_fields) if model else []
    return explain(error, _location(loc, data) if loc else "scenario", known)


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """A TOML file's text and data, or ScenarioError with one line naming the problem."""
    try:
        text = read_text_file(path)
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply (more than {MAX_DEPTH} levels)") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read: {error.strerror or error}") from None
    except ValueError as error:  # not a regular file, too large, not UTF-8
        raise ScenarioError(f"{path}: cannot read: {error}") from None
    if nesting(data) > MAX_DEPTH:
        raise ScenarioError(f"{path}: nested too deeply (more than {MAX_DEPTH} levels)")
    return text, data


def parse_scenario(data: dict[str, Any]) -> Scenario:
    """Validate a scenario given as a dict, raising ScenarioError with a one-line message."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_explain(error, data)) from None


def resolve_path(name_or_path: str | Path) -> Path:
    """A scenario path, also accepting the bare name of a file in experiments/."""
    path = Path(name_or_path)
    if path.exists() or path.suffix:
        return path
    candidate = EXPERIMENTS_DIR / f"{path.name}.toml"
    return candidate if candidate.exists() else path


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file, raising ScenarioError with a one-line message."""
    path = resolve_path(name_or_path)
    if not path.exists():
        known = ", ".join(p.stem for p in list_scenario_files())
        raise ScenarioError(f"{path}: no such scenario file (known: {known})")
    _, data = read_toml(path)
    kind = data.pop("kind", "scenario")
    if kind != "scenario":
        hint = "; run it with `escalation sweep`" if kind == "experiment" else ""
        raise ScenarioError(
            f"{path}: not a scenario file (kind is {shown(kind)}, not 'scenario'){hint}"
        )
    try:
        return parse_scenario(data)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None


def list_scenario_files() -> list[Path]:
    """The scenario files shipped in experiments/ (files whose `kind` is 'scenario')."""
    files = []
    for path in sorted(EXPERIMENTS_DIR.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if data.get("kind", "scenario") == "scenario":
            files.append(path)
    return files

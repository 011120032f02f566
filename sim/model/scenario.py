"""Scenarios: the validated parameters of one crisis, and the one defaults object.

Every parameter's default, range, symbol and source lives here, in a pydantic field. The model,
the command line, the app and the docs all read these fields; nothing else states a default.
A scenario file (TOML) names its actors by display name; the code speaks in roles.

Bounds. Every number has a lower and an upper bound, stated with its reason in the field's
schema (`bounds`), and a value outside is refused in one line before any work. A share or a
probability lies in 0..1 by definition; any other bound is a cap far beyond the values its
sources give, so that no value alone carries a run's arithmetic out of the finite range. Values
can still combine into runaway growth (strong reactions, no restraint, a long horizon): the
engines then stop the run and say which parameters drove it there (`sim.model.finite`). A new
parameter takes the same rule through `param`, with `why=` where its bound has another reason.
"""

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.model.messages import did_you_mean, explain, location, repeated
from sim.safe_io import MAX_DEPTH, nesting, read_text_file, shown

MAX_ACTORS = 8  # a fixed bound keeps the compiled engine's state small
EXPERIMENTS_DIR = Path(__file__).resolve().parents[2] / "experiments"


class Role(StrEnum):
    """Roles of extended-deterrence research (Huth & Russett 1984)."""

    CHALLENGER = "challenger"
    PROTEGE = "protege"
    GUARANTOR = "guarantor"


SHARE = "a share or a probability: 0 to 1 by definition"
CAP = "a cap far beyond its sources' values, so that no value alone makes a run overflow"


def param(
    default: Any, symbol: str, meaning: str, source: str, why: str | None = None, **limits: Any
) -> Any:
    """A parameter field carrying the symbol, meaning and source the docs print, and the
    reason for its bounds (`why`; by default SHARE for 0..1, else CAP: see the docstring)."""
    share = limits.get("ge") == 0 and limits.get("le") == 1
    return Field(
        default,
        description=meaning,
        json_schema_extra={
            "symbol": symbol,
            "source": source,
            "bounds": why or (SHARE if share else CAP),
        },
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
        0.0, "x₀", "Hostility toward each opponent on day 0.",
        "brief §2", ge=0, le=100)  # fmt: skip
    initial_belief: float = param(
        0.2, "b₀", "Prior belief that each opponent is resolute (aggressive: would fight if it "
        "could).",
        "Kydd (2005)", ge=0, le=1)  # fmt: skip
    resolve: float = param(
        0.5, "r", "Willingness to bear cost: scales reactions, weights costs by (1 − r).",
        "brief §3", ge=0, le=1)  # fmt: skip
    resolve_spread: float = param(
        0.15, "Δ", "Half-width of the range r ± Δ the actor's resolve is drawn from, once per "
        "crisis; known only to itself (the strategic rule's private type).",
        "Fearon (1995); Kydd (2005)", ge=0, le=0.5)  # fmt: skip
    threat_perception: float = param(
        0.5, "τ", "Tendency to read the opponent's moves as hostile.",
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
        0.3, "c", "Price of backing down after a public warning (B = c·(1 + lock-in)).",
        "Fearon (1994)", ge=0, le=5)  # fmt: skip
    stakes: float = param(
        1.0, "V", "What prevailing in the dispute is worth to the actor (its war aim).",
        "Fearon (1995)", ge=0, le=100)  # fmt: skip
    forces: float = param(
        1.0, "F", "Military strength available to the theatre (balance of forces).",
        "Fearon (1995); COW CINC", ge=0, le=1000)  # fmt: skip
    troops: int = param(
        0, "T", "Troops stationed on the protégé's soil (the tripwire).",
        "brief §1", ge=0, le=1_000_000)  # fmt: skip
    exposure: float = param(
        0.0, "e", "Exposure to incidents besides troops (air, sea, the line); pairs use the mean.",
        "Posen (1991)", ge=0, le=100)  # fmt: skip
    casualty_tolerance: float = param(
        100.0, "L", "Deaths that hurt as much as the stakes (at r = ½): drive withdrawal.",
        "Mueller (1973); Beirut 1983", ge=0, le=1e9)  # fmt: skip
    framing: float = param(
        0.0, "φ", "Daily grievance per 1,000 of the opponent's troops in theatre.",
        "Jervis (1976); Glaser (1997)", ge=0, le=10)  # fmt: skip
    hardening: float = param(
        0.0, "η", "Daily grievance while the opponent's public warning stands.",
        "Fearon (1994)", ge=0, le=10)  # fmt: skip
    solidarity: float = param(
        0.5, "σ", "Share of harm to an ally felt as one's own (shocks and beliefs).",
        "brief §2", ge=0, le=1)  # fmt: skip
    nuclear_armed: bool = Field(False, description="May choose nuclear use, only while at war.")
    warned: bool = Field(False, description="Has warned every opponent publicly before day 1.")


class DecisionRule(StrEnum):
    """How actors choose: the strategic rule (types, anticipated replies; Model 3) or the
    myopic one (daily logit over short-sighted scores; Model 2), kept for comparison."""

    STRATEGIC = "strategic"
    MYOPIC = "myopic"


class World(_Strict):
    """Parameters of the theatre, of decisions and of the ladder, shared by every actor."""

    days: int = param(365, "H", "Horizon: days simulated (one step a day).", "brief §4",
                      ge=1, le=36_500)  # fmt: skip
    decision_rule: DecisionRule = Field(
        DecisionRule.STRATEGIC, strict=False,
        description="strategic (private types, anticipated replies, signals; Model 3) or "
        "myopic (daily logit over short-sighted scores; Model 2).")  # fmt: skip
    precision: float = param(
        25.0, "λ", "Quantal-response precision: how close choices are to best response.",
        "McKelvey & Palfrey (1995)", ge=0, le=1000)  # fmt: skip
    anger: float = param(
        0.2, "h", "Weight of hostility in the utility of force (anger biases towards force).",
        "brief §3; Jervis (1976)", ge=0, le=10)  # fmt: skip
    move_cost: float = param(
        0.75, "κₘ", "Cost of one rung of a non-violent move (warning, mobilising, harassing).",
        "Kahn (1965)", ge=0, le=100)  # fmt: skip
    strike_cost: float = param(
        2.0, "Cₛ", "Cost of a limited strike at r = 0, in units of stakes.",
        "Axelrod (1984)", ge=0, le=1000)  # fmt: skip
    war_cost: float = param(
        6.0, "C_w", "Cost of a war with one opponent at r = 0, in units of stakes.",
        "Fearon (1995)", ge=0, le=1000)  # fmt: skip
    nuclear_cost: float = param(
        50.0, "Cₙ", "Cost of nuclear use, in units of stakes.",
        "Schelling (1966); Tannenwald (1999)", ge=0, le=1e6)  # fmt: skip
    first_strike: float = param(
        0.5, "A", "Edge of attacking first an opponent believed aggressive (preemption).",
        "Schelling (1960); Fearon (1995)", ge=0, le=10)  # fmt: skip
    retaliation: float = param(
        0.5, "ρ", "Weight of harm suffered (H) in the utility of striking back.",
        "Axelrod (1984)", ge=0, le=10)  # fmt: skip
    harm_memory: float = param(
        0.9, "μ", "Share of remembered harm H kept from one day to the next.",
        "Axelrod (1984)", ge=0, le=1)  # fmt: skip
    peace_value: float = param(
        0.5, "P", "Value of ending a crisis at rung 4 (scaled by rung/4).",
        "Kydd (2005)", ge=0, le=100)  # fmt: skip
    signal_hostile: float = param(
        1.5, "Lₕ", "Likelihood ratio of a strike (or an incident read as one) for 'aggressive'.",
        "Kydd (2005)", ge=1, le=100)  # fmt: skip
    signal_restraint: float = param(
        0.8, "Lᵣ", "Likelihood ratio of restraint under provocation or de-escalation.",
        "Kydd (2005)", gt=0, le=1)  # fmt: skip
    deterrence: float = param(
        0.2, "δ", "Credibility per 1,000 troops × resolve of a guarantor's defence.",
        "Huth (1988); Schelling (1966)", ge=0, le=100)  # fmt: skip
    mobilisation_gain: float = param(
        0.25, "Γ", "Share added to forces once mobilised.",
        "brief §3", ge=0, le=10)  # fmt: skip
    hotline_quality: float = param(
        0.3, "q", "Quality of the deconfliction line: cuts the chance of misreading.",
        "Pauly & McDermott (2022)", ge=0, le=1)  # fmt: skip
    misstep_rate: float = param(
        0.0003, "λₘ", "Daily incidents per unit of exposure at front intensity 1.",
        "Schelling (1966); Posen (1991)", ge=0, le=1)  # fmt: skip
    harassment: float = param(
        5.0, "ħ", "Factor on the incident hazard on a day the opponent harasses.",
        "Posen (1991)", ge=1, le=1000)  # fmt: skip
    front_intensity: float = param(
        1.0, "I₀", "Background intensity of fighting on the protégé's front.",
        "brief §1", ge=0, le=100)  # fmt: skip
    offensive_intensity: float = param(
        3.0, "Iₒ", "Factor on front intensity while an offensive is under way.",
        "brief M5", ge=1, le=100)  # fmt: skip
    harm_multiplier: float = param(
        3.0, "k", "Factor on troops' exposure while an offensive is under way (harm's way).",
        "Schelling (1966)", ge=1, le=100)  # fmt: skip
    misperception_bias: float = param(
        0.5, "β", "Over-reading of hostility and hostile signals at τ = 1.",
        "Jervis (1976)", ge=0, le=10)  # fmt: skip
    perception_noise: float = param(
        0.3, "ν", "Half-width of perception noise at τ = 1.",
        "Jervis (1976)", ge=0, le=10)  # fmt: skip
    misread_shock: float = param(
        1.0, "Sₘ", "Hostility shock of an incident read as a deliberate attack.",
        "Jervis (1976)", ge=0, le=100)  # fmt: skip
    accident_shock: float = param(
        0.2, "Sₐ", "Hostility shock of an incident read correctly as an accident.",
        "Jervis (1976)", ge=0, le=100)  # fmt: skip
    strike_shock: float = param(
        1.0, "Sₛ", "Hostility shock of a strike on the target.",
        "Axelrod (1984)", ge=0, le=100)  # fmt: skip
    offensive_shock: float = param(
        2.0, "Sₒ", "Hostility shock of an attack on the actor attacked.",
        "Powell (2006)", ge=0, le=100)  # fmt: skip
    misstep_casualties: float = param(
        4.0, "Cₘ", "Mean deaths in one clash (uniform on 0..2Cₘ); other incidents kill no one.",
        "brief M3", ge=0, le=1e6)  # fmt: skip
    incident_lethality: float = param(
        1.0, "ℓ", "Share of incidents that are clashes (forces fire: a use of force, can kill).",
        "Frear, Kulesa & Kearns (2014); Jones, Bremer & Singer (1996)", ge=0, le=1)  # fmt: skip
    strike_casualties: float = param(
        20.0, "C_st", "Mean deaths in one limited strike (uniform on 0..2C).",
        "brief M9", ge=0, le=1e6)  # fmt: skip
    force_lethality: float = param(
        1.0, "ℓ_f", "Share of strikes and slips (clashes) that can kill; the rest are bloodless.",
        "Jones, Bremer & Singer (1996); Palmer et al. (2015)", ge=0, le=1)  # fmt: skip
    combat_casualties: float = param(
        40.0, "C_c", "Mean battle deaths a day of an offensive (uniform on 0..2C).",
        "Correlates of War", ge=0, le=1e6)  # fmt: skip
    offensive_days: int = param(
        60, "Dₒ", "Days an offensive lasts before it culminates.",
        "Clausewitz; brief §4", ge=1, le=36_500)  # fmt: skip
    war_deaths: float = param(
        1000.0, "W", "Battle deaths in a dyad that make reciprocal combat an open war.",
        "Correlates of War (Sarkees & Wayman 2010)", ge=1, le=1e9)  # fmt: skip
    calm_days: int = param(
        14, "D_c", "Calm days after which a dyad steps one rung down.",
        "brief §4", ge=1, le=36_500)  # fmt: skip
    lock_in_days: float = param(
        60.0, "D", "Days after a commitment at which lock-in is half way.",
        "Fearon (1994)", gt=0, le=1e6)  # fmt: skip
    warn_weight: float = param(
        0.3, "ω_w", "Myopic rule: weight of deterring an opponent believed aggressive by warning.",
        "Fearon (1994)", ge=0, le=10)  # fmt: skip
    mobilise_weight: float = param(
        0.5, "ω_m", "Weight of readiness against an opponent believed aggressive in mobilising.",
        "Jervis (1976)", ge=0, le=10)  # fmt: skip
    probe_weight: float = param(
        0.75, "ω_p", "Weight of anger in harassment (deniable, so it vents anger cheaply).",
        "Posen (1991)", ge=0, le=10)  # fmt: skip
    slip_rate: float = param(
        0.001, "s₀", "Daily chance that a dyad at rung 3 slips a rung out of anyone's control.",
        "Schelling (1960); Posen (1991)", ge=0, le=1)  # fmt: skip
    slip_growth: float = param(
        3.0, "g", "Factor on the slip chance at rung 4 (combat) against rung 3.",
        "Schelling (1960); Kahn (1965)", ge=1, le=100)  # fmt: skip
    nuclear_slip_factor: float = param(
        1.5, "ν", "Factor on the slip chance for each nuclear-armed side of the dyad.",
        "Sagan (1993); Jervis (1989)", ge=1, le=100)  # fmt: skip
    nuclear_slip: float = param(
        0.0001, "s_N", "Daily chance, per nuclear-armed side, that a war goes nuclear unbidden.",
        "Powell (1990); Schelling (1960)", ge=0, le=1)  # fmt: skip
    escalation_rung: int = param(
        5, "R*", "A run escalated if a dyad reached this rung (5 = open war).",
        "brief §4", ge=1, le=6)  # fmt: skip


class Mechanisms(_Strict):
    """One off switch per mechanism of the model brief (section 5), for ablation."""

    reaction: bool = Field(True, description="M1 Richardson reaction to perceived hostility.")
    framing: bool = Field(True, description="M2 the opponent's troops read as provocation.")
    missteps: bool = Field(True, description="M3 random incidents on exposed actors.")
    misreading: bool = Field(True, description="M4 incidents misread as deliberate attacks.")
    tripwire: bool = Field(True, description="M5 troops deter attacks and stand in harm's way.")
    warning: bool = Field(True, description="M6 public warnings: audience costs and hardening.")
    lock_in: bool = Field(True, description="M7 backing down dearer the longer a warning stands.")
    withdrawal: bool = Field(True, description="M8 casualties can bring troops home.")
    retaliation: bool = Field(True, description="M9 harm suffered is answered by strikes.")
    deliberate: bool = Field(True, description="M10 attacks chosen by expected utility.")
    beliefs: bool = Field(True, description="M11 beliefs updated from costly signals.")
    misperception: bool = Field(True, description="Threat perception biases perception.")
    noise: bool = Field(True, description="Threat perception adds noise to perception.")
    decisions: bool = Field(True, description="Actors choose actions (off: everyone holds).")
    types: bool = Field(
        True, description="Private resolve drawn once per crisis (off: every actor's resolve is "
        "its mean, known to all: complete information).")  # fmt: skip
    lookahead: bool = Field(
        True, description="Strategic rule: actions weigh the replies they expect (off: no reply "
        "expected, no deterrence by expectation).")  # fmt: skip
    slips: bool = Field(
        True, description="The threat that leaves something to chance: rungs 3-4 slip out of "
        "control, wars with nuclear-armed states can go nuclear unbidden.")  # fmt: skip
    termination: bool = Field(
        True, description="Strategic rule: wars end as wars of attrition, a side yielding "
        "once a day of war costs it more than the opponent's falling hazard of quitting may "
        "win.")  # fmt: skip


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
        if len(self.actors) > MAX_ACTORS:
            raise ValueError(f"a scenario has at most {MAX_ACTORS} actors")
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


# The decision rules an answer is checked across: each a set of changes to a scenario.
# "myopic" is Model 2's rule as it was: daily logit at Model 2's precision, no private types,
# no slips, every incident and strike can kill (tests/model/test_strategic.py checks it gives
# Model 2's runs to the last bit).
RULES: dict[str, dict[str, dict[str, Any]]] = {
    "strategic": {},
    "complete information": {"mechanisms": {"types": False}},
    "myopic": {
        "world": {
            "decision_rule": "myopic",
            "precision": 8.0,
            "incident_lethality": 1.0,
            "force_lethality": 1.0,
        },
        "mechanisms": {"types": False, "slips": False},
    },
}


def under_rule(scenario: "Scenario", rule: str) -> "Scenario":
    """The scenario under one of RULES (its own parameters otherwise kept)."""
    if rule not in RULES:
        raise ScenarioError(f"unknown decision rule {rule!r}" + did_you_mean(rule, list(RULES)))
    return scenario.with_changes(**RULES[rule])


def field_bounds(field: Any) -> tuple[float | None, float | None]:
    """The (low, high) a parameter field allows, None where it sets no bound."""
    low = high = None
    for m in field.metadata:
        low = getattr(m, "ge", getattr(m, "gt", low))
        high = getattr(m, "le", getattr(m, "lt", high))
    return low, high


class ScenarioError(ValueError):
    """A scenario that cannot be used; its message is one line naming the problem."""


def _model_for(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    head = [p for p in loc if isinstance(p, str)]
    if not head[:-1]:
        return Scenario
    return {"world": World, "mechanisms": Mechanisms, "actors": ActorParams}.get(head[0])


def _explain(error: ValidationError, data: dict[str, Any]) -> str:
    loc = tuple(p for p in error.errors()[0]["loc"] if p not in ("function-after",))
    model = _model_for(loc)
    known = list(model.model_fields) if model else []
    return explain(error, location(loc, data) if loc else "scenario", known)


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


def read_typed_file(
    path: str | Path, kind: str, folder: Path, default_kind: str | None = None
) -> tuple[Path, str, dict[str, Any]]:
    """Find a TOML file of a `kind` (a bare name is looked up in `folder`), read it and check
    its `kind` (absent: `default_kind`): its path, its text and its data without `kind`."""
    path = Path(path)
    if not path.exists() and not path.suffix:
        path = folder / f"{path.name}.toml"
    if not path.exists():
        raise ScenarioError(f"{path}: no such {kind} file")
    text, data = read_toml(path)
    found = data.pop("kind", default_kind)
    if found != kind:
        article = "an" if kind[0] in "aeiou" else "a"
        raise ScenarioError(f"{path}: not {article} {kind} file (kind is {found!r}, not {kind!r})")
    return path, text, data


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

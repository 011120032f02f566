"""Plain-language narration of one run: the timeline, the outcome, a summary and the twins.

Every decision other than holding is told with its reason, read from the numbers the actor
weighed that day (`sim.model.day.decide` logs them): its belief that the opponent is aggressive, its
hostility, its chance to win, the summed credibility of the guarantors a tripwire would bring
in, and the audience cost of backing down it faces. A dyad's climbs and steps down are told,
and its war with the battle deaths that made it one.

To keep the log readable, an actor's identical decisions (same action, same opponent) on
consecutive days are told once: one line with the day range, the number of days and the
numbers of the last day, so a strike spiral of 300 days is one line, not 300.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sim.model.ladder import NUCLEAR_RUNG, WAR_RUNG, Action, rung_name
from sim.model.outcomes import Event, Outcome, Road, dyad_label

if TYPE_CHECKING:
    from sim.model.mesa_model import EscalationModel, LoggedEvent

NOT_A_FORECAST = (
    "An illustrative run of a teaching model with illustrative parameters: not a forecast."
)

# How each road's twin is told, and the road as a cause.
TWIN_NAMES = {
    Road.MISSTEPS: "without missteps (no incidents)",
    Road.MISREADING: "with every incident read correctly (no misreading)",
    Road.ATTACKS: "without deliberate attacks (an attack decided becomes holding)",
    Road.WARNINGS: "without audience costs (backing down from a warning costs no face)",
    Road.FACE: "without the face of holding after harm",
    Road.SLIPS: "without slips (nothing escalates out of control)",
}
CAUSE_NAMES = {
    Road.MISSTEPS: "missteps",
    Road.MISREADING: "misreading",
    Road.ATTACKS: "deliberate attacks",
    Road.WARNINGS: "commitments (the audience cost of backing down from a warning)",
    Road.FACE: "commitments (the face lost by holding back after harm)",
    Road.SLIPS: "slips (escalation nobody chose)",
}


def _n(value: float) -> str:
    return f"{value:.2f}"


def _target(other: str | None, roles: Mapping[str, str]) -> str:
    """Whom force is aimed at: a guarantor is present only through its troops in theatre."""
    return f"{other}'s troops" if roles.get(other or "") == "guarantor" else str(other)


def _deed(kind: Action, actor: str, other: str | None, roles: Mapping[str, str]) -> str:
    match kind:
        case Action.DEESCALATE:
            return f"{actor} offers {other} de-escalation"
        case Action.WARN:
            return f"{actor} warns {other} publicly"
        case Action.MOBILISE:
            return f"{actor} reinforces and mobilises against {other}"
        case Action.PROBE:
            return f"{actor} harasses and probes {_target(other, roles)}"
        case Action.STRIKE:
            return f"{actor} strikes {_target(other, roles)}"
        case Action.ATTACK:
            return f"{actor} launches an offensive against {_target(other, roles)}"
        case Action.WITHDRAW:
            return f"{actor} withdraws its troops"
        case Action.NUCLEAR:
            return f"{actor} uses nuclear weapons against {other}"
    return f"{actor} holds"


def _attack_reasons(d: Mapping[str, Any], other: str | None, roles: Mapping[str, str]) -> list[str]:
    reasons = []
    if d["win"] >= 0.5:
        reasons.append(f"it expects to win (chance {_n(d['win'])})")
    if 0.0 < d["wider"] < 1.0:
        reasons.append(
            f"it doubts the guarantors will come in (it counts {_n(d['wider'])} of them in)"
        )
    elif d["wider"] == 0.0 and roles.get(other or "") == "protege":
        reasons.append(f"no guarantor's tripwire stands behind {other}")
    if d["belief"] >= 0.5:
        reasons.append(f"it fears {other} will strike first (belief {_n(d['belief'])})")
    if d["win"] < 0.5:
        reasons.append(
            f"anger (hostility {_n(d['hostility'])}) outweighs a poor chance to win "
            f"({_n(d['win'])})"
        )
    if d["wider"] >= 1.0:
        reasons.append(
            f"although the guarantors' tripwires may bring them in (it counts {_n(d['wider'])} "
            "of them in)"
        )
    return reasons


def _reason(kind: Action, d: Mapping[str, Any], other: str | None, roles: Mapping[str, str]) -> str:
    """Why the actor chose `kind`, from the numbers it weighed (sim.model.rules.decisions)."""
    belief, hostility = d.get("belief", 0.0), d.get("hostility", 0.0)
    match kind:
        case Action.DEESCALATE:
            if belief < 0.5:
                return f"it believes {other} is probably defensive (belief {_n(belief)})"
            return (
                f"it seeks to calm the crisis although it suspects {other} may be aggressive "
                f"(belief {_n(belief)})"
            )
        case Action.WARN:
            return f"it believes {other} may be aggressive (belief {_n(belief)})"
        case Action.MOBILISE:
            return f"readiness, should {other} prove aggressive (belief {_n(belief)})"
        case Action.PROBE:
            return f"it is angry (hostility {_n(hostility)})"
        case Action.STRIKE:
            reasons = [f"it answers harm done, in anger (hostility {_n(hostility)})"]
            if d.get("backdown", 0.0) > 0.0:
                reasons.append(
                    f"backing down from its warning would cost it face "
                    f"(audience cost {_n(d['backdown'])})"
                )
            if belief < 0.5:
                reasons.append(f"it believes {other} will not answer (belief {_n(belief)})")
            return "; ".join(reasons)
        case Action.ATTACK:
            return "; ".join(_attack_reasons(d, other, roles))
        case Action.WITHDRAW:
            if "deaths" in d:
                return f"its losses ({int(d['deaths']):,} dead) outweigh what staying is worth"
            return "its losses outweigh what staying is worth"
        case Action.NUCLEAR:
            return f"it is losing the war (chance to win {_n(d.get('win', 0.0))})"
    return "nothing moved it"


# The numbers each action's reason cites, to tell how they moved over a run of days.
_CITED = {
    Action.DEESCALATE: ("belief",),
    Action.WARN: ("belief",),
    Action.MOBILISE: ("belief",),
    Action.PROBE: ("hostility",),
    Action.STRIKE: ("hostility", "belief", "backdown"),
    Action.ATTACK: ("win", "belief", "hostility"),
    Action.WITHDRAW: (),
    Action.NUCLEAR: ("win",),
}
_CITED_NAMES = {"backdown": "audience cost", "win": "chance to win"}


def _rung_change(d: Mapping[str, Any], actor: str, other: str | None) -> str | None:
    old, new = int(d["old"]), int(d["new"])
    pair = f"{actor} and {other}"
    if new > old:
        if new == WAR_RUNG:
            return None  # told by the WAR event, with its battle deaths
        if new >= NUCLEAR_RUNG:
            return f"The crisis between {pair} crosses the nuclear threshold (rung {new})."
        verb = "climbs" if new == old + 1 else "jumps"
        return f"The crisis between {pair} {verb} to rung {new} ({rung_name(new)})."
    if old == WAR_RUNG:
        return f"A ceasefire between {pair}: the war steps down to rung {new} ({rung_name(new)})."
    return f"The crisis between {pair} eases to rung {new} ({rung_name(new)})."


def describe(event: LoggedEvent, roles: Mapping[str, str] | None = None) -> str | None:
    """One sentence for one logged event (a decision with its reason); None if not told."""
    # `roles` (name -> challenger, protege or guarantor) sharpens the wording: force aimed at
    # a guarantor hits its troops, and an attack on an unprotected protégé says so.
    roles = roles or {}
    d, actor, other, kind = event.details, event.actor, event.other, event.kind
    # Tell a decision from an event by its type, never by its number (both enums count from 0).
    if isinstance(kind, Action):
        if kind is Action.HOLD:
            return None
        return f"{_deed(kind, actor, other, roles)}: {_reason(kind, d, other, roles)}."
    if kind == "rung":
        return _rung_change(d, actor, other)
    if not isinstance(kind, Event):
        return None
    match kind:
        case Event.WARNING:
            troops = int(d.get("troops", 0))
            threat = (
                f"the other side's {troops:,} troops in theatre are legitimate targets"
                if troops
                else "it will answer any attack"
            )
            return (
                f"{actor} warns publicly that {threat} (rung 1); backing down now would cost it "
                "face."
            )
        case Event.MISSTEP:
            deaths = int(d["deaths"])
            harm = f"kills {deaths:,} of {actor}'s people" if deaths else "kills no one"
            read = (
                f"{actor} reads it as a deliberate attack by {other}"
                if d["misread"]
                else f"{actor} reads it correctly as an accident"
            )
            return f"A misstep: an incident between {actor} and {other} {harm}; {read}."
        case Event.CULMINATION:
            return (
                f"{actor}'s offensive against {other} culminates "
                f"({int(d['deaths']):,} battle deaths between them so far)."
            )
        case Event.WAR:
            return f"{actor} and {other} are at open war: {int(d['deaths']):,} battle deaths."
        case Event.SLIP:
            if d.get("nuclear"):
                return (
                    f"The war between {actor} and {other} goes nuclear although no one chose it: "
                    "the risk left to chance."
                )
            return (
                f"A clash nobody ordered between {actor} and {other} "
                f"({int(d['deaths']):,} dead): the crisis slips out of control at rung "
                f"{int(d['rung'])}."
            )
    return None


def _casualties_before(model: EscalationModel, day: int, name: str) -> int | None:
    """An actor's deaths at the end of the day before `day` (what it knew when deciding)."""
    frame = model.trajectory()
    rows = frame[(frame["actor"] == name) & (frame["day"] == day - 1)]
    return int(rows["casualties"].iloc[0]) if len(rows) else None


def _streak_line(streak: list[LoggedEvent], roles: Mapping[str, str]) -> str | None:
    first, last = streak[0], streak[-1]
    text = describe(first, roles)
    if text is None or len(streak) == 1:
        return None if text is None else f"Day {first.day:>3}: {text}"
    cited = [
        f"{_CITED_NAMES.get(name, name)} {_n(last.details[name])}"
        for name in _CITED.get(first.kind, ())
        if name in last.details and (name != "backdown" or last.details[name] > 0)
    ]
    then = f" (on day {last.day}: {', '.join(cited)})" if cited else ""
    return (
        f"Days {first.day:>3}-{last.day}: {text} The same every day for {len(streak)} days{then}."
    )


def timeline_lines(
    model: EscalationModel, casualties_before: Callable[[int, str], int | None] | None = None
) -> list[str]:
    """The run as dated lines; repeated daily decisions collapse into one line.

    `casualties_before(day, name)`, an actor's deaths at the end of the day before, is read
    from the model's trajectory unless the caller keeps them (the app does, each frame)."""
    # Holding is not told; see the module docstring for the collapsing of streaks.
    roles = {a.name: str(getattr(a.role, "value", a.role)) for a in model.actors}
    entries: list[list[LoggedEvent]] = []
    running: dict[tuple, list[LoggedEvent]] = {}
    for event in model.events:
        if isinstance(event.kind, Action):
            if event.kind is Action.HOLD:
                continue
            if event.kind is Action.WITHDRAW and "deaths" not in event.details:
                if casualties_before is None:
                    deaths = _casualties_before(model, event.day, event.actor)
                else:
                    deaths = casualties_before(event.day, event.actor)
                if deaths is not None:
                    event = type(event)(
                        event.day,
                        event.kind,
                        event.actor,
                        event.other,
                        {**event.details, "deaths": deaths},
                    )
            key = (event.kind, event.actor, event.other)
            streak = running.get(key)
            if streak is not None and streak[-1].day == event.day - 1:
                streak.append(event)
                continue
            running[key] = [event]
            entries.append(running[key])
        else:
            entries.append([event])
    return [line for streak in entries if (line := _streak_line(streak, roles)) is not None]


def _dyads(model: EscalationModel) -> list[tuple[str, str, str]]:
    """(label, challenger, other) of each dyad."""
    return [(dyad_label(c.name, o.name), c.name, o.name) for c, o in model.dyads]


def outcome_line(model: EscalationModel) -> str:
    """The outcome; for wars which dyads and from which day; how the run ended."""
    outcome, result = model.outcome, model.result()
    wars = sorted(
        (int(result[f"{label}_war_day"]), c, o, int(result[f"{label}_battle_deaths"]))
        for label, c, o in _dyads(model)
        if result[f"{label}_war_day"] >= 0
    )
    text = f"Outcome: {outcome.label}"
    if outcome is Outcome.NUCLEAR_USE:
        nuclear = [
            f"{c} and {o}"
            for label, c, o in _dyads(model)
            if result[f"{label}_max_rung"] >= NUCLEAR_RUNG
        ]
        text += f" between {', '.join(nuclear)} on day {int(result['first_nuclear_day'])}"
    if wars:
        text += (
            " ("
            + "; ".join(
                f"{c} and {o} at open war from day {day}, {deaths:,} battle deaths"
                for day, c, o, deaths in wars
            )
            + ")"
        )
    else:
        top = int(result["max_rung"])
        text += f" (highest rung {top}: {rung_name(top)})"
    if model.terminated:
        return f"{text}. The run ended on day {model.day}: nuclear use ends it."
    if model.truncated:
        return f"{text}. The run reached its horizon of {model.world.days} days."
    return f"{text}, so far. Day {model.day} of {model.world.days}: the run goes on."


def summary_lines(model: EscalationModel) -> list[str]:
    """Per dyad rung, deaths and war; missteps; strikes and offensives; withdrawals; deaths."""
    result = model.result()
    lines = []
    for label, _, _ in _dyads(model):
        top = int(result[f"{label}_max_rung"])
        war = int(result[f"{label}_war_day"])
        attack = int(result[f"{label}_attack_day"])
        parts = [
            f"{label}: highest rung {top} ({rung_name(top)})",
            f"{int(result[f'{label}_battle_deaths']):,} battle deaths",
        ]
        if attack >= 0:
            parts.append(f"first offensive on day {attack}")
        parts.append(f"open war from day {war}" if war >= 0 else "no war")
        lines.append("; ".join(parts) + ".")
    lines.append(
        f"Missteps: {int(result['n_misstep'])}, of which misread as deliberate: "
        f"{int(result['n_misread'])}."
    )
    for action, count in ((Action.STRIKE, "n_strike"), (Action.ATTACK, "n_attack")):
        by = Counter(e.actor for e in model.events if e.kind is action)
        who = ", ".join(f"{a.name} {by[a.name]:,}" for a in model.actors if by[a.name])
        name = "Strikes" if action is Action.STRIKE else "Offensives launched"
        lines.append(f"{name}: {int(result[count]):,}" + (f" ({who})." if who else "."))
    withdrawn = [
        f"{a.name} on day {int(result[f'withdrawal_day_{a.name}'])}"
        for a in model.actors
        if result[f"withdrawal_day_{a.name}"] >= 0
    ]
    lines.append(f"Withdrawals: {', '.join(withdrawn) if withdrawn else 'none'}.")
    deaths = ", ".join(f"{a.name} {int(result[f'casualties_{a.name}']):,}" for a in model.actors)
    lines.append(f"Deaths: {deaths}.")
    return lines


def _escalated(model: EscalationModel) -> bool:
    return bool(model.result()["escalated"])


def twin_lines(model: EscalationModel, twins: Mapping[Road, EscalationModel]) -> list[str]:
    """Each road's twin: its outcome, whether it changed, and which roads the war needed."""
    # "Escalated" is the run table's: some dyad reached the escalation rung (open war by
    # default); the run escalated *because of* a road when its twin did not (sim.model.outcomes).
    escalated = _escalated(model)
    lines = ["Twins (the same random numbers, one road to war suppressed):"]
    necessary = []
    for road in Road:
        if road not in twins:
            continue
        twin, cause = twins[road], CAUSE_NAMES[road]
        when = f" on day {twin.day}" if twin.terminated else ""
        changed = (
            f"suppressing {cause} changed the outcome from {model.outcome.label} to "
            f"{twin.outcome.label}"
            if twin.outcome != model.outcome
            else f"suppressing {cause} did not change the outcome"
        )
        line = f"Twin {TWIN_NAMES[road]}: {twin.outcome.label}{when}; {changed}."
        if escalated and not _escalated(twin):
            necessary.append(cause)
            line += f" The run escalated because of {cause}."
        elif _escalated(twin) and not escalated:
            line += f" The twin escalated where the run did not: {cause} held it back."
        lines.append(line)
    if escalated and not necessary and len(lines) > 1:
        lines.append("No single road was needed: every twin escalated too.")
    return lines

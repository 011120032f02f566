"""Plain-language narration of one run: the timeline, the outcome and a short summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.ladder import LADDER, rung_name
from sim.outcomes import Event

if TYPE_CHECKING:
    from sim.model import EscalationModel, LoggedEvent

NOT_A_FORECAST = (
    "An illustrative run of a teaching model with illustrative parameters: not a forecast."
)


def describe(event: LoggedEvent) -> str | None:
    """One sentence for one logged event; None for events the timeline leaves out."""
    d, actor, other = event.details, event.actor, event.other
    match event.kind:
        case Event.WARNING:
            threat = (
                f"the other side's {d['troops']:,} troops in theatre are legitimate targets"
                if d["troops"]
                else "it will answer any attack"
            )
            return f"{actor} warns publicly that {threat}; backing down now would cost it face."
        case Event.MISSTEP:
            read = (
                f"{actor} reads it as a deliberate attack by {other}"
                if d["misread"]
                else f"{actor} reads it correctly as an accident"
            )
            return f"A misstep: an incident kills {int(d['deaths'])} of {actor}'s people; {read}."
        case Event.OFFENSIVE:
            return f"{actor} resumes its offensive against {other}."
        case Event.STRIKE:
            return f"{actor} strikes {other} deliberately ({int(d['deaths'])} killed)."
        case Event.WITHDRAWAL:
            return f"{actor} withdraws its {d['troops']:,} troops after {int(d['deaths'])} deaths."
        case "war":
            return f"{actor} goes to open war (rung 5)."
        case "nuclear":
            return f"{actor} uses nuclear weapons (rung 6)."
        case "rung":
            return f"{actor} climbs to rung {d['new']}: {rung_name(d['new'])}."
    return None


def timeline_lines(model: EscalationModel) -> list[str]:
    """The run's events as dated sentences; a rung change is told only as a new high."""
    highest = {a.name: a.initial_rung for a in model.actors}
    lines = []
    for event in model.events:
        if event.kind == "rung":
            if event.details["new"] <= highest[event.actor]:
                continue
            highest[event.actor] = event.details["new"]
        text = describe(event)
        if text:
            lines.append(f"Day {event.day:>3}: {text}")
    return lines


def outcome_line(model: EscalationModel) -> str:
    """The outcome, the day the run ended and why (terminated or truncated)."""
    outcome = model.outcome
    if model.terminated:
        return f"Outcome: {outcome.label} on day {model.day} (the run ends: an absorbing rung)."
    return f"Outcome: {outcome.label} (the run reached its horizon of {model.world.days} days)."


def summary_lines(model: EscalationModel) -> list[str]:
    """Maximum rung, missteps, misreadings, casualties and withdrawals."""
    metrics = model.result()
    top = int(metrics["max_rung"])
    casualties = ", ".join(f"{a.name} {int(a.casualties)}" for a in model.actors)
    withdrawn = [a.name for a in model.actors if a.params.troops > 0 and a.troops == 0]
    return [
        f"Highest rung: {top} ({LADDER[top].name}).",
        f"Missteps: {metrics['n_misstep']}, of which misread as deliberate: "
        f"{metrics['n_misread']}. Deliberate strikes: {metrics['n_strike']}.",
        f"Deaths: {casualties}.",
        f"Withdrawals: {', '.join(withdrawn) if withdrawn else 'none'}.",
    ]


def twin_lines(model: EscalationModel, twin: EscalationModel) -> list[str]:
    """Whether suppressing the missteps (same random numbers otherwise) changed the outcome."""
    same = model.outcome == twin.outcome
    verdict = (
        "The missteps did not change the outcome." if same else "The missteps changed the outcome."
    )
    escalated = model.result()["escalated"] and not twin.result()["escalated"]
    because = " The run escalated because of a misstep." if escalated else ""
    return [
        f"Twin without missteps: {twin.outcome.label}"
        f"{f' on day {twin.day}' if twin.terminated else ''}. {verdict}{because}"
    ]

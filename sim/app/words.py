"""The app's words, without Solara: what the page says about itself, each control's tooltip
in plain words (no mechanism codes), and a note for settings whose results would surprise a
class unless they were explained where they are set."""

from __future__ import annotations

from sim.model.scenario import Mechanisms

INFO = """
**What this is.** An agent-based model of escalation between a *challenger* (Russia in the
reassurance scenario), a *protégé* (Ukraine) and *guarantors* (France, the United Kingdom)
that keep "reassurance troops" on the protégé's soil after a ceasefire, while the challenger
has warned that such troops are "legitimate targets". One step is one day; a run is one
simulated year. Each pair of opposing actors (a *dyad*) climbs and descends a ladder of rungs:
0 ceasefire holds, 1 warnings, 2 shows of force, 3 incidents and harassment, 4 strikes and
combat, 5 open war (1,000 battle deaths of reciprocal combat), 6 nuclear use.

**What each actor does.** Every day each actor chooses to hold, warn, mobilise, harass,
strike, attack, offer de-escalation (or, at war, a ceasefire) or withdraw its troops. It weighs
the stakes, its chance to win, the cost of war, deterrence by the guarantors' troops, the price
of backing down after a public warning, its anger, and the replies it expects: each actor's
resolve is private, so it guesses the other side's from what that side does, and every step up
the ladder carries a risk of slipping out of anyone's control (the strategic rule).

**The mechanisms (the switches).** Reaction to hostility (Richardson); troops read as
provocation; missteps, random incidents where forces meet; misreading an incident as an
attack (a hotline makes it rarer); the tripwire, troops that deter and stand in harm's way;
public warnings that cost face to take back, and lock in over time; casualties that can bring
troops home; retaliation, harm answered by strikes; deliberate attacks; beliefs that learn
from costly signals; private resolve; looking ahead to the other side's reply; slips out of
control; wars ended by bargaining. Switch one off to see what it does.

**Six roads to war, and the twins.** A war can come from a *misstep* (an incident), from
*misreading* it as an attack, from a *deliberate attack*, from a public *warning* no one can
take back, from the *face* lost by holding back after harm, or from a *slip* nobody chose.
Every run has one twin for each road, with the same random numbers and that road suppressed;
a road *caused* a war when the run reached war and that twin did not.

**Deaths.** *Battle deaths* are those of strikes and offensives between the two sides of a
dyad; open war needs 1,000 of them. Incidents (missteps) kill too, but their dead are no
dyad's battle deaths, so an actor's losses and the page's total deaths can exceed the battle
deaths.

**What it is not.** Not a forecast. The parameters are illustrative, chosen so the mechanisms
can be seen at work, not estimated from data; every number on this page is what these
parameters imply. The rules are the same for every actor: only parameters differ. The full
description of every rule is docs/model.md.
"""

TOOLTIPS: dict[str, str] = {
    "scenario": "The crisis the run starts from: its actors and their parameters "
    "(files in experiments/). Changing it sets every slider to that scenario's values.",
    "seed": "The random numbers' seed: the same seed and settings give the same run, on any "
    "machine (the command `escalation run SCENARIO --seed N` tells the same story).",
    "troops": "Troops each guarantor keeps on the protégé's soil: the tripwire. They make "
    "defence credible (troops × resolve) and stand in harm's way.",
    "challenger_resolve": "How much cost the challenger will bear: scales its reactions, "
    "and costs weigh (1 − resolve).",
    "challenger_threat_perception": "How readily the challenger reads the other side's moves "
    "as hostile (bias and noise in what it perceives).",
    "protege_threat_perception": "How readily the protégé reads the challenger's moves as hostile.",
    "guarantor_resolve": "How much cost each guarantor will bear; with its troops it makes "
    "its defence credible.",
    "guarantor_threat_perception": "How readily each guarantor reads the challenger's moves "
    "as hostile.",
    "hotline_quality": "The deconfliction line: the better it is, the less often an incident "
    "is misread as a deliberate attack.",
    "misstep_rate": "How often incidents happen where forces meet, per unit of exposure, at "
    "the front's usual intensity.",
    "audience_cost": "What backing down after a public warning costs an actor (face at home), "
    "in units of what the dispute is worth to it.",
    "challenger_audience_cost": "What backing down after its own public warning costs the "
    'challenger alone. Moving "every actor" sets it too.',
    "guarantor_audience_cost": "What backing down after their public warnings costs the "
    'guarantors alone. Moving "every actor" sets it too.',
    "precision": "How close each day's choices are to the best one (quantal response): low "
    "values make choices noisy.",
}

# Each switch in words: what the mechanism does, and what switching it off leaves.
SWITCH_HELP: dict[str, str] = {
    "reaction": "Each actor's hostility reacts to the hostility it perceives in the other "
    "side (Richardson's arms-race reaction). Off: hostility no longer feeds on the other's.",
    "framing": "The other side's troops in theatre are read as a provocation and raise "
    "hostility. Off: troops deter without provoking.",
    "missteps": "Random incidents where the two sides' forces meet, which can kill. Off: no "
    "incidents at all, so no war can start by accident.",
    "misreading": "An incident can be misread as a deliberate attack (less often with a good "
    "hotline). Off: every incident is read as the accident it was.",
    "tripwire": "Guarantor troops make a defence credible and stand in harm's way once an "
    "offensive begins. Off: troops neither deter nor are exposed by an offensive.",
    "warning": "A public warning makes backing down cost face (an audience cost) and hardens "
    "positions. Off: warnings cost nothing to take back.",
    "lock_in": "The longer a public warning stands, the dearer backing down from it becomes. "
    "Off: the price of backing down stays the same over time.",
    "withdrawal": "Mounting deaths can make a guarantor bring its troops home. Off: troops "
    "stay whatever their losses.",
    "retaliation": "Harm suffered is answered by strikes. Off: harm is not answered by "
    "strikes for its own sake.",
    "deliberate": "An actor can choose to launch an offensive when it expects to gain by it. "
    "Off: nobody launches an offensive, so the deliberate road to war is closed.",
    "beliefs": "Each actor learns from what the other side does whether it is aggressive. "
    "Off: beliefs stay where they started.",
    "misperception": "Threat perception biases what an actor perceives towards hostility. "
    "Off: no bias.",
    "noise": "Threat perception adds random noise to what an actor perceives. Off: no noise.",
    "decisions": "Every actor chooses each day what to do. Off: everyone holds every day, "
    "so no force is used and no war can happen.",
    "types": "Each actor's resolve is drawn once per crisis and kept private, so each side "
    "must guess how resolved the other is. Off: every actor's resolve is its mean, known to "
    "all.",
    "lookahead": "Each actor weighs the replies it expects to its action before choosing it, "
    "so a threat of reply can deter. Off: no reply is expected, and nothing deters by "
    "expectation.",
    "slips": "Strikes and combat (rungs 3 and 4) can slip out of control, and a war with a "
    "nuclear-armed state can go nuclear unbidden: the threat that leaves something to chance. "
    "Off: no rung slips out of control and no war goes nuclear unbidden.",
    "termination": "A war can end by bargaining: a ceasefire is offered once a day of war "
    "costs more than it may win. Off: no war ends by bargaining.",
}


def switch_help(name: str) -> str:
    """A switch's tooltip in words (a mechanism added later falls back to its description
    without its code)."""
    if name in SWITCH_HELP:
        return SWITCH_HELP[name]
    text = Mechanisms.model_fields[name].description or name
    first, _, rest = text.partition(" ")
    return rest if first[:1] == "M" and first[1:].isdigit() else text


def slider_note(name: str, value: float, default: float) -> str:
    """What an extreme value of a slider does, said beside it ('' for ordinary values)."""
    match name:
        case "precision" if value == 0:
            return (
                "At 0, every option is equally likely every day, the worst included. Every "
                "run then climbs to strikes and combat and stays in crisis nearly all year, yet "
                "offensives are called off as randomly as they start, so runs rarely if ever "
                "reach open war: this shows what precision does, not a plausible crisis."
            )
        case "precision" if value < 2:
            return (
                "Very noisy choices: actors often pick options far from their best, so crises "
                "climb to strikes and combat and last most of the year, but offensives are "
                "called off as randomly as they start, so open war is less likely than with "
                "the scenario's sharper choices."
            )
        case "audience_cost" if value >= 1:
            return (
                "Backing down costs more than the dispute is worth: once warned, actors "
                "rarely back down, and war becomes likelier than at the scenario's price. "
                "Lesson 4 finds such costs outside the range where the model is plausible."
            )
        case "misstep_rate" if value == 0:
            return "No incidents happen: no war can start by accident."
        case "misstep_rate" if default > 0 and value >= 3 * default:
            return (
                f"{value / default:.0f} times the scenario's rate: incidents become "
                "common, and with them misreadings and strikes."
            )
        case "hotline_quality" if value == 1:
            return "A perfect hotline: no incident is ever misread as an attack."
        case "troops" if value == 0:
            return (
                "No troops: no tripwire deters an offensive against the protégé, and no "
                "guarantor soldier stands in its way."
            )
        case n if n.endswith("_threat_perception") and value == 0:
            return "Perceives the other side without bias or noise, and never misreads."
        case n if n.endswith("_resolve") and value == 1:
            return "Costs weigh nothing (they count as 1 − resolve): it will bear any cost."
    return ""


def switch_note(name: str, on: bool) -> str:
    """What switching a mechanism off closes, when that decides what can happen at all."""
    if on:
        return ""
    if name == "decisions":
        return (
            "Nobody decides anything: no force is used, so no run can reach war (by construction)."
        )
    if name == "deliberate":
        return "Nobody launches an offensive: the deliberate road to war is closed."
    if name == "missteps":
        return "No incidents: the roads to war by missteps and by misreading them are closed."
    return ""

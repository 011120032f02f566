"""Wilson intervals, the paired risk difference and the tally of many runs."""

import math

import numpy as np
import pytest

from sim.analysis.summaries import Tally, impossible_without, paired_difference, wilson_interval
from sim.model.outcomes import (
    DM_WAR_DAY,
    N_DYAD_METRICS,
    OUTCOME_LABELS,
    ROAD_LABELS,
    Event,
    Road,
    new_dyad_metrics,
    new_metrics,
    note_day,
    note_event,
    run_table,
)
from sim.model.scenario import parse_scenario

Z95 = 1.959963984540054


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),  # Wilson (1927); the textbook values, 4 decimals
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_wilson_interval_matches_known_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_interval_without_trials_is_undefined():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_paired_difference_matches_a_hand_computed_interval():
    # b = 3 runs escalated whose twin did not, c = 1 the other way, n = 10 pairs:
    # d = 0.2, half-width = z·√((4/10 − 0.04)/10) = 1.95996·0.189737 = 0.371877
    d, low, high = paired_difference(3, 1, 10)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.2 - 0.371877019382737, abs=1e-12)
    assert high == pytest.approx(0.2 + 0.371877019382737, abs=1e-12)


def test_paired_difference_is_antisymmetric():
    d, low, high = paired_difference(1, 3, 10)
    assert (d, low, high) == pytest.approx((-0.2, -0.2 - 0.371877019382737, 0.171877019382737))


def test_paired_difference_is_clipped_to_minus_one_and_one():
    assert paired_difference(10, 0, 10) == (1.0, 1.0, 1.0)
    d, low, high = paired_difference(9, 0, 10)
    assert (d, high) == (0.9, 1.0)
    assert low == pytest.approx(0.9 - Z95 * math.sqrt(0.009))
    assert paired_difference(0, 10, 10) == (-1.0, -1.0, -1.0)


def test_paired_difference_without_discordant_pairs_is_exactly_zero():
    assert paired_difference(0, 0, 50) == (0.0, 0.0, 0.0)


def test_paired_difference_without_pairs_is_undefined():
    assert all(math.isnan(x) for x in paired_difference(0, 0, 0))


# ---------------------------------------------------------------------------- the tally

NAMES, ROLES = ["C", "P", "G"], ["challenger", "protege", "guarantor"]
HORIZON = 6

# Six runs: daily top rungs, misstep, who is at war (dyad rows), and which twins escalate
# (missteps, misreading, attacks, warnings, face, slips).
RUNS = {
    "A": ([1, 2, 3, 4, 5], True, [1], (False, True, False, True, True, False)),  # limited war
    "B": ([0, 1, 0], False, [], (False, False, True, False, False, False)),  # ceasefire held
    "C": ([1, 4, 5], False, [2], (True, True, False, False, False, False)),  # wider war
    "D": ([1, 2, 3, 2], True, [], (False,) * 6),  # crisis contained
    "E": ([1, 4, 5, 6], True, [2], (False, True, True, True, True, False)),  # nuclear use
    "F": ([0, 0], False, [], (False,) * 6),  # ceasefire held
}


def metrics_of(rungs, misstep):
    metrics = new_metrics()
    for day, rung in enumerate(rungs):
        note_day(metrics, day, rung)
    if misstep:
        note_event(metrics, Event.MISSTEP, 1)
    return metrics


def dyads_at_war(rows):
    dyads = np.zeros((3, N_DYAD_METRICS))
    new_dyad_metrics(dyads)
    for k in rows:
        dyads[k, DM_WAR_DAY] = 2
    return dyads


def table_of(keys, twins=True):
    """The per-run table of some of RUNS, made by run_table from hand-made metrics."""
    runs = [RUNS[k] for k in keys]
    metrics = np.stack([metrics_of(rungs, misstep) for rungs, misstep, _, _ in runs])
    dyads = np.stack([dyads_at_war(war) for _, _, war, _ in runs])
    twin_metrics = np.stack(
        [
            np.stack([metrics_of([1, 4, 5] if twin[road] else [1], False) for *_, twin in runs])
            for road in Road
        ]
    )
    twin_dyads = np.stack(
        [np.stack([dyads_at_war([1] if twin[road] else []) for *_, twin in runs]) for road in Road]
    )
    zeros = np.zeros((len(runs), 3))
    return run_table(
        metrics,
        dyads,
        zeros,
        zeros - 1,
        NAMES,
        ROLES,
        5,
        1,
        np.arange(len(runs)),
        (twin_metrics, twin_dyads) if twins else None,
    )


def tally_of(*chunks, twins=True):
    tally = Tally(horizon=HORIZON, escalation_rung=5)
    for keys in chunks:
        tally.add(table_of(keys, twins))
    return tally


def test_the_hand_made_table_is_what_the_tally_is_given():
    table = table_of("ABCDEF")
    assert table["outcome"].tolist() == [
        "limited war",
        "ceasefire held",
        "wider war",
        "crisis contained",
        "nuclear use",
        "ceasefire held",
    ]
    assert table["caused_by_missteps"].tolist() == [True, False, False, False, True, False]


def test_tally_counts_runs_outcomes_and_escalations_exactly():
    t = tally_of("ABC", "DEF")
    assert (t.runs, t.escalated, t.widened) == (6, 3, 2)
    assert t.outcomes.tolist() == [2, 1, 1, 1, 1]
    assert (t.with_misstep, t.escalated_with_misstep) == (3, 2)
    # rung 5 first reached on day 4 (A), day 2 (C) and day 2 (E)
    assert t.escalation_days.tolist() == [0, 0, 2, 0, 1, 0, 0]


def test_tally_counts_each_roads_twins_exactly():
    t = tally_of("ABC", "DEF")
    assert t.twins == 6
    assert dict(zip(ROAD_LABELS, t.twin_escalated.tolist(), strict=True)) == {
        "missteps": 1,
        "misreading": 3,
        "attacks": 2,
        "warnings": 2,
        "face": 2,
        "slips": 0,
    }
    # escalated, twin not: missteps A, E; attacks A, C; warnings C; face C; slips A, C, E
    assert t.caused.tolist() == [2, 0, 2, 1, 1, 3]
    # twin escalated, run not: B without attacks
    assert t.only_twin.tolist() == [0, 0, 1, 0, 0, 0]


def test_tally_chunk_by_chunk_equals_all_at_once():
    chunked, whole = tally_of("AB", "C", "DEF"), tally_of("ABCDEF")
    for name in ("runs", "escalated", "widened", "with_misstep", "twins"):
        assert getattr(chunked, name) == getattr(whole, name)
    for name in ("outcomes", "twin_escalated", "caused", "only_twin", "escalation_days"):
        assert getattr(chunked, name).tolist() == getattr(whole, name).tolist()


def test_attribution_gives_shares_with_their_counts():
    rows = tally_of("ABC", "DEF").attribution().set_index("quantity")
    assert rows.loc["P(escalation)", ["count", "of"]].tolist() == [3, 6]
    assert rows.loc["P(the war widened to a guarantor)", ["count", "of"]].tolist() == [2, 6]
    assert rows.loc["P(escalation | misstep)", ["count", "of"]].tolist() == [2, 3]
    assert rows.loc["P(escalation | no misstep)", ["count", "of"]].tolist() == [1, 3]
    assert rows.loc["P(escalation)", "share"] == 0.5
    low, high = wilson_interval(3, 6)
    assert rows.loc["P(escalation)", ["low", "high"]].tolist() == [low, high]


def test_roads_give_risk_differences_and_caused_shares():
    roads = tally_of("ABC", "DEF").roads().set_index("road")
    assert list(roads.index) == ROAD_LABELS
    assert roads["runs"].tolist() == [6] * 6
    assert roads["p_escalation"].tolist() == [0.5] * 6
    assert roads["p_twin"].tolist() == pytest.approx([1 / 6, 3 / 6, 2 / 6, 2 / 6, 2 / 6, 0])
    assert roads["risk_difference"].tolist() == pytest.approx(
        [2 / 6, 0.0, 1 / 6, 1 / 6, 1 / 6, 3 / 6]
    )
    assert roads["risk_difference"].tolist() == pytest.approx(
        (roads["p_escalation"] - roads["p_twin"]).tolist()
    )
    d, low, high = paired_difference(2, 1, 6)
    assert roads.loc["attacks", ["risk_difference", "rd_low", "rd_high"]].tolist() == [d, low, high]
    assert roads["caused"].tolist() == [2, 0, 2, 1, 1, 3]
    assert roads["caused_share"].tolist() == pytest.approx([2 / 3, 0.0, 2 / 3, 1 / 3, 1 / 3, 1])
    low, high = wilson_interval(1, 3)
    assert roads.loc["warnings", ["caused_low", "caused_high"]].tolist() == [low, high]
    assert roads["by_construction"].tolist() == [""] * 6


def test_roads_without_escalations_have_no_caused_share():
    roads = tally_of("BF").roads()
    assert roads["caused"].tolist() == [0] * 6
    assert roads["caused_share"].isna().all()
    assert roads.loc[roads["road"] == "attacks", "risk_difference"].item() == pytest.approx(-0.5)


def test_roads_without_twins_are_empty():
    t = tally_of("ABC", twins=False)
    assert (t.runs, t.twins) == (3, 0)
    assert t.roads().empty
    assert t.caused.tolist() == [0] * 6


def test_roads_say_when_war_is_impossible_by_construction():
    actors = [{"name": "C", "role": "challenger"}, {"name": "P", "role": "protege"}]
    off = parse_scenario(
        {"name": "t", "mechanisms": {"decisions": False, "slips": False}, "actors": actors}
    )
    roads = tally_of("ABC", "DEF").roads(off)
    assert all(text.startswith("decisions are off") for text in roads["by_construction"])
    # Slips (battle nobody ordered) still kill with decisions off: only their twin is safe.
    slipping = parse_scenario({"name": "t", "mechanisms": {"decisions": False}, "actors": actors})
    texts = tally_of("ABC", "DEF").roads(slipping).set_index("road")["by_construction"]
    assert texts["slips"].startswith("decisions are off")
    assert not texts.drop("slips").str.startswith("decisions are off").any()
    harmless = parse_scenario(
        {"name": "t", "world": {"strike_casualties": 0.0}, "mechanisms": {"slips": False},
         "actors": actors}
    )  # fmt: skip
    texts = tally_of("ABC").roads(harmless).set_index("road")["by_construction"]
    assert texts["attacks"] == (
        "attacks are suppressed and strikes kill no one, so no battle deaths are possible"
    )
    assert texts.drop(["attacks", "slips"]).tolist() == ["", "", "", ""]
    assert texts["slips"].startswith("slips are off")
    harmless_war = harmless.with_changes(world={"combat_casualties": 0.0})
    texts = tally_of("ABC").roads(harmless_war).set_index("road")["by_construction"]
    assert texts["missteps"].startswith("offensives kill no one")
    no_attacks = harmless.with_changes(mechanisms={"deliberate": False})
    texts = tally_of("ABC").roads(no_attacks).set_index("road")["by_construction"]
    assert texts["warnings"].startswith("attacks are off")


def test_outcome_shares_cover_every_outcome():
    shares = tally_of("ABC", "DEF").outcome_shares().set_index("quantity")
    assert list(shares.index) == OUTCOME_LABELS
    assert shares["count"].tolist() == [2, 1, 1, 1, 1]
    assert shares["of"].tolist() == [6] * 5
    assert shares.loc["ceasefire held", "share"] == pytest.approx(1 / 3)
    assert shares["share"].sum() == pytest.approx(1.0)


def test_an_empty_tally_has_undefined_shares():
    shares = Tally(horizon=HORIZON, escalation_rung=5).outcome_shares()
    assert shares["count"].tolist() == [0] * 5
    assert shares["share"].isna().all() and shares["low"].isna().all()


# ---------------------------------------------------------------------------- by construction


def scenario(mechanisms=None, world=None):
    return parse_scenario(
        {
            "name": "t",
            "world": world or {},
            "mechanisms": mechanisms or {},
            "actors": [{"name": "C", "role": "challenger"}, {"name": "G", "role": "guarantor"}],
        }
    )


def test_every_twin_can_reach_war_by_default():
    assert [impossible_without(scenario(), road) for road in Road] == [""] * len(Road)


def test_with_decisions_off_war_is_impossible_for_every_road():
    for road in Road:
        off = scenario({"decisions": False, "slips": False})
        assert "decisions are off" in impossible_without(off, road)


def test_with_decisions_off_slips_still_make_war_possible_but_not_in_their_twin():
    off = scenario({"decisions": False})
    assert "decisions are off" in impossible_without(off, Road.SLIPS)
    assert all(impossible_without(off, road) == "" for road in Road if road != Road.SLIPS)


def test_the_attacks_twin_cannot_reach_war_when_strikes_kill_no_one():
    harmless = scenario({"slips": False}, {"strike_casualties": 0.0})
    assert "attacks are suppressed" in impossible_without(harmless, Road.ATTACKS)
    slipping = scenario(world={"strike_casualties": 0.0})  # slips' clashes and battles kill
    assert impossible_without(slipping, Road.ATTACKS) == ""
    assert impossible_without(harmless, Road.MISSTEPS) == ""


def test_without_deliberate_attacks_no_twin_reaches_war_when_strikes_kill_no_one():
    harmless = scenario({"deliberate": False, "slips": False}, {"strike_casualties": 0.0})
    assert all(impossible_without(harmless, road) for road in Road)
    assert impossible_without(scenario({"deliberate": False}), Road.MISSTEPS) == ""


def test_a_road_is_not_flagged_when_escalation_needs_no_war():
    decisions_off = scenario({"decisions": False}, {"escalation_rung": 3})
    t = Tally(horizon=HORIZON, escalation_rung=3)
    t.add(table_of("ABCDEF"))
    assert t.roads(decisions_off).set_index("road").loc["missteps", "by_construction"] == ""


def test_the_report_says_when_no_run_can_reach_war_instead_of_100_percent_per_road():
    from sim.analysis.report.document import road_notes

    no_battle_deaths = scenario({"deliberate": False, "slips": False}, {"strike_casualties": 0.0})
    notes = road_notes(no_battle_deaths)
    assert "no run of the base scenario can reach war" in notes[0]
    assert not any("100%" in note for note in notes)
    assert "twin without attacks is the run" in notes[1]  # attacks are off: also true
    only_attacks_kill = scenario({"slips": False}, {"strike_casualties": 0.0})
    notes = road_notes(only_attacks_kill)
    assert len(notes) == 2 and "attacks twin cannot reach war" in notes[0]
    assert "the twin is the run" in notes[1]  # slips are off: their twin is the run
    assert "100% by construction" in notes[0]
    assert road_notes(scenario()) == []


def test_the_report_says_when_a_twin_is_the_run():
    from sim.analysis.report.document import road_notes

    (note,) = road_notes(scenario({"misreading": False}))
    assert "twin without misreading is the run" in note and "risk difference is 0" in note


def test_the_attacks_twin_cannot_reach_war_when_strikes_and_slips_are_bloodless():
    bloodless = scenario(world={"force_lethality": 0.0})
    assert "attacks are suppressed" in impossible_without(bloodless, Road.ATTACKS)
    assert impossible_without(bloodless, Road.MISSTEPS) == ""  # offensives still kill

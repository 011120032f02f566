"""Patterns of the record: targets, quantities on tables with known answers, verdicts, and
the shipped patterns file (issue 9)."""

import math
import tomllib

import pandas as pd
import pytest

from sim.model.scenario import ScenarioError, load_scenario
from sim.record.patterns import (
    QUANTITIES,
    RECORD,
    Estimate,
    Target,
    by_construction,
    deathless_share_of_disputes,
    distance_to,
    duration_level_correlation,
    force_share_of_disputes,
    load_patterns,
    nuclear_use,
    verdict,
    war_share_of_disputes,
    war_within_90_days_of_incident,
)


def runs_table(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_target_forms_give_their_intervals():
    assert Target(low=0.03, high=0.05).interval() == (0.03, 0.05)
    assert Target(value=0.2, uncertainty=0.05).interval() == pytest.approx((0.15, 0.25))
    low, high = Target(events=0, trials=64).interval()
    assert low == 0.0 and high == pytest.approx(0.0566, abs=1e-4)  # Wilson, z = 1.96


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"low": 0.1},
        {"low": 0.1, "high": 0.2, "value": 0.1, "uncertainty": 0.1},
        {"low": 0.3, "high": 0.2},
        {"events": 5, "trials": 4},
    ],
)
def test_a_target_needs_exactly_one_sound_form(fields):
    with pytest.raises(ValueError):
        Target(**fields)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0.01, 0.02, "too low"), (0.04, 0.06, "consistent"), (0.051, 0.07, "too high"),
     (math.nan, math.nan, "no data")],
)  # fmt: skip
def test_verdict_compares_intervals(low, high, expected):
    assert verdict(Estimate(0.0, low, high, ""), Target(low=0.03, high=0.05)) == expected


def test_distance_is_zero_inside_and_grows_outside_in_target_widths():
    target = Target(low=0.03, high=0.05)
    assert distance_to(0.04, target) == 0.0
    assert distance_to(0.07, target) == pytest.approx(1.0)
    assert distance_to(0.02, target) == pytest.approx(0.5)
    assert distance_to(math.nan, target) == math.inf


def test_dispute_quantities_on_a_table_with_known_answers():
    # Six runs: one never left rung 0 (no dispute), five disputes: rungs 1, 2, 3, 5, 6.
    table = runs_table(
        max_rung=[0, 1, 2, 3, 5, 6],
        casualties_A=[0, 0, 0, 3, 900, 5000],
        casualties_B=[0, 0, 1, 0, 800, 0],
        crisis_days=[0, 1, 5, 9, 40, 50],
    )
    assert war_share_of_disputes(table).value == pytest.approx(2 / 5)
    assert force_share_of_disputes(table).value == pytest.approx(1 / 5)
    assert deathless_share_of_disputes(table).value == pytest.approx(1 / 5)  # rung 1 only
    assert nuclear_use(table).value == pytest.approx(1 / 6)
    assert duration_level_correlation(table).value == pytest.approx(1.0)
    assert war_share_of_disputes(table).basis == "2 of 5 disputes"


def test_incident_quantity_counts_wars_within_90_days_of_the_first_incident():
    table = runs_table(
        first_misstep_day=[-1, 10, 10, 10, 50, 30, 300],
        first_war_day=[20, -1, 100, 101, 20, 30, -1],
        end_day=[365] * 7,
    )
    # Run 0 had no incident; run 4's war came before its incident; run 6's incident came with
    # fewer than 90 days left to watch: none of the three is at risk.
    estimate = war_within_90_days_of_incident(table)
    assert estimate.value == pytest.approx(2 / 4)  # runs 2 (day 90 after) and 5 (same day)
    assert estimate.basis == "2 of 4 first incidents"


def test_the_shipped_record_loads_and_every_pattern_names_a_source():
    patterns = load_patterns()
    assert len(patterns) >= 5
    for pattern in patterns:
        assert pattern.source.strip() and pattern.quantity in QUANTITIES
    raw = tomllib.loads(RECORD.read_text())
    assert all("source" in p for p in raw["patterns"])


def test_applicability_covers_a_family():
    incidents = next(p for p in load_patterns() if p.quantity == "war_within_90_days_of_incident")
    assert incidents.applies("reassurance") and incidents.applies("reassurance-calibrated")
    assert not incidents.applies("korea")


def test_nuclear_use_without_nuclear_arms_is_by_construction():
    baseline = load_scenario("baseline")
    unarmed = baseline.model_copy(
        update={"actors": [a.model_copy(update={"nuclear_armed": False}) for a in baseline.actors]}
    )
    assert "impossible" in by_construction("nuclear_use", unarmed)
    assert by_construction("nuclear_use", load_scenario("reassurance")) == ""


PATTERN = """
kind = "patterns"
[[patterns]]
name = "p"
description = "d"
quantity = "war_share_of_disputes"
target = {{ low = 0.0, high = 0.1 }}
confidence = "high"
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("", "source"),
        ('source = "X (2000)"\nquantity2 = 1', "quantity2"),
        ('source = "X (2000)"\n[patterns.target]\nvalue = 1', "target"),
    ],
)
def test_bad_pattern_files_are_refused_in_one_line(tmp_path, extra, says):
    path = tmp_path / "p.toml"
    path.write_text(PATTERN.format(extra=extra))
    with pytest.raises(ScenarioError) as error:
        load_patterns(path)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_an_unknown_quantity_is_named(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        PATTERN.format(extra='source = "X (2000)"').replace(
            "war_share_of_disputes", "war_share_of_dispute"
        )
    )
    with pytest.raises(ScenarioError, match="did you mean 'war_share_of_disputes'"):
        load_patterns(path)

"""Reference classes: the shipped file, the filters' meaning on a hand-made record, bad files."""

from pathlib import Path

import pandas as pd
import pytest

from sim.model.scenario import ScenarioError
from sim.record.classes import NuclearState, ReferenceClass, class_disputes, load_classes, members
from sim.record.dataset import Record, load_record


def test_the_shipped_classes_are_defended_and_cover_what_the_issue_asks():
    classes = load_classes()
    names = [c.name for c in classes.classes]
    for needed in ("all", "since-1946", "nuclear-any-side", "nuclear-both-sides", "major-vs-minor"):
        assert needed in names
    assert all(len(c.defence.split()) >= 15 for c in classes.classes)
    assert {s.ccode for s in classes.nuclear_armed} >= {2, 365, 200, 220, 710, 666, 750, 770}
    assert all(s.source for s in classes.nuclear_armed)


def test_the_shipped_classes_select_the_expected_numbers_of_disputes():
    record, classes = load_record(), load_classes()
    sizes = {c.name: len(class_disputes(record, c, classes.nuclear_armed)) for c in classes.classes}
    assert sizes["all"] == 2174
    assert sizes["since-1946"] == 1524
    both, one_only = sizes["nuclear-both-sides"], sizes["nuclear-one-side-only"]
    assert both + one_only == sizes["nuclear-any-side"] == 568


def hand_made() -> Record:
    """Five disputes, each a question for the filters (COW codes: 2 USA, 365 USSR, 200 UK,
    560 South Africa, 100 a minor power, 101 another)."""
    disputes = pd.DataFrame({"dispnum": [1, 2, 3, 4, 5], "styear": [1950, 1955, 1940, 1995, 1960]})
    rows = [
        (1, 2, 1950, 1),
        (1, 100, 1950, 0),  # USA (nuclear, major) against a minor power
        (2, 2, 1955, 1),
        (2, 365, 1955, 0),  # USA against USSR: nuclear and major on both sides
        (3, 2, 1940, 1),
        (3, 100, 1940, 0),  # USA in 1940: major, not yet nuclear
        (4, 560, 1995, 1),
        (4, 101, 1995, 0),  # South Africa after dismantling: not nuclear
        (5, 100, 1960, 1),
        (5, 101, 1960, 0),
        (5, 200, 1961, 0),  # the UK joins side B in 1961
    ]
    participants = pd.DataFrame(rows, columns=["dispnum", "ccode", "styear", "sidea"])
    majors = pd.DataFrame(
        {"ccode": [2, 365, 200], "styear": [1898, 1922, 1816], "endyear": [2016, 2016, 2016]}
    )
    return Record(disputes, participants, pd.DataFrame(), majors)


NUCLEAR = [
    NuclearState(ccode=2, state="USA", since=1945, source="test"),
    NuclearState(ccode=365, state="USSR", since=1949, source="test"),
    NuclearState(ccode=200, state="UK", since=1952, source="test"),
    NuclearState(ccode=560, state="South Africa", since=1979, until=1991, source="test"),
]


def chosen(**filters) -> list[int]:
    reference = ReferenceClass(name="x", title="x", defence="a sentence long enough", **filters)
    keep = members(hand_made(), reference, NUCLEAR)
    return sorted(int(d) for d in keep.index[keep])


def test_nuclear_status_counts_from_the_year_of_the_bomb_and_ends_with_dismantling():
    assert chosen(nuclear_armed="any side") == [1, 2, 5]
    assert chosen(nuclear_armed="both sides") == [2]
    assert chosen(nuclear_armed="one side only") == [1, 5]
    assert chosen(nuclear_armed="neither side") == [3, 4]


def test_major_power_against_minor_ones_is_a_major_power_on_one_side_only():
    assert chosen(major_power="one side only") == [1, 3, 5]
    assert chosen(major_power="both sides") == [2]


def test_years_and_parties_filter_by_the_disputes_first_year():
    assert chosen(from_year=1950, to_year=1959) == [1, 2]
    assert chosen(involving=[365]) == [2]
    assert chosen(from_year=1946, nuclear_armed="one side only", major_power="one side only") == [
        1,
        5,
    ]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "classes.toml"
    path.write_text('kind = "reference-classes"\n' + text)
    return path


GOOD = """
[[classes]]
name = "all"
title = "All"
defence = "Every dispute, for a sentence that is long enough."
"""


def test_an_unknown_class_is_refused_naming_the_known_ones():
    with pytest.raises(
        ScenarioError,
        match=r"unknown reference class 'since1946' \(did you mean "
        r"'since-1946'\?\) \(known: all, since-1946",
    ):
        load_classes().find("since1946")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD + "from_yaer = 1946\n", "unknown key (did you mean 'from_year'?)"),
        (GOOD + "from_year = 1990\nto_year = 1950\n", "to_year (1950) is before from_year"),
        (GOOD + 'nuclear_armed = "some"\n', "classes.0.nuclear_armed"),
        (GOOD + GOOD, "class names repeated: all"),
        ('[[classes]]\nname = "x"\n', "classes.0.title: required field is missing"),
        (
            GOOD + "[[nuclear_armed]]\nccode = 2\nstate = 'USA'\nsince = 1945\n",
            "nuclear_armed.0.source: required field is missing",
        ),
    ],
)
def test_a_bad_classes_file_is_refused_in_one_line(tmp_path: Path, text: str, message: str):
    with pytest.raises(ScenarioError) as error:
        load_classes(write(tmp_path, text))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_file_of_another_kind_is_refused(tmp_path: Path):
    path = tmp_path / "x.toml"
    path.write_text('kind = "patterns"\n')
    with pytest.raises(ScenarioError, match="not a reference-classes file"):
        load_classes(path)

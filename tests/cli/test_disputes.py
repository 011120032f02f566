"""`escalation record` and `escalation validate SCENARIO --class NAME`: outputs and clean
failures on bad input."""

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sim.cli import app
from sim.record.classes import CLASSES

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_record_prints_each_class_with_its_size_and_bootstrap_intervals():
    result = invoke("record", "--resamples", "200")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "all: All disputes, 1816-2010 (2,174 disputes)" in out
    assert "since-1946: Disputes since 1946 (1,524 disputes)" in out
    assert "3 display of force 24.9% (" in out
    assert "200 resamples of each class's disputes (seed 0)" in out


def test_record_of_one_class_writes_its_table_when_asked(tmp_path: Path):
    result = invoke(
        "record",
        "--class",
        "nuclear-both-sides",
        "--resamples",
        "100",
        "--out",
        str(tmp_path / "r"),
    )
    assert result.exit_code == 0, result.output
    assert "(108 disputes)" in result.stdout and "since-1946" not in result.stdout
    table = pd.read_csv(tmp_path / "r" / "record.csv")
    assert set(table["reference_class"]) == {"nuclear-both-sides"} and len(table) == 30
    assert "## nuclear-both-sides" in (tmp_path / "r" / "record.md").read_text()


def test_the_record_commands_sit_in_the_record_group_of_the_help():
    out = invoke("--help").stdout
    group = out[out.index("The record") :]
    assert "record " in group and "validate " in group


def test_an_unknown_class_or_a_bad_classes_file_is_one_line_and_exit_2(tmp_path: Path):
    for args in (
        ("record", "--class", "since1946"),
        ("validate", "reassurance", "--class", "since1946", "--out", str(tmp_path / "v")),
    ):
        result = invoke(*args)
        assert result.exit_code == 2
        assert result.output.count("\n") == 1, result.output
        assert "unknown reference class 'since1946' (did you mean 'since-1946'?)" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "reference-classes"\n[[classes]]\nname = "x"\n')
    result = invoke("record", "--classes", str(bad))
    assert result.exit_code == 2 and "classes.0.title: required field is missing" in result.output
    assert not (tmp_path / "v").exists()  # nothing written


def test_validate_against_a_class_with_no_dispute_is_refused_before_any_run(tmp_path: Path):
    shipped = CLASSES.read_text()
    first = 'name = "all"\ntitle = "All disputes, 1816-2010"'
    assert first in shipped
    classes = tmp_path / "k.toml"
    classes.write_text(shipped.replace(first, first + "\nfrom_year = 2050", 1))
    out = tmp_path / "v"
    result = invoke("validate", "baseline", "--class", "all", "--classes", str(classes),
                    "--runs", "100", "--workers", "1", "--out", str(out))  # fmt: skip
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "reference class 'all' holds no dispute of the record" in result.output
    assert not out.exists()


def test_validate_with_a_class_writes_the_comparison_and_the_coded_runs(tmp_path: Path):
    out = tmp_path / "v"
    result = invoke(
        "validate",
        "reassurance",
        "--class",
        "since-1946",
        "--runs",
        "300",
        "--seed",
        "1",
        "--workers",
        "1",
        "--resamples",
        "200",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "reassurance against the record: since-1946 (300 disputes of 300 runs)" in text
    assert "Every run is a dispute: Russia stands by a public warning" in text
    assert "are coded use of force only because of a clash (an incident in which" in text
    assert "outcome_victory: by construction or bounded, not a finding" in text
    assert "Pattern no-nuclear-use (no data set)" in text
    assert "Hand-typed patterns left to the data here: few-disputes-reach-war" in text
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == 30
    assert table.loc[table["statistic"] == "level_3", "record"].item() == 373 / 1524
    assert set(table["verdict"]) <= {
        "consistent",
        "model too high",
        "model too low",
        "censored",
        "no data",
    }
    assert (out / "comparison.png").stat().st_size > 20_000
    markdown = (out / "comparison.md").read_text()
    assert "## given use of force" in markdown and "## Patterns without a data set" in markdown
    runs = pd.read_parquet(out / "mid_runs.parquet")
    assert len(runs) == 300 and {"hostility", "fatality", "duration", "outcome"} <= set(runs)
    dyads = pd.read_parquet(out / "mid_dyads.parquet")
    assert len(dyads) == 900 and set(dyads["dyad"]) == {
        "Russia-Ukraine",
        "Russia-France",
        "Russia-United Kingdom",
    }
    patterns = pd.read_csv(out / "patterns.csv")
    assert set(patterns["pattern"]) == {"incidents-rarely-become-wars", "no-nuclear-use"}


def test_validate_without_a_class_still_checks_the_patterns(tmp_path: Path):
    result = invoke(
        "validate", "reassurance", "--runs", "200", "--workers", "1", "--out", str(tmp_path / "p")
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p" / "validation.csv").exists()
    assert not (tmp_path / "p" / "comparison.csv").exists()
